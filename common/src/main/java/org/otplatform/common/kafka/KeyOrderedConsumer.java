package org.otplatform.common.kafka;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.tracing.TracingPolicy;
import io.vertx.kafka.client.common.KafkaClientOptions;
import io.vertx.kafka.client.common.TopicPartition;
import io.vertx.kafka.client.consumer.KafkaConsumer;
import io.vertx.kafka.client.consumer.KafkaConsumerRecord;
import io.vertx.kafka.client.consumer.OffsetAndMetadata;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeSet;
import java.util.function.Function;
import org.otplatform.common.tracing.TracedRecords;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Consumes a topic with records of one key handled strictly one after another, and records of
 * different keys (different sessions) side by side, at most {@code maxInFlight} at once; past that
 * the consumer pauses until half have finished. A partition's offset is committed only up to the
 * oldest record of it still being handled, so a crash replays whatever was not finished (handlers
 * are idempotent) and never skips one. A failed handler is tried again with back-off and jitter (a
 * database hiccup must not lose an event; replicas retrying together must not stay in step) up to
 * {@value #ATTEMPTS} times, then put on the dead-letter topic ({@link DeadLetters}) and counted as
 * handled, so one bad record cannot block its key; an {@link IllegalArgumentException} (a record
 * that cannot be decoded) goes there at once. Runs on the context that created it.
 */
public final class KeyOrderedConsumer {
  private static final Logger LOG = LoggerFactory.getLogger(KeyOrderedConsumer.class);
  static final int ATTEMPTS = 5;
  private static final long FIRST_RETRY_MS = 100;

  private final Vertx vertx;

  private final KafkaConsumer<String, String> consumer;
  private final String topic;
  private final Function<KafkaConsumerRecord<String, String>, Future<Void>> handler;
  private final int maxInFlight;
  private final DeadLetters deadLetters;
  private final String group;
  /** The last record being handled of each key, which the key's next record waits for. */
  private final Map<String, Future<Void>> tails = new HashMap<>();
  /** Per partition: offsets being handled, the highest offset taken, the offset last committed. */
  private final Map<TopicPartition, TreeSet<Long>> pending = new HashMap<>();
  private final Map<TopicPartition, Long> highest = new HashMap<>();
  private final Map<TopicPartition, Long> committed = new HashMap<>();
  private int inFlight;
  private boolean paused;
  private boolean committing;
  private boolean commitAgain;
  private boolean closing;
  /** The commit in flight, or the last one; closing waits for it. */
  private Future<Void> lastCommit = Future.succeededFuture();
  private volatile boolean assigned;
  private final Map<String, String> config;
  /** The group's {@link ConsumerLag} gauge, removed at close. */
  private ConsumerLag.Watch lag;

  public KeyOrderedConsumer(Vertx vertx, Map<String, String> config, String topic, int maxInFlight,
      Function<KafkaConsumerRecord<String, String>, Future<Void>> handler, DeadLetters deadLetters) {
    this.vertx = vertx;
    // Vert.x's receive span ends as the handler returns; TracedRecords keeps one until the record is handled.
    this.consumer = KafkaConsumer.create(vertx, new KafkaClientOptions()
        .setConfig(new HashMap<String, Object>(config))
        .setTracingPolicy(TracingPolicy.IGNORE));
    this.topic = topic;
    this.maxInFlight = maxInFlight;
    this.handler = handler;
    this.deadLetters = deadLetters;
    this.group = config.get("group.id");
    this.config = config;
  }

  public Future<Void> start() {
    consumer.exceptionHandler(e -> LOG.warn("consumer of {} failed: {}", topic, e.getMessage()));
    consumer.partitionsAssignedHandler(partitions -> {
      assigned = true;
      LOG.debug("assigned {} partition(s) of {}", partitions.size(), topic);
    });
    consumer.partitionsRevokedHandler(partitions -> partitions.forEach(tp -> {
      // What is still being handled of them is finished, but committed (if at all) by the new owner's replay.
      pending.remove(tp);
      highest.remove(tp);
      committed.remove(tp);
    }));
    consumer.handler(this::onRecord);
    lag = ConsumerLag.watch(vertx, config, group, topic);
    return consumer.subscribe(topic);
  }

  /** Whether the group has assigned this consumer partitions at least once (readiness). */
  public boolean isAssigned() {
    return assigned;
  }

  private void onRecord(KafkaConsumerRecord<String, String> record) {
    TopicPartition tp = new TopicPartition(record.topic(), record.partition());
    pending.computeIfAbsent(tp, k -> new TreeSet<>()).add(record.offset());
    highest.merge(tp, record.offset(), Math::max);
    if (++inFlight >= maxInFlight && !paused) {
      paused = true;
      consumer.pause();
    }
    String key = record.key() != null ? record.key() : "partition-" + record.partition();
    Future<Void> previous = tails.getOrDefault(key, Future.succeededFuture());
    Future<Void> mine = previous.transform(ignored ->
        TracedRecords.handle(vertx, record.record(), group, () -> attempt(record, 1)));
    tails.put(key, mine);
    mine.onComplete(ignored -> {
      if (tails.get(key) == mine) {
        tails.remove(key);
      }
      finished(tp, record.offset());
    });
  }

  /** Handles the record, trying again after a failure; after the last, it goes to the dead letters. */
  private Future<Void> attempt(KafkaConsumerRecord<String, String> record, int attempt) {
    Future<Void> handled;
    try {
      handled = handler.apply(record);
    } catch (RuntimeException e) {
      handled = Future.failedFuture(e);
    }
    return handled.recover(e -> {
      if (e instanceof IllegalArgumentException || attempt >= ATTEMPTS) {
        return deadLetters.put(record, group, attempt, e);
      }
      long delay = backOff(attempt);
      LOG.warn("record {}-{}@{} (key {}) failed (attempt {} of {}), trying again in {} ms: {}", topic,
          record.partition(), record.offset(), record.key(), attempt, ATTEMPTS, delay, e.getMessage());
      Promise<Void> later = Promise.promise();
      vertx.setTimer(delay, t -> attempt(record, attempt + 1).onComplete(later));
      return later.future();
    });
  }

  /** The wait before attempt {@code attempt + 1}: doubling from {@value #FIRST_RETRY_MS} ms, ± 50 % at random. */
  static long backOff(int attempt) {
    long base = FIRST_RETRY_MS << (attempt - 1);
    return base / 2 + java.util.concurrent.ThreadLocalRandom.current().nextLong(base + 1);
  }

  private void finished(TopicPartition tp, long offset) {
    inFlight--;
    if (paused && inFlight <= maxInFlight / 2) {
      paused = false;
      consumer.resume();
    }
    TreeSet<Long> offsets = pending.get(tp);
    if (offsets == null) {
      return; // revoked meanwhile
    }
    offsets.remove(offset);
    commit();
  }

  /** Commits every partition up to its oldest record still being handled; one commit at a time. */
  private void commit() {
    if (closing) {
      return;
    }
    if (committing) {
      commitAgain = true;
      return;
    }
    Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
    pending.forEach((tp, inProgress) -> {
      long next = inProgress.isEmpty() ? highest.get(tp) + 1 : inProgress.first();
      if (next > committed.getOrDefault(tp, -1L)) {
        offsets.put(tp, new OffsetAndMetadata(next, ""));
      }
    });
    if (offsets.isEmpty()) {
      return;
    }
    committing = true;
    lastCommit = consumer.commit(offsets).<Void>mapEmpty().onComplete(r -> {
      committing = false;
      if (r.succeeded()) {
        offsets.forEach((tp, o) -> {
          if (pending.containsKey(tp)) {
            committed.merge(tp, o.getOffset(), Math::max);
          }
        });
      } else {
        LOG.warn("commit of {} offsets failed; those records may be handled again: {}", topic,
            r.cause().getMessage());
      }
      if (commitAgain) {
        commitAgain = false;
        commit();
      }
    });
  }

  /**
   * Closes after the commit in flight, and commits nothing after: a commit issued once the consumer
   * is closing would start its worker thread again beside the one closing it (Kafka: "not safe for
   * multi-threaded access", seen at most stops). What was not committed is handled again by the
   * next owner, as after a crash.
   */
  public Future<Void> close() {
    closing = true;
    if (lag != null) {
      lag.close();
    }
    return lastCommit.transform(v -> consumer.close());
  }
}
