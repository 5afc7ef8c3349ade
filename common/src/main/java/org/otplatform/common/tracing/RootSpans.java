package org.otplatform.common.tracing;

import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.context.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.function.Supplier;
import org.otplatform.common.service.ServiceLauncher;

/**
 * Traces that start with no request: what a periodic sweep decides about one session (an idle
 * close, an open timed out, a hand-over) is a trace of its own, tagged with the session, so the
 * session's traces show why it closed and the LSS's handling of it. Sampled like any root
 * ({@code OT_TRACE_SAMPLE_RATIO}); a sweep that finds nothing to do makes no span.
 */
public final class RootSpans {
  /** Makes no spans (a component built without a traced Vert.x, in unit tests). */
  public static final RootSpans NONE = new RootSpans(null);

  private final Vertx vertx;

  private RootSpans(Vertx vertx) {
    this.vertx = vertx;
  }

  /** Root spans with the OpenTelemetry of {@code vertx} (see {@link ServiceLauncher#openTelemetry}). */
  public static RootSpans of(Vertx vertx) {
    return new RootSpans(vertx);
  }

  /** Runs {@code work} in a new trace whose root span {@code name} is about {@code sessionId}. */
  public <T> Future<T> start(String name, String sessionId, Supplier<Future<T>> work) {
    if (vertx == null) {
      return work.get();
    }
    Span span = ServiceLauncher.openTelemetry(vertx).getTracer("org.otplatform").spanBuilder(name)
        .setNoParent()
        .setSpanKind(SpanKind.INTERNAL)
        .setAttribute(Tracing.SESSION_ID, sessionId)
        .startSpan();
    if (!span.isRecording()) {
      return work.get();
    }
    return Traces.inSpan(vertx, Context.root(), span, work);
  }
}
