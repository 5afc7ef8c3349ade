package org.otplatform.faults.suite;

import de.bwaldvogel.mongo.MongoServer;
import de.bwaldvogel.mongo.backend.memory.MemoryBackend;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.otplatform.embedded.FreePorts;
import org.otplatform.embedded.KafkaBroker;

/**
 * The platform as a cluster runs it, on this machine: every service replica its own JVM, a real
 * Kafka broker of its own JVM, the Mongo-wire store (in this JVM: it is the one part the suite
 * does not kill — a cluster runs MongoDB as a replica set), and in front of each kind a
 * {@link Balancer} standing for its Kubernetes Service. Replicas keep port and instance id when
 * restarted.
 */
final class Cluster implements AutoCloseable {
  static final List<String> KINDS = List.of("auth", "gss", "lss", "relay", "logger");
  static final String ADMIN_PASSWORD = "faults-admin-password-1";
  /** How soon a GSS replica gives up on a silent LSS: short, so that a run sees many handovers. */
  static final int LSS_LOST_SECONDS = 6;

  private final Path dir;
  private final Path brokerLib;
  private final Map<String, Integer> replicas;
  private final Vertx vertx = Vertx.vertx();
  private final MongoServer mongo = new MongoServer(new MemoryBackend());
  private final int mongoPort = FreePorts.pick();
  private final KafkaBroker broker;
  private final Map<String, List<Node>> nodes = new LinkedHashMap<>();
  private final Map<String, Balancer> balancers = new HashMap<>();
  private final ScheduledExecutorService prober = Executors.newSingleThreadScheduledExecutor(r -> {
    Thread t = new Thread(r, "faults-prober");
    t.setDaemon(true);
    return t;
  });

  Cluster(Path dir, Path brokerLib, Map<String, Integer> replicas) {
    this.dir = dir;
    this.brokerLib = brokerLib;
    this.replicas = replicas;
    this.broker = new KafkaBroker(dir.resolve("kafka"), brokerLib, FreePorts.pick(), FreePorts.pick());
  }

  /** Store, broker, AUTH, then every other replica; returns once every one is ready. */
  Cluster start() throws Exception {
    Runtime.getRuntime().addShutdownHook(new Thread(this::killAll, "faults-cluster"));
    mongo.bind("127.0.0.1", mongoPort);
    broker.start(Duration.ofSeconds(120));
    for (String kind : KINDS) {
      List<Node> list = new ArrayList<>();
      for (int r = 1; r <= replicas.getOrDefault(kind, 1); r++) {
        list.add(null);
      }
      nodes.put(kind, list);
      balancers.put(kind, new Balancer(vertx, list));
    }
    for (String kind : KINDS) {
      List<Node> list = nodes.get(kind);
      for (int r = 1; r <= list.size(); r++) {
        list.set(r - 1, node(kind, r));
      }
      balancers.get(kind).listen().await(10, TimeUnit.SECONDS);
    }
    prober.scheduleWithFixedDelay(this::probe, 0, 300, TimeUnit.MILLISECONDS);
    // AUTH first (every other service reads its keys), then the rest side by side.
    nodes.get("auth").get(0).start();
    awaitReady(nodes.get("auth"), Duration.ofSeconds(180));
    List<Node> rest = new ArrayList<>();
    for (String kind : KINDS.subList(1, KINDS.size())) {
      for (Node n : nodes.get(kind)) {
        n.start();
        rest.add(n);
      }
    }
    awaitReady(rest, Duration.ofSeconds(300));
    return this;
  }

