package org.otplatform.gss.session;

import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.otplatform.common.events.LssHeartbeat;
import org.otplatform.common.events.SessionCommand.SessionCloseRequested;
import org.otplatform.common.events.SessionCommand.SessionOpenRequested;
import org.otplatform.common.events.Topics;
import org.otplatform.common.kafka.EventPublisher;
import org.otplatform.gss.registry.LssRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps what the LSS instances run in line with the sessions, the GSS being the authority:
 * <ul>
 *   <li>a session an LSS reports (running, or pods it sees but does not run) that is CLOSED,
 *       FAILED or unknown is closed again, so whatever is left of it is removed;</li>
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

  private final SessionStore store;
  private final EventPublisher publisher;
  private final Progress progress;
  private final LssRegistry registry;
  private final int maxHandovers;
  /** Sessions missing from their LSS's heartbeats, since when. */
  private final Map<String, Instant> missingSince = new ConcurrentHashMap<>();
  private final Map<String, Instant> closedAgain = new ConcurrentHashMap<>();

  public Reconciler(SessionStore store, EventPublisher publisher, Progress progress, LssRegistry registry,
      int maxHandovers) {
    this.store = store;
    this.publisher = publisher;
    this.progress = progress;
    this.registry = registry;
    this.maxHandovers = maxHandovers;
  }

  /** Records the heartbeat and closes again the sessions it reports that are over. */
  public Future<Void> onHeartbeat(LssHeartbeat heartbeat, Instant now) {
    registry.heard(heartbeat, now);
    Set<String> reported = new TreeSet<>(heartbeat.sessions());
    reported.addAll(heartbeat.untracked());
    if (reported.isEmpty()) {
      return Future.succeededFuture();
    }
    return store.states(reported).compose(states -> {
      List<Future<Void>> closes = new ArrayList<>();
      for (String id : reported) {
        SessionState state = states.get(id);
        if (state == null || state.isTerminal()) {
          closes.add(closeAgain(id, heartbeat.lssId(), state == null ? "unknown" : state.name(), now));
        }
      }
      return Future.join(closes).mapEmpty();
    });
  }

  private Future<Void> closeAgain(String id, String lssId, String state, Instant now) {
    Instant last = closedAgain.get(id);
    if (last != null && last.plus(RECLOSE_AFTER).isAfter(now)) {
      return Future.succeededFuture();
    }
    closedAgain.put(id, now);
    LOG.atWarn().addKeyValue("session", id).log("LSS {} reports session {} that is {}: closing what is left of it",
        lssId, id, state);
    return publisher.publish(Topics.SESSION_COMMANDS, SessionCloseRequested.of(id, "orphan: the session is "
        + state.toLowerCase())).mapEmpty();
  }

  /** Hands over the live sessions of lost LSS instances, and of LSS instances that dropped them. */
  public Future<Void> sweep(Instant now) {
    registry.prune(now);
    closedAgain.values().removeIf(t -> t.plus(RECLOSE_AFTER).isBefore(now));
    return store.live().compose(docs -> {
      Set<String> live = new TreeSet<>();
      List<Future<Void>> handovers = new ArrayList<>();
      for (JsonObject doc : docs) {
        String id = doc.getString("_id");
        live.add(id);
        String reason = reasonToHandOver(doc, now);
        if (reason != null) {
          missingSince.remove(id);
          handovers.add(handOver(id, doc.getString("lss"), reason));
        }
      }
      missingSince.keySet().retainAll(live);
      return Future.join(handovers).mapEmpty();
    });
  }

  /** Why the session must go to another LSS, or null when its LSS runs it. */
  private String reasonToHandOver(JsonObject doc, Instant now) {
    String lss = doc.getString("lss");
    if (lss == null) {
      return null; // not taken by any LSS yet: the open timeout is the backstop
    }
    if (registry.isLost(lss, now)) {
      return registry.get(lss).map(e -> "LSS " + lss + " went silent (last heard " + e.lastSeen() + ")")
          .orElse("LSS " + lss + " is not running (not heard for " + registry.lostAfter().toSeconds() + " s)");
    }
    String id = doc.getString("_id");
    boolean reported = registry.get(lss).map(e -> e.sessions().contains(id)).orElse(false);
    if (reported) {
      missingSince.remove(id);
      return null;
    }
    Instant since = missingSince.computeIfAbsent(id, k -> now);
    return since.plus(registry.lostAfter()).isBefore(now) ? "LSS " + lss + " no longer runs it" : null;
  }

  /** Publishes the open request again for another LSS, or fails the session past the limit. */
  private Future<Void> handOver(String id, String fromLss, String reason) {
    AtomicInteger before = new AtomicInteger();
    boolean[] failed = {false};
    boolean[] changed = {false};
    return store.update(id, d -> {
      // Runs again when another writer got there first: decide afresh each time.
      changed[0] = false;
      failed[0] = false;
      SessionState state = SessionState.valueOf(d.getString("state"));
      if (state.isTerminal() || state == SessionState.CLOSING || !fromLss.equals(d.getString("lss"))) {
        return false;
      }
      before.set(d.getInteger("seq", 0));
      changed[0] = true;
      int handovers = d.getInteger("handovers", 0) + 1;
      Instant now = Instant.now();
      if (handovers > maxHandovers) {
        String why = reason + "; handed over " + maxHandovers + " time(s) already";
        SessionFold.transition(d, SessionState.FAILED, now, why);
        SessionFold.record(d, new JsonObject().put("type", "SessionFailed").put("sessionId", id)
            .put("time", now.toString()).put("reason", why));
        failed[0] = true;
        return true;
      }
      d.put("handovers", handovers).remove("lss");
      if (state == SessionState.OPENING) {
        d.put("openingAt", now.toString()); // the next LSS gets the whole open timeout
      }
      d.getJsonArray("services", new JsonArray()).forEach(o -> ((JsonObject) o).put("state", "PENDING"));
      SessionFold.record(d, new JsonObject().put("type", "SessionHandedOver").put("sessionId", id)
          .put("time", now.toString()).put("fromLss", fromLss).put("reason", reason).put("handover", handovers));
      return true;
    }).compose(found -> {
      if (found.isEmpty() || !changed[0]) {
        return Future.succeededFuture();
      }
      JsonObject doc = found.get();
      progress.announce(doc, before.get());
      if (failed[0]) {
        LOG.atError().addKeyValue("session", id).log("session failed: {}", doc.getString("reason"));
        return store.releaseProject(id).compose(v -> publisher.publish(Topics.SESSION_COMMANDS,
            SessionCloseRequested.of(id, "LSS lost"))).mapEmpty();
      }
      LOG.atWarn().addKeyValue("session", id).log("handing session over to another LSS: {}", reason);
      return publisher.publish(Topics.SESSION_COMMANDS, SessionOpenRequested.of(id, doc.getString("project"),
          doc.getString("type"), doc.getString("owner"))).mapEmpty();
    });
  }
}
