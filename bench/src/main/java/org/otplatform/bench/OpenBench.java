package org.otplatform.bench;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.vertx.core.json.JsonObject;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.otplatform.common.service.ClassDataArchive;
import org.otplatform.compute.contract.ComputeContract;
import org.otplatform.embedded.EmbeddedPlatform;

/**
 * Session open through the whole control plane: {@code POST /api/v1/sessions} → GSS → Kafka → LSS
 * → spawner → Kafka → GSS fold → {@code SessionReady} on the client's SSE stream; one at a time and
 * sustained with concurrent clients (each opens, waits for READY, closes). With the Kubernetes
 * spawner against the fabric8 API mock (whose node marks pods Ready at once), next to creating the
 * same pod by hand and watching it become Ready; with the local spawner, next to starting the same
 * compute process by hand and waiting until it listens. Run with {@code bin/ot-bench open}.
 */
public final class OpenBench {
  private static final String NS = "ot-compute";

  private OpenBench() {}

  public static void main(String[] args) {
    BenchSuite.main(new String[] {"open"});
  }

  static List<Row> measure(BenchSuite.Context context) throws Exception {
    List<Row> rows = new ArrayList<>(kubernetes(context.brokerLib(), false, context.size()).rows("open, kubernetes"));
    rows.addAll(local(context.brokerLib(), context.size()));
    rows.addAll(warmLocal(context.brokerLib(), context.size()));
    rows.addAll(warmKubernetes(context.brokerLib(), context.size()));
    return rows;
  }

  /** The Kubernetes spawner's figures, each list one value per run. */
  record Figures(int clients, List<Double> p50, List<Double> p99, List<Double> rate, List<Double> refP50,
      List<Double> refP99, List<Double> refRate) {

    List<Row> rows(String section) {
      String byHand = "pod create -> Ready seen, by hand";
      return List.of(
          new Row(section, "request -> READY, one at a time, p50", "ms", p50, byHand, refP50),
          new Row(section, "request -> READY, one at a time, p99", "ms", p99, byHand, refP99),
          new Row(section, "sustained opens, " + clients + " clients", "/s", rate,
              "pods created, Ready, deleted by hand, " + clients + " clients", refRate));
    }
  }

  /** The mock API server, a node that marks every new pod Ready, and a client of the bench's own. */
  static final class MockCluster implements AutoCloseable {
    final KubernetesMockServer server = new KubernetesMockServer(new Context(), new MockWebServer(), new HashMap<>(),
        new KubernetesCrudDispatcher(), false);
    final KubernetesClient node;
    final ExecutorService kubelet = Executors.newFixedThreadPool(2);
    final SharedIndexInformer<Pod> nodeInformer;
    /** Reference pods by name, completed when the bench's own informer sees them Ready. */
    final Map<String, CompletableFuture<Void>> awaitedReady = new ConcurrentHashMap<>();
    final SharedIndexInformer<Pod> benchInformer;

    MockCluster() {
      server.init();
      node = server.createClient();
      nodeInformer = node.pods().inNamespace(NS).inform(new Handler() {
        @Override
        public void onAdd(Pod pod) {
          kubelet.execute(() -> {
            if (pod.getMetadata().getLabels() != null && pod.getMetadata().getLabels().containsKey("ot-platform.org/warm")) {
              runWarm(pod);
            } else {
              node.pods().inNamespace(NS).withName(pod.getMetadata().getName()).editStatus(LssBench::ready);
            }
          });
        }

        @Override
        public void onDelete(Pod pod, boolean unknown) {
          org.otplatform.compute.sdk.ComputeService running = containers.remove(pod.getMetadata().getName());
          if (running != null) {
            running.stop();
          }
        }
      }, 0);
      benchInformer = node.pods().inNamespace(NS).inform(new Handler() {
        @Override
        public void onUpdate(Pod old, Pod pod) {
          boolean ready = pod.getStatus() != null && pod.getStatus().getConditions().stream()
              .anyMatch(c -> "Ready".equals(c.getType()) && "True".equals(c.getStatus()));
          CompletableFuture<Void> waiting = ready ? awaitedReady.remove(pod.getMetadata().getName()) : null;
          if (waiting != null) {
            waiting.complete(null);
          }
        }
      }, 0);
    }

