package org.otplatform.embedded;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.time.Instant;
import java.util.Properties;
import java.util.UUID;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.otplatform.common.events.Topics;

/** Records on the log topic reach the query API once, with their secrets masked. */
@ExtendWith(SharedPlatform.class)
@Timeout(120)
class LoggerTest {

  @Test
  void secretsAreMaskedAndAReplayedRecordIsStoredOnce() throws Exception {
    SharedPlatform.Holder p = SharedPlatform.get();
    String admin = SharedPlatform.login("admin", SharedPlatform.ADMIN_PASSWORD);
    String service = "masking-" + UUID.randomUUID().toString().substring(0, 8);
    JsonObject record = new JsonObject().put("id", UUID.randomUUID().toString()).put("time", Instant.now().toString())
        .put("level", "WARN").put("service", service).put("instance", "test").put("logger", "test")
        .put("message", "retrying with password=hunter2 and Authorization: Bearer abc.def.ghi")
        .put("thread", "main");
    Properties props = new Properties();
    props.put("bootstrap.servers", "127.0.0.1:" + p.platform.ports().kafka());
    try (KafkaProducer<String, String> producer = new KafkaProducer<>(props, new StringSerializer(),
        new StringSerializer())) {
      // The same record twice, as a producer retry or a consumer replay would deliver it.
      producer.send(new ProducerRecord<>(Topics.LOGS, "test", record.encode())).get();
      producer.send(new ProducerRecord<>(Topics.LOGS, "test", record.encode())).get();
    }
    String url = p.logger + "/api/v1/logs?service=" + service + "&level=WARN";
    Api.await("the record in the logger", Duration.ofSeconds(60),
        () -> !Api.get(url, admin).expect(200).json().getJsonArray("records").isEmpty());
    JsonArray records = Api.get(url, admin).expect(200).json().getJsonArray("records");
    assertEquals(1, records.size(), "stored once");
    String message = records.getJsonObject(0).getString("message");
    assertEquals("retrying with password=*** and Authorization: Bearer ***", message);
    assertFalse(records.encode().contains("hunter2"));
  }
}
