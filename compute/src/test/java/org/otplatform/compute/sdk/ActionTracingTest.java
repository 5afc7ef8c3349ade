package org.otplatform.compute.sdk;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.propagation.ContextPropagators;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import io.opentelemetry.sdk.trace.samplers.Sampler;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A compute service continues the platform's traces, over a real WebSocket: a request the relay
 * sent with a {@code traceparent} is an {@code action <name>} span, its child, with the action's own
 * spans below it and its outcome as status; an untraced request makes none. The start is a span
 * too, below the LSS's ({@code TRACEPARENT}).
 */
@Timeout(60)
class ActionTracingTest {
  private static final String TRACE = "0af7651916cd43dd8448eb211c80319c";
  private static final String RELAY_SPAN = "b7ad6b7169203331";
  private static final String LSS_SPAN = "00f067aa0ba902b7";

  private final InMemorySpanExporter exported = InMemorySpanExporter.create();
  private final BlockingQueue<JsonObject> replies = new LinkedBlockingQueue<>();
  private ComputeService service;

  @AfterEach
  void stop() throws Exception {
    if (service != null) {
      service.stop().toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
    }
  }

  @Test
  void aTracedRequestIsAnActionSpanBelowTheRelaysWithTheActionsOwnSpansBelowIt() throws Exception {
    WebSocket ws = start(Map.of("OT_SESSION_ID", "s-7", "TRACEPARENT", "00-" + TRACE + "-" + LSS_SPAN + "-01"));
    String parent = "00-" + TRACE + "-" + RELAY_SPAN + "-01";
    ws.sendText("{\"id\":1,\"action\":\"fit\",\"traceparent\":\"" + parent + "\",\"payload\":{}}", true).get();
    assertEquals(new JsonObject().put("fitted", true), reply().getJsonObject("result"));
    ws.sendText("{\"id\":2,\"action\":\"refuse\",\"traceparent\":\"" + parent + "\"}", true).get();
    assertEquals("bad_input", reply().getJsonObject("error").getString("code"));
    ws.sendText("{\"id\":3,\"action\":\"fit\",\"payload\":{}}", true).get();
    reply();
    ws.sendText("{\"id\":4,\"action\":\"fit\",\"traceparent\":\"00-" + TRACE.replace('a', 'b') + "-" + RELAY_SPAN
        + "-00\"}", true).get();
    reply();

    List<SpanData> spans = exported.getFinishedSpanItems();
    SpanData start = named(spans, "initialize kriging");
    assertEquals(LSS_SPAN, start.getParentSpanId(), "the start is below the LSS's start span");
    assertTrue(start.getEndEpochNanos() > start.getStartEpochNanos(), "from the process's start to listening");

    List<SpanData> actions = spans.stream().filter(s -> s.getName().equals("action fit")).toList();
    assertEquals(1, actions.size(), "only the sampled, traced request makes a span: " + spans);
    SpanData fit = actions.get(0);
    assertEquals(TRACE, fit.getTraceId());
    assertEquals(RELAY_SPAN, fit.getParentSpanId(), "the relay's call span is the parent");
    assertEquals(SpanKind.SERVER, fit.getKind());
    assertEquals("s-7", fit.getAttributes().get(AttributeKey.stringKey("ot.session.id")));
    assertEquals("kriging", fit.getAttributes().get(AttributeKey.stringKey("rpc.service")));
    assertEquals(StatusCode.UNSET, fit.getStatus().getStatusCode());
    assertEquals(fit.getSpanId(), named(spans, "solve").getParentSpanId(), "the action's own span is its child");

    SpanData refused = named(spans, "action refuse");
    assertEquals(StatusCode.ERROR, refused.getStatus().getStatusCode());
    assertEquals("bad_input", refused.getAttributes().get(AttributeKey.stringKey("ot.error.code")));
  }