    /** The containers of warm pods, which run (the LSS assigns them over HTTP), by pod name. */
    final Map<String, org.otplatform.compute.sdk.ComputeService> containers = new ConcurrentHashMap<>();
    private final AtomicInteger addresses = new AtomicInteger(1);

    /**
     * A warm pod's container for real: an SDK echo service in this JVM with the pod's environment,
     * on a loopback address of its own (the pod's IP) and the pod's port; then Ready.
     */
    private void runWarm(Pod pod) {
      Map<String, String> env = new HashMap<>();
      pod.getSpec().getContainers().get(0).getEnv().forEach(e -> env.put(e.getName(), e.getValue()));
      env.put("OT_LOG_LEVEL", "WARN");
      int n = addresses.incrementAndGet();
      String ip = "127.0." + (n / 250) + "." + (n % 250 + 2);
      int port = pod.getSpec().getContainers().get(0).getPorts().get(0).getContainerPort();
      org.otplatform.compute.sdk.ComputeService service = org.otplatform.compute.sdk.ComputeService.create("echo", env);
      try {
        service.start(ip, port).toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
      } catch (Exception e) {
        throw new IllegalStateException("a warm pod's container did not start: " + e.getMessage(), e);
      }
      containers.put(pod.getMetadata().getName(), service);
      node.pods().inNamespace(NS).withName(pod.getMetadata().getName())
          .editStatus(p -> new PodBuilder(LssBench.ready(p)).editStatus().withPodIP(ip).endStatus().build());
    }

    /** What the LSS's environment needs to reach this API server. */
    String master() {
      return "http://" + server.getHostName() + ":" + server.getPort();
    }

    /** Creates a pod by hand, waits until it is Ready, deletes it; the time to Ready in ms. */
    double podByHand(String name) throws Exception {
      CompletableFuture<Void> ready = new CompletableFuture<>();
      awaitedReady.put(name, ready);
      long t0 = System.nanoTime();
      node.pods().inNamespace(NS).resource(new PodBuilder().withNewMetadata().withName(name).endMetadata()
          .withNewSpec().addNewContainer().withName("echo").withImage("img:ok").endContainer().endSpec().build())
          .create();
      ready.get(60, TimeUnit.SECONDS);
      double ms = (System.nanoTime() - t0) / 1e6;
      node.pods().inNamespace(NS).withName(name).delete();
      return ms;
    }

    @Override
    public void close() {
      benchInformer.stop();
      nodeInformer.stop();
      containers.values().forEach(org.otplatform.compute.sdk.ComputeService::stop);
      kubelet.shutdownNow();
      node.close();
      server.destroy();
    }
  }

  /** Pod events the bench does not need are ignored. */
  private interface Handler extends ResourceEventHandler<Pod> {
    @Override
    default void onAdd(Pod pod) {}

    @Override
    default void onUpdate(Pod old, Pod pod) {}

    @Override
    default void onDelete(Pod pod, boolean unknown) {}
  }

  /** Session open with the Kubernetes spawner, with or without mutual TLS inside the platform. */
  static Figures kubernetes(Path brokerLib, boolean tls, Size size) throws Exception {
    return kubernetes(brokerLib, tls, size, Map.of());
  }

