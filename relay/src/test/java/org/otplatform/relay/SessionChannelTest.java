package org.otplatform.relay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.sdk.trace.data.SpanData;
import org.otplatform.common.service.ServiceLauncher;
import org.otplatform.common.tracing.RecentSpans;
import org.otplatform.common.tracing.Tracing;
import org.otplatform.compute.contract.ComputeContract;

/**
 * One session's routing over real sockets: front ends connected to a server whose sockets join a
 * {@link SessionChannel}, and a service speaking the compute contract (echo, push, never answer).
 */
@Timeout(60)
class SessionChannelTest {
  private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(1);
  private Vertx vertx;
  private Context context;
  private SessionChannel channel;
  private HttpServer service;
  private HttpServer frontDoor;
  private WebSocketClient client;
  /** What the service was sent, as text. */
  private final BlockingQueue<String> serviceGot = new LinkedBlockingQueue<>();

  @BeforeEach
  void start() throws Exception {
    // Traced as the relay is: a message asking for a trace makes a span, the others none.
    vertx = ServiceLauncher.newVertx("relay-test", new Tracing.Settings(true, 1, null));
    context = vertx.getOrCreateContext();
    client = vertx.createWebSocketClient();
    service = onContext(() -> vertx.createHttpServer().webSocketHandler(ws -> ws.textMessageHandler(text -> {
      serviceGot.add(text);
      JsonObject msg = new JsonObject(text);
      switch (msg.getString("action")) {
        case "echo" -> ws.writeTextMessage("{\"re\":" + msg.getLong("id") + ",\"result\":"
            + new JsonObject().put("payload", msg.getValue("payload")).encode() + "}");
        case "fail" -> ws.writeTextMessage("{\"re\":" + msg.getLong("id")
            + ",\"error\":{\"code\":\"bad_input\",\"message\":\"no\"}}");
        case "push" -> ws.writeTextMessage("{\"event\":\"progress\",\"payload\":{\"done\":1}}");
        default -> { } // "silent": never answers
      }
    })).listen(0));
    int servicePort = service.actualPort();
    frontDoor = onContext(() -> {
      channel = new SessionChannel(vertx, client, "s-1", REQUEST_TIMEOUT, new RelayMetrics(vertx), () -> { });
      channel.endpoints(Map.of("svc", "127.0.0.1:" + servicePort), Map.of("down", "is restarting"));
      return vertx.createHttpServer().webSocketHandler(ws -> channel.join(ws, !ws.path().endsWith("viewer")))
          .listen(0);
    });
  }

  @AfterEach
  void stop() throws Exception {
    vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
  }

  @Test
  void repliesReturnToTheirSenderWithTheSendersIdAndPushesReachEveryone() throws Exception {
    FrontEnd a = frontEnd("/a");
    FrontEnd b = frontEnd("/b");
    a.send("{\"to\":\"svc\",\"id\":\"a-1\",\"action\":\"echo\",\"payload\":{\"x\":[1, 2.5e0]}}");
    b.send("{\"to\":\"svc\",\"id\":{\"n\":7},\"action\":\"echo\",\"payload\":\"\\u00e9\"}");
    assertEquals(new JsonObject("{\"from\":\"svc\",\"re\":\"a-1\",\"result\":{\"payload\":{\"x\":[1,2.5]}}}"),
        a.next());
    assertEquals(new JsonObject("{\"from\":\"svc\",\"re\":{\"n\":7},\"result\":{\"payload\":\"é\"}}"), b.next());
    // The service saw the relay's ids, not the front ends', and the payload as sent.
    String first = serviceGot.poll(10, TimeUnit.SECONDS);
    assertTrue(first.endsWith(",\"action\":\"echo\",\"payload\":{\"x\":[1, 2.5e0]}}"), first);
    a.send("{\"to\":\"svc\",\"id\":2,\"action\":\"fail\"}");
    assertEquals(new JsonObject("{\"from\":\"svc\",\"re\":2,\"error\":{\"code\":\"bad_input\",\"message\":\"no\"}}"),
        a.next());
    b.send("{\"to\":\"svc\",\"id\":3,\"action\":\"push\"}");
    JsonObject push = new JsonObject("{\"from\":\"svc\",\"event\":\"progress\",\"payload\":{\"done\":1}}");
    assertEquals(push, a.next());
    assertEquals(push, b.next());
  }

