package org.otplatform.bench;

import de.bwaldvogel.mongo.MongoServer;
import de.bwaldvogel.mongo.backend.memory.MemoryBackend;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.otplatform.embedded.FreePorts;
import org.otplatform.embedded.KafkaBroker;

/**
 * Services as a deployment runs them: each in its own JVM, with a Kafka broker and the Mongo-wire
 * store of their own. The JVMs get a 384 MiB heap, what the manifests' 512 MiB limit leaves them at
 * {@code MaxRAMPercentage=75}.
 */
final class ServiceProcesses implements AutoCloseable {
  static final List<String> JVM_FLAGS = List.of("-Xmx384m", "-XX:+ExitOnOutOfMemoryError");
  private final MongoServer mongo = new MongoServer(new MemoryBackend());
  private final KafkaBroker broker;
  private final int mongoPort = FreePorts.pick();
  private final List<Service> running = new java.util.concurrent.CopyOnWriteArrayList<>();

  /** One service JVM and the port its HTTP server listens on. */
  record Service(String name, Process process, int port, long startedNanos) implements AutoCloseable {
    String url() {
      return "http://127.0.0.1:" + port;
    }

    /** Waits until {@code /health/ready} answers 200; the ms since the process was started. */
    double awaitReady() throws Exception {
      BenchHttp.await(() -> {
        if (!process.isAlive()) {
          throw new IllegalStateException(name + " exited with code " + process.exitValue());
        }
        return BenchHttp.status(url() + "/health/ready") == 200;
      }, name + " ready");
      return (System.nanoTime() - startedNanos) / 1e6;
    }

    @Override
    public void close() {
      process.destroy();
      try {
        if (!process.waitFor(20, TimeUnit.SECONDS)) {
          process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        process.destroyForcibly();
      }
    }
  }

  ServiceProcesses(Path brokerLib) throws Exception {
    // A run stopped with Ctrl-C or SIGTERM takes its service JVMs with it.
    Runtime.getRuntime().addShutdownHook(new Thread(() -> running.forEach(s -> s.process().destroyForcibly()),
        "ot-bench-services"));
    mongo.bind("127.0.0.1", mongoPort);
    broker = new KafkaBroker(Files.createTempDirectory("ot-bench-kafka"), brokerLib, FreePorts.pick(),
        FreePorts.pick());
    try {
      broker.start(Duration.ofSeconds(90));
    } catch (RuntimeException e) {
      close();
      throw e;
    }
  }

  /** What every service here is given. */
  Map<String, String> baseEnv() {
    Map<String, String> env = new HashMap<>();
    env.put("OT_KAFKA_BOOTSTRAP", broker.bootstrap());
    env.put("OT_MONGO_URI", "mongodb://127.0.0.1:" + mongoPort);
    env.put("OT_HOST", "127.0.0.1");
    env.put("OT_ADMIN_PASSWORD", BenchHttp.PASSWORD);
    env.put("OT_LOG_LEVEL", "WARN");
    env.put("OT_LOG_FORMAT", "text");
    return env;
  }

  /**
   * Starts {@code org.otplatform.<name>.<Name>Main} in a JVM of its own on a free port, with the
   * base environment, {@code env} and the JVM's {@code systemProperties}.
   */
  Service start(String name, Map<String, String> env, List<String> systemProperties) throws Exception {
    String main = "org.otplatform." + name + "." + name.substring(0, 1).toUpperCase(Locale.ROOT) + name.substring(1)
        + "Main";
    return startMain(name, main, env, systemProperties);
  }

  /** Starts any main class of the bench's class path the same way (the reference server). */
  Service startMain(String name, String mainClass, Map<String, String> env, List<String> systemProperties)
      throws Exception {
    int port = FreePorts.pick();
    List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
    command.addAll(JVM_FLAGS);
    command.addAll(systemProperties);
    command.addAll(List.of("-cp", System.getProperty("java.class.path"), mainClass));
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
        .redirectOutput(Files.createTempFile("ot-bench-" + name, ".log").toFile());
    builder.environment().putAll(baseEnv());
    builder.environment().put("OT_" + name.toUpperCase(Locale.ROOT) + "_PORT", Integer.toString(port));
    builder.environment().put("OT_INSTANCE_ID", name + "-bench");
    builder.environment().putAll(env);
    long t0 = System.nanoTime();
    Service service = new Service(name, builder.start(), port, t0);
    running.add(service);
    return service;
  }

  @Override
  public void close() {
    running.forEach(Service::close);
    if (broker != null) {
      broker.close();
    }
    mongo.shutdownNow();
  }
}