  /** A traced action's log lines name its trace and span, in the form the LSS reads off the output. */
  @Test
  void aTracedActionsLinesNameItsSpan() throws Exception {
    WebSocket ws = start(Map.of());
    ws.sendText("{\"id\":1,\"action\":\"fit\",\"traceparent\":\"00-" + TRACE + "-" + RELAY_SPAN
        + "-01\",\"payload\":{\"logging\":true}}", true).get();
    JsonObject logging = reply().getJsonObject("result");
    assertEquals(TRACE, logging.getString("traceId"));
    assertEquals(named(exported.getFinishedSpanItems(), "action fit").getSpanId(), logging.getString("spanId"));
    ws.sendText("{\"id\":2,\"action\":\"fit\",\"payload\":{\"logging\":true}}", true).get();
    assertEquals(new JsonObject().putNull("traceId").putNull("spanId"), reply().getJsonObject("result"),
        "an untraced action's lines name none (nor the last one's)");

    String xml = new String(getClass().getResourceAsStream("/ot-compute-logback.xml").readAllBytes(),
        java.nio.charset.StandardCharsets.UTF_8);
    String pattern = xml.substring(xml.indexOf("<pattern>") + 9, xml.indexOf("</pattern>"));
    ch.qos.logback.classic.LoggerContext context = new ch.qos.logback.classic.LoggerContext();
    ch.qos.logback.classic.PatternLayout layout = new ch.qos.logback.classic.PatternLayout();
    layout.setContext(context);
    layout.setPattern(pattern);
    layout.start();
    ch.qos.logback.classic.spi.LoggingEvent event = new ch.qos.logback.classic.spi.LoggingEvent("x",
        context.getLogger("org.example.Fit"), ch.qos.logback.classic.Level.INFO, "fitted", null, null);
    event.setMDCPropertyMap(Map.of("traceId", TRACE, "spanId", RELAY_SPAN));
    assertTrue(layout.doLayout(event).contains(" traceId=" + TRACE + " spanId=" + RELAY_SPAN + " - fitted"),
        layout.doLayout(event));
    ch.qos.logback.classic.spi.LoggingEvent plain = new ch.qos.logback.classic.spi.LoggingEvent("x",
        context.getLogger("org.example.Fit"), ch.qos.logback.classic.Level.INFO, "fitted", null, null);
    plain.setMDCPropertyMap(Map.of());
    assertTrue(!layout.doLayout(plain).contains("traceId") && layout.doLayout(plain).endsWith(" - fitted\n"),
        layout.doLayout(plain));
  }

  @Test
  void tracingIsConfiguredFromTheEnvironmentAndABadValueIsNamed() {
    assertSame(OpenTelemetry.noop(), ComputeTracing.fromEnvironment(Map.of(), "echo", "s"),
        "without a collector there is nowhere to send spans");
    assertSame(OpenTelemetry.noop(), ComputeTracing.fromEnvironment(
        Map.of("OT_TRACING", "off", "OTEL_EXPORTER_OTLP_ENDPOINT", "http://collector:4318"), "echo", "s"));
    assertTrue(assertThrows(IllegalArgumentException.class, () -> ComputeTracing.fromEnvironment(
        Map.of("OTEL_EXPORTER_OTLP_ENDPOINT", "collector:4318"), "echo", "s")).getMessage()
        .startsWith("OTEL_EXPORTER_OTLP_ENDPOINT must be an http(s) URL"));
    assertTrue(assertThrows(IllegalArgumentException.class, () -> ComputeService.create("echo",
        Map.of("OT_TRACING", "sometimes"))).getMessage().startsWith("OT_TRACING must be on or off"));
  }

