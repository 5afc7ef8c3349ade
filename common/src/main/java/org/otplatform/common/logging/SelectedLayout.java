package org.otplatform.common.logging;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.filter.Filter;
import ch.qos.logback.core.spi.FilterReply;

/**
 * Lets records through an appender only when its layout is the one selected ({@code OT_LOG_FORMAT}).
 * Both console appenders stay referenced, so logback configures without warnings — and prints none of
 * its own status lines into stdout, which must hold nothing but records (one JSON object a line).
 */
public final class SelectedLayout extends Filter<ILoggingEvent> {
  private String layout;
  private String selected;

  /** This appender's layout: {@code json} or {@code text}. */
  public void setLayout(String layout) {
    this.layout = layout;
  }

  /** The layout chosen for this process. */
  public void setSelected(String selected) {
    this.selected = selected;
  }

  /**
   * Text when {@code text} is selected, JSON otherwise: a value the configuration will refuse
   * (exit 78) must still see its error message out, in the default layout.
   */
  @Override
  public FilterReply decide(ILoggingEvent event) {
    return "text".equals(layout) == "text".equals(selected) ? FilterReply.NEUTRAL : FilterReply.DENY;
  }
}
