package org.otplatform.common.logging;

import ch.qos.logback.classic.pattern.ClassicConverter;
import ch.qos.logback.classic.spi.ILoggingEvent;

/** {@code %msg} of the text stdout layout with secrets masked ({@link Masking}). */
public final class MaskedMessageConverter extends ClassicConverter {
  @Override
  public String convert(ILoggingEvent event) {
    return Masking.mask(event.getFormattedMessage());
  }
}
