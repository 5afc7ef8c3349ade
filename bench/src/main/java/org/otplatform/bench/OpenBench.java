package org.otplatform.bench;

import io.fabric8.kubernetes.api.model.Pod;
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
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.otplatform.embedded.EmbeddedPlatform;

/**
 * Session open through the whole control plane: {@code POST /api/v1/sessions} → GSS → Kafka → LSS
 * → Kubernetes API (the fabric8 mock, whose node marks pods Ready at once) → informer → Kafka →
 * GSS fold → {@code SessionReady} on the client's SSE stream. Latency one open at a time, then
 * sustained opens per second with concurrent clients (each opens, waits for READY, closes).
 * Run with {@code bin/ot-bench open}.
 */
public final class OpenBench {
  private static final String NS = "ot-compute";
  /** Held, or java.util.logging forgets the level set on it. */
  private static final java.util.logging.Logger MOCK_LOG = java.util.logging.Logger.getLogger("io.fabric8.mockwebserver");

  private OpenBench() {}

  public static void main(String[] args) throws Exception {
    MOCK_LOG.setLevel(java.util.logging.Level.WARNING);
    int clients = Integer.parseInt(System.getenv().getOrDefault("OT_BENCH_CLIENTS", "8"));
    int seconds = Integer.parseInt(System.getenv().getOrDefault("OT_BENCH_SECONDS", "15"));
    KubernetesMockServer server = new KubernetesMockServer(new Context(), new MockWebServer(), new HashMap<>(),
        new KubernetesCrudDispatcher(), false);
    server.init();
    KubernetesClient node = server.createClient();
    ExecutorService kubelet = Executors.newFixedThreadPool(2);
    SharedIndexInformer<Pod> nodeInformer = node.pods().inNamespace(NS).inform(new ResourceEventHandler<>() {
      @Override
      public void onAdd(Pod pod) {
        kubelet.execute(() -> node.pods().inNamespace(NS).withName(pod.getMetadata().getName())
            .editStatus(LssBench::ready));
      }

      @Override
      public void onUpdate(Pod old, Pod pod) {}

      @Override
      public void onDelete(Pod pod, boolean unknown) {}
    }, 0);
    System.setProperty("kubernetes.master", "http://" + server.getHostName() + ":" + server.getPort());
    System.setProperty("kubernetes.auth.tryKubeConfig", "false");
    System.setProperty("kubernetes.auth.tryServiceAccount", "false");
    Path catalog = Files.createTempFile("ot-bench-catalog", ".json");
    Files.writeString(catalog, """
        {"types": {"pod": {"maxOpenPerProject": 1000, "services": [{"name": "echo", "image": "img:ok"}]}}}""");
    EmbeddedPlatform.Ports ports = EmbeddedPlatform.Ports.free();
    Map<String, String> env = new HashMap<>(Map.of("OT_ADMIN_PASSWORD", BenchHttp.PASSWORD, "OT_LSS_MODE",
        "kubernetes", "OT_LSS_NAMESPACE", NS, "OT_CATALOG", catalog.toString(), "OT_GSS_MAX_SESSIONS_PER_USER", "1000",
        "OT_LSS_CAPACITY", "1000", "OT_LOG_LEVEL", "WARN",
        // The LSS's API brakes (default 20 writes/s: 10 sessions/s) lifted: this measures the platform.
        "OT_LSS_API_QPS", "1000", "OT_LSS_API_BURST", "1000", "OT_LSS_MAX_CONCURRENT_SPAWNS", "100"));
    Map<String, String> tls = BenchHttp.tlsIfAsked();
    env.putAll(tls);
    EmbeddedPlatform platform = new EmbeddedPlatform(new EmbeddedPlatform.Settings(null,
        Path.of(System.getProperty("ot.broker.lib", "broker/target/lib")), env, ports)).start();
    try {
      String gss = platform.url(ports.gss());
      String token = BenchHttp.adminWithProject(gss, platform.url(ports.auth()));
      System.out.printf("Session open, request -> READY on the SSE stream: GSS, Kafka, LSS (kubernetes mode) and"
          + " the fabric8 API mock whose node marks pods Ready at once; API rate limits lifted; %s; %d cores%n",
          tls.isEmpty() ? "TLS off" : "mutual TLS on (HTTPS, Kafka over TLS)", Runtime.getRuntime().availableProcessors());
      for (int i = 0; i < 10; i++) {
        openOnce(gss, token); // warm-up
      }
      List<Double> one = new ArrayList<>();
      for (int i = 0; i < 50; i++) {
        one.add(openOnce(gss, token));
      }
      Stats s = Stats.of(one);
      System.out.printf("one at a time:        p50 %.1f ms  p99 %.1f ms  min %.1f  max %.1f  (n=%d)%n", s.p50(), s.p99(),
          s.min(), s.max(), s.n());
      List<Double> rates = new ArrayList<>();
      List<Double> loaded = Collections.synchronizedList(new ArrayList<>());
      for (int run = 0; run < 3; run++) {
        rates.add(sustained(gss, token, clients, seconds, loaded));
      }
      Stats r = Stats.of(rates);
      Stats l = Stats.of(loaded);
      System.out.printf("%d clients, %d s runs: %.1f opens/s (3 runs: min %.1f, max %.1f);"
          + " latency p50 %.1f ms  p99 %.1f ms (n=%d)%n", clients, seconds, r.p50(), r.min(), r.max(), l.p50(), l.p99(),
          l.n());
    } finally {
      platform.close();
      nodeInformer.stop();
      kubelet.shutdownNow();
      node.close();
      server.destroy();
    }
  }

