package org.otplatform.common.http;

import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.function.Function;

/** Small helpers so handlers read as {@code Responses.json(ctx -> service.call(...))}. */
public final class Responses {
  private Responses() {}

  /** A handler that answers 200 with the JSON the function's future yields, or fails the context. */
  public static Handler<RoutingContext> json(Function<RoutingContext, Future<?>> action) {
    return json(200, action);
  }

  /** Like {@link #json(Function)} with another success status. */
  public static Handler<RoutingContext> json(int status, Function<RoutingContext, Future<?>> action) {
    return ctx -> {
      Future<?> result;
      try {
        result = action.apply(ctx);
      } catch (RuntimeException e) {
        ctx.fail(e);
        return;
      }
      result.onSuccess(body -> send(ctx, status, body)).onFailure(ctx::fail);
    };
  }

  public static void send(RoutingContext ctx, int status, Object body) {
    if (ctx.response().ended()) {
      return;
    }
    ctx.response().setStatusCode(status);
    if (body == null) {
      ctx.response().end();
      return;
    }
    String text = body instanceof JsonObject o ? o.encode()
        : body instanceof JsonArray a ? a.encode() : String.valueOf(body);
    ctx.response().putHeader("content-type", "application/json").end(text);
  }

  /** The request's JSON body, or a 400 naming the problem. */
  public static JsonObject body(RoutingContext ctx) {
    try {
      JsonObject body = ctx.body().asJsonObject();
      if (body == null) {
        throw ApiException.badRequest("request body must be a JSON object");
      }
      return body;
    } catch (io.vertx.core.json.DecodeException | ClassCastException e) {
      throw ApiException.badRequest("request body must be a JSON object");
    }
  }

  /** A required, non-blank string field of a JSON body, or a 400 naming it. */
  public static String requiredString(JsonObject body, String field) {
    Object value = body.getValue(field);
    if (!(value instanceof String s) || s.isBlank()) {
      throw ApiException.badRequest("field '" + field + "' is required and must be a non-empty string");
    }
    return s.trim();
  }
}
