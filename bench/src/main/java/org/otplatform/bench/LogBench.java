package org.otplatform.bench;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.mongo.MongoClient;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.otplatform.common.kafka.KafkaConnection;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.otplatform.common.events.Topics;
import org.otplatform.embedded.EmbeddedPlatform;

/**
 * Log records per second end to end — produced to the log topic, consumed by the logger, masked
 * and stored — next to the raw produce→consume rate of the same broker with the same records.
 * Run with {@code bin/ot-bench logs}.
 */
public final class LogBench {
  private LogBench() {}

  public static void main(String[] args) {
    BenchSuite.main(new String[] {"logs"});
  }

  static List<Row> measure(BenchSuite.Context context) throws Exception {
    int n = context.size().count("OT_BENCH_RECORDS", 30_000, 1_000);
    EmbeddedPlatform.Ports ports = EmbeddedPlatform.Ports.free();
    Vertx vertx = Vertx.vertx();
    try (EmbeddedPlatform platform = new EmbeddedPlatform(new EmbeddedPlatform.Settings(null, context.brokerLib(),
        Map.of("OT_ADMIN_PASSWORD", BenchHttp.PASSWORD, "OT_LOG_LEVEL", "WARN"), ports)).start()) {
      MongoClient mongo = MongoClient.create(vertx, platform.mongoOptions("ot_logs"));
      KafkaConnection bootstrap = platform.kafka();
      List<Double> raw = new ArrayList<>();
      List<Double> stored = new ArrayList<>();
      for (int run = 0; run < context.size().runs(3) + 1; run++) {
        double r = rawRate(bootstrap, n);
        double s = endToEnd(bootstrap, mongo, n);
        if (run > 0) { // run 0 warms up
          raw.add(r);
          stored.add(s);
        }
      }
      mongo.close();
      return List.of(new Row("logs", String.format(java.util.Locale.ROOT,
          "records end to end, topic -> logger -> store (%,d of %d bytes a run)", n, record("x", 0).length()),
          "/s", stored, "raw Kafka produce -> consume, same broker", raw));
    } finally {
      vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }
  }

  private static String record(String service, int i) {
    return new JsonObject().put("id", UUID.randomUUID().toString()).put("time", Instant.now().toString())
        .put("level", "INFO").put("service", service).put("instance", "bench").put("session", "bench-session")
        .put("logger", "org.otplatform.bench.LogBench").put("thread", "main")
        .put("message", "record " + i + " of the log benchmark, with password=hunter2 to mask").encode();
  }

  /** Made before the clock starts: the runs measure Kafka and the logger, not JSON encoding. */
  private static List<String> records(String service, int n) {
    List<String> records = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      records.add(record(service, i));
    }
    return records;
  }

  /** Client properties for the platform's broker (its certificate included: the broker requires one). */
  private static Properties client(KafkaConnection kafka) {
    Properties props = new Properties();
    props.putAll(kafka.security());
    props.put("bootstrap.servers", kafka.bootstrap());
    return props;
  }

  private static KafkaProducer<String, String> producer(KafkaConnection bootstrap) {
    Properties props = client(bootstrap);
    props.put("acks", "1"); // as the services' log appender
    props.put("linger.ms", "50");
    props.put("batch.size", "262144");
    return new KafkaProducer<>(props, new StringSerializer(), new StringSerializer());
  }

  /** Produce n records to a topic of their own and consume them back with a plain consumer. */
  private static double rawRate(KafkaConnection bootstrap, int n) throws Exception {
    String topic = "bench.raw." + UUID.randomUUID();
    // As many partitions as the log topic; the broker does not create topics on first use.
    try (org.apache.kafka.clients.admin.Admin admin = org.apache.kafka.clients.admin.Admin.create(
        client(bootstrap))) {
      admin.createTopics(List.of(new org.apache.kafka.clients.admin.NewTopic(topic, 6, (short) 1))).all()
          .get(30, TimeUnit.SECONDS);
    }
    Properties props = client(bootstrap);
    props.put("group.id", "bench-" + UUID.randomUUID());
    props.put("auto.offset.reset", "earliest");
    // As the platform's consumers (the logger's among them), so that the two rates compare like for like.
    props.put("fetch.max.wait.ms", org.otplatform.common.kafka.KafkaSupport.FETCH_MAX_WAIT_MS);
    try (KafkaProducer<String, String> producer = producer(bootstrap);
         KafkaConsumer<String, String> consumer = new KafkaConsumer<>(props, new StringDeserializer(),
             new StringDeserializer())) {
      producer.send(new ProducerRecord<>(topic, "warm", record("raw", -1))).get(); // creates the topic
      consumer.subscribe(List.of(topic));
      int seen = 0;
      while (seen == 0) {
        seen = consumer.poll(Duration.ofMillis(200)).count();
      }
      List<String> records = records("raw", n);
      long t0 = System.nanoTime();
      for (String r : records) {
        producer.send(new ProducerRecord<>(topic, "bench", r));
      }
      producer.flush();
      int got = 0;
      while (got < n) {
        ConsumerRecords<String, String> polled = consumer.poll(Duration.ofMillis(500));
        got += polled.count();
      }
      return n / ((System.nanoTime() - t0) / 1e9);
    }
  }

  /** Produce n records to the log topic and wait until the logger has stored them all. */
  private static double endToEnd(KafkaConnection bootstrap, MongoClient mongo, int n) throws Exception {
    String service = "bench-" + UUID.randomUUID().toString().substring(0, 8);
    List<String> records = records(service, n);
    long t0 = System.nanoTime();
    try (KafkaProducer<String, String> producer = producer(bootstrap)) {
      for (String r : records) {
        producer.send(new ProducerRecord<>(Topics.LOGS, "bench", r));
      }
      producer.flush();
    }
    long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(5);
    while (System.nanoTime() < deadline) {
      long count = mongo.count("logs", new JsonObject().put("service", service)).toCompletionStage()
          .toCompletableFuture().get(30, TimeUnit.SECONDS);
      if (count >= n) {
        return n / ((System.nanoTime() - t0) / 1e9);
      }
      Thread.sleep(200); // counting scans the collection (the store keeps no secondary index): not too often
    }
    throw new IllegalStateException("the logger did not store " + n + " records within 5 minutes");
  }
}
