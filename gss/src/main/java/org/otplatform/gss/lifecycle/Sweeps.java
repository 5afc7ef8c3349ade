package org.otplatform.gss.lifecycle;

import io.vertx.core.Future;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.otplatform.common.catalog.Catalog;
import org.otplatform.common.catalog.SessionType;
import org.otplatform.common.tracing.RootSpans;
import org.otplatform.gss.session.ServiceState;
import org.otplatform.gss.session.Session;
import org.otplatform.gss.session.SessionState;
import org.otplatform.gss.store.SessionStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the GSS checks every sweep interval: sessions stuck OPENING fail, idle READY sessions
 * close, sessions of lost LSS instances are handed over ({@link Reconciler}), and the queue moves
 * ({@link SessionQueue}). Each reads the time from the lifecycle's clock.
 */
public final class Sweeps {
  private static final Logger LOG = LoggerFactory.getLogger(Sweeps.class);
  /** The open timeout of a session whose type left the catalog. */
  private static final Duration DEFAULT_OPEN_TIMEOUT = Duration.ofMinutes(5);

  private final SessionStore store;
  private final Lifecycle lifecycle;
  private final Catalog catalog;
  private final SessionQueue queue;
  private final Reconciler reconciler;
  /** Each session a sweep acts on is a trace of its own. */
  private final RootSpans traces;

  public Sweeps(SessionStore store, Lifecycle lifecycle, Catalog catalog, SessionQueue queue, Reconciler reconciler,
      RootSpans traces) {
    this.store = store;
    this.lifecycle = lifecycle;
    this.catalog = catalog;
    this.queue = queue;
    this.reconciler = reconciler;
    this.traces = traces;
  }

  /** One round of every sweep; each one's failure is logged and does not stop the others. */
  public Future<Void> runOnce() {
    return Future.join(List.of(
        failStuckOpens().onFailure(e -> LOG.warn("sweep for stuck opens failed: {}", e.getMessage())),
        reconciler.sweep().onFailure(e -> LOG.warn("sweep for sessions of lost LSS instances failed: {}",
            e.getMessage())),
        cullIdle().onFailure(e -> LOG.warn("sweep for idle sessions failed: {}", e.getMessage())),
        queue.dispatch().onFailure(e -> LOG.warn("dispatching queued sessions failed: {}", e.getMessage()))))
        .mapEmpty();
  }

  /**
   * Fails sessions OPENING for longer than their type's open timeout — a backstop for an LSS that
   * died or never answered — naming what they still waited for, and asks the LSS to remove
   * whatever did start. Sessions in the queue have a deadline of their own.
   */
  public Future<Void> failStuckOpens() {
    Instant now = lifecycle.clock().instant();
    return store.summaries(Set.of(SessionState.OPENING)).compose(sessions -> {
      List<Future<?>> fails = new ArrayList<>();
      for (Session s : sessions) {
        Duration timeout = catalog.type(s.origin().type()).map(SessionType::openTimeout).orElse(DEFAULT_OPEN_TIMEOUT);
        if (!s.isQueued() && s.openingAt().plus(timeout).isBefore(now)) {
          fails.add(traces.start("sweep open-timeout", s.id(), () -> lifecycle.fail(s.id(),
              stuck -> stuck.state() == SessionState.OPENING && !stuck.isQueued(),
              stuck -> "did not open within " + timeout.toSeconds() + " s; still waiting for: " + waitingFor(stuck),
              "open timed out")));
        }
      }
      return Future.join(fails).mapEmpty();
    });
  }

  private static String waitingFor(Session s) {
    List<String> waiting = s.services().stream().filter(service -> service.state() != ServiceState.READY)
        .map(service -> service.name() + " " + service.state()).toList();
    return waiting.isEmpty() ? "the session to be reported ready" : String.join(", ", waiting);
  }

  /**
   * Closes READY sessions with no front-end activity (relay-reported, else since READY) for longer
   * than their type's idle timeout, with reason {@code idle}.
   */
  public Future<Void> cullIdle() {
    Instant now = lifecycle.clock().instant();
    return store.summaries(Set.of(SessionState.READY)).compose(sessions -> {
      List<Future<?>> closes = new ArrayList<>();
      for (Session s : sessions) {
        SessionType type = catalog.type(s.origin().type()).orElse(null);
        Instant readyAt = s.since(SessionState.READY).orElse(null);
        if (type == null || !type.culledWhenIdle() || readyAt == null) {
          continue;
        }
        Instant lastUsed = s.lastActivityAt() == null || readyAt.isAfter(s.lastActivityAt())
            ? readyAt : s.lastActivityAt();
        if (lastUsed.plus(type.idleTimeout()).isBefore(now)) {
          closes.add(traces.start("sweep close-idle", s.id(), () -> lifecycle.close(s.id(), "idle",
              "the GSS (no activity for " + type.idleTimeout().toSeconds() + " s)", false)));
        }
      }
      return Future.join(closes).mapEmpty();
    });
  }
}
