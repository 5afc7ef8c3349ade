package org.otplatform.compute.sdk;

import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.trace.Tracer;
import io.vertx.core.json.JsonObject;

/** What a compute service knows about where it runs, and how it talks back to its front ends. */
public interface ServiceContext {
  /** The session this instance serves ({@code OT_SESSION_ID}). */
  String sessionId();

  /** This service's name in the session type ({@code OT_SERVICE_NAME}). */
  String serviceName();

  /** Sends {@code {event, payload}} to every front end of the session, through the relay. */
  void push(String event, JsonObject payload);

  /**
   * Makes the service's own spans: within a traced action, a span started here is the action's
   * child ({@code Span.current()} is the action's span there). A no-op tracer when nothing is traced.
   */
  default Tracer tracer() {
    return OpenTelemetry.noop().getTracer("org.otplatform.compute");
  }
}
