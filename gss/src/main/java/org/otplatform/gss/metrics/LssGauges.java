package org.otplatform.gss.metrics;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.json.JsonObject;
import java.time.Clock;
import java.util.List;
import org.otplatform.gss.registry.LssRegistry;

/**
 * {@code ot_lss_instances{status}}: the LSS instances this GSS replica knows, {@code up},
 * {@code draining} or {@code lost} (silent past OT_GSS_LSS_LOST_SECONDS) — what the "LSS lost"
 * alert reads. Read from the registry in memory at each scrape.
 */
public final class LssGauges {
  private LssGauges() {}

  public static void register(MeterRegistry meters, LssRegistry registry, Clock clock) {
    for (String status : List.of("up", "draining", "lost")) {
      Gauge.builder("ot_lss_instances", registry, r -> r.view(clock.instant()).getJsonArray("lss").stream()
              .filter(o -> status.equals(((JsonObject) o).getString("status"))).count())
          .description("LSS instances known to this GSS replica, by status")
          .tag("status", status)
          .register(meters);
    }
  }
}
