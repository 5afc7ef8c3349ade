package org.otplatform.logger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.otplatform.common.testing.TestClock;

/** One session's flood is cut at its quota and said so; other sessions and the platform's logs are untouched. */
class SessionQuotaTest {
  private final TestClock clock = new TestClock(Instant.parse("2030-01-01T00:00:00Z"));
  private final SessionQuota quota = new SessionQuota(3, clock);

  private static JsonObject of(String session) {
    JsonObject r = new JsonObject().put("id", java.util.UUID.randomUUID().toString()).put("message", "x");
    return session == null ? r : r.put("session", session);
  }

  @Test
  void aFloodingSessionIsCutAtItsQuotaAndTheDropIsRecorded() {
    for (int i = 0; i < 3; i++) {
      assertTrue(quota.admit(of("loud")));
    }
    for (int i = 0; i < 5; i++) {
      assertFalse(quota.admit(of("loud")), "over the quota");
    }
    assertTrue(quota.admit(of("quiet")), "another session has its own quota");
    assertTrue(quota.admit(of(null)), "the platform's own records are not counted");
    assertEquals(List.of(), quota.roll(), "nothing said before the window ends");

    clock.advance(SessionQuota.WINDOW);
    List<JsonObject> notes = quota.roll();
    assertEquals(1, notes.size(), "one note, for the session that had records dropped");
    assertEquals("loud", notes.get(0).getString("session"));
    assertTrue(notes.get(0).getString("message").startsWith("5 log record(s) of this session dropped"),
        notes.get(0).getString("message"));
    assertTrue(quota.admit(of("loud")), "a new window, a new quota");
    clock.advance(Duration.ofSeconds(61));
    assertEquals(List.of(), quota.roll());
  }
}
