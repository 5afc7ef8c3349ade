package org.otplatform.common.logging;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import org.slf4j.LoggerFactory;

/**
 * Attaches the {@link KafkaLogAppender} to the root logger, once per JVM: installs are counted, and
 * the appender goes when the last user shuts it down (tests run several platforms in one JVM).
 */
public final class LogShipping {
  private static KafkaLogAppender appender;
  private static int users;

  private LogShipping() {}

  public static synchronized void install(org.otplatform.common.kafka.KafkaConnection kafka, String service, String instance) {
    users++;
    if (appender != null || !(LoggerFactory.getILoggerFactory() instanceof LoggerContext context)) {
      return;
    }
    KafkaLogAppender a = new KafkaLogAppender(kafka, service, instance);
    a.setContext(context);
    a.start();
    context.getLogger(Logger.ROOT_LOGGER_NAME).addAppender(a);
    appender = a;
  }

  /** Log records dropped since shipping started (0 when it does not run). */
  public static synchronized long droppedTotal() {
    return appender == null ? 0 : appender.droppedTotal();
  }

  /**
   * A mark of the records logged so far (by any thread, up to this call); {@link #settled(long)}
   * tells when Kafka has every one of them or they were counted as dropped — what a spool of log
   * lines waits for before it deletes them.
   */
  public static synchronized long mark() {
    return appender == null ? 0 : appender.accepted();
  }

  /** Whether every record up to {@code mark} is shipped (always, when nothing ships). */
  public static synchronized boolean settled(long mark) {
    return appender == null || appender.settled() >= mark;
  }

  /** Log records waiting to be shipped. */
  public static synchronized int queued() {
    return appender == null ? 0 : appender.queued();
  }

  public static synchronized void shutdown() {
    users = Math.max(0, users - 1);
    if (users == 0 && appender != null && LoggerFactory.getILoggerFactory() instanceof LoggerContext context) {
      context.getLogger(Logger.ROOT_LOGGER_NAME).detachAppender(appender);
      appender.stop();
      appender = null;
    }
  }
}