  /** As above, with {@code extra} in the platform's environment (OT_TRACING=off). */
  static Figures kubernetes(Path brokerLib, boolean tls, Size size, Map<String, String> extra) throws Exception {
    int clients = size.count("OT_BENCH_CLIENTS", 8, 2);
    int seconds = size.count("OT_BENCH_SECONDS", 5, 1);
    try (MockCluster cluster = new MockCluster()) {
      System.setProperty("kubernetes.master", cluster.master());
      System.setProperty("kubernetes.auth.tryKubeConfig", "false");
      System.setProperty("kubernetes.auth.tryServiceAccount", "false");
      Map<String, String> env = new HashMap<>(Map.of("OT_LSS_MODE", "kubernetes", "OT_LSS_NAMESPACE", NS,
          "OT_CATALOG", catalog("{\"name\": \"echo\", \"image\": \"img:ok\"}").toString(),
          // The LSS's API brakes (default 20 writes/s: 10 sessions/s) lifted: this measures the platform.
          "OT_LSS_API_QPS", "1000", "OT_LSS_API_BURST", "1000", "OT_LSS_MAX_CONCURRENT_SPAWNS", "100",
          // Following a pod's log opens and closes a watch on it; the mock stalls for seconds
          // whenever a watch closes, which would be measured as the platform's time. Off the open path.
          "OT_LSS_FOLLOW_POD_LOGS", "false"));
      env.putAll(BenchHttp.tls(tls));
      env.putAll(extra);
      try (Platform p = Platform.start(brokerLib, env)) {
        for (int i = 0; i < size.count("OT_BENCH_WARMUP", 10, 1); i++) {
          p.openOnce(); // warm-up
          cluster.podByHand("warm-" + i);
        }
        Figures f = new Figures(clients, new ArrayList<>(), new ArrayList<>(), new ArrayList<>(), new ArrayList<>(),
            new ArrayList<>(), new ArrayList<>());
        AtomicInteger refs = new AtomicInteger();
        for (int run = 0; run < size.runs(3); run++) {
          List<Double> opens = new ArrayList<>();
          List<Double> byHand = new ArrayList<>();
          for (int i = 0; i < size.count("OT_BENCH_OPENS", 20, 2); i++) {
            opens.add(p.openOnce());
            byHand.add(cluster.podByHand("ref-" + refs.incrementAndGet()));
          }
          f.p50().add(Stats.of(opens).p50());
          f.p99().add(Stats.of(opens).p99());
          f.refP50().add(Stats.of(byHand).p50());
          f.refP99().add(Stats.of(byHand).p99());
          f.rate().add(sustained(clients, seconds, p::openOnce));
          f.refRate().add(sustained(clients, seconds, () -> cluster.podByHand("ref-" + refs.incrementAndGet())));
        }
        return f;
      }
    }
  }

  /** Session open with the local spawner (a JVM per compute service), next to starting that JVM by hand. */
  static List<Row> local(Path brokerLib, Size size) throws Exception {
    String[] command = {Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx128m",
        "-XX:TieredStopAtLevel=1", "-cp", System.getProperty("java.class.path"),
        "org.otplatform.compute.echo.EchoService"};
    String catalogCommand = "[\"${java}\", \"-Xmx128m\", \"-XX:TieredStopAtLevel=1\", \"-cp\", \"${classpath}\","
        + " \"org.otplatform.compute.echo.EchoService\"]";
    // The LSS starts compute JVMs on a class-data archive: the like-for-like reference does too.
    String[] archived = archived(command);
    int clients = 2;
    int seconds = size.count("OT_BENCH_SECONDS", 5, 1);
    try (Platform p = Platform.start(brokerLib, Map.of("OT_CATALOG",
        catalog("{\"name\": \"echo\", \"command\": " + catalogCommand + "}").toString()))) {
      for (int i = 0; i < size.count("OT_BENCH_WARMUP", 3, 1); i++) {
        p.openOnce();
        processByHand(command);
        processByHand(archived);
      }
      List<Double> p50 = new ArrayList<>();
      List<Double> refP50 = new ArrayList<>();
      List<Double> archivedP50 = new ArrayList<>();
      List<Double> rate = new ArrayList<>();
      List<Double> refRate = new ArrayList<>();
      for (int run = 0; run < size.runs(3); run++) {
        List<Double> opens = new ArrayList<>();
        List<Double> byHand = new ArrayList<>();
        List<Double> byHandArchived = new ArrayList<>();
        for (int i = 0; i < size.count("OT_BENCH_LOCAL_OPENS", 4, 1); i++) {
          opens.add(p.openOnce());
          byHand.add(processByHand(command));
          byHandArchived.add(processByHand(archived));
        }
        p50.add(Stats.of(opens).p50());
        refP50.add(Stats.of(byHand).p50());
        archivedP50.add(Stats.of(byHandArchived).p50());
        rate.add(sustained(clients, seconds, p::openOnce));
        refRate.add(sustained(clients, seconds, () -> processByHand(command)));
      }
      return List.of(
          new Row("open, local", "request -> READY, one at a time, p50", "ms", p50,
              "same compute JVM started by hand -> listening", refP50),
          new Row("open, local", "request -> READY, one at a time, p50", "ms", p50,
              "the same by hand on its class-data archive, as the LSS starts it", archivedP50),
          new Row("open, local", "sustained opens, " + clients + " clients", "/s", rate,
              "compute JVMs started and stopped by hand, " + clients + " clients", refRate));
    }
  }

