package org.otplatform.embedded;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.kafka.client.producer.KafkaProducer;
import io.vertx.kafka.client.producer.KafkaProducerRecord;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.otplatform.common.events.Topics;
import org.otplatform.common.kafka.KafkaSupport;

/**
 * One session flooding the log topic stores only its quota; another session's records, sent after
 * the flood, are all stored — the flood cannot push them out.
 */
@Timeout(180)
class LogQuotaTest {
  private static final Duration DEADLINE = Duration.ofSeconds(60);

  private static JsonObject record(String session, int i) {
    return new JsonObject().put("id", UUID.randomUUID().toString()).put("time", Instant.now().toString())
        .put("level", "ERROR").put("service", "kriging").put("session", session).put("message", "line " + i);
  }

  private static int count(OwnPlatform own, String session) {
    String logger = own.platform.url(own.platform.ports().logger());
    return Api.get(logger + "/api/v1/logs?session=" + session + "&limit=1000", own.token).expect(200).json()
        .getJsonArray("records").size();
  }

  @Test
  void aFloodingSessionStoresOnlyItsQuota() throws Exception {
    try (OwnPlatform own = OwnPlatform.start(Map.of("OT_INSTANCE_ID", "quota",
        "OT_LOGGER_SESSION_RECORDS_PER_MINUTE", "20"), "quota-project")) {
      Vertx vertx = Vertx.vertx();
      try {
        KafkaProducer<String, String> producer = KafkaProducer.create(vertx, KafkaSupport.producerConfig(
            own.platform.kafka(), "flood"));
        List<Future<?>> sent = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
          sent.add(producer.send(KafkaProducerRecord.create(Topics.LOGS, "flood", record("flood", i).encode())));
        }
        for (int i = 0; i < 10; i++) {
          sent.add(producer.send(KafkaProducerRecord.create(Topics.LOGS, "calm", record("calm", i).encode())));
        }
        Future.all(sent).toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
        Api.await("the calm session's 10 records stored", DEADLINE, () -> count(own, "calm") == 10);
        Api.await("the flooding session's quota stored", DEADLINE, () -> count(own, "flood") == 20);
        assertEquals(20, count(own, "flood"), "not one record over the quota");
        producer.close();
      } finally {
        vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
      }
    }
  }
}
