package org.otplatform.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The cost of tracing (on by default: every request and the Kafka records sent within it make
 * spans, held in memory): session open (Kubernetes spawner, API mock) and the relay's paths, once
 * with {@code OT_TRACING=on} and once with {@code off}, in the same run. Run with
 * {@code bin/ot-bench tracing}.
 */
public final class TracingCostBench {
  private TracingCostBench() {}

  public static void main(String[] args) {
    BenchSuite.main(new String[] {"tracing"});
  }

  static List<Row> measure(BenchSuite.Context context) throws Exception {
    Size size = context.size();
    Map<String, String> on = Map.of("OT_TRACING", "on");
    Map<String, String> off = Map.of("OT_TRACING", "off");
    String ref = "OT_TRACING=off";
    OpenBench.Figures untracedOpen = OpenBench.kubernetes(context.brokerLib(), false, size, off);
    OpenBench.Figures tracedOpen = OpenBench.kubernetes(context.brokerLib(), false, size, on);
    List<Row> rows = new ArrayList<>(List.of(
        new Row("tracing", "open request -> READY, one at a time, p50, traced", "ms", tracedOpen.p50(), ref,
            untracedOpen.p50()),
        new Row("tracing", "open request -> READY, one at a time, p99, traced", "ms", tracedOpen.p99(), ref,
            untracedOpen.p99()),
        new Row("tracing", "sustained opens, " + tracedOpen.clients() + " clients, traced", "/s", tracedOpen.rate(), ref,
            untracedOpen.rate())));
    if (size.tiny()) {
      // --size tiny (bin/ot-smoke, in CI) checks that the section works: the relay's two platforms
      // would add a minute for the code path that RelayBench's tiny run takes already.
      return rows;
    }
    RelayBench.Figures untracedRelay = RelayBench.figures(context.brokerLib(), false, 0, null, size, off);
    RelayBench.Figures tracedRelay = RelayBench.figures(context.brokerLib(), false, 0, null, size, on);
    rows.addAll(List.of(
        new Row("tracing", "relay round trip, p50, traced", "ms", tracedRelay.relay().p50(), ref,
            untracedRelay.relay().p50()),
        new Row("tracing", "relay round trip, p99, traced", "ms", tracedRelay.relay().p99(), ref,
            untracedRelay.relay().p99()),
        new Row("tracing", "relay messages, 64 in flight, traced", "/s", tracedRelay.relay().rate(), ref,
            untracedRelay.relay().rate())));
    return rows;
  }
}