  /**
   * Opens of a type whose service the LSS keeps {@code warm: 2} of, beside cold opens of the same
   * service (another type) on the same platform: one at a time, each with the pool full (as an open
   * finds it when opens are not back to back), and sustained by two clients, with the share of
   * those that found a warm process.
   */
  static List<Row> warmLocal(Path brokerLib, Size size) throws Exception {
    Path catalog = warmCatalog("{\"name\": \"echo\", \"command\": [\"${java}\", \"-Xmx128m\", "
        + "\"-XX:TieredStopAtLevel=1\", \"-cp\", \"${classpath}\", \"org.otplatform.compute.echo.EchoService\"]}");
    try (Platform p = Platform.start(brokerLib, Map.of("OT_CATALOG", catalog.toString()))) {
      return warmRows(p, size, "open, local, warm: 2", "process", "a cold open of the same service, same platform", 2,
          size.count("OT_BENCH_WARMUP", 3, 1), size.count("OT_BENCH_WARM_OPENS", 10, 1));
    }
  }

  /**
   * The same against the API mock: warm pods' containers run for real (the LSS assigns them over
   * HTTP); cold pods are marked Ready at once, as above.
   */
  static List<Row> warmKubernetes(Path brokerLib, Size size) throws Exception {
    Path catalog = warmCatalog("{\"name\": \"echo\", \"image\": \"img:ok\"}");
    try (MockCluster cluster = new MockCluster()) {
      System.setProperty("kubernetes.master", cluster.master());
      System.setProperty("kubernetes.auth.tryKubeConfig", "false");
      System.setProperty("kubernetes.auth.tryServiceAccount", "false");
      Map<String, String> env = new HashMap<>(Map.of("OT_LSS_MODE", "kubernetes", "OT_LSS_NAMESPACE", NS,
          "OT_CATALOG", catalog.toString(), "OT_LSS_API_QPS", "1000", "OT_LSS_API_BURST", "1000",
          "OT_LSS_MAX_CONCURRENT_SPAWNS", "100", "OT_LSS_FOLLOW_POD_LOGS", "false"));
      try (Platform p = Platform.start(brokerLib, env)) {
        return warmRows(p, size, "open, kubernetes, warm: 2", "pod",
            "a cold open of the same service (pods Ready at once), same platform", size.count("OT_BENCH_CLIENTS", 8, 2),
            size.count("OT_BENCH_WARMUP", 10, 1), size.count("OT_BENCH_OPENS", 20, 2));
      }
    }
  }

  /**
   * Types {@code bench-warm} ({@code warm: 2}) and {@code bench} of {@code service}; the cold type's
   * service differs in its env, since a warm instance serves any type of the very same service.
   */
  private static Path warmCatalog(String service) throws Exception {
    String cold = service.replaceFirst("^\\{", "{\"env\": {\"OT_BENCH\": \"cold\"}, ");
    Path catalog = Files.createTempFile("ot-bench-catalog", ".json");
    Files.writeString(catalog, "{\"types\": {\"bench\": {\"maxOpenPerProject\": 1000, \"services\": [" + cold
        + "]}, \"bench-warm\": {\"maxOpenPerProject\": 1000, \"warm\": 2, \"services\": [" + service + "]}}}");
    catalog.toFile().deleteOnExit();
    return catalog;
  }

