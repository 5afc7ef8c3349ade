package org.otplatform.gss.metrics;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.otplatform.gss.store.SessionStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code ot_sessions_queued{pool}}: the sessions waiting in each LSS pool's new-session queue,
 * platform-wide (every GSS replica counts the same store, so dashboards and autoscalers take the
 * {@code max} per pool). What the LSS autoscaler reads (deploy/k8s/components/autoscaling). One
 * series per pool of the catalog; counted at each sweep, not per scrape: a scrape must not cost a
 * database query.
 */
public final class QueueGauge {
  private static final Logger LOG = LoggerFactory.getLogger(QueueGauge.class);
  public static final String NAME = "ot_sessions_queued";
  private final SessionStore store;
  private final Map<String, AtomicLong> queued = new LinkedHashMap<>();

  public QueueGauge(SessionStore store, MeterRegistry meters, Collection<String> pools) {
    this.store = store;
    for (String pool : pools) {
      AtomicLong count = new AtomicLong();
      queued.put(pool, count);
      Gauge.builder(NAME, count, AtomicLong::get)
          .description("Sessions waiting in the new-session queue for an LSS of their pool with room")
          .tag("pool", pool)
          .register(meters);
    }
  }

  /** Counts again; a failed count keeps the last figure and is logged. */
  public void refresh() {
    queued.forEach((pool, count) -> store.countQueued(pool).onSuccess(count::set)
        .onFailure(e -> LOG.warn("could not count the queued sessions of pool {} for {}: {}", pool, NAME,
            e.getMessage())));
  }
}
