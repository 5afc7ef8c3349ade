package org.otplatform.lss.spawn;

import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.spi.LoggingEventBuilder;

/**
 * A compute service's output line as a log record: the compute SDK writes
 * {@code traceId=… spanId=…} into the lines logged within a traced action (or, logging JSON as on the
 * platform's class path, {@code "traceId":"…","spanId":"…"}), and the record gets them as fields, as the platform's own records within a span do — so a trace's logs are found by
 * its id, the compute service's included.
 */
public final class ComputeOutput {
  private static final Pattern TRACE = Pattern.compile(
      "\\btraceId=([0-9a-f]{32}) spanId=([0-9a-f]{16})\\b|\"traceId\":\"([0-9a-f]{32})\",\"spanId\":\"([0-9a-f]{16})\"");

  private ComputeOutput() {}

  /** {@code record} with the trace and span ids named in {@code line}, if it names them. */
  public static LoggingEventBuilder traced(LoggingEventBuilder record, String line) {
    if (!line.contains("traceId")) {
      return record;
    }
    Matcher m = TRACE.matcher(line);
    if (!m.find()) {
      return record;
    }
    boolean text = m.group(1) != null;
    return record.addKeyValue("traceId", m.group(text ? 1 : 3)).addKeyValue("spanId", m.group(text ? 2 : 4));
  }
}
