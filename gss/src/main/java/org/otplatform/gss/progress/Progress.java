package org.otplatform.gss.progress;

import io.vertx.core.Vertx;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.otplatform.common.events.SessionEvent;
import org.otplatform.gss.session.ProgressEntry;
import org.otplatform.gss.session.Session;
import org.otplatform.gss.store.SessionStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Live progress of sessions for the SSE streams open on this replica (all on the GSS verticle's
 * context, so listeners are called directly). Entries this replica stores are announced at once.
 * An event another replica folds reaches this one through its own reading of the session-events
 * topic: once the fold is visible in the store, the new entries are announced here too, so a
 * client may stream from any replica.
 */
public final class Progress {
  private static final Logger LOG = LoggerFactory.getLogger(Progress.class);
  private static final long RETRY_MS = 50;
  private static final int MAX_TRIES = 100;

  private final Vertx vertx;
  private final SessionStore store;
  /** The listeners of each session streamed on this replica. */
  private final Map<String, List<Consumer<ProgressEntry>>> watched = new ConcurrentHashMap<>();

  public Progress(Vertx vertx, SessionStore store) {
    this.vertx = vertx;
    this.store = store;
  }

  /** Hands the progress entries of {@code session} recorded after {@code afterSeq} to its listeners. */
  public void announce(Session session, int afterSeq) {
    List<Consumer<ProgressEntry>> listeners = watched.get(session.id());
    if (listeners == null) {
      return;
    }
    session.log().after(afterSeq).forEach(e -> List.copyOf(listeners).forEach(l -> l.accept(e)));
  }

  /** A stream of the session on this replica gets its new entries; run the result when it closes. */
  public Runnable watch(String sessionId, Consumer<ProgressEntry> listener) {
    watched.computeIfAbsent(sessionId, k -> new CopyOnWriteArrayList<>()).add(listener);
    return () -> watched.computeIfPresent(sessionId, (k, list) -> {
      list.remove(listener);
      return list.isEmpty() ? null : list;
    });
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
    store.get(event.sessionId()).onSuccess(found -> found.ifPresent(session -> {
      if (session.log().applied(event.id())) {
        announce(session, session.log().seqOf(event.id()) - 1);
      } else if (tries < MAX_TRIES && !session.state().isTerminal()) {
        vertx.setTimer(RETRY_MS, t -> announceFolded(event, tries + 1));
      }
    })).onFailure(e -> LOG.atWarn().addKeyValue("session", event.sessionId())
        .log("cannot read the session to stream {}: {}", event.type(), e.getMessage()));
  }
}
