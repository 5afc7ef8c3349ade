package org.otplatform.gss.session;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/**
 * Live progress of sessions on this replica's event bus: entries stored in a session's progress
 * log are announced here for the SSE streams open on this replica.
 */
public final class Progress {
  private final Vertx vertx;

  public Progress(Vertx vertx) {
    this.vertx = vertx;
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
}
