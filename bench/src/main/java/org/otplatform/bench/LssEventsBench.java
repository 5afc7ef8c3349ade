package org.otplatform.bench;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.kafka.client.consumer.KafkaConsumer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.otplatform.common.config.Env;
import org.otplatform.common.events.SessionCommand.SessionOpenRequested;
import org.otplatform.common.events.Topics;
import org.otplatform.common.kafka.EventPublisher;
import org.otplatform.common.kafka.KafkaSupport;
import org.otplatform.embedded.FreePorts;
import org.otplatform.embedded.KafkaBroker;
import org.otplatform.lss.LssConfig;
import org.otplatform.lss.k8s.ApiLimits;
import org.otplatform.lss.k8s.KubernetesSpawner;
import org.otplatform.lss.k8s.PodModel;
import org.otplatform.lss.session.SessionSupervisor;

/**
 * The LSS's reaction time as the platform sees it: from the node writing a pod's Ready (or
 * terminated) status to the {@code ServiceReady} (or {@code ServiceFailed}) event arriving at a
 * consumer of the session-events topic on a real Kafka broker — informer, supervisor, producer
 * ({@code acks=all}, idempotent) and broker included.
 */
final class LssEventsBench {
  private LssEventsBench() {}

  private static void awaitAll(Map<String, Long> received, List<String> ids) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
    while (!received.keySet().containsAll(ids) && System.nanoTime() < deadline) {
      Thread.sleep(1);
    }
  }

  static List<Row> run(Vertx vertx, KubernetesClient client, String namespace, Map<String, Long> statusWritten,
      int sessions, Path brokerLib, Size size) throws Exception {
    List<Row> rows = new ArrayList<>();
    Path dir = Files.createTempDirectory("ot-bench-kafka");
    Path catalog = Files.createTempFile("ot-bench-catalog", ".json");
    Files.writeString(catalog, """
        {"types": {
          "ok": {"maxOpenPerProject": 1000, "services": [{"name": "kriging", "image": "img:ok"}]},
          "fail": {"maxOpenPerProject": 1000, "services": [{"name": "kriging", "image": "img:fail"}]}}}""");
    try (KafkaBroker broker = new KafkaBroker(dir, brokerLib,
        FreePorts.pick(), FreePorts.pick())) {
      broker.start(java.time.Duration.ofSeconds(90));
      KafkaSupport.ensureTopics(vertx, broker.connection(), 6, (short) 1).toCompletionStage().toCompletableFuture()
          .get(60, TimeUnit.SECONDS);
      LssConfig config = LssConfig.from(new Env(Map.of("OT_LSS_MODE", "kubernetes", "OT_CATALOG", catalog.toString(),
          "OT_KAFKA_BOOTSTRAP", broker.bootstrap(), "OT_INSTANCE_ID", "bench-events",
          "OT_LSS_CAPACITY", Integer.toString(sessions * 10))));
      EventPublisher publisher = new EventPublisher(vertx, broker.connection(), "bench-events");
      KubernetesSpawner spawner = new KubernetesSpawner(vertx, client,
          new PodModel.Target(namespace, "bench-events", 600), new ApiLimits(50, 1000, 1000));
      spawner.watch().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
      SessionSupervisor supervisor = new SessionSupervisor(vertx, spawner, publisher, config);
      // The supervisor runs on one context, as in the LSS.
      io.vertx.core.Context context = vertx.getOrCreateContext();

      Map<String, Long> received = new ConcurrentHashMap<>();
      Map<String, Long> closed = new ConcurrentHashMap<>();
      Map<String, String> config2 = KafkaSupport.consumerConfig(broker.connection(), "bench-" + System.nanoTime(),
          "bench-consumer");
      config2.put("auto.offset.reset", "latest");
      KafkaConsumer<String, String> consumer = KafkaConsumer.create(vertx, config2);
      java.util.concurrent.CompletableFuture<Void> assigned = new java.util.concurrent.CompletableFuture<>();
      consumer.partitionsAssignedHandler(p -> assigned.complete(null));
      consumer.handler(r -> {
        JsonObject e = new JsonObject(r.value());
        String type = e.getString("type");
        if ("ServiceReady".equals(type) || "ServiceFailed".equals(type)) {
          received.putIfAbsent(e.getString("sessionId"), System.nanoTime());
        } else if ("SessionClosed".equals(type)) {
          closed.putIfAbsent(e.getString("sessionId"), System.nanoTime());
        }
      });
      consumer.subscribe(Topics.SESSION_EVENTS);
      assigned.get(60, TimeUnit.SECONDS);

      for (int wave : List.of(1, sessions)) {
        for (String type : List.of("ok", "fail")) {
          List<Double> p50 = new ArrayList<>();
          List<Double> p99 = new ArrayList<>();
          for (int run = 0; run < size.runs(3) + 1; run++) {
            List<Double> latencies = new ArrayList<>();
            List<String> ids = new ArrayList<>();
            int count = wave == 1 ? sessions / 2 : sessions;
            for (int i = 0; i < count; i += wave) {
              List<String> batch = new ArrayList<>();
              for (int j = 0; j < wave; j++) {
                String id = type + "-" + run + "-" + (i + j) + "-" + System.nanoTime();
                batch.add(id);
                // The bench stands for the GSS, granting each claim at once: measured is what follows.
                context.runOnContext(v -> supervisor.onCommand(SessionOpenRequested.of(id, "bench", type, "bench"))
                    .onComplete(r -> supervisor.granted(id)));
              }
              awaitAll(received, batch);
              ids.addAll(batch);
            }
            if (run > 0) { // run 0 warms up
              for (String id : ids) {
                Long written = statusWritten.get(PodModel.podName(id, "kriging"));
                Long got = received.get(id);
                if (written != null && got != null) {
                  latencies.add((got - written) / 1e6);
                }
              }
              p50.add(Stats.of(latencies).p50());
              p99.add(Stats.of(latencies).p99());
            }
            for (String id : ids) {
              context.runOnContext(v -> supervisor.onCommand(
                  org.otplatform.common.events.SessionCommand.SessionCloseRequested.of(id, "bench")));
            }
            awaitAll(closed, ids);
          }
          String what = String.format(java.util.Locale.ROOT, "%s status -> %s on Kafka, %s",
              type.equals("ok") ? "Ready" : "terminated", type.equals("ok") ? "ServiceReady" : "ServiceFailed",
              wave == 1 ? "one at a time" : "bursts of " + wave);
          rows.add(Row.of("lss", what + ", p50", "ms", p50));
          rows.add(Row.of("lss", what + ", p99", "ms", p99));
        }
      }
      consumer.close();
      supervisor.shutdown().toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
      publisher.close();
    }
    return rows;
  }
}
