package org.otplatform.gss.session;

import io.vertx.core.json.JsonObject;

/**
 * One entry of a session's progress log, what its event stream replays: the event (an LSS event or
 * one of the GSS's own {@link SessionProgress}) as JSON, numbered by {@code seq}, with the state the
 * session was in after it.
 */
public record ProgressEntry(int seq, JsonObject event, SessionState state) {

  public JsonObject toJson() {
    return new JsonObject().put("seq", seq).put("event", event).put("state", state.name());
  }

  public static ProgressEntry fromJson(JsonObject json) {
    return new ProgressEntry(json.getInteger("seq"), json.getJsonObject("event", new JsonObject()),
        SessionState.valueOf(json.getString("state")));
  }

  /** The id of the event, for LSS events (the GSS's own have none). */
  public String eventId() {
    return event.getString("id");
  }
}
