package org.otplatform.embedded;

import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/** A test-side WebSocket front end (JDK client): send JSON, take received messages in order. */
final class WsProbe implements WebSocket.Listener, AutoCloseable {
  private final BlockingQueue<JsonObject> messages = new LinkedBlockingQueue<>();
  private final CompletableFuture<int[]> closed = new CompletableFuture<>();
  private final StringBuilder partial = new StringBuilder();
  final CompletableFuture<String> closeReason = new CompletableFuture<>();
  private WebSocket socket;

  /** When false the probe reads nothing after its first message: a front end that does not keep up. */
  private boolean reading = true;

  static WsProbe stalled(String url, String token) throws Exception {
    WsProbe probe = connect(url, token);
    probe.reading = false;
    return probe;
  }

  static WsProbe connect(String url, String token) throws Exception {
    WsProbe probe = new WsProbe();
    WebSocket.Builder builder = Api.client(url).newWebSocketBuilder().connectTimeout(Duration.ofSeconds(5));
    if (token != null) {
      builder.header("Authorization", "Bearer " + token);
    }
    probe.socket = builder.buildAsync(URI.create(url), probe).get(10, TimeUnit.SECONDS);
    return probe;
  }

  void send(JsonObject message) {
    socket.sendText(message.encode(), true).join();
  }

  /** The next message, or null after the timeout. */
  JsonObject next(Duration timeout) throws InterruptedException {
    return messages.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
  }

  /** The close code the server sent, or -1 if it did not close within the timeout. */
  int closeCode(Duration timeout) {
    try {
      return closed.get(timeout.toMillis(), TimeUnit.MILLISECONDS)[0];
    } catch (Exception e) {
      return -1;
    }
  }

  @Override
  public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
    partial.append(data);
    if (last) {
      messages.add(new JsonObject(partial.toString()));
      partial.setLength(0);
    }
    if (reading) {
      ws.request(1);
    }
    return null;
  }

  @Override
  public CompletionStage<?> onClose(WebSocket ws, int statusCode, String reason) {
    closed.complete(new int[] {statusCode});
    closeReason.complete(reason);
    return null;
  }

  @Override
  public void onError(WebSocket ws, Throwable error) {
    closed.complete(new int[] {-2});
    closeReason.complete(String.valueOf(error));
  }

  @Override
  public void close() {
    if (!socket.isOutputClosed()) {
      socket.sendClose(WebSocket.NORMAL_CLOSURE, "bye");
    }
    socket.abort();
  }
}
