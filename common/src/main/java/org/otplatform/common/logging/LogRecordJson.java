package org.otplatform.common.logging;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.classic.spi.StackTraceElementProxy;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.UUID;
import org.slf4j.event.KeyValuePair;

/**
 * The JSON form of a log record on the log topic: {@code id, time, level, service, instance,
 * session, logger, message, thread, exception}, secrets masked.
 */
public final class LogRecordJson {
  private LogRecordJson() {}

  public static JsonObject of(ILoggingEvent event, String defaultService, String instance) {
    JsonObject json = new JsonObject()
        .put("id", UUID.randomUUID().toString())
        .put("time", Instant.ofEpochMilli(event.getTimeStamp()).toString())
        .put("level", event.getLevel().toString())
        .put("service", defaultService)
        .put("instance", instance)
        .put("logger", event.getLoggerName())
        .put("message", event.getFormattedMessage())
        .put("thread", event.getThreadName());
    String fromLogger = serviceOf(event.getLoggerName());
    if (fromLogger != null) {
      json.put("service", fromLogger);
    }
    if (event.getKeyValuePairs() != null) {
      for (KeyValuePair kv : event.getKeyValuePairs()) {
        if (kv.key != null && kv.value != null) {
          json.put(kv.key, String.valueOf(kv.value));
        }
      }
    }
    String mdcSession = event.getMDCPropertyMap().get("session");
    if (mdcSession != null && !json.containsKey("session")) {
      json.put("session", mdcSession);
    }
    if (event.getThrowableProxy() != null) {
      json.put("exception", render(event.getThrowableProxy()));
    }
    // Logged within a trace (the appender runs on the logging thread): the line names its span.
    io.opentelemetry.api.trace.SpanContext span = io.opentelemetry.api.trace.Span.current().getSpanContext();
    if (span.isValid()) {
      json.put("traceId", span.getTraceId()).put("spanId", span.getSpanId());
    }
    return Masking.mask(json);
  }

  /** {@code org.otplatform.gss.X} belongs to service {@code gss}. */
  static String serviceOf(String logger) {
    String prefix = "org.otplatform.";
    if (logger == null || !logger.startsWith(prefix)) {
      return null;
    }
    int end = logger.indexOf('.', prefix.length());
    String part = end < 0 ? null : logger.substring(prefix.length(), end);
    return part == null || part.equals("common") || part.equals("embedded") ? null : part;
  }

  /** The full exception chain, causes included. */
  static String render(IThrowableProxy proxy) {
    StringBuilder sb = new StringBuilder();
    for (IThrowableProxy t = proxy; t != null; t = t.getCause()) {
      if (t != proxy) {
        sb.append("Caused by: ");
      }
      sb.append(t.getClassName()).append(": ").append(t.getMessage()).append('\n');
      for (StackTraceElementProxy frame : t.getStackTraceElementProxyArray()) {
        sb.append("\tat ").append(frame.getStackTraceElement()).append('\n');
      }
    }
    return sb.toString();
  }
}
