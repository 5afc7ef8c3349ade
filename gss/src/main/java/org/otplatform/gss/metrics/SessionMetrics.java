package org.otplatform.gss.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.time.Instant;
import org.otplatform.gss.session.Session;
import org.otplatform.gss.session.SessionState;
import org.otplatform.gss.store.Updated;

/**
 * The GSS's session figures, as JupyterHub's spawn histograms: {@code ot_session_opens_total{type}}
 * (opens admitted) and {@code ot_session_open_seconds{type, outcome}} — from the open request to
 * the session leaving OPENING: {@code ready}, {@code failed}, or {@code closed} (closed while it
 * opened), queue time included. Fed by the lifecycle with every stored change, so each transition is
 * counted once, by the replica that made it.
 */
public final class SessionMetrics {
  private final MeterRegistry meters;

  public SessionMetrics(MeterRegistry meters) {
    this.meters = meters;
  }

  /** A session was admitted (stored, queued or not). */
  public void opened(Session session) {
    Counter.builder("ot_session_opens").description("Sessions admitted by the GSS")
        .tag("type", session.origin().type()).register(meters).increment();
  }

  /** A stored change; the one that takes a session out of OPENING is timed. */
  public void changed(Updated updated) {
    Session before = updated.before();
    Session after = updated.after();
    if (before.state() != SessionState.OPENING || after.state() == SessionState.OPENING) {
      return;
    }
    String outcome = switch (after.state()) {
      case READY -> "ready";
      case FAILED -> "failed";
      default -> "closed";
    };
    Instant end = after.since(after.state()).orElse(null);
    if (end == null) {
      return;
    }
    Timer.builder("ot_session_open").description("Open request to the session leaving OPENING, queue time included")
        .tag("type", after.origin().type()).tag("outcome", outcome)
        .publishPercentileHistogram()
        .minimumExpectedValue(Duration.ofMillis(10)).maximumExpectedValue(Duration.ofMinutes(15))
        .register(meters)
        .record(Duration.between(after.origin().created(), end));
  }

}
