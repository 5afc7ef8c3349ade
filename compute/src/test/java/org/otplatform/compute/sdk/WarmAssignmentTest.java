package org.otplatform.compute.sdk;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.otplatform.compute.contract.ComputeContract;

/**
 * A warm instance (the compute contract's assignment step, over real HTTP and WebSocket): ready
 * before it has a session, refusing the relay until the holder of its token assigns it, once; the
 * author's hook sees the session before the LSS is answered.
 */
class WarmAssignmentTest {
  private static final String TOKEN = "a-warm-token-of-32-characters-00";
  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
  private final List<String> hooked = new CopyOnWriteArrayList<>();
  private ComputeService service;

  @AfterEach
  void stop() throws Exception {
    if (service != null) {
      service.stop().toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
    }
  }

  @Test
  void aWarmInstanceServesTheRelayOnlyOnceAssignedAndOnlyToItsSession() throws Exception {
    service = ComputeService.create("echo", Map.of(ComputeContract.ASSIGN_TOKEN, TOKEN))
        .onAssigned(s -> hooked.add(s + " as " + service.sessionId()));
    int port = service.start("127.0.0.1", 0).toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
    assertNull(service.sessionId());
    assertEquals(200, get(port, ComputeContract.READY_PATH), "a warm instance is ready");
    ExecutionException refused = assertThrows(ExecutionException.class, () -> connect(port));
    assertEquals(503, ((WebSocketHandshakeException) refused.getCause()).getResponse().statusCode());

    assertEquals(401, assign(port, "wrong-token-wrong-token", "s-1").statusCode());
    assertEquals(401, assign(port, null, "s-1").statusCode());
    assertEquals(400, assign(port, TOKEN, "not a session id!").statusCode());
    HttpResponse<String> bad = post(port, "Bearer " + TOKEN, "[1,2]");
    assertEquals(400, bad.statusCode(), bad.body());
    assertEquals("bad_request", new JsonObject(bad.body()).getString("error"));
    HttpResponse<String> huge = post(port, "Bearer " + TOKEN, "{\"sessionId\": \"" + "x".repeat(10_000) + "\"}");
    assertEquals(413, huge.statusCode(), huge.body());
    assertTrue(hooked.isEmpty(), "no hook ran for a refused assignment: " + hooked);

    HttpResponse<String> ok = assign(port, TOKEN, "s-1");
    assertEquals(200, ok.statusCode(), ok.body());
    assertEquals(new JsonObject().put("sessionId", "s-1").put("service", "echo"), new JsonObject(ok.body()));
    assertEquals(List.of("s-1 as s-1"), hooked);
    assertEquals(200, assign(port, TOKEN, "s-1").statusCode(), "the same assignment again is no change");
    HttpResponse<String> other = assign(port, TOKEN, "s-2");
    assertEquals(409, other.statusCode(), other.body());
    assertEquals("s-1", service.sessionId());
    assertEquals(1, hooked.size(), "the hook ran once");

    CompletableFuture<String> reply = new CompletableFuture<>();
    WebSocket relay = connect(port, reply);
    relay.sendText(new JsonObject().put("id", 1).put("action", "describe").encode(), true).get(5, TimeUnit.SECONDS);
    assertEquals("s-1", new JsonObject(reply.get(10, TimeUnit.SECONDS)).getJsonObject("result").getString("session"));
    relay.abort();
  }

  @Test
  void anInstanceStartedForASessionCannotBeAssignedAndAFailingHookFailsTheAssignment() throws Exception {
    service = ComputeService.create("echo", Map.of(ComputeContract.SESSION_ID, "s-9"));
    int port = service.start("127.0.0.1", 0).toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
    assertEquals(404, assign(port, TOKEN, "s-1").statusCode());
    service.stop().toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);

    service = ComputeService.create("echo", Map.of(ComputeContract.ASSIGN_TOKEN, TOKEN)).onAssigned(s -> {
      throw new IllegalStateException("no licence server");
    });
    port = service.start("127.0.0.1", 0).toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
    HttpResponse<String> failed = assign(port, TOKEN, "s-1");
    assertEquals(500, failed.statusCode(), failed.body());
    assertTrue(failed.body().contains("no licence server"), failed.body());
  }

  @Test
  void aSessionAndATokenExcludeEachOtherAndAShortTokenIsRefused() {
    IllegalArgumentException both = assertThrows(IllegalArgumentException.class, () -> ComputeService.create("echo",
        Map.of(ComputeContract.SESSION_ID, "s", ComputeContract.ASSIGN_TOKEN, TOKEN)));
    assertTrue(both.getMessage().contains("exclude each other"), both.getMessage());
    IllegalArgumentException shortToken = assertThrows(IllegalArgumentException.class, () -> ComputeService.create(
        "echo", Map.of(ComputeContract.ASSIGN_TOKEN, "short")));
    assertTrue(shortToken.getMessage().contains(ComputeContract.ASSIGN_TOKEN), shortToken.getMessage());
  }

  private static int get(int port, String path) throws Exception {
    return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build(),
        HttpResponse.BodyHandlers.discarding()).statusCode();
  }

  private static HttpResponse<String> assign(int port, String token, String session) throws Exception {
    return post(port, token == null ? null : "Bearer " + token, new JsonObject().put("sessionId", session).encode());
  }

  private static HttpResponse<String> post(int port, String authorization, String body) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + ComputeContract.ASSIGN_PATH))
        .header("content-type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body));
    if (authorization != null) {
      b.header("authorization", authorization);
    }
    return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  private static WebSocket connect(int port) throws Exception {
    return connect(port, new CompletableFuture<>());
  }

  private static WebSocket connect(int port, CompletableFuture<String> first) throws Exception {
    return HTTP.newWebSocketBuilder().buildAsync(URI.create("ws://127.0.0.1:" + port + ComputeContract.WEBSOCKET_PATH),
        new WebSocket.Listener() {
          @Override
          public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
            first.complete(data.toString());
            ws.request(1);
            return null;
          }
        }).get(20, TimeUnit.SECONDS);
  }
}
