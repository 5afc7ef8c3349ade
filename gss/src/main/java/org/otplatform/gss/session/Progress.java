package org.otplatform.gss.session;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.otplatform.common.events.SessionEvent;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Live progress of sessions for the SSE streams open on this replica. Entries this replica
 * stores are announced on its event bus at once. An event another replica folds reaches this one
 * through its own reading of the session-events topic: once the fold is visible in the store, the
 * new entries are announced here too, so a client may stream from any replica.
 */
public final class Progress {
  private static final Logger LOG = LoggerFactory.getLogger(Progress.class);
  private static final long RETRY_MS = 50;
  private static final int MAX_TRIES = 100;

  private final Vertx vertx;
  private final SessionStore store;
  /** Sessions with streams on this replica, and how many. */
  private final Map<String, Integer> watched = new ConcurrentHashMap<>();

  public Progress(Vertx vertx, SessionStore store) {
    this.vertx = vertx;
    this.store = store;
  }

  /** The event-bus address where a session's progress entries are published as they are stored. */
  public static String address(String sessionId) {
    return "gss.session." + sessionId;
  }

  /** Publishes the progress entries of {@code doc} stored after {@code afterSeq}. */
  public void announce(JsonObject doc, int afterSeq) {
    doc.getJsonArray("events", new JsonArray()).stream()
        .map(JsonObject.class::cast)
        .filter(e -> e.getInteger("seq") > afterSeq)
        .forEach(e -> vertx.eventBus().publish(address(doc.getString("_id")), e));
  }

  /** A stream of the session opened on this replica; run the result when it closes. */
  public Runnable watch(String sessionId) {
    watched.merge(sessionId, 1, Integer::sum);
    return () -> watched.computeIfPresent(sessionId, (k, n) -> n == 1 ? null : n - 1);
  }

  /**
   * An event read from the topic (by every replica): when this replica streams the session, wait
   * until some replica's fold of it is stored, then announce what is new.
   */
  public void onEvent(SessionEvent event) {
    if (watched.containsKey(event.sessionId()) && !(event instanceof SessionEvent.SessionActivity)) {
      announceFolded(event, 0);
    }
  }

  private void announceFolded(SessionEvent event, int tries) {
    store.get(event.sessionId()).onSuccess(found -> found.ifPresent(doc -> {
      JsonArray applied = doc.getJsonArray("eventIds", new JsonArray());
      if (applied.contains(event.id())) {
        announce(doc, seqOf(doc, event.id()) - 1);
      } else if (tries < MAX_TRIES && !SessionState.valueOf(doc.getString("state")).isTerminal()) {
        vertx.setTimer(RETRY_MS, t -> announceFolded(event, tries + 1));
      }
    })).onFailure(e -> LOG.atWarn().addKeyValue("session", event.sessionId())
        .log("cannot read the session to stream {}: {}", event.type(), e.getMessage()));
  }

  private static int seqOf(JsonObject doc, String eventId) {
    for (Object o : doc.getJsonArray("events", new JsonArray())) {
      JsonObject entry = (JsonObject) o;
      if (eventId.equals(entry.getJsonObject("event", new JsonObject()).getString("id"))) {
        return entry.getInteger("seq");
      }
    }
    return 0;
  }
}
