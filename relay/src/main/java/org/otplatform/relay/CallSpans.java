package org.otplatform.relay;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.propagation.TextMapGetter;
import java.util.Map;
import org.otplatform.common.tracing.Tracing;

/**
 * The relay's spans of calls to compute services. A front end asks for one by putting a W3C
 * {@code traceparent} in its message (a browser cannot set headers on a WebSocket, and a trace per
 * message is the front end's choice, as its sampled flag says): the span lasts from the request to
 * the reply (or the error the relay answers with), and the compute service gets its own
 * {@code traceparent} to continue the trace. Messages without one cost nothing here — at tens of
 * thousands of messages a second, a span for each would be most of the relay's work.
 */
final class CallSpans {
  private static final AttributeKey<String> RPC_SYSTEM = AttributeKey.stringKey("rpc.system");
  private static final AttributeKey<String> RPC_SERVICE = AttributeKey.stringKey("rpc.service");
  private static final AttributeKey<String> RPC_METHOD = AttributeKey.stringKey("rpc.method");
  private static final AttributeKey<String> ERROR_CODE = AttributeKey.stringKey("ot.error.code");
  /** An action name as a span attribute: a front end chooses it, so it is cut short. */
  private static final int MAX_ACTION = 64;

  private static final TextMapGetter<String> FROM_MESSAGE = new TextMapGetter<>() {
    @Override
    public Iterable<String> keys(String traceparent) {
      return java.util.List.of("traceparent");
    }

    @Override
    public String get(String traceparent, String key) {
      return "traceparent".equals(key) ? traceparent : null;
    }
  };

  private final Tracer tracer;
  private final String sessionId;

  CallSpans(Tracer tracer, String sessionId) {
    this.tracer = tracer;
    this.sessionId = sessionId;
  }

  /**
   * The span of a call to {@code service}, a child of the message's {@code traceparent}; null when
   * the message has none, a malformed one, or one not sampled.
   */
  Span start(String traceparent, String service, String action) {
    if (traceparent == null) {
      return null;
    }
    Context parent = W3CTraceContextPropagator.getInstance().extract(Context.root(), traceparent, FROM_MESSAGE);
    SpanContext caller = Span.fromContext(parent).getSpanContext();
    if (!caller.isValid() || !caller.isSampled()) {
      return null;
    }
    Span span = tracer.spanBuilder("call " + service)
        .setParent(parent)
        .setSpanKind(SpanKind.SERVER)
        .setAttribute(RPC_SYSTEM, "ot-relay")
        .setAttribute(RPC_SERVICE, service)
        .setAttribute(RPC_METHOD, action.length() > MAX_ACTION ? action.substring(0, MAX_ACTION) : action)
        .setAttribute(Tracing.SESSION_ID, sessionId)
        .startSpan();
    return span.getSpanContext().isValid() ? span : null;
  }

  /** The {@code traceparent} a compute service continues {@code span}'s trace with. */
  static String traceparent(Span span) {
    Map<String, String> carrier = new java.util.HashMap<>(2);
    W3CTraceContextPropagator.getInstance().inject(Context.root().with(span), carrier, Map::put);
    return carrier.get("traceparent");
  }

  /** Ends a call answered by the service ({@code failed}: with an error). */
  static void replied(Span span, boolean failed) {
    if (span != null) {
      if (failed) {
        span.setStatus(StatusCode.ERROR, "the service answered with an error");
      }
      span.end();
    }
  }

  /** Ends a call the relay answered itself, with the error {@code code} (timeout, service_unavailable). */
  static void failed(Span span, String code, String message) {
    if (span != null) {
      span.setAttribute(ERROR_CODE, code);
      span.setStatus(StatusCode.ERROR, message);
      span.end();
    }
  }
}