  /** Warm opens beside cold ones on {@code p}: one at a time with the pool full, then sustained by {@code clients}. */
  private static List<Row> warmRows(Platform p, Size size, String section, String instance, String coldReference,
      int clients, int warmup, int opens) throws Exception {
    int seconds = size.count("OT_BENCH_SECONDS", 5, 1);
    String metrics = p.embedded().url(p.embedded().ports().lss()) + "/metrics";
    for (int i = 0; i < warmup; i++) {
      awaitWarm(metrics, 2);
      p.openOnce("bench-warm");
      p.openOnce("bench");
    }
    List<Double> warm = new ArrayList<>();
    List<Double> cold = new ArrayList<>();
    List<Double> rate = new ArrayList<>();
    List<Double> coldRate = new ArrayList<>();
    List<Double> share = new ArrayList<>();
    for (int run = 0; run < size.runs(3); run++) {
      List<Double> warmOpens = new ArrayList<>();
      List<Double> coldOpens = new ArrayList<>();
      for (int i = 0; i < opens; i++) {
        awaitWarm(metrics, 2);
        warmOpens.add(p.openOnce("bench-warm"));
        awaitWarm(metrics, 2); // a refill starting would slow the cold open down
        coldOpens.add(p.openOnce("bench"));
      }
      warm.add(Stats.of(warmOpens).p50());
      cold.add(Stats.of(coldOpens).p50());
      awaitWarm(metrics, 2);
      double[] before = starts(metrics);
      rate.add(sustained(clients, seconds, () -> p.openOnce("bench-warm")));
      double[] after = starts(metrics);
      double total = (after[0] - before[0]) + (after[1] - before[1]);
      share.add(total == 0 ? 0 : 100 * (after[0] - before[0]) / total);
      awaitWarm(metrics, 2);
      coldRate.add(sustained(clients, seconds, () -> p.openOnce("bench")));
    }
    return List.of(
        new Row(section, "request -> READY, a warm " + instance + " ready, p50", "ms", warm, coldReference, cold),
        new Row(section, "sustained opens, " + clients + " clients", "/s", rate,
            "cold opens of the same service, " + clients + " clients", coldRate),
        Row.of(section, "of those sustained opens, served by a warm " + instance, "%", share));
  }

