package org.otplatform.gss.metrics;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.json.JsonObject;
import java.time.Clock;
import java.util.Collection;
import java.util.List;
import org.otplatform.gss.registry.LssRegistry;

/**
 * {@code ot_lss_instances{status, pool}}: the LSS instances of each pool of the catalog this GSS
 * replica knows, {@code up}, {@code draining} or {@code lost} (silent past OT_GSS_LSS_LOST_SECONDS)
 * — what the "LSS lost" and "no LSS of a pool" alerts read. Read from the registry in memory at each
 * scrape.
 */
public final class LssGauges {
  private LssGauges() {}

  public static void register(MeterRegistry meters, LssRegistry registry, Clock clock, Collection<String> pools) {
    for (String pool : pools) {
      for (String status : List.of("up", "draining", "lost")) {
        Gauge.builder("ot_lss_instances", registry, r -> r.view(clock.instant()).getJsonArray("lss").stream()
                .map(JsonObject.class::cast)
                .filter(o -> status.equals(o.getString("status")) && pool.equals(o.getString("pool"))).count())
            .description("LSS instances known to this GSS replica, by pool and status")
            .tag("status", status)
            .tag("pool", pool)
            .register(meters);
      }
    }
  }
}
