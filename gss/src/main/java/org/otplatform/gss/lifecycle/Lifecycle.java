package org.otplatform.gss.lifecycle;

import io.vertx.core.Future;
import java.time.Clock;
import java.time.Instant;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.function.UnaryOperator;
import org.otplatform.common.events.LssClaimGranted;
import org.otplatform.common.events.SessionCommand.SessionCloseRequested;
import org.otplatform.common.events.SessionCommand.SessionOpenRequested;
import org.otplatform.common.events.SessionEvent;
import org.otplatform.common.events.SessionEvent.ServiceStarting;
import org.otplatform.common.events.Topics;
import org.otplatform.common.http.ApiException;
import org.otplatform.common.kafka.EventSink;
import org.otplatform.gss.metrics.SessionMetrics;
import org.otplatform.gss.progress.Progress;
import org.otplatform.gss.session.Session;
import org.otplatform.gss.session.SessionFold;
import org.otplatform.gss.session.SessionState;
import org.otplatform.gss.store.SessionStore;
import org.otplatform.gss.store.Updated;
import org.otplatform.common.tracing.Traces;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one place each transition of a session happens: it decides on the stored version (a pure
 * rule of {@link Session}), stores it, announces the new progress entries to live streams, releases
 * the session's slots when it ends, and publishes what the LSS instances must do. Every other part
 * of the GSS (admission, the queue, the reconciler, the sweeps, the fold of LSS events) goes
 * through here. Safe on several replicas: of concurrent transitions of a session, each rule is
 * decided afresh on the version it finally writes.
 */
public final class Lifecycle {
  private static final Logger LOG = LoggerFactory.getLogger(Lifecycle.class);

  private final SessionStore store;
  private final Progress progress;
  private final EventSink events;
  private final Clock clock;
  private final SessionMetrics metrics;
  private final java.util.function.Function<String, java.util.Optional<String>> poolOfLss;

  /**
   * @param metrics the session figures; each stored change goes through it
   */
  public Lifecycle(SessionStore store, Progress progress, EventSink events, Clock clock, SessionMetrics metrics) {
    this(store, progress, events, clock, metrics, id -> java.util.Optional.empty());
  }

  /**
   * @param poolOfLss the pool an LSS serves, as its heartbeats say (empty: not heard yet): a claim
   *     by an LSS of another pool than the session needs is refused
   */
  public Lifecycle(SessionStore store, Progress progress, EventSink events, Clock clock, SessionMetrics metrics,
      java.util.function.Function<String, java.util.Optional<String>> poolOfLss) {
    this.store = store;
    this.progress = progress;
    this.events = events;
    this.clock = clock;
    this.metrics = metrics;
    this.poolOfLss = poolOfLss;
  }

  public Clock clock() {
    return clock;
  }

  /**
   * Stores a new session and, unless it waits in the queue, asks the LSS instances to open it. When
   * that request cannot be published the session fails and the caller gets 503.
   */
  public Future<Session> open(Session session) {
    String id = session.id();
    return store.insert(session)
        .recover(e -> store.releaseSlots(id).transform(v -> Future.failedFuture(e)))
        .onSuccess(v -> metrics.opened(session))
        .compose(v -> session.isQueued() ? Future.succeededFuture(session) : requestOpen(session)
            .map(session)
            .recover(e -> {
              LOG.atError().addKeyValue("session", id).log("could not publish the open request: {}", e.getMessage());
              return fail(id, s -> true, s -> "the platform's event bus is unreachable", null)
                  .transform(r -> Future.failedFuture(
                      ApiException.unavailable("cannot open sessions now: Kafka unreachable")));
            }));
  }