  /** One open: POST, then the session's SSE stream until SessionReady; the session is closed after. */
  private static double openOnce(String gss, String token) throws Exception {
    long t0 = System.nanoTime();
    String id = new JsonObject(BenchHttp.post(gss + "/api/v1/sessions", token,
        "{\"project\":\"bench\",\"type\":\"pod\"}")).getString("id");
    awaitEvent(gss + "/api/v1/sessions/" + id + "/events", token, "SessionReady");
    double ms = (System.nanoTime() - t0) / 1e6;
    BenchHttp.delete(gss + "/api/v1/sessions/" + id, token);
    return ms;
  }

  private static double sustained(String gss, String token, int clients, int seconds, List<Double> latencies)
      throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(clients);
    AtomicInteger opened = new AtomicInteger();
    AtomicInteger failed = new AtomicInteger();
    long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
    long t0 = System.nanoTime();
    List<Future<?>> workers = new ArrayList<>();
    for (int c = 0; c < clients; c++) {
      workers.add(pool.submit(() -> {
        while (System.nanoTime() < end) {
          try {
            latencies.add(openOnce(gss, token));
            opened.incrementAndGet();
          } catch (IllegalStateException e) {
            // The session failed (the API mock stalls now and then under load): counted, not timed.
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
      System.out.printf("  (%d opens failed in this run and are left out)%n", failed.get());
    }
    return opened.get() / ((System.nanoTime() - t0) / 1e9);
  }

  private static void awaitEvent(String url, String token, String type) throws Exception {
    HttpResponse<InputStream> response = BenchHttp.HTTP.send(HttpRequest.newBuilder(URI.create(url))
        .timeout(Duration.ofSeconds(60)).header("authorization", "Bearer " + token)
        .header("accept", "text/event-stream").build(), HttpResponse.BodyHandlers.ofInputStream());
    try (BufferedReader reader = new BufferedReader(new InputStreamReader(response.body(), StandardCharsets.UTF_8))) {
      String line;
      while ((line = reader.readLine()) != null) {
        if (line.equals("event: " + type)) {
          return;
        }
      }
    }
    throw new IllegalStateException("stream ended before " + type + ": " + url);
  }
}
