package org.otplatform.logger;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.core.tracing.TracingPolicy;
import io.vertx.kafka.client.common.KafkaClientOptions;
import io.vertx.kafka.client.common.TopicPartition;
import io.vertx.kafka.client.consumer.KafkaConsumer;
import io.vertx.kafka.client.consumer.KafkaConsumerRecord;
import io.vertx.kafka.client.consumer.OffsetAndMetadata;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.otplatform.common.events.Topics;
import org.otplatform.common.kafka.ConsumerLag;
import org.otplatform.common.kafka.KafkaSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Consumes the log topic in batches (up to {@value #BATCH} records or {@value #FLUSH_MS} ms) into
 * the {@link LogStore}, one batch written at a time, committing offsets only after a batch is
 * stored. Records keep arriving while a batch is written (the next batch is ready when it is
 * done); consumption pauses only when {@value #MAX_BUFFERED} records wait, so memory stays bounded.
 */
final class LogIngest {
  private static final Logger LOG = LoggerFactory.getLogger(LogIngest.class);
  private static final int BATCH = 500;
  private static final long FLUSH_MS = 200;
  private static final int MAX_BUFFERED = 4 * BATCH;

  private final Vertx vertx;
  private final KafkaConsumer<String, String> consumer;
  private final LogStore store;
  /** The flush being written and committed, if any; closing waits for it. */
  private Future<Void> inFlight = Future.succeededFuture();
  private boolean closing;
  /** Records read and not yet stored; a dropped one keeps its place (its offset is committed too). */
  private final List<Entry> buffer = new ArrayList<>();
  private final SessionQuota quota;
  /** Notes of dropped records, stored with the next batch. */
  private final List<JsonObject> notes = new ArrayList<>();

  /** A record as read: where it came from, and its JSON, or null when it is not stored. */
  private record Entry(TopicPartition partition, long offset, JsonObject json) {}
  private boolean flushing;
  private boolean paused;
  private long timer;
  private final Map<String, String> config;
  /** The group's lag gauge (ConsumerLag), removed at close. */
  private ConsumerLag.Watch lag;

  LogIngest(Vertx vertx, org.otplatform.common.kafka.KafkaConnection kafka, String instanceId, LogStore store,
      SessionQuota quota) {
    this.vertx = vertx;
    this.store = store;
    this.quota = quota;
    this.config = KafkaSupport.consumerConfig(kafka, "logger", instanceId);
    // Log records carry the traceparent of the line's span; a receive span per line would only bury that trace.
    this.consumer = KafkaConsumer.create(vertx, new KafkaClientOptions()
        .setConfig(new HashMap<String, Object>(config))
        .setTracingPolicy(TracingPolicy.IGNORE));
    // A commit waits for the consumer's poll to return: with the default 1 s a quiet topic (or a
    // paused consumer) held every batch's commit for up to a second.
    this.consumer.pollTimeout(java.time.Duration.ofMillis(100));
  }

  Future<Void> start() {
    consumer.exceptionHandler(e -> LOG.warn("log consumer failed: {}", e.getMessage()));
    consumer.handler(record -> {
      buffer.add(decode(record));
      if (buffer.size() >= MAX_BUFFERED && !paused) {
        paused = true;
        consumer.pause();
      }
      if (buffer.size() >= BATCH) {
        flush();
      }
    });
    timer = vertx.setPeriodic(FLUSH_MS, t -> {
      notes.addAll(quota.roll());
      flush();
    });
    lag = ConsumerLag.watch(vertx, config, "logger", Topics.LOGS);
    return consumer.subscribe(Topics.LOGS);
  }

  /** Decodes a record once, as it arrives; the session quota decides whether it is stored. */
  private Entry decode(KafkaConsumerRecord<String, String> r) {
    TopicPartition partition = new TopicPartition(r.topic(), r.partition());
    try {
      JsonObject json = new JsonObject(r.value());
      boolean valid = json.getString("id") != null && json.getString("time") != null;
      return new Entry(partition, r.offset(), valid && quota.admit(json) ? json : null);
    } catch (RuntimeException e) {
      LOG.debug("undecodable log record at {}-{}@{} dropped", r.topic(), r.partition(), r.offset());
      return new Entry(partition, r.offset(), null);
    }
  }

  private void flush() {
    if (closing || flushing || buffer.isEmpty() && notes.isEmpty()) {
      return;
    }
    flushing = true;
    // The oldest records first, so that each partition's offsets are committed in order.
    List<Entry> head = buffer.subList(0, Math.min(BATCH, buffer.size()));
    List<Entry> batch = new ArrayList<>(head);
    head.clear();
    List<JsonObject> pendingNotes = new ArrayList<>(notes);
    notes.clear();
    List<JsonObject> records = new ArrayList<>(batch.size() + pendingNotes.size());
    Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
    for (Entry e : batch) {
      offsets.put(e.partition(), new OffsetAndMetadata(e.offset() + 1, ""));
      if (e.json() != null) {
        records.add(e.json());
      }
    }
    records.addAll(pendingNotes);
    inFlight = store.write(records)
        .compose(v -> offsets.isEmpty() ? Future.<Void>succeededFuture() : consumer.commit(offsets).<Void>mapEmpty())
        .onFailure(e -> {
          // Keep the batch: it is written again on the next flush, ahead of newer records.
          buffer.addAll(0, batch);
          notes.addAll(0, pendingNotes);
          LOG.warn("could not store {} log records; retrying: {}", records.size(), e.getMessage());
        })
        .onComplete(r -> {
          flushing = false;
          if (closing) {
            return;
          }
          if (paused && buffer.size() < MAX_BUFFERED / 2) {
            paused = false;
            consumer.resume();
          }
          if (r.succeeded() && buffer.size() >= BATCH) {
            flush();
          }
        });
  }

  /**
   * Stops after the batch being written and committed: a commit issued once the consumer is closing
   * would start its worker thread again beside the one closing it (Kafka: "not safe for
   * multi-threaded access"), and the batch would be stored again at the next start.
   */
  Future<Void> close() {
    closing = true;
    vertx.cancelTimer(timer);
    if (lag != null) {
      lag.close();
    }
    return inFlight.transform(v -> consumer.close());
  }
}
