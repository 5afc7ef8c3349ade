package org.otplatform.logger;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonObject;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArraySet;
import java.util.function.Predicate;
import org.otplatform.common.events.Topics;
import org.otplatform.common.kafka.BroadcastConsumer;
import org.otplatform.common.logging.Masking;

/**
 * {@code GET /api/v1/logs/tail}: log records as they arrive, as Server-Sent Events, with the
 * query's filters. Every logger replica reads the whole log topic for this (the stored path is
 * shared out in a consumer group, so one replica alone would miss records), masked as they would
 * be stored. A viewer that reads slower than records come is never buffered for: while its
 * connection's send queue ({@value #QUEUE_BYTES} bytes) is full, records are skipped and counted,
 * and once it drains the viewer gets a {@code skipped} event saying how many.
 */
public final class LiveTail {
  static final int QUEUE_BYTES = 256 * 1024;
  private static final long KEEPALIVE_MS = 15_000;

  private final Vertx vertx;
  private final BroadcastConsumer reader;
  private final Set<Viewer> viewers = new CopyOnWriteArraySet<>();
  private final Counter skipped;

  /** One open tail. */
  private final class Viewer {
    final HttpServerResponse response;
    final Predicate<JsonObject> matches;
    long skippedSinceLast;

    Viewer(HttpServerResponse response, Predicate<JsonObject> matches) {
      this.response = response;
      this.matches = matches;
    }

    void offer(JsonObject masked) {
      if (!matches.test(masked)) {
        return;
      }
      if (response.writeQueueFull()) {
        skippedSinceLast++;
        skipped.increment();
        return;
      }
      response.write("event: record\ndata: " + masked.encode() + "\n\n");
    }

    void drained() {
      if (skippedSinceLast > 0 && !response.ended()) {
        response.write("event: skipped\ndata: " + new JsonObject().put("skipped", skippedSinceLast).encode() + "\n\n");
        skippedSinceLast = 0;
      }
    }
  }

  LiveTail(Vertx vertx, org.otplatform.common.kafka.KafkaConnection kafka, String instanceId, MeterRegistry registry) {
    this.vertx = vertx;
    this.reader = new BroadcastConsumer(vertx, kafka, instanceId, Topics.LOGS, this::onRecord);
    this.skipped = Counter.builder("ot_logger_tail_skipped").description("records skipped for slow live-tail viewers")
        .register(registry);
    registry.gauge("ot_logger_tail_viewers", viewers, Set::size);
  }

  Future<Void> start() {
    return reader.start();
  }

  boolean isReading() {
    return reader.isAssigned();
  }

  private void onRecord(JsonObject record) {
    if (viewers.isEmpty() || record.getString("id") == null) {
      return;
    }
    JsonObject masked = Masking.mask(record);
    viewers.forEach(v -> v.offer(masked));
  }

  /**
   * Streams matching records to {@code response} until the client goes away (or the connection is
   * reset: a token's expiry or revocation); then {@code onClosed} runs.
   */
  public void open(HttpServerResponse response, Predicate<JsonObject> matches, Runnable onClosed) {
    response.setChunked(true)
        .putHeader("content-type", "text/event-stream")
        .putHeader("cache-control", "no-cache")
        .putHeader("x-accel-buffering", "no")
        .setWriteQueueMaxSize(QUEUE_BYTES);
    Viewer viewer = new Viewer(response, matches);
    viewers.add(viewer);
    long keepalive = vertx.setPeriodic(KEEPALIVE_MS, t -> {
      if (!response.writeQueueFull()) {
        response.write(": keepalive\n\n");
      }
    });
    response.drainHandler(v -> viewer.drained());
    response.closeHandler(v -> {
      viewers.remove(viewer);
      vertx.cancelTimer(keepalive);
      onClosed.run();
    });
    response.write(": tailing\n\n");
  }

  Future<Void> close() {
    viewers.forEach(v -> v.response.end());
    return reader.close();
  }
}
