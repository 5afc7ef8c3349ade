package org.otplatform.common.logging;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ch.qos.logback.classic.spi.LoggingEvent;
import ch.qos.logback.core.spi.FilterReply;
import org.junit.jupiter.api.Test;

class SelectedLayoutTest {

  private static FilterReply reply(String layout, String selected) {
    SelectedLayout filter = new SelectedLayout();
    filter.setLayout(layout);
    filter.setSelected(selected);
    return filter.decide(new LoggingEvent());
  }

  @Test
  void onlyTheSelectedLayoutWritesAndAnUnknownSelectionFallsBackToJson() {
    assertEquals(FilterReply.NEUTRAL, reply("json", "json"));
    assertEquals(FilterReply.DENY, reply("text", "json"));
    assertEquals(FilterReply.NEUTRAL, reply("text", "text"));
    assertEquals(FilterReply.DENY, reply("json", "text"));
    // OT_LOG_FORMAT=xml is refused by the configuration (exit 78); that message must still come out.
    assertEquals(FilterReply.NEUTRAL, reply("json", "xml"));
    assertEquals(FilterReply.DENY, reply("text", "xml"));
  }
}
