package org.otplatform.gss.lifecycle;

import io.vertx.core.Future;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import org.otplatform.common.events.LssHeartbeat;
import org.otplatform.common.tracing.RootSpans;
import org.otplatform.gss.registry.LssRegistry;
import org.otplatform.gss.session.Session;
import org.otplatform.gss.session.SessionState;
import org.otplatform.gss.store.Placement;
import org.otplatform.gss.store.SessionStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps what the LSS instances run in line with the sessions, the GSS being the authority:
 * <ul>
 *   <li>a session an LSS reports (running, or pods it sees but does not run) that is CLOSED,
 *       FAILED or unknown is closed again, so whatever is left of it is removed;</li>
 *   <li>a session CLOSING for {@link #RECLOSE_AFTER} without an LSS confirming it (its close
 *       reached no LSS that ran it — it was stalled, or died before acting) is asked to close again,
 *       every {@link #RECLOSE_AFTER}: any LSS confirms a session it does not run;</li>
 *   <li>a live session an LSS reports running while the GSS holds another LSS to run it (it was
 *       handed over while the first was silent but alive: stalled, cut off) is released by the
 *       first — never two copies of one session;</li>
 *   <li>an OPENING or READY session whose LSS is lost, or that its LSS no longer reports for
 *       {@code lostAfter}, is handed over: its open request is published again, and the LSS that
 *       takes it adopts what still runs (pods) or starts it anew (local processes). After
 *       {@code maxHandovers} the session fails with the reason.</li>
 * </ul>
 * Safe on several GSS replicas: a handover is an optimistic update of the session that only one
 * of them wins; closing twice changes nothing.
 */
public final class Reconciler {
  private static final Logger LOG = LoggerFactory.getLogger(Reconciler.class);
  /** A session reported although over is closed again at most this often. */
  private static final Duration RECLOSE_AFTER = Duration.ofSeconds(30);
  private static final Duration RELEASE_AGAIN_AFTER = Duration.ofSeconds(5);
  /** Sessions an LSS runs or should run. */
  private static final Set<SessionState> LIVE = Set.of(SessionState.OPENING, SessionState.READY);
  private static final Set<SessionState> SWEPT = Set.of(SessionState.OPENING, SessionState.READY, SessionState.CLOSING);

  private final SessionStore store;
  private final Lifecycle lifecycle;
  private final LssRegistry registry;
  private final int maxHandovers;
  /** Sessions missing from their LSS's heartbeats, since when. */
  private final Map<String, Instant> missingSince = new ConcurrentHashMap<>();
  private final Map<String, Instant> closedAgain = new ConcurrentHashMap<>();
  /** A hand-over or a close asked again is a trace of its own. */
  private final RootSpans traces;

  public Reconciler(SessionStore store, Lifecycle lifecycle, LssRegistry registry, int maxHandovers,
      RootSpans traces) {
    this.traces = traces;
    this.store = store;
    this.lifecycle = lifecycle;
    this.registry = registry;
    this.maxHandovers = maxHandovers;
  }

  /** Records the heartbeat and closes again the sessions it reports that are over. */
  public Future<Void> onHeartbeat(LssHeartbeat heartbeat) {
    Instant now = lifecycle.clock().instant();
    registry.heard(heartbeat, now);
    Set<String> reported = new TreeSet<>(heartbeat.sessions());
    reported.addAll(heartbeat.untracked());
    if (reported.isEmpty()) {
      return Future.succeededFuture();
    }
    return store.placements(reported).compose(placements -> {
      List<Future<Void>> actions = new ArrayList<>();
      for (String id : reported) {
        Placement p = placements.get(id);
        if (p == null || p.state().isTerminal()) {
          actions.add(closeAgain(id, heartbeat.lssId(), p == null ? "unknown" : p.state().name(), now));
        } else if (p.lss() != null && !p.lss().equals(heartbeat.lssId()) && heartbeat.sessions().contains(id)) {
          actions.add(releaseAgain(id, heartbeat.lssId(), p.lss(), now));
        }
      }
      return Future.join(actions).mapEmpty();
    });
  }

  /**
   * The second copy of a session goes, asked at most every {@link #RELEASE_AGAIN_AFTER} per LSS: an
   * LSS back from a stall may miss the first (its reader of the registry joins its group anew).
   */
  private Future<Void> releaseAgain(String id, String lssId, String heldBy, Instant now) {
    String key = id + "@" + lssId;
    Instant last = closedAgain.get(key);
    if (last != null && last.plus(RELEASE_AGAIN_AFTER).isAfter(now)) {
      return Future.succeededFuture();
    }
    closedAgain.put(key, now);
    LOG.atWarn().addKeyValue("session", id).log("LSS {} reports session {}, which LSS {} runs: asking {} to let go of "
        + "its copy", lssId, id, heldBy, lssId);
    return lifecycle.release(id, lssId, heldBy);
  }

  private Future<Void> closeAgain(String id, String lssId, String state, Instant now) {
    Instant last = closedAgain.get(id);
    if (last != null && last.plus(RECLOSE_AFTER).isAfter(now)) {
      return Future.succeededFuture();
    }
    closedAgain.put(id, now);
    LOG.atWarn().addKeyValue("session", id).log("LSS {} reports session {} that is {}: closing what is left of it",
        lssId, id, state);
    return lifecycle.removeLeftovers(id, "orphan: the session is " + state.toLowerCase(Locale.ROOT));
  }

  /** Hands over the live sessions of lost LSS instances, and of LSS instances that dropped them. */
  public Future<Void> sweep() {
    Instant now = lifecycle.clock().instant();
    registry.prune(now);
    closedAgain.values().removeIf(t -> t.plus(RECLOSE_AFTER).isBefore(now));
    return store.summaries(SWEPT).compose(sessions -> {
      Set<String> live = new TreeSet<>();
      List<Future<Void>> handovers = new ArrayList<>();
      for (Session s : sessions) {
        if (s.state() == SessionState.CLOSING) {
          handovers.add(traces.start("sweep close-again", s.id(), () -> closeAgainIfUnconfirmed(s, now)));
          continue;
        }
        live.add(s.id());
        String reason = reasonToHandOver(s, now);
        if (reason != null) {
          missingSince.remove(s.id());
          handovers.add(traces.start("sweep hand-over", s.id(),
              () -> lifecycle.handOver(s.id(), s.lss(), reason, maxHandovers)));
        }
      }
      missingSince.keySet().retainAll(live);
      return Future.join(handovers).mapEmpty();
    });
  }

  /** A close no LSS confirmed within {@link #RECLOSE_AFTER} goes out again, with the reason it was asked for. */
  private Future<Void> closeAgainIfUnconfirmed(Session closing, Instant now) {
    Instant since = closing.since(SessionState.CLOSING).orElse(now);
    String key = "closing:" + closing.id();
    Instant last = closedAgain.get(key);
    if (since.plus(RECLOSE_AFTER).isAfter(now) || last != null && last.plus(RECLOSE_AFTER).isAfter(now)) {
      return Future.succeededFuture();
    }
    closedAgain.put(key, now);
    return store.get(closing.id()).compose(found -> {
      if (found.isEmpty() || found.get().state() != SessionState.CLOSING) {
        return Future.succeededFuture();
      }
      String reason = found.get().log().entries().stream()
          .map(e -> e.event())
          .filter(e -> "SessionCloseRequested".equals(e.getString("type")))
          .reduce((a, b) -> b).map(e -> e.getString("reason")).orElse("closed");
      LOG.atWarn().addKeyValue("session", closing.id()).log("session {} has been CLOSING since {} without an LSS "
          + "confirming it: asking again", closing.id(), since);
      return lifecycle.removeLeftovers(closing.id(), reason);
    });
  }

  /** Why the session must go to another LSS, or null when its LSS runs it. */
  private String reasonToHandOver(Session session, Instant now) {
    String lss = session.lss();
    if (lss == null) {
      return null; // not taken by any LSS yet: the open timeout is the backstop
    }
    if (registry.isLost(lss, now)) {
      return registry.get(lss).map(e -> "LSS " + lss + " went silent (last heard " + e.lastSeen() + ")")
          .orElse("LSS " + lss + " is not running (not heard for " + registry.lostAfter().toSeconds() + " s)");
    }
    String id = session.id();
    boolean reported = registry.get(lss).map(e -> e.sessions().contains(id)).orElse(false);
    if (reported) {
      missingSince.remove(id);
      return null;
    }
    Instant since = missingSince.computeIfAbsent(id, k -> now);
    return since.plus(registry.lostAfter()).isBefore(now) ? "LSS " + lss + " no longer runs it" : null;
  }
}
