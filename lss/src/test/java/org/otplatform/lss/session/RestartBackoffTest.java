package org.otplatform.lss.session;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.otplatform.common.config.Env;
import org.otplatform.lss.LssConfig;

class RestartBackoffTest {
  @Test
  void theWaitDoublesUpToItsCap() {
    LssConfig config = LssConfig.from(new Env(Map.of("OT_LSS_RESTART_BACKOFF_MILLIS", "500",
        "OT_LSS_MAX_RESTART_BACKOFF_SECONDS", "3")));
    io.vertx.core.Vertx vertx = io.vertx.core.Vertx.vertx();
    SessionSupervisor supervisor = new SessionSupervisor(vertx,
        new org.otplatform.lss.local.LocalProcessSpawner(vertx, "", "127.0.0.1"), null, config);
    assertEquals(500, supervisor.backoff(1));
    assertEquals(1000, supervisor.backoff(2));
    assertEquals(2000, supervisor.backoff(3));
    assertEquals(3000, supervisor.backoff(4));
    assertEquals(3000, supervisor.backoff(100), "no overflow for large attempts");
    vertx.close();
  }
}