  /** Waits until the LSS has {@code n} warm processes ready (its {@code ot_lss_warm_ready}). */
  private static void awaitWarm(String metrics, int n) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (metric(BenchHttp.text(metrics), "ot_lss_warm_ready", null) < n) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("the LSS did not get " + n + " warm processes ready within 60 s");
      }
      Thread.sleep(20);
    }
  }

  /** {@code ot_lss_service_starts_total} with warm="true", and with warm="false", now. */
  private static double[] starts(String metrics) throws Exception {
    String text = BenchHttp.text(metrics);
    return new double[] {metric(text, "ot_lss_service_starts_total", "warm=\"true\""),
        metric(text, "ot_lss_service_starts_total", "warm=\"false\"")};
  }

  /** The sum of a family's samples in Prometheus text whose labels contain {@code label} (null: all). */
  private static double metric(String text, String family, String label) {
    double sum = 0;
    for (String line : text.split("\n")) {
      if (line.startsWith(family + "{") && (label == null || line.contains(label))) {
        sum += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
      }
    }
    return sum;
  }

  /**
   * The command on a class-data archive of its own (written by one run first, as the LSS's first
   * process of a kind writes it), or the command as it is when none can be made.
   */
  private static String[] archived(String[] command) throws Exception {
    Path dir = Files.createTempDirectory("ot-bench-cds");
    List<String> jvmArgs = List.of(command).subList(1, command.length);
    String classpath = command[Arrays.asList(command).indexOf("-cp") + 1];
    ClassDataArchive writing = ClassDataArchive.of(dir, "echo", classpath, jvmArgs);
    processByHand(with(command, writing.jvmOptions()));
    writing.publish(true); // processByHand stopped it with SIGTERM and waited for its exit
    return with(command, ClassDataArchive.of(dir, "echo", classpath, jvmArgs).jvmOptions());
  }

  private static String[] with(String[] command, List<String> options) {
    List<String> all = new ArrayList<>(List.of(command));
    all.addAll(1, options);
    return all.toArray(String[]::new);
  }

  /** Starts the compute service's JVM, waits until it announces its port, stops it; ms to listening. */
  private static double processByHand(String[] command) throws Exception {
    ProcessBuilder builder = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD);
    builder.environment().put("OT_PORT", "0");
    builder.environment().put("OT_LOG_LEVEL", "WARN");
    long t0 = System.nanoTime();
    Process process = builder.start();
    try (BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(),
        StandardCharsets.UTF_8))) {
      String line;
      while ((line = out.readLine()) != null) {
        if (ComputeContract.listeningPort(line).isPresent()) {
          return (System.nanoTime() - t0) / 1e6;
        }
      }
      throw new IllegalStateException("the echo service ended before listening (exit " + process.waitFor() + ")");
    } finally {
      process.destroy();
      process.waitFor(20, TimeUnit.SECONDS);
    }
  }

  /** A catalog with one session type, {@code bench}, of one service. */
  private static Path catalog(String service) throws Exception {
    Path catalog = Files.createTempFile("ot-bench-catalog", ".json");
    Files.writeString(catalog,
        "{\"types\": {\"bench\": {\"maxOpenPerProject\": 1000, \"services\": [" + service + "]}}}");
    catalog.toFile().deleteOnExit();
    return catalog;
  }

  /** One timed action. */
  @FunctionalInterface
  interface Timed {
    double run() throws Exception;
  }

  /** Actions completed per second by {@code clients} threads repeating it for {@code seconds}. */
  static double sustained(int clients, int seconds, Timed action) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(clients);
    AtomicInteger done = new AtomicInteger();
    AtomicInteger failed = new AtomicInteger();
    long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
    long t0 = System.nanoTime();
    List<Future<?>> workers = new ArrayList<>();
    for (int c = 0; c < clients; c++) {
      workers.add(pool.submit(() -> {
        while (System.nanoTime() < end) {
          try {
            action.run();
            done.incrementAndGet();
          } catch (IllegalStateException e) {
            // A session that failed (the API mock stalls now and then under load): counted, not timed.
            failed.incrementAndGet();
          }
        }
        return null;
      }));
    }
    for (Future<?> w : workers) {
      w.get(seconds + 120L, TimeUnit.SECONDS);
    }
    pool.shutdown();
    if (failed.get() > 0) {
      System.out.printf("  (%d failed in this run and are left out)%n", failed.get());
    }
    return done.get() / ((System.nanoTime() - t0) / 1e9);
  }

  /** An embedded platform for opening sessions of type {@code bench} as the admin, in project {@code bench}. */
  record Platform(EmbeddedPlatform embedded, String gss, String token) implements AutoCloseable {

    static Platform start(Path brokerLib, Map<String, String> extra) throws Exception {
      Map<String, String> env = new HashMap<>(Map.of("OT_ADMIN_PASSWORD", BenchHttp.PASSWORD,
          "OT_GSS_MAX_SESSIONS_PER_USER", "100000", "OT_GSS_MAX_SESSIONS", "100000", "OT_LSS_CAPACITY", "100000",
          "OT_LOG_LEVEL", "WARN"));
      env.putAll(extra);
      EmbeddedPlatform.Ports ports = EmbeddedPlatform.Ports.free();
      EmbeddedPlatform embedded = new EmbeddedPlatform(new EmbeddedPlatform.Settings(null, brokerLib, env, ports))
          .start();
      try {
        String gss = embedded.url(ports.gss());
        return new Platform(embedded, gss, BenchHttp.adminWithProject(gss, embedded.url(ports.auth())));
      } catch (Exception e) {
        embedded.close();
        throw e;
      }
    }

    double openOnce() throws Exception {
      return OpenBench.openOnce(gss, token);
    }

    double openOnce(String type) throws Exception {
      return OpenBench.openOnce(gss, token, type);
    }

    @Override
    public void close() {
      embedded.close();
    }
  }

  /** One open: POST, then the session's SSE stream until SessionReady; closed after. The ms to READY. */
  static double openOnce(String gss, String token) throws Exception {
    return openOnce(gss, token, "bench");
  }

  static double openOnce(String gss, String token, String type) throws Exception {
    long t0 = System.nanoTime();
    String id = new JsonObject(BenchHttp.post(gss + "/api/v1/sessions", token,
        new JsonObject().put("project", "bench").put("type", type).encode())).getString("id");
    awaitEvent(gss + "/api/v1/sessions/" + id + "/events", token, "SessionReady");
    double ms = (System.nanoTime() - t0) / 1e6;
    BenchHttp.delete(gss + "/api/v1/sessions/" + id, token);
    return ms;
  }

  static void awaitEvent(String url, String token, String type) throws Exception {
    HttpResponse<InputStream> response = BenchHttp.HTTP.send(HttpRequest.newBuilder(URI.create(url))
        .timeout(Duration.ofSeconds(60)).header("authorization", "Bearer " + token)
        .header("accept", "text/event-stream").build(), HttpResponse.BodyHandlers.ofInputStream());
    try (BufferedReader reader = new BufferedReader(new InputStreamReader(response.body(), StandardCharsets.UTF_8))) {
      String line;
      while ((line = reader.readLine()) != null) {
        if (line.equals("event: " + type)) {
          return;
        }
        if (line.equals("event: SessionFailed")) {
          throw new IllegalStateException("session failed: " + url);
        }
      }
    }
    throw new IllegalStateException("stream ended before " + type + ": " + url);
  }
}
