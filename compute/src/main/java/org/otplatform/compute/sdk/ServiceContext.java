package org.otplatform.compute.sdk;

import io.vertx.core.json.JsonObject;

/** What a compute service knows about where it runs, and how it talks back to its front ends. */
public interface ServiceContext {
  /** The session this instance serves ({@code OT_SESSION_ID}). */
  String sessionId();

  /** This service's name in the session type ({@code OT_SERVICE_NAME}). */
  String serviceName();

  /** Sends {@code {event, payload}} to every front end of the session, through the relay. */
  void push(String event, JsonObject payload);
}
