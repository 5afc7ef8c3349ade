package org.otplatform.common.logging;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import org.slf4j.LoggerFactory;

/** Attaches (once per JVM) the {@link KafkaLogAppender} to the root logger. */
public final class LogShipping {
  private static KafkaLogAppender appender;

  private LogShipping() {}

  public static synchronized void install(String bootstrap, String service, String instance) {
    if (appender != null || !(LoggerFactory.getILoggerFactory() instanceof LoggerContext context)) {
      return;
    }
    KafkaLogAppender a = new KafkaLogAppender(bootstrap, service, instance);
    a.setContext(context);
    a.start();
    context.getLogger(Logger.ROOT_LOGGER_NAME).addAppender(a);
    appender = a;
  }

  public static synchronized void shutdown() {
    if (appender != null && LoggerFactory.getILoggerFactory() instanceof LoggerContext context) {
      context.getLogger(Logger.ROOT_LOGGER_NAME).detachAppender(appender);
      appender.stop();
      appender = null;
    }
  }
}
