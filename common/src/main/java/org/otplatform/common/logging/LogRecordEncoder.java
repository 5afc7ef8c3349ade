package org.otplatform.common.logging;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.encoder.EncoderBase;
import java.nio.charset.StandardCharsets;

/**
 * The JSON stdout layout: one line per record, in the same form as on the log topic
 * ({@link LogRecordJson}), secrets masked — what a cluster's log collector reads when Kafka is not
 * the way. {@code service} is the service the logger belongs to ({@code OT_SERVICE_NAME} or
 * {@code platform} otherwise), {@code instance} is {@code OT_INSTANCE_ID} when set.
 */
public final class LogRecordEncoder extends EncoderBase<ILoggingEvent> {
  private static final byte[] NONE = new byte[0];
  private final String service = System.getenv().getOrDefault("OT_SERVICE_NAME", "platform");
  private final String instance = System.getenv().getOrDefault("OT_INSTANCE_ID", "");

  @Override
  public byte[] headerBytes() {
    return NONE;
  }

  @Override
  public byte[] encode(ILoggingEvent event) {
    return (LogRecordJson.of(event, service, instance).encode() + "\n").getBytes(StandardCharsets.UTF_8);
  }

  @Override
  public byte[] footerBytes() {
    return NONE;
  }
}
