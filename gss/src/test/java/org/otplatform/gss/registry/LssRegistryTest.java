package org.otplatform.gss.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.otplatform.common.events.EventCodec;
import org.otplatform.common.events.LssHeartbeat;

class LssRegistryTest {
  private static final Instant T0 = Instant.parse("2026-11-25T12:00:00Z");

  @Test
  void anLssIsLostWhenSilentForTooLong() {
    LssRegistry registry = new LssRegistry(Duration.ofSeconds(20), T0);
    registry.heard(LssHeartbeat.of("lss-a", "local", 10, List.of("s1", "s2"), List.of(), false), T0.plusSeconds(5));
    assertFalse(registry.isLost("lss-a", T0.plusSeconds(25)));
    assertTrue(registry.isLost("lss-a", T0.plusSeconds(26)));
    assertEquals(2, registry.get("lss-a").orElseThrow().load());
    assertTrue(registry.get("lss-a").orElseThrow().sessions().contains("s2"));
  }

  @Test
  void anLssNeverHeardIsLostOnlyOnceTheGssListenedLongEnough() {
    LssRegistry registry = new LssRegistry(Duration.ofSeconds(20), T0);
    assertFalse(registry.isLost("lss-x", T0.plusSeconds(19)), "it may simply not have sent a heartbeat yet");
    assertTrue(registry.isLost("lss-x", T0.plusSeconds(21)));
  }

  @Test
  void theAdminViewShowsStatusAndFirstSeenSurvivesLaterHeartbeats() {
    LssRegistry registry = new LssRegistry(Duration.ofSeconds(20), T0);
    registry.heard(LssHeartbeat.of("lss-b", "kubernetes", 5, List.of(), List.of(), false), T0);
    registry.heard(LssHeartbeat.of("lss-a", "local", 10, List.of("s1"), List.of(), false), T0);
    registry.heard(LssHeartbeat.of("lss-a", "local", 10, List.of("s1"), List.of(), true), T0.plusSeconds(30));
    JsonObject view = registry.view(T0.plusSeconds(31));
    JsonObject a = view.getJsonArray("lss").getJsonObject(0);
    assertEquals("lss-a", a.getString("id"));
    assertEquals("draining", a.getString("status"));
    assertEquals(T0.toString(), a.getString("firstSeen"));
    assertEquals("lost", view.getJsonArray("lss").getJsonObject(1).getString("status"));
    registry.prune(T0.plus(Duration.ofHours(2)));
    assertTrue(registry.get("lss-b").isEmpty(), "forgotten an hour after it was lost");
  }

  @Test
  void heartbeatsSurviveTheWire() {
    LssHeartbeat beat = LssHeartbeat.of("lss-a", "kubernetes", 10, List.of("s1"), List.of("s9"), true);
    assertEquals(beat, LssHeartbeat.decode(new JsonObject(EventCodec.encode(beat).encode())));
  }
}