  /** With a collector set, the spans reach its /v1/traces over OTLP/HTTP (here a plain HTTP server). */
  @Test
  void spansAreExportedToTheCollectorTheEnvironmentNames() throws Exception {
    BlockingQueue<byte[]> bodies = new LinkedBlockingQueue<>();
    com.sun.net.httpserver.HttpServer collector = com.sun.net.httpserver.HttpServer.create(
        new java.net.InetSocketAddress("127.0.0.1", 0), 0);
    collector.createContext("/v1/traces", exchange -> {
      bodies.add(exchange.getRequestBody().readAllBytes());
      exchange.sendResponseHeaders(200, -1);
      exchange.close();
    });
    collector.start();
    try {
      service = ComputeService.create("kriging", Map.of("OT_SESSION_ID", "s-8",
          "OTEL_EXPORTER_OTLP_ENDPOINT", "http://127.0.0.1:" + collector.getAddress().getPort() + "/"))
          .action(new Action("fit", "fits", new JsonObject(), (p, c) -> new JsonObject()));
      WebSocket ws = connect(service.start("127.0.0.1", 0).toCompletionStage().toCompletableFuture()
          .get(20, TimeUnit.SECONDS));
      ws.sendText("{\"id\":1,\"action\":\"ping\"}", true).get();
      reply();
      ws.sendText("{\"id\":2,\"action\":\"nothing\",\"traceparent\":\"00-" + TRACE + "-" + RELAY_SPAN + "-01\"}",
          true).get();
      reply();
      ws.sendText("{\"id\":3,\"action\":\"fit\",\"traceparent\":\"00-" + TRACE + "-" + RELAY_SPAN + "-01\"}", true)
          .get();
      reply();
      service.stop().toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS); // flushes the batch
      service = null;
      byte[] body = bodies.poll(10, TimeUnit.SECONDS);
      org.junit.jupiter.api.Assertions.assertNotNull(body, "the collector got the batch");
      String text = new String(body, java.nio.charset.StandardCharsets.ISO_8859_1);
      assertTrue(text.contains("action fit"), "the action's span");
      assertTrue(text.contains("ot-compute-kriging"), "service.name");
      assertTrue(text.contains(new String(java.util.HexFormat.of().parseHex(TRACE),
          java.nio.charset.StandardCharsets.ISO_8859_1)), "in the relay's trace");
    } finally {
      collector.stop(0);
    }
  }

  private WebSocket start(Map<String, String> env) throws Exception {
    OpenTelemetrySdk otel = OpenTelemetrySdk.builder()
        .setTracerProvider(SdkTracerProvider.builder()
            .setSampler(Sampler.parentBased(Sampler.alwaysOff()))
            .addSpanProcessor(SimpleSpanProcessor.create(exported)).build())
        .setPropagators(ContextPropagators.create(W3CTraceContextPropagator.getInstance()))
        .build();
    service = ComputeService.create("kriging", env).openTelemetry(otel)
        .action(new Action("fit", "fits", new JsonObject(), (p, c) -> {
          c.tracer().spanBuilder("solve").startSpan().end();
          return p.getBoolean("logging", false)
              ? new JsonObject().put("traceId", org.slf4j.MDC.get("traceId")).put("spanId", org.slf4j.MDC.get("spanId"))
              : new JsonObject().put("fitted", true);
        }))
        .action(new Action("refuse", "refuses", new JsonObject(), (p, c) -> {
          throw new ActionException("bad_input", "no samples");
        }));
    return connect(service.start("127.0.0.1", 0).toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS));
  }

  private WebSocket connect(int port) throws Exception {
    return HttpClient.newHttpClient().newWebSocketBuilder()
        .buildAsync(URI.create("ws://127.0.0.1:" + port + "/ws"), new WebSocket.Listener() {
          private final StringBuilder text = new StringBuilder();

          @Override
          public CompletionStage<?> onText(WebSocket socket, CharSequence data, boolean last) {
            text.append(data);
            if (last) {
              replies.add(new JsonObject(text.toString()));
              text.setLength(0);
            }
            socket.request(1);
            return null;
          }
        }).get(20, TimeUnit.SECONDS);
  }

  private JsonObject reply() throws InterruptedException {
    JsonObject reply = replies.poll(20, TimeUnit.SECONDS);
    if (reply == null) {
      throw new AssertionError("no reply within 20 s");
    }
    return reply;
  }

  private static SpanData named(List<SpanData> spans, String name) {
    return spans.stream().filter(s -> s.getName().equals(name)).findFirst()
        .orElseThrow(() -> new AssertionError("no span '" + name + "' in " + spans));
  }
}
