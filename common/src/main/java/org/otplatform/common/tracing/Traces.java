package org.otplatform.common.tracing;

import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanBuilder;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.internal.ContextInternal;
import io.vertx.tracing.opentelemetry.VertxContextStorageProvider.VertxContextStorage;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.otplatform.common.service.ServiceLauncher;

/**
 * Spans around asynchronous work. An OpenTelemetry scope is thread-bound, and Vert.x work hops
 * between callbacks; these run the work on a Vert.x context of its own (a duplicate of the current
 * one, same thread) with the span current there until the work's future completes, so every
 * callback of it — a database call, a Kafka record sent, an HTTP request — is the span's child.
 */
public final class Traces {
  private Traces() {}

  /** The current trace context: kept by work that continues later (a claim granted) to carry on in the same trace. */
  public static Context current() {
    return Context.current();
  }

  /**
   * Runs {@code work} in a new span {@code name}, a child of {@code parent} (no span is made when
   * {@code parent} holds no trace: work outside a request is not traced).
   */
  public static <T> Future<T> child(Vertx vertx, Context parent, String name, Consumer<SpanBuilder> attributes,
      Supplier<Future<T>> work) {
    if (parent == null || !Span.fromContext(parent).getSpanContext().isValid()) {
      return work.get();
    }
    SpanBuilder builder = ServiceLauncher.openTelemetry(vertx).getTracer("org.otplatform").spanBuilder(name)
        .setParent(parent);
    attributes.accept(builder);
    return inSpan(vertx, parent, builder.startSpan(), work);
  }

  /** Runs {@code work} with {@code span} current, and ends the span when the work's future completes. */
  static <T> Future<T> inSpan(Vertx vertx, Context parent, Span span, Supplier<Future<T>> work) {
    ContextInternal context = ((ContextInternal) vertx.getOrCreateContext()).duplicate();
    Promise<T> done = Promise.promise();
    context.runOnContext(v -> {
      Scope scope = VertxContextStorage.INSTANCE.attach(context, parent.with(span));
      Future<T> handled;
      try {
        handled = work.get();
      } catch (RuntimeException e) {
        handled = Future.failedFuture(e);
      }
      handled.onComplete(r -> {
        if (r.failed()) {
          span.recordException(r.cause());
          span.setStatus(StatusCode.ERROR, String.valueOf(r.cause().getMessage()));
        }
        span.end();
        scope.close();
        done.handle(r);
      });
    });
    return done.future();
  }

  /** Marks the current span as being about {@code sessionId} (the trace route finds it by that). */
  public static void tagSession(String sessionId) {
    if (sessionId != null) {
      Span.current().setAttribute(Tracing.SESSION_ID, sessionId);
    }
  }

  /**
   * What a process or pod started within the current span needs to continue the trace:
   * {@code TRACEPARENT} (and {@code TRACESTATE}) of the span — empty outside a trace — and, when this
   * service exports to a collector, {@code OTEL_EXPORTER_OTLP_ENDPOINT}, so the child's spans go there too.
   */
  public static java.util.Map<String, String> environment(Vertx vertx) {
    java.util.Map<String, String> env = new java.util.HashMap<>();
    ServiceLauncher.openTelemetry(vertx).getPropagators().getTextMapPropagator()
        .inject(Context.current(), env, (m, k, val) -> m.put(k.toUpperCase(java.util.Locale.ROOT), val));
    Tracing.Settings settings = ServiceLauncher.tracingSettings(vertx);
    if (settings.enabled() && settings.otlpEndpoint() != null) {
      env.put("OTEL_EXPORTER_OTLP_ENDPOINT", settings.otlpEndpoint().toString());
    }
    return env;
  }

  /** The current span as a W3C {@code traceparent} (to be kept with what continues later), or null outside a trace. */
  public static String traceparent() {
    java.util.Map<String, String> carrier = new java.util.HashMap<>();
    io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator.getInstance()
        .inject(Context.current(), carrier, (m, k, v) -> m.put(k, v));
    return carrier.get("traceparent");
  }

  /**
   * Runs {@code work} — synchronously, on a duplicate of the current Vert.x context — as part of the
   * trace {@code traceparent} names: what it sends (a Kafka record, an HTTP request) is that span's
   * child. Without a traceparent, or off a Vert.x thread, it just runs.
   */
  public static <T> T resumed(String traceparent, Supplier<T> work) {
    ContextInternal current = ContextInternal.current();
    if (traceparent == null || current == null) {
      return work.get();
    }
    Context parent = io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator.getInstance()
        .extract(Context.root(), java.util.Map.of("traceparent", traceparent), new io.opentelemetry.context.propagation.TextMapGetter<java.util.Map<String, String>>() {
          @Override
          public Iterable<String> keys(java.util.Map<String, String> carrier) {
            return carrier.keySet();
          }

          @Override
          public String get(java.util.Map<String, String> carrier, String key) {
            return carrier == null ? null : carrier.get(key);
          }
        });
    if (!Span.fromContext(parent).getSpanContext().isValid()) {
      return work.get();
    }
    ContextInternal context = current.duplicate();
    java.util.concurrent.atomic.AtomicReference<T> result = new java.util.concurrent.atomic.AtomicReference<>();
    java.util.concurrent.atomic.AtomicReference<RuntimeException> failure = new java.util.concurrent.atomic.AtomicReference<>();
    context.dispatch(v -> {
      try (Scope scope = VertxContextStorage.INSTANCE.attach(context, parent)) {
        result.set(work.get());
      } catch (RuntimeException e) {
        failure.set(e);
      }
    });
    if (failure.get() != null) {
      throw failure.get();
    }
    return result.get();
  }
}
