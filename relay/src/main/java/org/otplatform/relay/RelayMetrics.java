package org.otplatform.relay;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Vertx;
import java.util.concurrent.atomic.AtomicInteger;
import org.otplatform.common.service.ServiceLauncher;

/**
 * The relay's own metrics, next to Vert.x's in the service's Prometheus registry: open front-end
 * connections, messages and bytes each way, refused or closed connections by reason, and queue
 * depths — requests awaiting a service's reply, front ends held back by back-pressure.
 */
final class RelayMetrics {
  private final MeterRegistry registry;
  private final AtomicInteger connections = new AtomicInteger();
  private final Counter messagesIn;
  private final Counter messagesOut;
  private final Counter bytesIn;
  private final Counter bytesOut;

  RelayMetrics(Vertx vertx) {
    registry = ServiceLauncher.meterRegistry(vertx);
    registry.gauge("ot_relay_connections", connections);
    messagesIn = Counter.builder("ot_relay_messages").tag("direction", "in").register(registry);
    messagesOut = Counter.builder("ot_relay_messages").tag("direction", "out").register(registry);
    bytesIn = Counter.builder("ot_relay_bytes").tag("direction", "in").register(registry);
    bytesOut = Counter.builder("ot_relay_bytes").tag("direction", "out").register(registry);
  }

  /** Queue depths, read from the relay's session channels when scraped (on the relay's context). */
  void queues(java.util.Map<String, SessionChannel> channels) {
    io.micrometer.core.instrument.Gauge.builder("ot_relay_pending_requests", channels,
        m -> m.values().stream().mapToInt(SessionChannel::pendingRequests).sum()).register(registry);
    io.micrometer.core.instrument.Gauge.builder("ot_relay_paused_front_ends", channels,
        m -> m.values().stream().mapToInt(SessionChannel::pausedFrontEnds).sum()).register(registry);
  }

  void connected() {
    connections.incrementAndGet();
  }

  void disconnected() {
    connections.decrementAndGet();
  }

  /** A message from a front end. */
  void in(int bytes) {
    messagesIn.increment();
    bytesIn.increment(bytes);
  }

  /** A message to a front end. */
  void out(int bytes) {
    messagesOut.increment();
    bytesOut.increment(bytes);
  }

  /** A connection refused or closed by the relay, e.g. {@code unauthorized}, {@code too_slow}. */
  void rejected(String reason) {
    Counter.builder("ot_relay_rejected").tag("reason", reason).register(registry).increment();
  }
}
