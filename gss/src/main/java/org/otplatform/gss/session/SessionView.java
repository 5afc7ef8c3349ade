package org.otplatform.gss.session;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/** What clients see of a session: the {@code Session} schema of {@code openapi/gss.yaml}. */
public final class SessionView {
  private SessionView() {}

  public static JsonObject of(Session s) {
    JsonObject view = new JsonObject()
        .put("id", s.id())
        .put("project", s.origin().project())
        .put("type", s.origin().type())
        .put("profile", s.origin().profile())
        .put("pool", s.origin().pool())
        .put("owner", s.origin().ownerName())
        .put("state", s.state().name())
        .put("services", new JsonArray(s.services().stream().map(ServiceStatus::toJson).toList()))
        .put("created", s.origin().created().toString());
    if (s.lastActivityAt() != null) {
      view.put("lastActivityAt", s.lastActivityAt().toString());
    }
    for (SessionState state : SessionState.values()) {
      s.since(state).ifPresent(at -> view.put(SessionCodec.timeField(state), at.toString()));
    }
    if (s.reason() != null) {
      view.put("reason", s.reason());
    }
    return view;
  }

  /** The admin's view: also the LSS running it and whether it waits in the queue. */
  public static JsonObject forAdmin(Session s) {
    JsonObject view = of(s).put("queued", s.isQueued());
    if (s.lss() != null) {
      view.put("lss", s.lss());
    }
    return view;
  }
}
