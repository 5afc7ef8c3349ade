package org.otplatform.compute.sdk;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The SDK bounds what one front end can make a service spend, over a real WebSocket: actions run at
 * most N at once (the rest are answered {@code busy}), and one past its time limit is cancelled —
 * its thread interrupted, so the work stops and its slot frees.
 */
@Timeout(60)
class ActionLimitsTest {
  private ComputeService service;
  private WebSocket socket;
  private final BlockingQueue<JsonObject> replies = new LinkedBlockingQueue<>();

  @BeforeEach
  void start() throws Exception {
    service = ComputeService.create("limits", Map.of("OT_COMPUTE_MAX_CONCURRENT_ACTIONS", "1",
            "OT_COMPUTE_ACTION_TIMEOUT_SECONDS", "1"))
        .action(new Action("spin", "computes until cancelled", new JsonObject(), (p, c) -> {
          while (true) {
            ActionException.throwIfCancelled();
          }
        }))
        .action(new Action("quick", "answers at once", new JsonObject(), (p, c) -> new JsonObject().put("ok", true)));
    int port = service.start("127.0.0.1", 0).toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
    socket = HttpClient.newHttpClient().newWebSocketBuilder()
        .buildAsync(URI.create("ws://127.0.0.1:" + port + "/ws"), new WebSocket.Listener() {
          private final StringBuilder text = new StringBuilder();

          @Override
          public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
            text.append(data);
            if (last) {
              replies.add(new JsonObject(text.toString()));
              text.setLength(0);
            }
            ws.request(1);
            return null;
          }
        }).get(20, TimeUnit.SECONDS);
  }

  @AfterEach
  void stop() throws Exception {
    socket.abort();
    service.stop().toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
  }

  private void send(Object id, String action) {
    socket.sendText(new JsonObject().put("id", id).put("action", action).encode(), true).join();
  }

  private JsonObject reply() throws InterruptedException {
    JsonObject r = replies.poll(30, TimeUnit.SECONDS);
    assertNotNull(r, "no reply within 30 s");
    return r;
  }

  @Test
  void actionsPastTheLimitAreBusyAndAnOverrunIsCancelledAndFreesItsSlot() throws Exception {
    send(1, "spin");
    send(2, "quick");
    JsonObject busy = reply();
    assertEquals(2, busy.getInteger("re"));
    assertEquals("busy", busy.getJsonObject("error").getString("code"), busy.encode());
    send(3, "ping");
    JsonObject pong = reply();
    assertEquals(3, pong.getInteger("re"), "built-in actions answer whatever runs");
    long t0 = System.nanoTime();
    JsonObject cancelled = reply();
    assertEquals(1, cancelled.getInteger("re"));
    assertEquals("cancelled", cancelled.getJsonObject("error").getString("code"), cancelled.encode());
    assertTrue(System.nanoTime() - t0 < Duration.ofSeconds(10).toNanos());
    // The spinning thread really stopped: its slot is free again.
    long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    JsonObject ok;
    do {
      send("again", "quick");
      ok = reply();
    } while (ok.containsKey("error") && System.nanoTime() < deadline);
    assertTrue(ok.getJsonObject("result").getBoolean("ok"), ok.encode());
  }

  @Test
  void badLimitsNameTheVariable() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> ComputeService.create("x", Map.of("OT_COMPUTE_MAX_CONCURRENT_ACTIONS", "lots")));
    assertTrue(e.getMessage().contains("OT_COMPUTE_MAX_CONCURRENT_ACTIONS"), e.getMessage());
  }
}
