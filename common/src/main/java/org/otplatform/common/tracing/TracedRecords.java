package org.otplatform.common.tracing;

import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.propagation.TextMapGetter;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.nio.charset.StandardCharsets;
import java.util.function.Supplier;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.otplatform.common.service.ServiceLauncher;

/**
 * The consumer side of a trace: a record that carries a {@code traceparent} header (Vert.x's Kafka
 * producer adds it when the record is sent within a trace) is handled inside a {@code CONSUMER}
 * span, a child of the span that sent it, and that span stays current until the handling's future
 * completes — Vert.x's own Kafka receive span ends when the handler returns, so what the handler did
 * after its first asynchronous step (a database write, the next event) lost its parent. A record
 * without one is handled as it is, with no span: heartbeats and other traffic outside a request
 * start no trace.
 */
public final class TracedRecords {
  private static final TextMapGetter<Headers> HEADERS = new TextMapGetter<>() {
    @Override
    public Iterable<String> keys(Headers headers) {
      return () -> java.util.stream.StreamSupport.stream(headers.spliterator(), false).map(Header::key).iterator();
    }

    @Override
    public String get(Headers headers, String key) {
      Header h = headers == null ? null : headers.lastHeader(key);
      return h == null || h.value() == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }
  };

  private TracedRecords() {}

  /** Runs {@code work} for {@code record} of {@code group}, traced if the record came with a trace. */
  public static <T> Future<T> handle(Vertx vertx, ConsumerRecord<?, ?> record, String group, Supplier<Future<T>> work) {
    if (record.headers() == null || record.headers().lastHeader("traceparent") == null) {
      return work.get();
    }
    OpenTelemetry otel = ServiceLauncher.openTelemetry(vertx);
    Context parent = otel.getPropagators().getTextMapPropagator().extract(Context.root(), record.headers(), HEADERS);
    Span span = otel.getTracer("org.otplatform").spanBuilder("process " + record.topic())
        .setParent(parent)
        .setSpanKind(SpanKind.CONSUMER)
        .setAttribute("messaging.system", "kafka")
        .setAttribute("messaging.operation.type", "process")
        .setAttribute("messaging.destination.name", record.topic())
        .setAttribute("messaging.destination.partition.id", String.valueOf(record.partition()))
        .setAttribute("messaging.kafka.offset", record.offset())
        .setAttribute("messaging.consumer.group.name", group == null ? "" : group)
        .startSpan();
    if (record.key() != null) {
      span.setAttribute("messaging.kafka.message.key", String.valueOf(record.key()));
    }
    return Traces.inSpan(vertx, parent, span, work);
  }
}
