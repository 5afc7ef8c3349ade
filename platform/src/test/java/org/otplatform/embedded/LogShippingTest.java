package org.otplatform.embedded;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.otplatform.common.events.Topics;
import org.otplatform.common.logging.KafkaLogAppender;

/**
 * The services' log appender against a real broker that goes away and comes back: logging never
 * waits for Kafka, what the buffer holds arrives once Kafka is back, in order, and what did not
 * fit is counted and reported by one warning.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(180)
class LogShippingTest {
  private static final int CAPACITY = 100;
  private KafkaBroker broker;

  @BeforeAll
  void start() throws Exception {
    broker = new KafkaBroker(Files.createTempDirectory("ot-kafka-shipping"),
        Path.of(System.getProperty("ot.broker.lib", "../broker/target/lib")), FreePorts.pick(), FreePorts.pick());
    broker.start(Duration.ofSeconds(90));
    try (Admin admin = Admin.create(Map.of("bootstrap.servers", broker.bootstrap()))) {
      admin.createTopics(List.of(new NewTopic(Topics.LOGS, 1, (short) 1))).all().get();
    }
  }

  @AfterAll
  void stop() {
    broker.close();
  }

  @Test
  void recordsLoggedWhileKafkaIsDownArriveWhenItIsBackAndWhatDidNotFitIsCounted() throws Exception {
    LoggerContext context = (LoggerContext) org.slf4j.LoggerFactory.getILoggerFactory();
    KafkaLogAppender appender = new KafkaLogAppender(broker.connection(), "shipping-test", "shipping-1", CAPACITY);
    appender.setContext(context);
    appender.start();
    Logger log = context.getLogger("org.otplatform.test.Shipping");
    log.setAdditive(false);
    log.addAppender(appender);
    try (KafkaConsumer<String, String> consumer = consumer()) {
      for (int i = 0; i < 10; i++) {
        log.info("before-{}", i);
      }
      List<JsonObject> before = read(consumer, 10, Duration.ofSeconds(60));
      assertEquals("before-9", before.get(9).getString("message"));

      broker.close();
      long started = System.nanoTime();
      for (int i = 0; i < 1_000; i++) {
        log.info("down-{}", i);
      }
      long millis = (System.nanoTime() - started) / 1_000_000;
      assertTrue(millis < 2_000, "1,000 log calls with Kafka down took " + millis + " ms");
      long dropped = appender.droppedTotal();
      // At most the buffer and the batch in flight are kept.
      assertTrue(dropped >= 1_000 - 2 * CAPACITY, "dropped " + dropped);

      broker.start(Duration.ofSeconds(90));
      List<JsonObject> after = read(consumer, (int) (1_000 - dropped) + 1, Duration.ofSeconds(90));
      List<Integer> delivered = new ArrayList<>();
      JsonObject warning = null;
      for (JsonObject record : after) {
        String message = record.getString("message");
        if (message.startsWith("down-")) {
          delivered.add(Integer.parseInt(message.substring(5)));
        } else if (message.contains("log records were dropped")) {
          warning = record;
        }
      }
      assertEquals(1_000 - dropped, delivered.size(), "records kept while Kafka was down");
      for (int i = 1; i < delivered.size(); i++) {
        assertTrue(delivered.get(i) > delivered.get(i - 1), "in order: " + delivered);
      }
      assertTrue(warning != null, "a warning about the dropped records");
      assertEquals("WARN", warning.getString("level"));
      assertTrue(warning.getString("message").startsWith(dropped + " log records were dropped"),
          warning.getString("message"));
      assertEquals(dropped, appender.droppedTotal(), "nothing dropped after Kafka came back");
      assertEquals(0, appender.queued());
    } finally {
      log.detachAppender(appender);
      appender.stop();
    }
  }

  private KafkaConsumer<String, String> consumer() {
    Properties props = new Properties();
    props.put("bootstrap.servers", broker.bootstrap());
    props.put("group.id", "shipping-test");
    props.put("auto.offset.reset", "earliest");
    KafkaConsumer<String, String> consumer = new KafkaConsumer<>(props, new StringDeserializer(),
        new StringDeserializer());
    consumer.subscribe(Set.of(Topics.LOGS));
    return consumer;
  }

  /** Reads until {@code count} records came, then a little longer to see that no more come. */
  private static List<JsonObject> read(KafkaConsumer<String, String> consumer, int count, Duration timeout) {
    List<JsonObject> records = new ArrayList<>();
    long deadline = System.nanoTime() + timeout.toNanos();
    while (records.size() < count && System.nanoTime() < deadline) {
      for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(200))) {
        records.add(new JsonObject(r.value()));
      }
    }
    for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(1_000))) {
      records.add(new JsonObject(r.value()));
    }
    assertEquals(count, records.size(), "records read, the last: "
        + records.subList(Math.max(0, records.size() - 3), records.size()));
    return records;
  }
}
