package org.otplatform.lss.spawn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** A compute line naming its trace becomes a record with the trace's fields; others stay as they are. */
class ComputeOutputTest {
  @Test
  void theLinesTraceAndSpanBecomeTheRecordsFields() {
    Logger logger = new LoggerContext().getLogger("compute.test");
    ListAppender<ILoggingEvent> got = new ListAppender<>();
    got.start();
    logger.addAppender(got);
    String traced = "12:00:01.002 INFO  [compute-action-1] o.e.Fit session=s traceId=0af7651916cd43dd8448eb211c80319c"
        + " spanId=b7ad6b7169203331 - fitted";
    ComputeOutput.traced(logger.atInfo(), traced).log(traced);
    ComputeOutput.traced(logger.atInfo(), "12:00:01 INFO x - traceId=nothex spanId=1").log("plain");
    String json = "{\"id\":\"x\",\"message\":\"fitted\",\"traceId\":\"0af7651916cd43dd8448eb211c80319c\","
        + "\"spanId\":\"00f067aa0ba902b7\"}";
    ComputeOutput.traced(logger.atInfo(), json).log(json);
    assertEquals(Map.of("traceId", "0af7651916cd43dd8448eb211c80319c", "spanId", "b7ad6b7169203331"), fields(got.list.get(0)));
    assertNull(got.list.get(1).getKeyValuePairs(), "no ids, no fields");
    assertEquals(Map.of("traceId", "0af7651916cd43dd8448eb211c80319c", "spanId", "00f067aa0ba902b7"), fields(got.list.get(2)),
        "a line logged as JSON");
  }

  private static Map<String, Object> fields(ILoggingEvent event) {
    return event.getKeyValuePairs().stream().collect(Collectors.toMap(kv -> kv.key, kv -> kv.value));
  }
}
