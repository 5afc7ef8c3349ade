package org.otplatform.embedded;

import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.slf4j.LoggerFactory;

/**
 * A platform that fails to start leaves the others in the JVM as they were: its clean-up ends only
 * what it began (log shipping is one per JVM — a failed start used to stop the running platform's,
 * and its services' logs no longer reached its logger).
 */
@ExtendWith(SharedPlatform.class)
class FailedStartTest {
  @Test
  void aFailedStartDoesNotStopAnotherPlatformsLogShipping() {
    EmbeddedPlatform broken = new EmbeddedPlatform(new EmbeddedPlatform.Settings(null,
        Path.of(System.getProperty("ot.broker.lib", "../broker/target/lib")),
        Map.of("OT_EMBEDDED_TLS", "sometimes"), EmbeddedPlatform.Ports.free()));
    assertThrows(EmbeddedException.class, broken::start);

    String marker = "after-a-failed-start-" + UUID.randomUUID();
    LoggerFactory.getLogger("org.otplatform.lss.FailedStartTest").info(marker);
    SharedPlatform.Holder p = SharedPlatform.get();
    String admin = SharedPlatform.login("admin", SharedPlatform.ADMIN_PASSWORD);
    Api.await("the line logged after the failed start stored by the running platform's logger",
        Duration.ofSeconds(60), () -> Api.get(p.logger + "/api/v1/logs?q=" + marker, admin).expect(200).json()
            .getJsonArray("records").size() == 1);
  }
}
