package org.otplatform.otctl;

import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.URI;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;

/**
 * The relay's WebSocket of one session, as a front end uses it: messages {@code {to, id, action,
 * payload}} out, replies and pushes in (each handed to the listener as one JSON object), the close
 * code and reason the relay ends it with ({@code 4410} when the session ended).
 */
final class RelayConnection implements WebSocket.Listener, AutoCloseable {
  /** The relay's close code for a session that ended. */
  static final int SESSION_ENDED = 4410;

  private final Consumer<JsonObject> onMessage;
  private final StringBuilder partial = new StringBuilder();
  /** The close code and reason, once the relay closed (or the connection broke: code -1). */
  final CompletableFuture<String[]> closed = new CompletableFuture<>();
  private WebSocket socket;

  private RelayConnection(Consumer<JsonObject> onMessage) {
    this.onMessage = onMessage;
  }

  /** Connects to the session's relay WebSocket with the caller's token; a refusal is the failure of its class. */
  static RelayConnection open(Platform platform, String session, Consumer<JsonObject> onMessage) {
    URI uri = platform.relay(session);
    RelayConnection connection = new RelayConnection(onMessage);
    try {
      connection.socket = platform.http().newWebSocketBuilder()
          .connectTimeout(Duration.ofSeconds(10))
          .header("authorization", "Bearer " + platform.accessToken())
          .buildAsync(uri, connection)
          .get(Platform.REQUEST_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
      return connection;
    } catch (ExecutionException e) {
      if (e.getCause() instanceof WebSocketHandshakeException refused) {
        Object body = refused.getResponse().body();
        throw Platform.failure(uri, refused.getResponse().statusCode(), body == null ? "" : body.toString());
      }
      throw Platform.unreachable(uri, e.getCause() instanceof IOException io ? io : new IOException(e.getCause()));
    } catch (TimeoutException e) {
      throw new Exit.Failure(Exit.UNAVAILABLE, "the relay at " + uri.getAuthority() + " did not answer within "
          + Platform.REQUEST_TIMEOUT.toSeconds() + " s");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new Exit.Failure(Exit.UNAVAILABLE, "interrupted");
    }
  }

  /** Sends {@code message}; a connection the relay closed meanwhile is the failure its close code says. */
  void send(JsonObject message) {
    try {
      socket.sendText(message.encode(), true).join();
    } catch (java.util.concurrent.CompletionException e) {
      String[] code;
      try {
        code = closed.get(5, TimeUnit.SECONDS); // the relay's reason, when it closed as we sent
      } catch (Exception notClosed) {
        throw new Exit.Failure(Exit.UNAVAILABLE, "cannot send to the relay: " + e.getCause().getMessage());
      }
      throw closedFailure(code);
    }
  }

  /** The failure of a connection the relay closed with {@code code} (code and reason). */
  static Exit.Failure closedFailure(String[] code) {
    return new Exit.Failure(exitForClose(Integer.parseInt(code[0])), "the relay closed the connection (" + code[0]
        + (code[1] == null || code[1].isEmpty() ? "" : ": " + code[1]) + ")");
  }

  @Override
  public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
    partial.append(data);
    if (last) {
      String text = partial.toString();
      partial.setLength(0);
      try {
        onMessage.accept(new JsonObject(text));
      } catch (DecodeException e) {
        onMessage.accept(new JsonObject().put("from", "relay").put("error", new JsonObject()
            .put("code", "bad_message").put("message", "the relay sent a message that is not a JSON object")));
      }
    }
    ws.request(1);
    return null;
  }

  @Override
  public CompletionStage<?> onClose(WebSocket ws, int statusCode, String reason) {
    closed.complete(new String[] {String.valueOf(statusCode), reason});
    return null;
  }

  @Override
  public void onError(WebSocket ws, Throwable error) {
    closed.complete(new String[] {"-1", String.valueOf(error.getMessage())});
  }

  /**
   * The exit code of the relay's close code (4401/4403 not allowed, 4404 no such session, 4409 not
   * ready yet, 4410 the session ended), for a connection closed before it was done.
   */
  static int exitForClose(int code) {
    return switch (code) {
      case 4401, 4403 -> Exit.AUTH;
      case 4404, SESSION_ENDED -> Exit.NOT_FOUND;
      case 4409 -> Exit.CONFLICT;
      default -> Exit.UNAVAILABLE;
    };
  }

  /** {@code reply} when it is a result; its error, if it is one, as the failure of its code, naming the service. */
  static JsonObject succeeded(JsonObject reply, String service) {
    JsonObject error = reply.getJsonObject("error");
    if (error != null) {
      throw new Exit.Failure(exitFor(error.getString("code")), reply.getString("from", service) + ": "
          + error.getString("code") + ": " + error.getString("message"));
    }
    return reply;
  }

  /** The exit code of an error a service or the relay answered a call with, by its code. */
  static int exitFor(String code) {
    return switch (code == null ? "" : code) {
      case "bad_request", "bad_payload", "bad_input" -> Exit.USAGE;
      case "forbidden" -> Exit.AUTH;
      case "unknown_service", "unknown_action" -> Exit.NOT_FOUND;
      case "busy" -> Exit.CONFLICT;
      case "service_unavailable", "timeout" -> Exit.UNAVAILABLE;
      default -> Exit.FAILED;
    };
  }

  @Override
  public void close() {
    if (!socket.isOutputClosed()) {
      socket.sendClose(WebSocket.NORMAL_CLOSURE, "done").exceptionally(e -> null);
    }
    try {
      closed.get(2, TimeUnit.SECONDS); // the relay's answer to our close
    } catch (Exception e) {
      // ending anyway
    }
    socket.abort();
  }
}
