package org.otplatform.gss.lifecycle;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import org.otplatform.common.events.EventCodec;
import org.otplatform.common.events.SessionEvent;
import org.otplatform.common.events.Topics;

/**
 * The GSS's consumer of one session topic: each event folded into its session. Each topic has its
 * producers ({@link Topics}), and an event of a kind its topic does not carry — activity on the
 * LSS's topic, a service's state on the relay's — is refused, as if its producer were unauthorised.
 */
public final class EventFold {
  private final Lifecycle lifecycle;
  private final String topic;
  private final boolean activity;

  private EventFold(Lifecycle lifecycle, String topic, boolean activity) {
    this.lifecycle = lifecycle;
    this.topic = topic;
    this.activity = activity;
  }

  /** For {@link Topics#SESSION_EVENTS}: what the LSS instances report; no activity. */
  public static EventFold sessionEvents(Lifecycle lifecycle) {
    return new EventFold(lifecycle, Topics.SESSION_EVENTS, false);
  }

  /** For {@link Topics#SESSION_ACTIVITY}: the relay's activity reports, nothing else. */
  public static EventFold activity(Lifecycle lifecycle) {
    return new EventFold(lifecycle, Topics.SESSION_ACTIVITY, true);
  }

  /** Decodes and folds one record; an undecodable or misplaced one fails (the consumer logs and skips it). */
  public Future<Void> onRecord(String value) {
    SessionEvent event;
    String source;
    try {
      JsonObject json = new JsonObject(value);
      event = EventCodec.decodeEvent(json);
      source = json.getString(EventCodec.SOURCE);
    } catch (RuntimeException e) {
      return Future.failedFuture(new IllegalArgumentException("undecodable session event: " + e.getMessage()));
    }
    if ((event instanceof SessionEvent.SessionActivity) != activity) {
      return Future.failedFuture(new IllegalArgumentException(event.getClass().getSimpleName() + " of session "
          + event.sessionId() + " refused: " + topic + " does not carry it"));
    }
    return lifecycle.fold(event, source);
  }
}
