package org.otplatform.relay;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.vertx.core.Vertx;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.otplatform.common.service.ServiceLauncher;

/**
 * The relay's own metrics, next to Vert.x's in the service's Prometheus registry: open front-end
 * connections, messages and bytes each way — by session type —, refused or closed connections by
 * reason, and queue depths: requests awaiting a service's reply, front ends held back by
 * back-pressure.
 */
final class RelayMetrics {
  private final MeterRegistry registry;
  /** Per session type (a catalog's few). */
  private final Map<String, OfType> types = new ConcurrentHashMap<>();

  /**
   * The figures of one session type, labelled {@code type}: a session's channel holds its type's,
   * so the hot path looks nothing up.
   */
  static final class OfType {
    private final AtomicInteger connections = new AtomicInteger();
    private final Counter messagesIn;
    private final Counter messagesOut;
    private final Counter bytesIn;
    private final Counter bytesOut;

    private OfType(MeterRegistry registry, String type) {
      registry.gauge("ot_relay_connections", Tags.of("type", type), connections);
      messagesIn = Counter.builder("ot_relay_messages").tag("direction", "in").tag("type", type).register(registry);
      messagesOut = Counter.builder("ot_relay_messages").tag("direction", "out").tag("type", type).register(registry);
      bytesIn = Counter.builder("ot_relay_bytes").tag("direction", "in").tag("type", type).register(registry);
      bytesOut = Counter.builder("ot_relay_bytes").tag("direction", "out").tag("type", type).register(registry);
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
  }

  RelayMetrics(Vertx vertx) {
    registry = ServiceLauncher.meterRegistry(vertx);
  }

  /** The figures of sessions of {@code type}, as the GSS names it ({@code unknown} when it does not). */
  OfType of(String type) {
    return types.computeIfAbsent(type == null || type.isBlank() ? "unknown" : type, t -> new OfType(registry, t));
  }

  /** Queue depths, read from the relay's session channels when scraped (on the relay's context). */
  void queues(Map<String, SessionChannel> channels) {
    Gauge.builder("ot_relay_pending_requests", channels,
        m -> m.values().stream().mapToInt(SessionChannel::pendingRequests).sum()).register(registry);
    Gauge.builder("ot_relay_paused_front_ends", channels,
        m -> m.values().stream().mapToInt(SessionChannel::pausedFrontEnds).sum()).register(registry);
  }

  /** A connection refused or closed by the relay, e.g. {@code unauthorized}, {@code too_slow}. */
  void rejected(String reason) {
    Counter.builder("ot_relay_rejected").tag("reason", reason).register(registry).increment();
  }
}