  /** A queued session leaves the queue (of several replicas one wins) and its open request goes out. */
  public Future<Void> dispatch(String id) {
    Instant now = clock.instant();
    return change(id, s -> s.isQueued() && s.state() == SessionState.OPENING ? s.dispatch(now) : s)
        .compose(updated -> {
          if (updated.isEmpty()) {
            return Future.succeededFuture();
          }
          Session.Queued waited = updated.get().before().queued();
          LOG.atInfo().addKeyValue("session", id).log("session leaves the queue after waiting since {}", waited.since());
          // The open request goes out in the trace of the request that queued it: the wait shows as its gap.
          return Traces.resumed(waited.traceparent(), () -> requestOpen(updated.get().after()));
        });
  }

  /**
   * Gives the session of {@code fromLss} to another LSS (its open request published again), or
   * fails it when it was handed over {@code maxHandovers} times already. Nothing happens when it is
   * over, closing, or already on another LSS.
   */
  public Future<Void> handOver(String id, String fromLss, String reason, int maxHandovers) {
    Instant now = clock.instant();
    return change(id, s -> {
      if (s.state().isTerminal() || s.state() == SessionState.CLOSING || !fromLss.equals(s.lss())) {
        return s;
      }
      return s.handovers() >= maxHandovers
          ? s.fail(reason + "; handed over " + maxHandovers + " time(s) already", now)
          : s.handOver(fromLss, reason, now);
    }).compose(updated -> {
      if (updated.isEmpty()) {
        return Future.succeededFuture();
      }
      Session after = updated.get().after();
      if (after.state() == SessionState.FAILED) {
        LOG.atError().addKeyValue("session", id).log("session failed: {}", after.reason());
        return ended(id, "LSS lost");
      }
      LOG.atWarn().addKeyValue("session", id).log("handing session over to another LSS: {}", reason);
      return requestOpen(after);
    });
  }

  /**
   * Fails the session when {@code when} holds of it, for the reason {@code why} gives; its slots
   * are released and, with a {@code closeRequest}, the LSS is asked to remove whatever did start.
   * Yields the failed session, or empty when it was not failed here.
   */
  public Future<Optional<Session>> fail(String id, Predicate<Session> when, Function<Session, String> why,
      String closeRequest) {
    Instant now = clock.instant();
    return change(id, s -> !s.state().isTerminal() && when.test(s) ? s.fail(why.apply(s), now) : s)
        .compose(updated -> {
          if (updated.isEmpty()) {
            return Future.succeededFuture(Optional.empty());
          }
          Session failed = updated.get().after();
          LOG.atWarn().addKeyValue("session", id).log("session failed: {}", failed.reason());
          return ended(id, closeRequest).map(Optional.of(failed));
        });
  }

  /**
   * Moves the session to CLOSING and asks the LSS to remove it. A closed or failed session stays as
   * it is; one already CLOSING is asked again only when {@code force} (an admin's close, for an LSS
   * that did not answer). Yields the session as it is after.
   */
  public Future<Session> close(String id, String reason, String by, boolean force) {
    Instant now = clock.instant();
    UnaryOperator<Session> rule = s -> s.state().isTerminal() || s.state() == SessionState.CLOSING && !force
        ? s : s.close(reason, now);
    return store.update(id, rule).compose(found -> {
      if (found.isEmpty()) {
        return Future.failedFuture(ApiException.notFound("no session " + id));
      }
      Updated updated = found.get();
      if (!updated.changed()) {
        return Future.succeededFuture(updated.after());
      }
      announce(updated);
      LOG.atInfo().addKeyValue("session", id).log("session closing ({}) by {}", reason, by);
      return events.publish(Topics.SESSION_COMMANDS, SessionCloseRequested.of(id, reason)).map(updated.after());
    });
  }

  /** Folds an LSS event into its session; idempotent. A session that ended gives back its slots. */
  public Future<Void> fold(SessionEvent event) {
    return fold(event, null);
  }

