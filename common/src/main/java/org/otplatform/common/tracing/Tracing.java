package org.otplatform.common.tracing;

import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.propagation.ContextPropagators;
import io.opentelemetry.exporter.otlp.http.trace.OtlpHttpSpanExporter;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.SdkTracerProviderBuilder;
import io.opentelemetry.sdk.trace.data.LinkData;
import io.opentelemetry.sdk.trace.export.BatchSpanProcessor;
import io.opentelemetry.sdk.trace.samplers.Sampler;
import io.opentelemetry.sdk.trace.samplers.SamplingResult;
import java.net.URI;
import java.util.List;
import org.otplatform.common.config.Env;

/**
 * The platform's OpenTelemetry: one SDK per service instance (its {@code service.name} and
 * instance), W3C {@code traceparent} propagation, and two span destinations — {@link RecentSpans}
 * (the last spans of this JVM, in memory: what the GSS's trace route shows without a collector)
 * and, when {@code OTEL_EXPORTER_OTLP_ENDPOINT} is set, an OTLP/HTTP exporter to a collector.
 * Probes ({@code /health/*}, {@code /metrics}) start no trace.
 *
 * <p>Settings, from the environment: {@code OT_TRACING} ({@code on}, the default, or
 * {@code off}), {@code OT_TRACE_SAMPLE_RATIO} (of the traces that start here, 0..1, default 1; a
 * trace that came with a {@code traceparent} follows its sampled flag), {@code OTEL_EXPORTER_OTLP_ENDPOINT}
 * (e.g. {@code http://otel-collector:4318}; spans go to its {@code /v1/traces}).
 */
public final class Tracing {
  /** The attribute that ties a span to a session: RecentSpans finds a session's traces by it. */
  public static final AttributeKey<String> SESSION_ID = AttributeKey.stringKey("ot.session.id");
  private static final AttributeKey<String> URL_PATH = AttributeKey.stringKey("url.path");

  /** What the environment asks for. */
  public record Settings(boolean enabled, double sampleRatio, URI otlpEndpoint) {
    public static final Settings OFF = new Settings(false, 0, null);

    public static Settings from(Env env) {
      String mode = env.string("OT_TRACING", "on");
      if (!mode.equals("on") && !mode.equals("off")) {
        env.problem("OT_TRACING must be on or off, got '" + mode + "'");
      }
      double ratio = 1;
      String r = env.string("OT_TRACE_SAMPLE_RATIO", "1");
      try {
        ratio = Double.parseDouble(r);
      } catch (NumberFormatException e) {
        ratio = Double.NaN;
      }
      if (!(ratio >= 0 && ratio <= 1)) {
        env.problem("OT_TRACE_SAMPLE_RATIO must be a number from 0 to 1, got '" + r + "'");
      }
      URI otlp = env.optional("OTEL_EXPORTER_OTLP_ENDPOINT").filter(s -> !s.isBlank()).map(s -> {
        URI u = URI.create(s.strip());
        if (u.getScheme() == null || !u.getScheme().matches("https?") || u.getHost() == null) {
          env.problem("OTEL_EXPORTER_OTLP_ENDPOINT must be an http(s) URL like http://otel-collector:4318, got '" + s + "'");
        }
        return u;
      }).orElse(null);
      env.validate();
      return new Settings(mode.equals("on"), ratio, otlp);
    }
  }

  private Tracing() {}

  /** The SDK of one service instance; {@link OpenTelemetry#noop()} when tracing is off. */
  public static OpenTelemetry create(String service, String instance, Settings settings) {
    if (!settings.enabled()) {
      return OpenTelemetry.noop();
    }
    Resource resource = Resource.getDefault().merge(Resource.create(Attributes.of(
        AttributeKey.stringKey("service.name"), "ot-" + service,
        AttributeKey.stringKey("service.instance.id"), instance)));
    SdkTracerProviderBuilder tracers = SdkTracerProvider.builder()
        .setResource(resource)
        .setSampler(Sampler.parentBased(new NoProbes(Sampler.traceIdRatioBased(settings.sampleRatio()))))
        .addSpanProcessor(new SpanHygiene())
        .addSpanProcessor(RecentSpans.JVM);
    if (settings.otlpEndpoint() != null) {
      String base = settings.otlpEndpoint().toString().replaceAll("/+$", "");
      tracers.addSpanProcessor(BatchSpanProcessor.builder(
          OtlpHttpSpanExporter.builder().setEndpoint(base + "/v1/traces").build()).build());
    }
    return OpenTelemetrySdk.builder()
        .setTracerProvider(tracers.build())
        .setPropagators(ContextPropagators.create(W3CTraceContextPropagator.getInstance()))
        .build();
  }

  /** Flushes and stops what {@link #create} made (the OTLP exporter's last batch). */
  public static void shutdown(OpenTelemetry otel) {
    if (otel instanceof OpenTelemetrySdk sdk) {
      sdk.getSdkTracerProvider().shutdown().join(5, java.util.concurrent.TimeUnit.SECONDS);
    }
  }

  /** Drops the server spans of health and metrics probes (a trace per scrape, for nothing). */
  private record NoProbes(Sampler delegate) implements Sampler {
    @Override
    public SamplingResult shouldSample(Context parent, String traceId, String name, SpanKind kind,
        Attributes attributes, List<LinkData> links) {
      String path = attributes.get(URL_PATH);
      if (kind == SpanKind.SERVER && path != null && (path.startsWith("/health/") || path.equals("/metrics"))) {
        return SamplingResult.drop();
      }
      return delegate.shouldSample(parent, traceId, name, kind, attributes, links);
    }

    @Override
    public String getDescription() {
      return "NoProbes{" + delegate.getDescription() + "}";
    }
  }
}
