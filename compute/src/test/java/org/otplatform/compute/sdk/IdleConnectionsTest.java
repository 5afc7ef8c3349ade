package org.otplatform.compute.sdk;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonObject;
import java.io.InputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A compute service closes connections that stay silent (one that never sends its request, as a
 * client holding sockets would), while the relay's WebSocket, pinged by the service, stays up.
 */
class IdleConnectionsTest {
  private final ComputeService service = ComputeService.create("echo", Map.of("OT_COMPUTE_IDLE_TIMEOUT_SECONDS", "1"))
      .action(new Action("echo", "returns the payload", new JsonObject(), (p, c) -> p));

  @AfterEach
  void stop() throws Exception {
    service.stop().toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
  }

  @Test
  void aSilentConnectionIsClosedAndAPingedWebSocketStays() throws Exception {
    int port = service.start("127.0.0.1", 0).toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
    CompletableFuture<String> closed = new CompletableFuture<>();
    WebSocket relay = HttpClient.newHttpClient().newWebSocketBuilder()
        .buildAsync(URI.create("ws://127.0.0.1:" + port + "/ws"), new WebSocket.Listener() {
          private final StringBuilder text = new StringBuilder();

          @Override
          public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
            text.append(data);
            ws.request(1);
            return null;
          }

          @Override
          public CompletionStage<?> onClose(WebSocket ws, int code, String reason) {
            closed.complete(code + " " + reason);
            return null;
          }
        }).get(20, TimeUnit.SECONDS);
    try (Socket silent = new Socket("127.0.0.1", port)) {
      silent.setSoTimeout(10_000);
      InputStream in = silent.getInputStream();
      long t0 = System.nanoTime();
      assertEquals(-1, in.read(), "the server closed the silent connection");
      assertTrue(System.nanoTime() - t0 < TimeUnit.SECONDS.toNanos(8), "within a few idle timeouts");
    }
    // Three idle timeouts later the pinged WebSocket is still open and answers.
    Thread.sleep(3_000);
    assertTrue(!closed.isDone(), "the relay's connection was closed: " + closed.getNow(""));
    relay.sendText(new JsonObject().put("id", 1).put("action", "ping").encode(), true).get(5, TimeUnit.SECONDS);
    relay.abort();
  }
}
