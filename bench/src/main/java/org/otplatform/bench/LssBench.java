package org.otplatform.bench;

import io.fabric8.kubernetes.api.model.ContainerStatusBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodConditionBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.kubernetes.client.vertx5.Vertx5HttpClientFactory;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.otplatform.common.catalog.ServiceSpec;
import org.otplatform.lss.k8s.ApiLimits;
import org.otplatform.lss.k8s.KubernetesSpawner;
import org.otplatform.lss.k8s.PodModel;

/**
 * The Kubernetes spawner against the fabric8 API mock: pods created and followed to Ready per
 * second, and the time from a node's Ready status write to the spawner reporting the service
 * ready. Run with {@code bin/ot-bench lss}. The mock is an in-process HTTP server, so the figures
 * bound the LSS's own overhead, not a real API server's.
 */
public final class LssBench {
  private static final String NS = "ot-compute";

  /** Held, or java.util.logging forgets the level set on it. */
  private static final java.util.logging.Logger MOCK_LOG = java.util.logging.Logger.getLogger("io.fabric8.mockwebserver");

  private LssBench() {}

  static Pod ready(Pod p) {
    return new PodBuilder(p).editOrNewStatus()
        .withPhase("Running").withPodIP("10.0.0.1")
        .withConditions(new PodConditionBuilder().withType("Ready").withStatus("True").build())
        .withContainerStatuses(new ContainerStatusBuilder().withName(p.getSpec().getContainers().get(0).getName())
            .withReady(true).withNewState().withNewRunning().endRunning().endState().build())
        .endStatus().build();
  }

  static Pod terminated(Pod p) {
    return new PodBuilder(p).editOrNewStatus().withPhase("Failed")
        .withContainerStatuses(new ContainerStatusBuilder().withName(p.getSpec().getContainers().get(0).getName())
            .withReady(false).withNewState().withNewTerminated().withExitCode(1).withReason("Error").endTerminated()
            .endState().build())
        .endStatus().build();
  }

  public static void main(String[] args) {
    BenchSuite.main(new String[] {"lss"});
  }

  static List<Row> measure(BenchSuite.Context context) throws Exception {
    // The mock logs every request through java.util.logging.
    MOCK_LOG.setLevel(java.util.logging.Level.WARNING);
    int pods = context.size().count("OT_BENCH_PODS", 200, 10);
    KubernetesMockServer server = new KubernetesMockServer(new Context(), new MockWebServer(), new HashMap<>(),
        new KubernetesCrudDispatcher(), false);
    server.init();
    Vertx vertx = Vertx.vertx();
    KubernetesClient client = server.createClient(b -> b.withHttpClientFactory(new Vertx5HttpClientFactory(vertx)));
    KubernetesClient nodeClient = server.createClient();
    Map<String, Long> readyWritten = new ConcurrentHashMap<>();
    ExecutorService node = Executors.newFixedThreadPool(4);
    SharedIndexInformer<Pod> kubelet = nodeClient.pods().inNamespace(NS).inform(new ResourceEventHandler<>() {
      @Override
      public void onAdd(Pod pod) {
        node.execute(() -> {
          String name = pod.getMetadata().getName();
          boolean fails = pod.getSpec().getContainers().get(0).getImage().endsWith(":fail");
          readyWritten.put(name, System.nanoTime());
          nodeClient.pods().inNamespace(NS).withName(name).editStatus(p -> fails ? terminated(p) : ready(p));
        });
      }

      @Override
      public void onUpdate(Pod old, Pod pod) {}

      @Override
      public void onDelete(Pod pod, boolean unknown) {}
    }, 0);
    try {
      List<Double> rates = new ArrayList<>();
      List<Double> p50 = new ArrayList<>();
      List<Double> p99 = new ArrayList<>();
      // One spawner (one informer) for all runs: the mock server stalls for seconds whenever a watch
      // closes, which would be measured as the next run's time.
      // Limits far above the defaults (10 starting, 20 writes/s): this measures the LSS, not its brakes.
      KubernetesSpawner spawner = new KubernetesSpawner(vertx, client, new PodModel.Target(NS, "bench", 600),
          new ApiLimits(pods, 10_000, 10_000));
      spawner.watch().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
      for (int run = 0; run < context.size().runs(3) + 1; run++) {
        ServiceSpec spec = ServiceSpec.ofImage("kriging", "img:ok", Duration.ofSeconds(120));
        long t0 = System.nanoTime();
        List<Future<org.otplatform.lss.spawn.RunningService>> starts = new ArrayList<>();
        List<Double> runLatencies = java.util.Collections.synchronizedList(new ArrayList<>());
        for (int i = 0; i < pods; i++) {
          String session = "run" + run + "-session-" + i;
          String name = PodModel.podName(session, "kriging");
          starts.add(spawner.start(session, spec, (s, c, r) -> {})
              .onSuccess(r -> runLatencies.add((System.nanoTime() - readyWritten.get(name)) / 1e6)));
        }
        Future.all(starts).toCompletionStage().toCompletableFuture().get(300, TimeUnit.SECONDS);
        double seconds = (System.nanoTime() - t0) / 1e9;
        Future.all(starts.stream().map(f -> spawner.stop(f.result())).toList())
            .toCompletionStage().toCompletableFuture().get(120, TimeUnit.SECONDS);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!client.pods().inNamespace(NS).list().getItems().isEmpty() && System.nanoTime() < deadline) {
          Thread.sleep(50);
        }
        if (run == 0) {
          continue; // warm-up
        }
        rates.add(pods / seconds);
        p50.add(Stats.of(runLatencies).p50());
        p99.add(Stats.of(runLatencies).p99());
      }
      spawner.close().toCompletionStage().toCompletableFuture().get(120, TimeUnit.SECONDS);
      List<Row> rows = new ArrayList<>(List.of(
          Row.of("lss", "pods created and followed to Ready, " + pods + " at once (API mock, limits lifted)", "/s",
              rates),
          Row.of("lss", "node's Ready write -> spawner, p50", "ms", p50),
          Row.of("lss", "node's Ready write -> spawner, p99", "ms", p99)));
      rows.addAll(LssEventsBench.run(vertx, client, NS, readyWritten, Math.min(pods, 100), context.brokerLib(),
          context.size()));
      return rows;
    } finally {
      kubelet.stop();
      node.shutdownNow();
      nodeClient.close();
      client.close();
      vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
      server.destroy();
    }
  }
}
