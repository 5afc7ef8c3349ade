package org.otplatform.common.kafka;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.kafka.client.common.PartitionInfo;
import io.vertx.kafka.client.common.TopicPartition;
import io.vertx.kafka.client.consumer.KafkaConsumer;
import io.vertx.kafka.client.consumer.KafkaConsumerRecord;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads every record of a topic on every instance: for state each replica keeps in memory from what
 * happens while it runs — the relay's routes, the GSS's LSS registry, an LSS's closes. The consumer
 * is assigned every partition itself, in no consumer group, from the newest offset (or the oldest,
 * see below) and commits nothing. Being in no group is what keeps its place: a group re-forms when
 * the broker restarts or the process was stopped past the session timeout, and a member of a group
 * without commits starts its partitions again from the newest offset, skipping what was published
 * meanwhile (the fault suite saw closes and routes lost so). Assigned, the consumer's position lives
 * in the process and survives both. Records that are not JSON objects are logged and skipped.
 */
public final class BroadcastConsumer {
  private static final Logger LOG = LoggerFactory.getLogger(BroadcastConsumer.class);
  private static final long RETRY_MS = 500;

  private final Vertx vertx;
  private final KafkaConsumer<String, String> consumer;
  private final String topic;
  private final boolean fromStart;
  private final Consumer<JsonObject> handler;
  private volatile boolean assigned;
  private volatile boolean closed;
  private final Promise<Void> firstAssignment = Promise.promise();

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
    Map<String, String> config = KafkaSupport.consumerConfig(kafka, null, instanceId + "-" + topic);
    config.put("auto.offset.reset", fromStart ? "earliest" : "latest");
    this.vertx = vertx;
    this.consumer = KafkaConsumer.create(vertx, config);
    this.topic = topic;
    this.fromStart = fromStart;
    this.handler = handler;
  }

  /**
   * Starts reading. Completes once the consumer has every partition of the topic; {@link
   * #assignment()} completes once its position on each is fixed.
   */
  public Future<Void> start() {
    consumer.exceptionHandler(e -> LOG.warn("reading {} failed: {}", topic, e.getMessage()));
    consumer.handler(this::onRecord);
    return partitions().compose(this::assign);
  }

  /** The topic's partitions; asked again while the broker does not know the topic yet. */
  private Future<Set<TopicPartition>> partitions() {
    Promise<Set<TopicPartition>> result = Promise.promise();
    askPartitions(result);
    return result.future();
  }

  private void askPartitions(Promise<Set<TopicPartition>> result) {
    consumer.partitionsFor(topic).onComplete(ar -> {
      List<PartitionInfo> infos = ar.succeeded() ? ar.result() : List.of();
      if (!infos.isEmpty()) {
        result.complete(infos.stream().map(i -> new TopicPartition(topic, i.getPartition()))
            .collect(Collectors.toSet()));
      } else if (closed) {
        result.fail("closed before the partitions of " + topic + " were known");
      } else {
        LOG.debug("partitions of {} not known yet ({}); asking again", topic,
            ar.failed() ? ar.cause().getMessage() : "none");
        vertx.setTimer(RETRY_MS, t -> askPartitions(result));
      }
    });
  }

  private Future<Void> assign(Set<TopicPartition> partitions) {
    return consumer.assign(partitions).onSuccess(v -> fixPositions(partitions));
  }

  /**
   * Asks the position on every partition, which makes the consumer resolve the newest (or oldest)
   * offset now: from the answer on, every record published is read. Asked again while the broker
   * cannot answer.
   */
  private void fixPositions(Set<TopicPartition> partitions) {
    Future.all(partitions.stream().map(consumer::position).toList()).onComplete(ar -> {
      if (ar.succeeded()) {
        assigned = true;
        LOG.debug("reading {} partition(s) of {} from the {}", partitions.size(), topic,
            fromStart ? "oldest record" : "newest offset");
        firstAssignment.tryComplete();
      } else if (!closed) {
        LOG.warn("positions on {} not known yet: {}; asking again", topic, ar.cause().getMessage());
        vertx.setTimer(RETRY_MS, t -> fixPositions(partitions));
      }
    });
  }

  /** Whether every partition is assigned and positioned, i.e. records are being read (readiness). */
  public boolean isAssigned() {
    return assigned;
  }

  /** Completes once the partitions are assigned and positioned: from then on, every new record is read. */
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
    closed = true;
    return consumer.close();
  }
}
