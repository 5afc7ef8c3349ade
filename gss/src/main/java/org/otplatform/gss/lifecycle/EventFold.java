package org.otplatform.gss.lifecycle;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import org.otplatform.common.events.EventCodec;
import org.otplatform.common.events.SessionEvent;

/** The GSS's consumer of the session-events topic: each LSS event folded into its session. */
public final class EventFold {
  private final Lifecycle lifecycle;

  public EventFold(Lifecycle lifecycle) {
    this.lifecycle = lifecycle;
  }

  /** Decodes and folds one record; an undecodable one fails (the consumer logs and skips it). */
  public Future<Void> onRecord(String value) {
    SessionEvent event;
    try {
      event = EventCodec.decodeEvent(new JsonObject(value));
    } catch (RuntimeException e) {
      return Future.failedFuture(new IllegalArgumentException("undecodable session event: " + e.getMessage()));
    }
    return lifecycle.fold(event);
  }
}
