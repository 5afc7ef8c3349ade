package org.otplatform.common.tracing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.LoggingEvent;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Scope;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.otplatform.common.config.ConfigException;
import org.otplatform.common.config.Env;
import org.otplatform.common.logging.LogRecordJson;

class TracingTest {
  private static final Tracing.Settings ON = new Tracing.Settings(true, 1, null);

  @Test
  void settingsAreReadAndBadOnesNamed() {
    Tracing.Settings defaults = Tracing.Settings.from(new Env(Map.of()));
    assertTrue(defaults.enabled());
    assertEquals(1.0, defaults.sampleRatio());
    assertNull(defaults.otlpEndpoint());
    Tracing.Settings set = Tracing.Settings.from(new Env(Map.of("OT_TRACING", "off", "OT_TRACE_SAMPLE_RATIO", "0.25",
        "OTEL_EXPORTER_OTLP_ENDPOINT", "http://collector:4318")));
    assertFalse(set.enabled());
    assertEquals(0.25, set.sampleRatio());
    assertEquals("collector", set.otlpEndpoint().getHost());
    for (Map<String, String> bad : List.of(Map.of("OT_TRACING", "yes"), Map.of("OT_TRACE_SAMPLE_RATIO", "2"),
        Map.of("OT_TRACE_SAMPLE_RATIO", "half"), Map.of("OTEL_EXPORTER_OTLP_ENDPOINT", "collector:4318"))) {
      ConfigException e = assertThrows(ConfigException.class, () -> Tracing.Settings.from(new Env(bad)), bad.toString());
      assertTrue(e.getMessage().contains(bad.keySet().iterator().next()), e.getMessage());
    }
  }

  @Test
  void offIsNoSdkAtAll() {
    assertEquals(OpenTelemetry.noop(), Tracing.create("gss", "gss-1", Tracing.Settings.OFF));
  }

  @Test
  void spansOfASessionAreHeldAsATraceAndProbesAreNotTraced() {
    OpenTelemetry otel = Tracing.create("test", "test-1", ON);
    Tracer tracer = otel.getTracer("test");
    String session = UUID.randomUUID().toString();
    Span root = tracer.spanBuilder("POST").setSpanKind(SpanKind.SERVER).setAttribute("url.path", "/api/v1/sessions")
        .startSpan();
    try (Scope s = root.makeCurrent()) {
      Traces.tagSession(session);
      Span send = tracer.spanBuilder("kafka_send").setSpanKind(SpanKind.PRODUCER)
          .setAttribute("messaging.destination.name", "ot.session.commands").startSpan();
      send.end();
    } finally {
      root.end();
    }
    Span probe = tracer.spanBuilder("GET").setSpanKind(SpanKind.SERVER).setAttribute("url.path", "/health/ready")
        .startSpan();
    assertFalse(probe.getSpanContext().isSampled(), "a probe starts no trace");
    probe.end();

    List<String> traces = RecentSpans.JVM.tracesOf(session);
    assertEquals(List.of(root.getSpanContext().getTraceId()), traces);
    List<SpanData> spans = RecentSpans.JVM.trace(traces.get(0));
    assertEquals(List.of("POST", "send ot.session.commands"), spans.stream().map(SpanData::getName).toList(),
        "Kafka spans named by the conventions");
    JsonObject waterfall = RecentSpans.waterfall(traces.get(0), spans);
    JsonObject child = waterfall.getJsonArray("spans").getJsonObject(1);
    assertEquals(root.getSpanContext().getSpanId(), child.getString("parentSpanId"));
    assertEquals("ot-test", child.getString("service"));
    assertNull(waterfall.getJsonArray("spans").getJsonObject(0).getString("parentSpanId"));
  }

  @Test
  void credentialsInUrlsDoNotReachATrace() {
    Tracer tracer = Tracing.create("test", "test-1", ON).getTracer("test");
    Span span = tracer.spanBuilder("GET").setSpanKind(SpanKind.SERVER).setAttribute("url.path", "/relay")
        .setAttribute("url.query", "session=s1&access_token=eyJhbGciOiJFUzI1NiJ9.eyJzdWIiOiJib2IifQ.c2ln")
        .startSpan();
    span.end();
    SpanData data = RecentSpans.JVM.trace(span.getSpanContext().getTraceId()).get(0);
    String query = data.getAttributes().get(io.opentelemetry.api.common.AttributeKey.stringKey("url.query"));
    assertFalse(query.contains("eyJ"), query);
    assertTrue(query.startsWith("session=s1&access_token="), query);
  }