  @Test
  void aMessageWithASampledTraceparentIsACallSpanTheServiceContinues() throws Exception {
    FrontEnd a = frontEnd("/a");
    String trace = "4bf92f3577b34da6a3ce929d0e0e" + String.format("%04x", (int) (System.nanoTime() & 0xffff));
    String caller = "00f067aa0ba902b7";
    a.send("{\"to\":\"svc\",\"id\":1,\"action\":\"echo\",\"traceparent\":\"00-" + trace + "-" + caller
        + "-01\",\"payload\":{\"x\":1}}");
    assertEquals(1, a.next().getInteger("re"));
    JsonObject sent = new JsonObject(serviceGot.poll(10, TimeUnit.SECONDS));
    String[] parts = sent.getString("traceparent", "").split("-");
    assertEquals(4, parts.length, "the service gets the call's traceparent: " + sent.encode());
    assertEquals(trace, parts[1], "in the front end's trace");
    assertEquals(new JsonObject().put("x", 1), sent.getJsonObject("payload"), "the payload as sent");

    SpanData call = RecentSpans.JVM.trace(trace).stream().filter(s -> s.getName().equals("call svc")).findFirst()
        .orElseThrow(() -> new AssertionError("no span 'call svc' in " + RecentSpans.JVM.trace(trace)));
    assertEquals(caller, call.getParentSpanId(), "the front end's span is the parent");
    assertEquals(parts[2], call.getSpanId(), "the service continues the relay's span");
    assertEquals("s-1", call.getAttributes().get(Tracing.SESSION_ID));
    assertEquals("echo", call.getAttributes().get(io.opentelemetry.api.common.AttributeKey.stringKey("rpc.method")));
    assertEquals(StatusCode.UNSET, call.getStatus().getStatusCode());

    // Not sampled, malformed, absent: forwarded as before, no span.
    a.send("{\"to\":\"svc\",\"id\":2,\"action\":\"echo\",\"traceparent\":\"00-" + trace.replace('4', '5') + "-"
        + caller + "-00\"}");
    a.send("{\"to\":\"svc\",\"id\":3,\"action\":\"echo\",\"traceparent\":\"not-a-trace\"}");
    a.send("{\"to\":\"svc\",\"id\":4,\"action\":\"echo\",\"traceparent\":{\"x\":1}}");
    for (int i = 0; i < 3; i++) {
      a.next();
      String text = serviceGot.poll(10, TimeUnit.SECONDS);
      assertTrue(!text.contains("traceparent"), text);
    }
    assertTrue(RecentSpans.JVM.trace(trace.replace('4', '5')).isEmpty(), "an unsampled call makes no span");

    // A call the relay answers itself (the service never does) ends its span as an error.
    String slow = trace.substring(0, 28) + "beef";
    a.send("{\"to\":\"svc\",\"id\":5,\"action\":\"silent\",\"traceparent\":\"00-" + slow + "-" + caller + "-01\"}");
    assertEquals("timeout", a.next().getJsonObject("error").getString("code"));
    SpanData timedOut = RecentSpans.JVM.trace(slow).get(0);
    assertEquals(StatusCode.ERROR, timedOut.getStatus().getStatusCode());
    assertEquals("timeout", timedOut.getAttributes().get(io.opentelemetry.api.common.AttributeKey.stringKey("ot.error.code")));
  }

  @Test
  void aRequestNotAnsweredInTimeGetsATimeoutAndLaterOnesStillGoThrough() throws Exception {
    FrontEnd a = frontEnd("/a");
    long t0 = System.nanoTime();
    a.send("{\"to\":\"svc\",\"id\":1,\"action\":\"silent\"}");
    JsonObject timeout = a.next();
    double seconds = (System.nanoTime() - t0) / 1e9;
    assertEquals("timeout", timeout.getJsonObject("error").getString("code"), timeout.encode());
    assertEquals(1, timeout.getInteger("re"));
    assertEquals("svc", timeout.getString("from"));
    assertTrue(seconds >= REQUEST_TIMEOUT.toMillis() / 1e3 && seconds < 10, "timed out after " + seconds + " s");
    a.send("{\"to\":\"svc\",\"id\":2,\"action\":\"echo\"}");
    assertEquals(2, a.next().getInteger("re"));
    assertEquals(0, onContext(() -> Future.succeededFuture(channel.pendingRequests())));
  }

  @Test
  void badMessagesGetAClearErrorFromTheRelay() throws Exception {
    FrontEnd a = frontEnd("/a");
    a.send("not json");
    assertEquals("bad_request", a.nextError("relay"));
    a.send("{\"to\":\"svc\",\"id\":5}");
    assertEquals("bad_request", a.nextError("relay"));
    a.send("{\"to\":\"nope\",\"id\":6,\"action\":\"x\"}");
    assertEquals("unknown_service", a.nextError("relay"));
    a.send("{\"to\":\"down\",\"id\":7,\"action\":\"x\"}");
    assertEquals("service_unavailable", a.nextError("relay"));
    FrontEnd viewer = frontEnd("/viewer");
    viewer.send("{\"to\":\"svc\",\"id\":8,\"action\":\"echo\"}");
    JsonObject refused = viewer.next();
    assertEquals("forbidden", refused.getJsonObject("error").getString("code"));
    assertEquals(8, refused.getInteger("re"));
  }

  /** A front end's socket with what it received. */
  private record FrontEnd(WebSocket ws, BlockingQueue<String> got) {
    void send(String text) throws Exception {
      ws.writeTextMessage(text).toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    JsonObject next() throws InterruptedException {
      String text = got.poll(15, TimeUnit.SECONDS);
      if (text == null) {
        throw new AssertionError("nothing received within 15 s");
      }
      return new JsonObject(text);
    }

    String nextError(String from) throws InterruptedException {
      JsonObject msg = next();
      assertEquals(from, msg.getString("from"), msg.encode());
      return msg.getJsonObject("error").getString("code");
    }
  }

  private FrontEnd frontEnd(String path) throws Exception {
    BlockingQueue<String> got = new LinkedBlockingQueue<>();
    WebSocket ws = client.connect(frontDoor.actualPort(), "127.0.0.1", path).toCompletionStage()
        .toCompletableFuture().get(10, TimeUnit.SECONDS);
    ws.textMessageHandler(got::add);
    return new FrontEnd(ws, got);
  }

  /** Runs {@code action} on the channel's context and waits for its future. */
  private <T> T onContext(java.util.function.Supplier<Future<T>> action) throws Exception {
    Promise<T> done = Promise.promise();
    context.runOnContext(v -> action.get().onComplete(done));
    return done.future().toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
  }
}
