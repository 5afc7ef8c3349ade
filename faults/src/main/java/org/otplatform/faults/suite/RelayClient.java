package org.otplatform.faults.suite;

import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * One front end's WebSocket to the relay for a session, asking the echo service to write numbered
 * lines. Every request ends in exactly one outcome in the session's trace: its reply, an error
 * reply (by code), the socket closing under it (by close code), or — after {@link #HANG_MILLIS} with
 * none of those — a hang.
 */
final class RelayClient implements WebSocket.Listener {
  /** The relay answers a request within its 60 s timeout, or with an error; past this it hangs. */
  static final long HANG_MILLIS = 75_000;

  private final SessionTrace trace;
  /** Request id (the line number) → when it was sent. */
  private final Map<Integer, Long> pending = new ConcurrentHashMap<>();
  private final StringBuilder partial = new StringBuilder();
  final CompletableFuture<Integer> closed = new CompletableFuture<>();
  private WebSocket socket;

  private RelayClient(SessionTrace trace) {
    this.trace = trace;
  }

  /** Connected, or null when the relay could not be reached or refused at once (outcome recorded). */
  static RelayClient connect(String relayWs, String token, SessionTrace trace) throws InterruptedException {
    RelayClient client = new RelayClient(trace);
    try {
      client.socket = Api.HTTP.newWebSocketBuilder().connectTimeout(Duration.ofSeconds(5))
          .header("authorization", "Bearer " + token)
          .buildAsync(URI.create(relayWs + "/ws/sessions/" + trace.id), client).get(15, TimeUnit.SECONDS);
      trace.relayConnects++;
      return client;
    } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
      trace.relayOutcome("connect failed");
      return null;
    }
  }

  /** Asks for line {@code n}; false when the socket is gone. */
  boolean send(int n) throws InterruptedException {
    if (closed.isDone()) {
      return false;
    }
    pending.put(n, System.currentTimeMillis());
    JsonObject msg = new JsonObject().put("to", "echo").put("id", n).put("action", "log")
        .put("payload", new JsonObject().put("text", trace.line(n)));
    try {
      socket.sendText(msg.encode(), true).get(15, TimeUnit.SECONDS);
      return true;
    } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
      closedUnder("send failed");
      return false;
    }
  }

  /** Requests without an outcome older than {@link #HANG_MILLIS} become hangs. */
  void expire() {
    long now = System.currentTimeMillis();
    pending.entrySet().removeIf(e -> {
      if (now - e.getValue() > HANG_MILLIS) {
        trace.relayOutcome("hang");
        return true;
      }
      return false;
    });
  }

  /** Ends the socket once every request has its outcome (or hung). */
  void finish() throws InterruptedException {
    long deadline = System.currentTimeMillis() + HANG_MILLIS + 5_000;
    while (!pending.isEmpty() && !closed.isDone() && System.currentTimeMillis() < deadline) {
      Thread.sleep(50);
      expire();
    }
    if (!closed.isDone()) {
      socket.sendClose(WebSocket.NORMAL_CLOSURE, "done");
      socket.abort();
      closed.complete(WebSocket.NORMAL_CLOSURE);
    }
  }

  @Override
  public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
    partial.append(data);
    if (last) {
      String text = partial.toString();
      partial.setLength(0);
      JsonObject msg = new JsonObject(text);
      Object re = msg.getValue("re");
      if (re instanceof Number number && pending.remove(number.intValue()) != null) {
        if (msg.containsKey("error")) {
          JsonObject error = msg.getJsonObject("error");
          trace.relayOutcome("error " + (error == null ? "?" : error.getString("code")));
        } else {
          trace.confirmed.put(number.intValue(), System.currentTimeMillis());
          trace.relayOutcome("reply");
        }
      }
    }
    ws.request(1);
    return null;
  }

  @Override
  public CompletionStage<?> onClose(WebSocket ws, int code, String reason) {
    closedUnder("closed " + code);
    closed.complete(code);
    return null;
  }

  @Override
  public void onError(WebSocket ws, Throwable error) {
    closedUnder("closed abnormally");
    closed.complete(1006);
  }

  /** Requests still waiting when the socket went: a clear error for the front end, not a hang. */
  private void closedUnder(String outcome) {
    pending.keySet().forEach(n -> {
      if (pending.remove(n) != null) {
        trace.relayOutcome(outcome);
      }
    });
  }
}