  @Test
  void aLogLineNamesTheSpanItWasLoggedIn() {
    Tracer tracer = Tracing.create("test", "test-1", ON).getTracer("test");
    Logger logger = ((LoggerContext) org.slf4j.LoggerFactory.getILoggerFactory()).getLogger("org.otplatform.lss.Test");
    LoggingEvent outside = new LoggingEvent(Logger.class.getName(), logger, Level.INFO, "outside", null, null);
    assertNull(LogRecordJson.of(outside, "lss", "lss-1").getString("traceId"));
    Span span = tracer.spanBuilder("work").startSpan();
    try (Scope s = span.makeCurrent()) {
      LoggingEvent inside = new LoggingEvent(Logger.class.getName(), logger, Level.INFO, "inside", null, null);
      JsonObject json = LogRecordJson.of(inside, "lss", "lss-1");
      assertEquals(span.getSpanContext().getTraceId(), json.getString("traceId"));
      assertEquals(span.getSpanContext().getSpanId(), json.getString("spanId"));
    } finally {
      span.end();
    }
  }

  /** With an OTLP endpoint, spans go to its /v1/traces as OTLP protobuf (here a plain HTTP server). */
  @Test
  void spansAreExportedOverOtlpWhenAnEndpointIsSet() throws Exception {
    java.util.concurrent.BlockingQueue<byte[]> bodies = new java.util.concurrent.LinkedBlockingQueue<>();
    java.util.concurrent.BlockingQueue<String> types = new java.util.concurrent.LinkedBlockingQueue<>();
    com.sun.net.httpserver.HttpServer collector = com.sun.net.httpserver.HttpServer.create(
        new java.net.InetSocketAddress("127.0.0.1", 0), 0);
    collector.createContext("/v1/traces", exchange -> {
      types.add(exchange.getRequestHeaders().getFirst("Content-Type"));
      bodies.add(exchange.getRequestBody().readAllBytes());
      exchange.sendResponseHeaders(200, -1);
      exchange.close();
    });
    collector.start();
    try {
      OpenTelemetry otel = Tracing.create("test", "test-1", new Tracing.Settings(true, 1,
          java.net.URI.create("http://127.0.0.1:" + collector.getAddress().getPort() + "/")));
      Span span = otel.getTracer("test").spanBuilder("exported").startSpan();
      span.end();
      Tracing.shutdown(otel); // flushes the batch
      byte[] body = bodies.poll(10, java.util.concurrent.TimeUnit.SECONDS);
      org.junit.jupiter.api.Assertions.assertNotNull(body, "the collector got the batch");
      assertEquals("application/x-protobuf", types.poll());
      byte[] traceId = java.util.HexFormat.of().parseHex(span.getSpanContext().getTraceId());
      assertTrue(indexOf(body, traceId) >= 0, "the span's trace id is in the export");
      assertTrue(indexOf(body, "exported".getBytes(java.nio.charset.StandardCharsets.UTF_8)) >= 0);
      assertTrue(indexOf(body, "ot-test".getBytes(java.nio.charset.StandardCharsets.UTF_8)) >= 0, "service.name");
    } finally {
      collector.stop(0);
    }
  }

  /** A process started by a service (a compute service) exports where the service does. */
  @Test
  void aChildProcessIsToldTheCollector() throws Exception {
    io.vertx.core.Vertx exporting = org.otplatform.common.service.ServiceLauncher.newVertx("lss",
        new Tracing.Settings(true, 1, java.net.URI.create("http://collector.observability:4318")));
    io.vertx.core.Vertx local = org.otplatform.common.service.ServiceLauncher.newVertx("lss", ON);
    try {
      assertEquals(Map.of("OTEL_EXPORTER_OTLP_ENDPOINT", "http://collector.observability:4318"),
          Traces.environment(exporting), "outside a trace: no TRACEPARENT, but the collector");
      assertTrue(Traces.environment(local).isEmpty(), "no collector, no trace: nothing to pass on");
    } finally {
      exporting.close().await();
      local.close().await();
    }
  }

  private static int indexOf(byte[] haystack, byte[] needle) {
    outer:
    for (int i = 0; i + needle.length <= haystack.length; i++) {
      for (int j = 0; j < needle.length; j++) {
        if (haystack[i + j] != needle[j]) {
          continue outer;
        }
      }
      return i;
    }
    return -1;
  }
}
