package org.otplatform.gss.metrics;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.concurrent.atomic.AtomicLong;
import org.otplatform.gss.store.SessionStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code ot_sessions_queued}: the sessions waiting in the new-session queue, platform-wide (every
 * GSS replica counts the same store, so dashboards and autoscalers take the {@code max}). What the
 * LSS autoscaler reads (deploy/k8s/components/autoscaling). Counted at each sweep, not per scrape:
 * a scrape must not cost a database query.
 */
public final class QueueGauge {
  private static final Logger LOG = LoggerFactory.getLogger(QueueGauge.class);
  public static final String NAME = "ot_sessions_queued";
  private final SessionStore store;
  private final AtomicLong queued = new AtomicLong();

  public QueueGauge(SessionStore store, MeterRegistry meters) {
    this.store = store;
    Gauge.builder(NAME, queued, AtomicLong::get)
        .description("Sessions waiting in the new-session queue for an LSS with room")
        .register(meters);
  }

  /** Counts again; a failed count keeps the last figure and is logged. */
  public void refresh() {
    store.countQueued().onSuccess(queued::set)
        .onFailure(e -> LOG.warn("could not count the queued sessions for {}: {}", NAME, e.getMessage()));
  }
}
