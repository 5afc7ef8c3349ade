package org.otplatform.embedded;

import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.List;
import java.util.Properties;
import java.util.UUID;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.otplatform.common.events.Topics;

/** Log records as services ship them, written straight to the log topic by the tests. */
final class LogRecords {
  private LogRecords() {}

  /** Client properties for the platform's broker: its bootstrap address and certificate. */
  static Properties properties(EmbeddedPlatform platform) {
    Properties props = new Properties();
    props.putAll(platform.kafka().security());
    props.put("bootstrap.servers", platform.kafka().bootstrap());
    return props;
  }

  static JsonObject record(String service, String message) {
    return new JsonObject().put("id", UUID.randomUUID().toString()).put("time", Instant.now().toString())
        .put("level", "INFO").put("service", service).put("instance", "test").put("logger", "test")
        .put("message", message).put("thread", "main");
  }

  /** Sends the records to the platform's log topic, with its certificate (its broker requires one). */
  static void produce(EmbeddedPlatform platform, List<JsonObject> records) throws Exception {
    Properties props = properties(platform);
    props.put("linger.ms", "5");
    try (KafkaProducer<String, String> producer = new KafkaProducer<>(props, new StringSerializer(),
        new StringSerializer())) {
      for (JsonObject r : records) {
        producer.send(new ProducerRecord<>(Topics.LOGS, "test", r.encode()));
      }
      producer.flush();
    }
  }
}
