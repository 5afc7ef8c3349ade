package org.otplatform.common.tracing;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.context.Context;
import io.opentelemetry.sdk.trace.ReadWriteSpan;
import io.opentelemetry.sdk.trace.ReadableSpan;
import io.opentelemetry.sdk.trace.SpanProcessor;
import java.util.List;
import org.otplatform.common.logging.Masking;

/**
 * Runs first on every span as it starts: masks credentials in URLs (the relay takes a token as
 * {@code access_token=} in a query; it must not reach a trace store or collector), and names Vert.x's
 * Kafka spans by the semantic conventions, {@code send <topic>} and {@code receive <topic>}, instead
 * of {@code kafka_send} on every one.
 */
final class SpanHygiene implements SpanProcessor {
  private static final AttributeKey<String> DESTINATION = AttributeKey.stringKey("messaging.destination.name");
  private static final List<AttributeKey<String>> URLS = List.of(AttributeKey.stringKey("http.url"),
      AttributeKey.stringKey("url.full"), AttributeKey.stringKey("url.query"));

  @Override
  public void onStart(Context parent, ReadWriteSpan span) {
    for (AttributeKey<String> key : URLS) {
      String value = span.getAttribute(key);
      if (value != null) {
        String masked = Masking.mask(value);
        if (!masked.equals(value)) {
          span.setAttribute(key, masked);
        }
      }
    }
    String topic = span.getAttribute(DESTINATION);
    if (topic != null && span.getKind() == SpanKind.PRODUCER && span.getName().equals("kafka_send")) {
      span.updateName("send " + topic);
    } else if (topic != null && span.getKind() == SpanKind.CONSUMER && span.getName().equals("kafka_receive")) {
      span.updateName("receive " + topic);
    }
  }

  @Override
  public boolean isStartRequired() {
    return true;
  }

  @Override
  public void onEnd(ReadableSpan span) {}

  @Override
  public boolean isEndRequired() {
    return false;
  }
}
