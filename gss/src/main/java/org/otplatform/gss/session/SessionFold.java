package org.otplatform.gss.session;

import org.otplatform.common.events.EventCodec;
import org.otplatform.common.events.SessionEvent;
import org.otplatform.common.events.SessionEvent.ServiceFailed;
import org.otplatform.common.events.SessionEvent.ServiceProgress;
import org.otplatform.common.events.SessionEvent.ServiceReady;
import org.otplatform.common.events.SessionEvent.ServiceRestarting;
import org.otplatform.common.events.SessionEvent.ServiceStarting;
import org.otplatform.common.events.SessionEvent.SessionActivity;
import org.otplatform.common.events.SessionEvent.SessionClosed;
import org.otplatform.common.events.SessionEvent.SessionFailed;
import org.otplatform.common.events.SessionEvent.SessionReady;
import java.time.Instant;

/**
 * Pure folding of an LSS event into a session: no I/O, so it is tested on its own. An event
 * already applied (same id) or one that would move a terminal session returns the session
 * unchanged (the same instance).
 *
 * <p>One LSS runs a session: the first whose {@code ServiceStarting} is folded after the open (or
 * after a handover, which clears it) claims it, and events from any other LSS are not folded —
 * two may answer one open request (an LSS stalled past its consumer group's session timeout acts
 * on the records it fetched before, while the partition's new owner acts on them too), and the
 * loser, told by the reconciler, lets go of its copy. A {@code SessionClosed} answering a close is
 * taken from any LSS (the one that runs the session may be gone), and a {@code SessionFailed}
 * before any claim too (an LSS at capacity).
 */
public final class SessionFold {
  /**
   * The most cluster notes ({@code ServiceProgress}) one session's log keeps: the LSS throttles
   * them per pod, this bounds the document whatever an LSS sends.
   */
  static final int MAX_PROGRESS_NOTES = 100;

  private SessionFold() {}

  /** The session after {@code event}, recorded at {@code now}; {@code session} itself when it changes nothing. */
  public static Session apply(Session session, SessionEvent event, Instant now) {
    return apply(session, event, null, now);
  }

  /** As {@link #apply(Session, SessionEvent, Instant)}, for an event published by {@code source} (null: unknown). */
  public static Session apply(Session session, SessionEvent event, String source, Instant now) {
    return apply(session, event, source, null, now);
  }

  /**
   * As above, with the pool of the LSS a {@code ServiceStarting} comes from as its heartbeats say
   * ({@code claimerPool}, null: not heard yet): an LSS of another pool than the session needs does
   * not claim it (its open reached the wrong LSS, one configured in another pool's group).
   */
  public static Session apply(Session session, SessionEvent event, String source, String claimerPool, Instant now) {
    if (session.log().applied(event.id()) || session.state().isTerminal() || !fromItsLss(session, event, source)
        || !ofItsPool(session, event, claimerPool)) {
      return session;
    }
    if (event instanceof SessionActivity activity) {
      // Not progress: no entry in the log, and only ever moving forward.
      Instant last = session.lastActivityAt();
      return last != null && !last.isBefore(activity.time()) ? session : session.withActivity(activity.time());
    }
    if (event instanceof ServiceProgress && notes(session) >= MAX_PROGRESS_NOTES) {
      return session;
    }
    Session next = session;
    if (event instanceof ServiceStarting e) {
      next = session.withService(e.service(), s -> s.starting(e.lss())).withLss(e.lss());
    } else if (event instanceof ServiceReady e) {
      next = session.withService(e.service(), s -> s.ready(e.endpoint()));
    } else if (event instanceof ServiceFailed e) {
      next = session.withService(e.service(), s -> s.failed(e.exitCode(), e.reason()));
    } else if (event instanceof ServiceRestarting e) {
      next = session.withService(e.service(), s -> s.restarting(e.attempt()));
    } else if (event instanceof SessionReady e) {
      for (SessionEvent.ServiceEndpoint s : e.services()) {
        next = next.withService(s.name(), status -> status.ready(s.endpoint()));
      }
      if (session.state() == SessionState.OPENING) {
        next = next.moveTo(SessionState.READY, e.time(), null);
      }
    } else if (event instanceof SessionFailed e) {
      next = session.moveTo(SessionState.FAILED, e.time(), e.reason());
    } else if (event instanceof SessionClosed e) {
      next = session.moveTo(SessionState.CLOSED, e.time(), e.reason())
          .withServices(session.services().stream().map(s -> s.in(ServiceState.STOPPED)).toList());
    }
    return next.withLog(next.log().withApplied(event.id())).record(EventCodec.encode(event), now);
  }

  private static long notes(Session session) {
    return session.log().entries().stream()
        .filter(e -> ServiceProgress.class.getSimpleName().equals(e.event().getString("type"))).count();
  }

  /** Whether the event comes from the LSS that runs the session, or one that may speak for it now. */
  /** Whether a claim may take the session: always, but for a first claim by an LSS known to serve another pool. */
  static boolean ofItsPool(Session session, SessionEvent event, String claimerPool) {
    return !(event instanceof ServiceStarting) || session.lss() != null || claimerPool == null
        || claimerPool.equals(session.origin().pool());
  }

  static boolean fromItsLss(Session session, SessionEvent event, String source) {
    String lss = session.lss();
    if (event instanceof SessionActivity || source == null) {
      return true;
    }
    if (event instanceof ServiceStarting e) {
      return lss == null || lss.equals(e.lss());
    }
    if (event instanceof SessionClosed) {
      return session.state() == SessionState.CLOSING || source.equals(lss);
    }
    if (event instanceof SessionFailed) {
      return lss == null || source.equals(lss);
    }
    return source.equals(lss);
  }
}
