package org.otplatform.lss.k8s;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.util.List;
import org.slf4j.LoggerFactory;

/**
 * What the LSS hands to the log pipeline as compute services' output (logger
 * {@code org.otplatform.lss.compute}), captured while open.
 */
public final class ComputeOutput implements AutoCloseable {
  private final ListAppender<ILoggingEvent> seen = new ListAppender<>();
  private final Logger output = (Logger) LoggerFactory.getLogger("org.otplatform.lss.compute");

  public ComputeOutput() {
    seen.start();
    output.addAppender(seen);
  }

  /** The records so far. */
  public List<ILoggingEvent> records() {
    return List.copyOf(seen.list);
  }

  @Override
  public void close() {
    output.detachAppender(seen);
  }
}
