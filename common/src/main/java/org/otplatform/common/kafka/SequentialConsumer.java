package org.otplatform.common.kafka;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.kafka.client.common.TopicPartition;
import io.vertx.kafka.client.consumer.KafkaConsumer;
import io.vertx.kafka.client.consumer.KafkaConsumerRecord;
import io.vertx.kafka.client.consumer.OffsetAndMetadata;
import java.util.Map;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Consumes a topic one record at a time: the next record is delivered only once the handler's
 * future has completed, and a record's offset is committed only after that, so a crash replays
 * what was not finished (handlers are idempotent). A handler failure is logged with the record
 * and skipped, so one bad record cannot block a partition.
 */
public final class SequentialConsumer {
  private static final Logger LOG = LoggerFactory.getLogger(SequentialConsumer.class);

  private final KafkaConsumer<String, String> consumer;
  private final String topic;
  private final Function<KafkaConsumerRecord<String, String>, Future<Void>> handler;
  private volatile boolean assigned;

  public SequentialConsumer(Vertx vertx, Map<String, String> config, String topic,
      Function<KafkaConsumerRecord<String, String>, Future<Void>> handler) {
    this.consumer = KafkaConsumer.create(vertx, config);
    this.topic = topic;
    this.handler = handler;
  }

  public Future<Void> start() {
    consumer.exceptionHandler(e -> LOG.warn("consumer of {} failed: {}", topic, e.getMessage()));
    consumer.partitionsAssignedHandler(partitions -> {
      assigned = true;
      LOG.debug("assigned {} partition(s) of {}", partitions.size(), topic);
    });
    consumer.handler(this::onRecord);
    return consumer.subscribe(topic);
  }

  /** Whether the group has assigned this consumer partitions at least once (readiness). */
  public boolean isAssigned() {
    return assigned;
  }

  private void onRecord(KafkaConsumerRecord<String, String> record) {
    consumer.pause();
    Future<Void> handled;
    try {
      handled = handler.apply(record);
    } catch (RuntimeException e) {
      handled = Future.failedFuture(e);
    }
    handled
        .onFailure(e -> LOG.error("skipping record {}-{}@{} (key {}) that could not be handled: {}", topic,
            record.partition(), record.offset(), record.key(), e.getMessage(), e))
        .transform(ignored -> consumer.commit(Map.of(
            new TopicPartition(record.topic(), record.partition()),
            new OffsetAndMetadata(record.offset() + 1, ""))))
        .onComplete(r -> {
          if (r.failed()) {
            LOG.warn("commit of {}-{}@{} failed; it may be handled again: {}", topic, record.partition(),
                record.offset(), r.cause().getMessage());
          }
          consumer.resume();
        });
  }

  public Future<Void> close() {
    return consumer.close();
  }
}
