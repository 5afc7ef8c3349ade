package org.otplatform.bench;

import java.util.List;

/**
 * The cost of mutual TLS: session open (Kubernetes spawner, API mock) and the relay's paths, once
 * with the platform on TLS (HTTPS, WSS, Kafka over TLS, compute services on TLS) and once without,
 * in the same run. Run with {@code bin/ot-bench tls}.
 */
public final class TlsCostBench {
  private TlsCostBench() {}

  public static void main(String[] args) {
    BenchSuite.main(new String[] {"tls"});
  }

  static List<Row> measure(BenchSuite.Context context) throws Exception {
    Size size = context.size();
    OpenBench.Figures plainOpen = OpenBench.kubernetes(context.brokerLib(), false, size);
    OpenBench.Figures tlsOpen = OpenBench.kubernetes(context.brokerLib(), true, size);
    RelayBench.Figures plainRelay = RelayBench.figures(context.brokerLib(), false, 0, null, size);
    RelayBench.Figures tlsRelay = RelayBench.figures(context.brokerLib(), true, 0, null, size);
    BenchHttp.tls(false);
    String off = "HTTP plain (broker, store on TLS)";
    return List.of(
        new Row("tls", "open request -> READY, one at a time, p50, TLS on", "ms", tlsOpen.p50(), off, plainOpen.p50()),
        new Row("tls", "open request -> READY, one at a time, p99, TLS on", "ms", tlsOpen.p99(), off, plainOpen.p99()),
        new Row("tls", "sustained opens, " + tlsOpen.clients() + " clients, TLS on", "/s", tlsOpen.rate(), off,
            plainOpen.rate()),
        new Row("tls", "relay round trip, p50, TLS on every hop", "ms", tlsRelay.relay().p50(), off,
            plainRelay.relay().p50()),
        new Row("tls", "relay round trip, p99, TLS on every hop", "ms", tlsRelay.relay().p99(), off,
            plainRelay.relay().p99()),
        new Row("tls", "relay messages, 64 in flight, TLS on every hop", "/s", tlsRelay.relay().rate(), off,
            plainRelay.relay().rate()),
        new Row("tls", "direct WebSocket messages, 64 in flight, TLS on", "/s", tlsRelay.direct().rate(), off,
            plainRelay.direct().rate()));
  }
}
