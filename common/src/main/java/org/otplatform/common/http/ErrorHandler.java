package org.otplatform.common.http;

import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.HttpException;
import io.vertx.json.schema.JsonSchemaValidationException;
import io.vertx.openapi.validation.SchemaValidationException;
import io.vertx.openapi.validation.ValidatorException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns every failure into a JSON {@code {error, message}} body with the right status; a client
 * never sees a stack trace. Unexpected failures are logged with the request that caused them.
 */
public final class ErrorHandler {
  private static final Logger LOG = LoggerFactory.getLogger(ErrorHandler.class);

  private ErrorHandler() {}

  /** Installs the failure handler and the 404/405/413 handlers on a router. */
  public static void install(Router router) {
    router.route().failureHandler(ErrorHandler::handle);
    router.errorHandler(404, ctx -> send(ctx, 404, "not_found", "no such resource: " + ctx.request().path()));
    router.errorHandler(405, ctx -> send(ctx, 405, "method_not_allowed",
        ctx.request().method() + " is not allowed on " + ctx.request().path()));
    router.errorHandler(413, ctx -> send(ctx, 413, "payload_too_large", "request body too large"));
    router.errorHandler(500, ErrorHandler::handle);
  }

  public static void handle(RoutingContext ctx) {
    Throwable failure = ctx.failure();
    if (failure instanceof ApiException api) {
      if (api.retryAfterSeconds() != null && !ctx.response().headWritten()) {
        ctx.response().putHeader("Retry-After", Long.toString(api.retryAfterSeconds()));
      }
      send(ctx, api.status(), api.error(), api.getMessage());
    } else if (failure instanceof SchemaValidationException schema) {
      send(ctx, 400, "bad_request", describe(schema));
    } else if (failure instanceof ValidatorException validator) {
      send(ctx, 400, "bad_request", validator.getMessage());
    } else if (failure instanceof DecodeException) {
      send(ctx, 400, "bad_request", "request body is not valid JSON");
    } else if (failure instanceof HttpException http) {
      int status = http.getStatusCode();
      send(ctx, status, errorName(status), http.getPayload() != null ? http.getPayload() : messageFor(status));
    } else if (failure instanceof io.vertx.core.http.HttpClosedException) {
      // The client went away before its request was read (a half-sent body): nothing to answer, and
      // no error of ours — one ERROR with a stack trace per dropped connection would let anyone
      // flood the logs.
      LOG.debug("{} {}: the client closed the connection before its request was read",
          ctx.request().method(), ctx.request().path());
    } else if (failure == null && ctx.statusCode() >= 400 && ctx.statusCode() < 500) {
      send(ctx, ctx.statusCode(), errorName(ctx.statusCode()), messageFor(ctx.statusCode()));
    } else {
      LOG.error("{} {} failed with status {}", ctx.request().method(), ctx.request().path(), ctx.statusCode(), failure);
      send(ctx, 500, "internal", "internal error");
    }
  }

  private static String describe(SchemaValidationException e) {
    JsonSchemaValidationException cause = e.getCause() instanceof JsonSchemaValidationException j ? j : null;
    if (cause != null && cause.location() != null && !cause.location().isEmpty()) {
      return "invalid request body at " + cause.location() + ": " + cause.getMessage();
    }
    return e.getMessage();
  }

  public static void send(RoutingContext ctx, int status, String error, String message) {
    HttpServerResponse response = ctx.response();
    if (response.headWritten()) {
      LOG.warn("cannot send error {} on {}: response already started", status, ctx.request().path());
      ctx.request().connection().close();
      return;
    }
    response.setStatusCode(status).putHeader("content-type", "application/json");
    String body = new JsonObject().put("error", error).put("message", message).encode();
    io.vertx.core.http.HttpServerRequest request = ctx.request();
    if (!request.isEnded() && request.version() != io.vertx.core.http.HttpVersion.HTTP_2) {
      // Answered before its body was read (too large, or refused first): the rest of it would
      // follow on this connection, and a client reusing it would wait for an answer that never
      // comes. So the connection ends with this answer.
      response.putHeader("connection", "close").end(body).onComplete(v -> request.connection().close());
      return;
    }
    response.end(body);
  }

  private static String errorName(int status) {
    return switch (status) {
      case 400 -> "bad_request";
      case 401 -> "unauthorized";
      case 403 -> "forbidden";
      case 404 -> "not_found";
      case 405 -> "method_not_allowed";
      case 409 -> "conflict";
      case 413 -> "payload_too_large";
      case 415 -> "unsupported_media_type";
      case 429 -> "too_many_requests";
      case 503 -> "unavailable";
      default -> status < 500 ? "client_error" : "internal";
    };
  }

  private static String messageFor(int status) {
    return switch (status) {
      case 400 -> "bad request";
      case 401 -> "authentication required";
      case 403 -> "forbidden";
      case 404 -> "not found";
      case 413 -> "request body too large";
      case 415 -> "unsupported content type";
      default -> "request failed";
    };
  }
}
