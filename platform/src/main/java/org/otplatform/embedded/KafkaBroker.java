package org.otplatform.embedded;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.otplatform.common.ExitCodes;
import org.otplatform.common.service.ClassDataArchive;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real single-node Kafka broker (KRaft, combined broker and controller) in its own JVM, its
 * classpath gathered by the {@code broker} module. Formats its storage on first start; its data
 * stays under {@code dir}, so topics and offsets survive a restart.
 */
public final class KafkaBroker implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(KafkaBroker.class);
  private final Path dir;
  private final Path libDir;
  private final int port;
  private final int controllerPort;
  /** A certificate whose subject has {@code CN=name} (in any place) is the principal {@code User:name}. */
  public static final String PRINCIPAL_RULE = "RULE:^(.*,)?CN=([^,]+)(,.*)?$/$2/,DEFAULT";
  private final org.otplatform.common.tls.TlsSettings tls;
  private java.util.Set<String> superUsers;
  private Process process;

  public KafkaBroker(Path dir, Path libDir, int port, int controllerPort) {
    this(dir, libDir, port, controllerPort, org.otplatform.common.tls.TlsSettings.OFF);
  }

  /**
   * A broker whose listeners are TLS-only when {@code tls} has certificates: it presents that
   * certificate and requires clients to present one of the same CA; and then it authorises by the
   * certificate's name: the platform's services ({@code OT_TLS_PEERS}) may do anything, any other
   * name (a compute service's) nothing — no ACL, no access.
   */
  public KafkaBroker(Path dir, Path libDir, int port, int controllerPort, org.otplatform.common.tls.TlsSettings tls) {
    this.tls = tls;
    this.superUsers = tls.peers();
    this.dir = dir;
    this.libDir = libDir;
    this.port = port;
    this.controllerPort = controllerPort;
  }

  /**
   * Only these certificate names are super users (before {@link #start}); everyone else needs an
   * ACL — how a cluster's brokers run (deploy/k8s/components/tls: only the brokers themselves).
   */
  public KafkaBroker superUsers(java.util.Set<String> names) {
    this.superUsers = java.util.Set.copyOf(names);
    return this;
  }

  public String bootstrap() {
    return "127.0.0.1:" + port;
  }

  /** How a client reaches this broker. */
  public org.otplatform.common.kafka.KafkaConnection connection() {
    return new org.otplatform.common.kafka.KafkaConnection(bootstrap(), tls.kafka());
  }

  /** Starts the broker and waits until it accepts connections, or fails with exit code 69. */
  public void start(Duration timeout) {
    if (!Files.isDirectory(libDir)) {
      throw new EmbeddedException(ExitCodes.CONFIG, "Kafka broker classpath not found at " + libDir
          + " (build it with 'mvn -pl broker package', or set OT_BROKER_LIB)", null);
    }
    try {
      Files.createDirectories(dir);
      Path properties = dir.resolve("server.properties");
      Files.writeString(properties, properties() + tlsProperties());
      Path logs = dir.resolve("logs");
      if (!Files.exists(logs.resolve("meta.properties"))) {
        run(List.of("kafka.tools.StorageTool", "format", "-t", UUID.randomUUID().toString(), "-c",
            properties.toString(), "--standalone"), dir.resolve("format.log"), Duration.ofSeconds(60));
      }
      // Through WithParent: the broker ends when this JVM is gone, even killed by SIGKILL.
      ProcessBuilder builder = new ProcessBuilder(command(List.of("org.otplatform.broker.WithParent",
              Long.toString(ProcessHandle.current().pid()), "kafka.Kafka", properties.toString())))
          .redirectErrorStream(true)
          .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("broker.log").toFile()));
      process = builder.start();
    } catch (IOException e) {
      throw new EmbeddedException(ExitCodes.CANNOT_BIND, "cannot prepare Kafka under " + dir + ": " + e.getMessage(),
          e);
    }
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!accepts()) {
      if (!process.isAlive()) {
        throw new EmbeddedException(ExitCodes.DEPENDENCY_UNAVAILABLE, "Kafka broker exited with code "
            + process.exitValue() + "; see " + dir.resolve("broker.log") + tail(dir.resolve("broker.log")), null);
      }
      if (System.nanoTime() > deadline) {
        close();
        throw new EmbeddedException(ExitCodes.DEPENDENCY_UNAVAILABLE, "Kafka broker did not listen on port " + port
            + " within " + timeout.toSeconds() + " s; see " + dir.resolve("broker.log"), null);
      }
      sleep(100);
    }
    LOG.info("Kafka broker (pid {}) listening on {}", process.pid(), bootstrap());
  }

  /**
   * The client listener on TLS with required client certificates; the broker's PEM key store is
   * its key followed by its chain, in one file, rewritten at each start.
   */
  private String tlsProperties() throws IOException {
    if (!tls.enabled()) {
      return "";
    }
    Path keystore = dir.resolve("broker-keystore.pem");
    Files.deleteIfExists(keystore);
    Files.createFile(keystore, java.nio.file.attribute.PosixFilePermissions.asFileAttribute(
        java.nio.file.attribute.PosixFilePermissions.fromString("rw-------")));
    Files.writeString(keystore, Files.readString(tls.key()) + Files.readString(tls.cert()));
    return String.join("\n",
        "inter.broker.listener.name=SSL",
        "ssl.client.auth=required",
        "ssl.keystore.type=PEM",
        "ssl.keystore.location=" + keystore.toAbsolutePath(),
        "ssl.truststore.type=PEM",
        "ssl.truststore.location=" + tls.ca().toAbsolutePath(),
        "ssl.enabled.protocols=" + String.join(",", tls.protocols()),
        // Principals are certificate names (CN), as in the cluster's brokers; no ACL, no access.
        "ssl.principal.mapping.rules=" + PRINCIPAL_RULE,
        "authorizer.class.name=org.apache.kafka.metadata.authorizer.StandardAuthorizer",
        "allow.everyone.if.no.acl.found=false",
        "super.users=" + superUsers.stream().sorted().map(n -> "User:" + n).collect(
            java.util.stream.Collectors.joining(";")),
        "") ;
  }

  private String properties() {
    // The controller listener is on loopback, only this process uses it; with TLS on it needs the
    // broker's certificate too (the authorizer sees its name there).
    String client = tls.enabled() ? "SSL" : "PLAINTEXT";
    String logs = dir.resolve("logs").toAbsolutePath().toString();
    return String.join("\n",
        "process.roles=broker,controller",
        "node.id=1",
        "listeners=" + client + "://127.0.0.1:" + port + ",CONTROLLER://127.0.0.1:" + controllerPort,
        "advertised.listeners=" + client + "://127.0.0.1:" + port,
        "controller.listener.names=CONTROLLER",
        "listener.security.protocol.map=" + client + ":" + client + ",CONTROLLER:" + client,
        "controller.quorum.bootstrap.servers=127.0.0.1:" + controllerPort,
        "log.dirs=" + logs,
        "num.partitions=6",
        "auto.create.topics.enable=false",
        "offsets.topic.replication.factor=1",
        "offsets.topic.num.partitions=6",
        "transaction.state.log.replication.factor=1",
        "transaction.state.log.min.isr=1",
        "share.coordinator.state.topic.replication.factor=1",
        "group.initial.rebalance.delay.ms=0",
        "log.retention.hours=168",
        "") ;
  }

  private List<String> command(List<String> mainAndArgs) {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-Xms128m");
    command.add("-Xmx512m");
    command.add("-XX:+UseSerialGC");
    command.add("-Djava.awt.headless=true");
    if (mainAndArgs.contains("kafka.Kafka")) {
      // Beside the broker's jars, so every platform using them shares it (tests, benchmarks, the launcher).
      classData = ClassDataArchive.of(libDir.toAbsolutePath().resolveSibling("cds"), "broker",
          libDir.toAbsolutePath() + "/*", mainAndArgs.subList(0, 1));
      command.addAll(classData.jvmOptions());
    }
    command.add("-cp");
    command.add(libDir.toAbsolutePath() + "/*");
    command.addAll(mainAndArgs);
    return command;
  }

  private void run(List<String> mainAndArgs, Path log, Duration timeout) throws IOException {
    Process p = new ProcessBuilder(command(mainAndArgs)).redirectErrorStream(true)
        .redirectOutput(log.toFile()).start();
    try {
      if (!p.waitFor(timeout.toSeconds(), TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new EmbeddedException(ExitCodes.DEPENDENCY_UNAVAILABLE, "formatting Kafka storage hung", null);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      p.destroyForcibly();
      throw new EmbeddedException(ExitCodes.CRASH, "interrupted", e);
    }
    if (p.exitValue() != 0) {
      throw new EmbeddedException(ExitCodes.DEPENDENCY_UNAVAILABLE, "formatting Kafka storage failed (exit "
          + p.exitValue() + "); see " + log + tail(log), null);
    }
  }

  private boolean accepts() {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress("127.0.0.1", port), 200);
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  private static String tail(Path log) {
    try {
      List<String> lines = Files.readAllLines(log);
      return "\n  " + String.join("\n  ", lines.subList(Math.max(0, lines.size() - 8), lines.size()));
    } catch (IOException e) {
      return "";
    }
  }

  private static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** The broker's process id while it runs (for tools that stall or kill it: the fault suite). */
  public java.util.OptionalLong pid() {
    Process p = process;
    return p != null && p.isAlive() ? java.util.OptionalLong.of(p.pid()) : java.util.OptionalLong.empty();
  }

  /** Kills the broker with SIGKILL, as a power cut or the OOM killer would; {@link #start} runs it again. */
  public void kill() {
    Process p = process;
    if (p == null) {
      return;
    }
    p.destroyForcibly();
    try {
      p.waitFor(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Stops the broker: SIGTERM for a clean shutdown, then SIGKILL after 20 s. */
  @Override
  public void close() {
    if (process == null || !process.isAlive()) {
      return;
    }
    process.destroy();
    boolean byItself = false;
    try {
      byItself = process.waitFor(20, TimeUnit.SECONDS);
      if (!byItself) {
        LOG.warn("Kafka broker did not stop in 20 s; killing it");
        process.destroyForcibly();
        process.waitFor(5, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      process.destroyForcibly();
    }
    if (classData != null) {
      classData.publish(byItself);
    }
  }

  /** The broker JVM's class-data archive, or null. */
  private ClassDataArchive classData;
}
