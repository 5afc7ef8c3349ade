package org.otplatform.common.logging;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.LoggingEvent;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/** Both stdout layouts: JSON lines in the log topic's form, and text; secrets masked in each. */
class LogRecordEncoderTest {
  private static LoggingEvent event() {
    Logger logger = ((LoggerContext) LoggerFactory.getILoggerFactory()).getLogger("org.otplatform.gss.Example");
    LoggingEvent event = new LoggingEvent(Logger.class.getName(), logger, Level.WARN,
        "login for bob with password={} failed", new IllegalStateException("token: abcdef123456 rejected",
            new java.io.IOException("root cause")), new Object[] {"hunter2"});
    event.addKeyValuePair(new org.slf4j.event.KeyValuePair("session", "s-1"));
    return event;
  }

  @Test
  void jsonLinesCarryTheRecordFieldsTheFullCauseChainAndNoSecrets() {
    String line = new String(new LogRecordEncoder().encode(event()), StandardCharsets.UTF_8);
    assertTrue(line.endsWith("\n") && line.indexOf('\n') == line.length() - 1, "one line");
    JsonObject record = new JsonObject(line);
    assertEquals("WARN", record.getString("level"));
    assertEquals("gss", record.getString("service"));
    assertEquals("s-1", record.getString("session"));
    assertEquals("org.otplatform.gss.Example", record.getString("logger"));
    assertEquals("login for bob with password=*** failed", record.getString("message"));
    String exception = record.getString("exception");
    assertTrue(exception.contains("IllegalStateException: token: *** rejected"), exception);
    assertTrue(exception.contains("Caused by: java.io.IOException: root cause"), exception);
    assertFalse(line.contains("hunter2") || line.contains("abcdef123456"), line);
    for (String field : new String[] {"id", "time", "thread", "instance"}) {
      assertTrue(record.containsKey(field), field);
    }
  }

  @Test
  void theTextLayoutMasksTheMessage() {
    assertEquals("login for bob with password=*** failed", new MaskedMessageConverter().convert(event()));
  }
}