  /** Folds an event published by {@code source} (an LSS's id; null: not known, as before sources were stamped). */
  public Future<Void> fold(SessionEvent event, String source) {
    String id = event.sessionId();
    String claimerPool = event instanceof ServiceStarting claim && claim.lss() != null
        ? poolOfLss.apply(claim.lss()).orElse(null) : null;
    return store.update(id, s -> SessionFold.apply(s, event, source, claimerPool, clock.instant())).compose(found -> {
      if (found.isEmpty()) {
        LOG.atWarn().addKeyValue("session", id).log("{} for an unknown session ignored", event.type());
        return event instanceof ServiceStarting claim ? answerClaim(claim, null) : Future.succeededFuture();
      }
      announce(found.get());
      Session after = found.get().after();
      // Also when unchanged: a redelivered event (the release failed before) releases again.
      Future<Void> slots = after.state().isTerminal() ? store.releaseSlots(id) : Future.succeededFuture();
      return event instanceof ServiceStarting claim ? slots.compose(v -> answerClaim(claim, after)) : slots;
    });
  }

  /**
   * An LSS starts a session's services only once its claim is granted: the one whose claim the
   * session holds, while it is OPENING or READY, is granted; any other (a second LSS acting on the
   * same open request, or one claiming a session that is over, closing or unknown) is asked to let
   * go, before it started anything. Answered again for a redelivered claim.
   */
  private Future<Void> answerClaim(ServiceStarting claim, Session session) {
    String lss = claim.lss();
    if (lss == null) {
      return Future.succeededFuture();
    }
    boolean live = session != null && (session.state() == SessionState.OPENING || session.state() == SessionState.READY);
    if (live && lss.equals(session.lss())) {
      return events.publish(Topics.REGISTRY, LssClaimGranted.of(lss, claim.sessionId()));
    }
    String claimerPool = poolOfLss.apply(lss).orElse(null);
    LOG.atInfo().addKeyValue("session", claim.sessionId()).log("claim of LSS {} on session {} refused: {}", lss,
        claim.sessionId(), session == null ? "no such session"
            : live && session.lss() == null ? "the LSS serves pool " + claimerPool + ", the session needs pool "
                + session.origin().pool()
            : live ? "LSS " + session.lss() + " runs it"
            : "it is " + session.state());
    return release(claim.sessionId(), lss, session == null ? null : session.lss());
  }

  /**
   * Asks the LSS instances to remove what is left of a session that is over or unknown (one an
   * LSS still reports); the session itself does not change.
   */
  public Future<Void> removeLeftovers(String id, String reason) {
    return events.publish(Topics.SESSION_COMMANDS, SessionCloseRequested.of(id, reason));
  }

  /** Asks {@code lssId} to let go of its copy of a session that {@code heldBy} runs (see {@link Reconciler}). */
  public Future<Void> release(String id, String lssId, String heldBy) {
    return events.publish(Topics.REGISTRY, org.otplatform.common.events.LssReleaseRequested.of(lssId, id, heldBy));
  }

  /** Stores the rule's outcome and announces it; empty when there is no such session or nothing changed. */
  private Future<Optional<Updated>> change(String id, UnaryOperator<Session> rule) {
    return store.update(id, rule).map(found -> found.filter(Updated::changed).map(updated -> {
      announce(updated);
      return updated;
    }));
  }

  private void announce(Updated updated) {
    if (updated.changed()) {
      progress.announce(updated.after(), updated.before().seq());
      metrics.changed(updated);
    }
  }

  /** A session that ended here: its slots go back, and the LSS removes what is left when asked. */
  private Future<Void> ended(String id, String closeRequest) {
    return store.releaseSlots(id).compose(v -> closeRequest == null ? Future.succeededFuture()
        : events.publish(Topics.SESSION_COMMANDS, SessionCloseRequested.of(id, closeRequest)));
  }

  /** The open request, for a new session, one leaving the queue, or one handed over. */
  private Future<Void> requestOpen(Session s) {
    return events.publish(Topics.SESSION_COMMANDS, SessionOpenRequested.of(s.id(), s.origin().project(),
        s.origin().projectId(), s.origin().type(), s.origin().owner(), s.origin().profile(), s.origin().pool()));
  }
}
