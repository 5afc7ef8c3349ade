package org.otplatform.gss.http;

import io.vertx.core.Vertx;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import org.otplatform.common.auth.BearerAuth;
import org.otplatform.gss.session.Progress;
import org.otplatform.gss.session.SessionService;
import org.otplatform.gss.session.SessionState;

/**
 * {@code GET /api/v1/sessions/{id}/events}: Server-Sent Events of a session's progress. Replays
 * what is stored after {@code Last-Event-ID} (or from the start), then streams live entries; each
 * has {@code id: <seq>} so a reconnect resumes without loss. The stream ends after a terminal
 * state; a comment every 15 s keeps proxies from closing it.
 */
public final class ProgressStream {
  private static final long KEEPALIVE_MS = 15_000;
  private final Vertx vertx;
  private final SessionService sessions;

  public ProgressStream(Vertx vertx, SessionService sessions) {
    this.vertx = vertx;
    this.sessions = sessions;
  }

  public void handle(RoutingContext ctx) {
    String id = ctx.pathParam("id");
    int lastSeen = lastEventId(ctx);
    sessions.visible(BearerAuth.principal(ctx), id).onFailure(ctx::fail).onSuccess(doc -> {
      HttpServerResponse response = ctx.response()
          .setChunked(true)
          .putHeader("content-type", "text/event-stream")
          .putHeader("cache-control", "no-cache")
          .putHeader("x-accel-buffering", "no");
      int[] sent = {lastSeen};
      // Subscribe before replaying, so nothing stored in between is missed; seq dedups the overlap.
      MessageConsumer<JsonObject> live = vertx.eventBus().consumer(Progress.address(id));
      long keepalive = vertx.setPeriodic(KEEPALIVE_MS, t -> response.write(": keepalive\n\n"));
      Runnable stop = () -> {
        live.unregister();
        vertx.cancelTimer(keepalive);
      };
      response.closeHandler(v -> stop.run());
      live.handler(msg -> {
        if (send(response, msg.body(), sent)) {
          stop.run();
          response.end();
        }
      });
      boolean ended = false;
      for (Object o : doc.getJsonArray("events", new JsonArray())) {
        ended = send(response, (JsonObject) o, sent) || ended;
      }
      if (ended) {
        stop.run();
        response.end();
      } else {
        response.write(": streaming\n\n");
      }
    });
  }

  /** Writes the entry unless already sent; true when it reports a terminal state. */
  private static boolean send(HttpServerResponse response, JsonObject entry, int[] sent) {
    int seq = entry.getInteger("seq");
    if (seq <= sent[0] || response.ended()) {
      return false;
    }
    sent[0] = seq;
    JsonObject event = entry.getJsonObject("event");
    JsonObject data = event.copy().put("state", entry.getString("state"));
    response.write("id: " + seq + "\nevent: " + event.getString("type") + "\ndata: " + data.encode() + "\n\n");
    return SessionState.valueOf(entry.getString("state")).isTerminal();
  }

  private static int lastEventId(RoutingContext ctx) {
    String header = ctx.request().getHeader("Last-Event-ID");
    if (header == null) {
      return 0;
    }
    try {
      return Integer.parseInt(header.trim());
    } catch (NumberFormatException e) {
      return 0;
    }
  }
}
