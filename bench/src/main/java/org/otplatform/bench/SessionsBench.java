package org.otplatform.bench;

import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Memory per open session: one GSS and one LSS, each in a JVM of its own (Kubernetes mode against
 * the fabric8 API mock, whose node marks pods Ready at once), opening {@code OT_BENCH_SESSIONS}
 * (1,000) READY sessions in {@code OT_BENCH_SESSIONS_STEPS} (4) steps; after each step the growth of
 * the heap after a full collection, divided by the sessions it added. Run with
 * {@code bin/ot-bench sessions}.
 */
public final class SessionsBench {
  private static final double KIB = 1024;

  private SessionsBench() {}

  public static void main(String[] args) {
    BenchSuite.main(new String[] {"sessions"});
  }

  static List<Row> measure(BenchSuite.Context context) throws Exception {
    int sessions = context.size().count("OT_BENCH_SESSIONS", 1000, 20);
    int steps = context.size().count("OT_BENCH_SESSIONS_STEPS", 4, 2);
    BenchHttp.tls(false);
    List<Double> gssHeap = new ArrayList<>();
    List<Double> lssHeap = new ArrayList<>();
    List<Double> openRate = new ArrayList<>();
    try (OpenBench.MockCluster cluster = new OpenBench.MockCluster();
         ServiceProcesses processes = new ServiceProcesses(context.brokerLib())) {
      Path catalog = Files.createTempFile("ot-bench-catalog", ".json");
      Files.writeString(catalog, "{\"types\": {\"bench\": {\"maxOpenPerProject\": 100000,"
          + " \"services\": [{\"name\": \"echo\", \"image\": \"img:ok\"}]}}}");
      ServiceProcesses.Service auth = processes.start("auth", Map.of(), List.of());
      auth.awaitReady();
      ServiceProcesses.Service gss = processes.start("gss", Map.of("OT_AUTH_URL", auth.url(), "OT_CATALOG",
          catalog.toString(), "OT_GSS_MAX_SESSIONS_PER_USER", "100000", "OT_GSS_MAX_SESSIONS", "100000"), List.of());
      ServiceProcesses.Service lss = processes.start("lss", Map.of("OT_LSS_MODE", "kubernetes",
          "OT_LSS_NAMESPACE", "ot-compute", "OT_CATALOG", catalog.toString(), "OT_LSS_CAPACITY", "100000",
          // The API brakes lifted: the default 20 writes/s would make this a test of patience.
          "OT_LSS_API_QPS", "1000", "OT_LSS_API_BURST", "1000", "OT_LSS_MAX_CONCURRENT_SPAWNS", "100",
          // The mock serves no pod logs, and a log follow per pod (list, watch, retry) costs it
          // O(pods) a request: with 1,000 pods it stalls. What is measured is the session state.
          "OT_LSS_FOLLOW_POD_LOGS", "false"),
          List.of("-Dkubernetes.master=" + cluster.master(), "-Dkubernetes.auth.tryKubeConfig=false",
              "-Dkubernetes.auth.tryServiceAccount=false"));
      gss.awaitReady();
      lss.awaitReady();
      String token = BenchHttp.adminWithProject(gss.url(), auth.url());
      BenchHttp.await(() -> BenchHttp.getJson(gss.url() + "/api/v1/admin/lss", token).encode().contains("\"up\""),
          "the GSS hears the LSS");
      for (int i = 0; i < context.size().count("OT_BENCH_WARMUP", 10, 1); i++) {
        OpenBench.openOnce(gss.url(), token); // warm-up
      }
      // Opened in steps; after each, the heap growth divided by the sessions that step added.
      int step = sessions / steps;
      for (int run = 0; run < steps; run++) {
        long gss0 = JvmMemory.heapAfterGc(gss.process().pid(), BenchHttp.HTTP, gss.url());
        long lss0 = JvmMemory.heapAfterGc(lss.process().pid(), BenchHttp.HTTP, lss.url());
        long t0 = System.nanoTime();
        open(gss.url(), token, step);
        openRate.add(step / ((System.nanoTime() - t0) / 1e9));
        gssHeap.add((JvmMemory.heapAfterGc(gss.process().pid(), BenchHttp.HTTP, gss.url()) - gss0) / KIB / step);
        lssHeap.add((JvmMemory.heapAfterGc(lss.process().pid(), BenchHttp.HTTP, lss.url()) - lss0) / KIB / step);
      }
      int ready = cluster.node.pods().inNamespace("ot-compute").list().getItems().size();
      if (ready != step * steps) {
        throw new IllegalStateException("expected " + step * steps + " compute pods, found " + ready);
      }
    }
    String held = String.format(java.util.Locale.ROOT, "up to %,d READY sessions, in %d steps", sessions, steps);
    return List.of(
        Row.of("concurrency", held + ": GSS heap per session", "KiB", gssHeap),
        Row.of("concurrency", held + ": LSS heap per session (pod logs not followed)", "KiB", lssHeap),
        Row.of("concurrency", held + ": opened at, 16 clients (GSS, LSS own JVMs)", "/s", openRate));
  }

  /** Opens {@code n} sessions with 16 clients, each waiting for READY; their ids. */
  private static void open(String gss, String token, int n) throws Exception {
    AtomicInteger next = new AtomicInteger();
    ExecutorService pool = Executors.newFixedThreadPool(16);
    try {
      List<Future<?>> clients = new ArrayList<>();
      for (int c = 0; c < 16; c++) {
        clients.add(pool.submit(() -> {
          while (next.getAndIncrement() < n) {
            String id = new JsonObject(BenchHttp.post(gss + "/api/v1/sessions", token,
                "{\"project\":\"bench\",\"type\":\"bench\"}")).getString("id");
            if (id == null) {
              throw new IllegalStateException("the GSS refused an open");
            }
            OpenBench.awaitEvent(gss + "/api/v1/sessions/" + id + "/events", token, "SessionReady");
          }
          return null;
        }));
      }
      for (Future<?> c : clients) {
        c.get(600, TimeUnit.SECONDS);
      }
    } finally {
      pool.shutdownNow();
    }
  }

}
