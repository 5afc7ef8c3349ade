package org.otplatform.compute.sdk;

import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.propagation.ContextPropagators;
import io.opentelemetry.context.propagation.TextMapGetter;
import io.opentelemetry.exporter.otlp.http.trace.OtlpHttpSpanExporter;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.export.BatchSpanProcessor;
import io.opentelemetry.sdk.trace.samplers.Sampler;
import java.net.URI;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A compute service's part of a trace. The platform starts a service within the LSS's
 * {@code start <service>} span ({@code TRACEPARENT} in its environment) and the relay sends each
 * request a front end asked to trace with the {@code traceparent} of its {@code call <service>}
 * span; the SDK continues both: an {@code initialize <service>} span from the process's start to
 * listening, and an {@code action <name>} span per traced request, current while the action runs
 * (so spans an action makes with {@link ServiceContext#tracer()} are its children).
 *
 * <p>The spans go where {@code OTEL_EXPORTER_OTLP_ENDPOINT} says (OTLP/HTTP, as the platform's
 * services export; the LSS passes its own setting on). Without it, or with {@code OT_TRACING=off},
 * nothing is recorded: a compute service runs in a process of its own, so its spans cannot join the
 * platform's in-memory ones.
 */
final class ComputeTracing {
  private static final AttributeKey<String> SESSION_ID = AttributeKey.stringKey("ot.session.id");
  private static final AttributeKey<String> RPC_SYSTEM = AttributeKey.stringKey("rpc.system");
  private static final AttributeKey<String> RPC_SERVICE = AttributeKey.stringKey("rpc.service");
  private static final AttributeKey<String> RPC_METHOD = AttributeKey.stringKey("rpc.method");
  private static final AttributeKey<String> ERROR_CODE = AttributeKey.stringKey("ot.error.code");

  private static final TextMapGetter<Map<String, String>> MAP = new TextMapGetter<>() {
    @Override
    public Iterable<String> keys(Map<String, String> carrier) {
      return carrier.keySet();
    }

    @Override
    public String get(Map<String, String> carrier, String key) {
      return carrier == null ? null : carrier.get(key);
    }
  };

  private final OpenTelemetry otel;
  private final Tracer tracer;
  private final String serviceName;
  /** The session, read at each span: a warm instance learns it after it started. */
  private final java.util.function.Supplier<String> sessionId;

  ComputeTracing(OpenTelemetry otel, String serviceName, java.util.function.Supplier<String> sessionId) {
    this.otel = otel;
    this.tracer = otel.getTracer("org.otplatform.compute");
    this.serviceName = serviceName;
    this.sessionId = sessionId;
  }

  /**
   * The SDK the environment asks for: OTLP/HTTP export to {@code OTEL_EXPORTER_OTLP_ENDPOINT}
   * unless {@code OT_TRACING} is {@code off}; a no-op one without an endpoint. A bad value is an
   * {@link IllegalArgumentException} naming it.
   */
  static OpenTelemetry fromEnvironment(Map<String, String> env, String serviceName, String sessionId) {
    String mode = env.getOrDefault("OT_TRACING", "on").strip();
    if (!mode.equals("on") && !mode.equals("off")) {
      throw new IllegalArgumentException("OT_TRACING must be on or off, got '" + mode + "'");
    }
    String endpoint = env.getOrDefault("OTEL_EXPORTER_OTLP_ENDPOINT", "").strip();
    if (mode.equals("off") || endpoint.isEmpty()) {
      return OpenTelemetry.noop();
    }
    URI uri;
    try {
      uri = URI.create(endpoint);
    } catch (IllegalArgumentException e) {
      uri = null;
    }
    if (uri == null || uri.getScheme() == null || !uri.getScheme().matches("https?") || uri.getHost() == null) {
      throw new IllegalArgumentException("OTEL_EXPORTER_OTLP_ENDPOINT must be an http(s) URL like "
          + "http://otel-collector:4318, got '" + endpoint + "'");
    }
    // A warm instance has no session yet: its spans carry it, its resource does not.
    Resource resource = Resource.getDefault().merge(Resource.create(sessionId == null
        ? Attributes.of(AttributeKey.stringKey("service.name"), "ot-compute-" + serviceName)
        : Attributes.of(AttributeKey.stringKey("service.name"), "ot-compute-" + serviceName, SESSION_ID, sessionId)));
    return OpenTelemetrySdk.builder()
        .setTracerProvider(SdkTracerProvider.builder()
            .setResource(resource)
            // Only what the platform asked to trace: a request without a sampled parent makes no span.
            .setSampler(Sampler.parentBased(Sampler.alwaysOff()))
            .addSpanProcessor(BatchSpanProcessor.builder(OtlpHttpSpanExporter.builder()
                .setEndpoint(endpoint.replaceAll("/+$", "") + "/v1/traces").build()).build())
            .build())
        .setPropagators(ContextPropagators.create(W3CTraceContextPropagator.getInstance()))
        .build();
  }

  Tracer tracer() {
    return tracer;
  }

  /**
   * The span of the start, from the process's start to {@code listening}, a child of the LSS's
   * start span ({@code TRACEPARENT}); nothing when the start was not traced.
   */
  void initialized(Map<String, String> env, Instant listening) {
    String traceparent = env.get("TRACEPARENT");
    Context parent = parent(traceparent == null ? null : traceparent.strip());
    if (parent == null) {
      return;
    }
    Instant began = ProcessHandle.current().info().startInstant().orElse(listening);
    tracer.spanBuilder("initialize " + serviceName)
        .setParent(parent)
        .setSpanKind(SpanKind.INTERNAL)
        .setAttribute(SESSION_ID, sessionId.get())
        .setStartTimestamp(began)
        .startSpan()
        .end(listening);
  }

  /** The span of a request the relay sent with {@code traceparent}, or null when it is not traced. */
  Span action(String traceparent, String action) {
    Context parent = parent(traceparent);
    if (parent == null) {
      return null;
    }
    return tracer.spanBuilder("action " + action)
        .setParent(parent)
        .setSpanKind(SpanKind.SERVER)
        .setAttribute(RPC_SYSTEM, "ot-compute")
        .setAttribute(RPC_SERVICE, serviceName)
        .setAttribute(RPC_METHOD, action)
        .setAttribute(SESSION_ID, sessionId.get())
        .startSpan();
  }

  /** Ends an action's span with what became of it ({@code code} null: a result). */
  static void ended(Span span, String code, String message) {
    if (span == null) {
      return;
    }
    if (code != null) {
      span.setAttribute(ERROR_CODE, code);
      span.setStatus(StatusCode.ERROR, message);
    }
    span.end();
  }

  /** Exports what is left (the last batch) before the process ends. */
  void shutdown() {
    if (otel instanceof OpenTelemetrySdk sdk) {
      sdk.getSdkTracerProvider().shutdown().join(5, TimeUnit.SECONDS);
    }
  }

  private Context parent(String traceparent) {
    if (traceparent == null) {
      return null;
    }
    Context parent = W3CTraceContextPropagator.getInstance().extract(Context.root(),
        Map.of("traceparent", traceparent), MAP);
    return Span.fromContext(parent).getSpanContext().isValid() ? parent : null;
  }
}
