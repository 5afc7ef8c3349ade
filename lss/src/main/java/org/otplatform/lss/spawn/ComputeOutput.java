package org.otplatform.lss.spawn;

import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.spi.LoggingEventBuilder;

/**
 * A compute service's output line as a log record: the compute SDK writes
 * {@code traceId=… spanId=…} into the lines logged within a traced action, and the record gets
 * them as fields, as the platform's own records within a span do — so a trace's logs are found by
 * its id, the compute service's included.
 */
public final class ComputeOutput {
  private static final Pattern TRACE = Pattern.compile("\\btraceId=([0-9a-f]{32}) spanId=([0-9a-f]{16})\\b");

  private ComputeOutput() {}

  /** {@code record} with the trace and span ids named in {@code line}, if it names them. */
  public static LoggingEventBuilder traced(LoggingEventBuilder record, String line) {
    if (line.indexOf("traceId=") < 0) {
      return record;
    }
    Matcher m = TRACE.matcher(line);
    return m.find() ? record.addKeyValue("traceId", m.group(1)).addKeyValue("spanId", m.group(2)) : record;
  }
}
