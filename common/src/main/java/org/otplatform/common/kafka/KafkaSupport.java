package org.otplatform.common.kafka;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.kafka.admin.KafkaAdminClient;
import io.vertx.kafka.admin.NewTopic;
import org.apache.kafka.common.errors.TopicExistsException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.otplatform.common.events.Topics;

/** Kafka client settings shared by all services, and topic creation. */
public final class KafkaSupport {
  private KafkaSupport() {}

  /** Bootstrap servers and, with TLS on, the client's TLS settings. */
  private static Map<String, String> connection(KafkaConnection kafka) {
    Map<String, String> config = new HashMap<>(kafka.security());
    config.put("bootstrap.servers", kafka.bootstrap());
    return config;
  }

  /** Producer settings: every event durable ({@code acks=all}) and written once (idempotence). */
  public static Map<String, String> producerConfig(KafkaConnection kafka, String clientId) {
    Map<String, String> config = connection(kafka);
    config.put("client.id", clientId);
    config.put("key.serializer", "org.apache.kafka.common.serialization.StringSerializer");
    config.put("value.serializer", "org.apache.kafka.common.serialization.StringSerializer");
    config.put("acks", "all");
    config.put("enable.idempotence", "true");
    config.put("linger.ms", "2");
    config.put("delivery.timeout.ms", "30000");
    config.put("request.timeout.ms", "10000");
    config.put("max.block.ms", "10000");
    return config;
  }

  /**
   * How long the broker may hold a fetch for partitions without new records. A consumer has one
   * fetch in flight per broker and does not fetch a partition whose records it still holds, so a
   * long hold on the quiet partitions stalls the busy one after each batch: with Kafka's 500 ms the
   * logger read about 6,000 records/s from a backlog on one partition, with 100 ms the same consumer
   * reads several times that (bin/ot-bench logs). Idle, it costs a fetch every 100 ms per consumer.
   */
  public static final String FETCH_MAX_WAIT_MS = "100";

  /**
   * Consumer settings: manual commits, so a record counts as handled only once it was acted on. A
   * null group is no group (a consumer assigned its partitions itself).
   */
  public static Map<String, String> consumerConfig(KafkaConnection kafka, String groupId, String clientId) {
    Map<String, String> config = connection(kafka);
    if (groupId != null) {
      config.put("group.id", groupId);
    }
    config.put("client.id", clientId);
    config.put("key.deserializer", "org.apache.kafka.common.serialization.StringDeserializer");
    config.put("value.deserializer", "org.apache.kafka.common.serialization.StringDeserializer");
    config.put("enable.auto.commit", "false");
    config.put("auto.offset.reset", "earliest");
    config.put("session.timeout.ms", "10000");
    config.put("heartbeat.interval.ms", "1000");
    config.put("fetch.max.wait.ms", FETCH_MAX_WAIT_MS);
    return config;
  }

  public static Map<String, String> adminConfig(KafkaConnection kafka) {
    Map<String, String> config = connection(kafka);
    config.put("request.timeout.ms", "10000");
    config.put("default.api.timeout.ms", "15000");
    return config;
  }

  /**
   * Creates the platform's topics that do not exist yet. Also the start-up probe for Kafka: the
   * future fails when the broker cannot be reached.
   */
  public static Future<Void> ensureTopics(Vertx vertx, KafkaConnection kafka, int partitions, short replication) {
    KafkaAdminClient admin = KafkaAdminClient.create(vertx, adminConfig(kafka));
    return admin.listTopics()
        .compose(existing -> createMissing(admin, existing, partitions, replication))
        .eventually(admin::close);
  }

  private static Future<Void> createMissing(KafkaAdminClient admin, Set<String> existing, int partitions,
      short replication) {
    List<NewTopic> missing = Topics.ALL.stream()
        .filter(t -> !existing.contains(t))
        .map(t -> new NewTopic(t, partitions, replication))
        .toList();
    if (missing.isEmpty()) {
      return Future.succeededFuture();
    }
    return admin.createTopics(missing).recover(e -> {
      // Another service created them in the meantime: that is the outcome we wanted.
      for (Throwable t = e; t != null; t = t.getCause()) {
        if (t instanceof TopicExistsException) {
          return Future.succeededFuture();
        }
      }
      return Future.failedFuture(e);
    });
  }
}