  private Node node(String kind, int replica) throws IOException {
    int port = FreePorts.pick();
    String name = kind + "-" + replica;
    List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Xmx256m", "-XX:+ExitOnOutOfMemoryError", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
        "-cp", System.getProperty("java.class.path") + ":" + withParentJar(),
        "org.otplatform.broker.WithParent", Long.toString(ProcessHandle.current().pid()), Node.mainClass(kind)));
    Map<String, String> env = new HashMap<>();
    env.put("OT_KAFKA_BOOTSTRAP", broker.bootstrap());
    env.put("OT_MONGO_URI", "mongodb://127.0.0.1:" + mongoPort);
    env.put("OT_HOST", "127.0.0.1");
    env.put("OT_" + kind.toUpperCase(Locale.ROOT) + "_PORT", Integer.toString(port));
    env.put("OT_INSTANCE_ID", name);
    env.put("OT_ADMIN_PASSWORD", ADMIN_PASSWORD);
    env.put("OT_LOG_FORMAT", "text");
    env.put("OT_LOG_LEVEL", "INFO");
    env.put("OT_AUTH_URL", balancers.get("auth").url());
    env.put("OT_GSS_URL", balancers.get("gss").url());
    env.put("OT_PUBLIC_AUTH_URL", balancers.get("auth").url());
    env.put("OT_PUBLIC_LOGGER_URL", balancers.get("logger").url());
    env.put("OT_PUBLIC_RELAY_URL", "ws://127.0.0.1:" + balancers.get("relay").port());
    env.put("OT_HTTP_MAX_CONNECTIONS_PER_ADDRESS", "0"); // every client here is on the loopback address
    env.put("OT_AUTH_ACCESS_TTL_SECONDS", "3600");
    env.put("OT_STARTUP_TIMEOUT_SECONDS", "300");
    env.put("OT_GSS_LSS_LOST_SECONDS", Integer.toString(LSS_LOST_SECONDS));
    env.put("OT_GSS_SWEEP_SECONDS", "1");
    env.put("OT_LSS_HEARTBEAT_SECONDS", "1");
    env.put("OT_LSS_RESTART_BACKOFF_MILLIS", "250");
    env.put("OT_LSS_SPOOL_DIR", dir.resolve(name + "-spool").toString()); // kept across its restarts, as a pod's emptyDir
    env.put("OT_LSS_MAX_RESTART_BACKOFF_SECONDS", "2");
    return new Node(kind, replica, port, command, env, dir.resolve(name + ".log"));
  }

  /** The broker module's jar, which holds {@code WithParent}. */
  private Path withParentJar() throws IOException {
    try (var files = Files.list(brokerLib)) {
      return files.filter(p -> p.getFileName().toString().startsWith("ot-broker-")).findFirst()
          .orElseThrow(() -> new IOException("no ot-broker jar in " + brokerLib));
    }
  }

  private void probe() {
    for (List<Node> list : nodes.values()) {
      for (Node n : list) {
        if (n != null) {
          n.ready = n.alive() && !n.paused() && Api.ready(n.url());
        }
      }
    }
  }

  static void awaitReady(List<Node> list, Duration bound) throws InterruptedException {
    long deadline = System.nanoTime() + bound.toNanos();
    for (Node n : list) {
      while (!n.ready) {
        if (!n.alive()) {
          throw new IllegalStateException(n.name() + " exited; see " + n.log());
        }
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException(n.name() + " not ready within " + bound.toSeconds() + " s; see " + n.log());
        }
        Thread.sleep(100);
      }
    }
  }

  List<Node> nodes(String kind) {
    return nodes.get(kind);
  }

  List<Node> all() {
    return nodes.values().stream().flatMap(List::stream).toList();
  }

  String url(String kind) {
    return balancers.get(kind).url();
  }

  String relayWs() {
    return "ws://127.0.0.1:" + balancers.get("relay").port();
  }

  KafkaBroker broker() {
    return broker;
  }

  /** On Ctrl-C or SIGTERM nothing of the run stays behind. */
  private void killAll() {
    for (Node n : all()) {
      if (n != null && n.alive()) {
        n.kill();
      }
    }
    broker.kill();
  }

  @Override
  public void close() {
    prober.shutdownNow();
    all().parallelStream().filter(n -> n != null).forEach(Node::stop);
    broker.close();
    mongo.shutdownNow();
    vertx.close();
  }
}
