package org.otplatform.common.kafka;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.kafka.client.consumer.KafkaConsumer;
import io.vertx.kafka.client.consumer.KafkaConsumerRecord;
import java.util.Map;
import java.util.UUID;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads every record of a topic on every instance (a consumer group of its own, from the newest
 * offset, no commits): for state each replica keeps in memory from what happens while it runs —
 * the relay's routes, the GSS's LSS registry. Records that are not JSON objects are logged and
 * skipped.
 */
public final class BroadcastConsumer {
  private static final Logger LOG = LoggerFactory.getLogger(BroadcastConsumer.class);

  private final KafkaConsumer<String, String> consumer;
  private final String topic;
  private final Consumer<JsonObject> handler;
  private volatile boolean assigned;
  private final io.vertx.core.Promise<Void> firstAssignment = io.vertx.core.Promise.promise();

  public BroadcastConsumer(Vertx vertx, KafkaConnection kafka, String instanceId, String topic,
      Consumer<JsonObject> handler) {
    this(vertx, kafka, instanceId, topic, false, handler);
  }

  /**
   * As above; with {@code fromStart} every record the topic still holds is read first (for state
   * that must include what happened before this instance started: revoked users).
   */
  public BroadcastConsumer(Vertx vertx, KafkaConnection kafka, String instanceId, String topic, boolean fromStart,
      Consumer<JsonObject> handler) {
    Map<String, String> config = KafkaSupport.consumerConfig(kafka,
        instanceId + "-" + topic + "-" + UUID.randomUUID(), instanceId + "-" + topic);
    config.put("auto.offset.reset", fromStart ? "earliest" : "latest");
    this.consumer = KafkaConsumer.create(vertx, config);
    this.topic = topic;
    this.handler = handler;
  }

  public Future<Void> start() {
    consumer.exceptionHandler(e -> LOG.warn("reading {} failed: {}", topic, e.getMessage()));
    consumer.partitionsAssignedHandler(p -> {
      assigned = true;
      firstAssignment.tryComplete();
    });
    consumer.handler(this::onRecord);
    return consumer.subscribe(topic);
  }

  /** Whether partitions are assigned, i.e. records are being read (readiness). */
  public boolean isAssigned() {
    return assigned;
  }

  /** Completes once partitions are assigned: from then on, every new record is read. */
  public Future<Void> assignment() {
    return firstAssignment.future();
  }

  private void onRecord(KafkaConsumerRecord<String, String> record) {
    JsonObject json;
    try {
      json = new JsonObject(record.value());
    } catch (RuntimeException e) {
      LOG.warn("skipping a record of {} that is not JSON at {}@{}: {}", topic, record.partition(), record.offset(),
          e.getMessage());
      return;
    }
    try {
      handler.accept(json);
    } catch (RuntimeException e) {
      LOG.warn("skipping a record of {} at {}@{} that could not be handled: {}", topic, record.partition(),
          record.offset(), e.getMessage());
    }
  }

  public Future<Void> close() {
    return consumer.close();
  }
}
