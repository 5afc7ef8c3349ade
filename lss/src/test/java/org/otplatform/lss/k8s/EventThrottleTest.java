package org.otplatform.lss.k8s;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class EventThrottleTest {
  @Test
  void aNormalStartPassesWhole() {
    EventThrottle throttle = new EventThrottle();
    for (String reason : new String[] {"Scheduled", "Pulling", "Pulled", "Created", "Started"}) {
      assertTrue(throttle.admit(reason, "m", 0), reason);
    }
  }

  @Test
  void theSameNoteAgainIsDroppedUntilItIsOld() {
    EventThrottle throttle = new EventThrottle();
    assertTrue(throttle.admit("BackOff", "Back-off pulling image", 0));
    assertFalse(throttle.admit("BackOff", "Back-off pulling image", 10_000));
    assertTrue(throttle.admit("Failed", "Failed to pull image", 11_000), "another note passes");
    assertTrue(throttle.admit("BackOff", "Back-off pulling image", 11_000 + EventThrottle.REPEAT_MILLIS));
  }

  @Test
  void aBurstIsCutThenRefilledSlowlyAndTheTotalIsBounded() {
    EventThrottle throttle = new EventThrottle();
    int passed = 0;
    for (int i = 0; i < 50; i++) {
      passed += throttle.admit("R", "note " + i, 0) ? 1 : 0;
    }
    assertEquals(EventThrottle.BURST, passed, "the burst, then nothing at the same instant");
    assertFalse(throttle.admit("R", "later", EventThrottle.REFILL_MILLIS / 2));
    assertTrue(throttle.admit("R", "later still", EventThrottle.REFILL_MILLIS));
    passed++;
    for (long t = 2 * EventThrottle.REFILL_MILLIS; t < 3_600_000; t += EventThrottle.REFILL_MILLIS) {
      passed += throttle.admit("R", "at " + t, t) ? 1 : 0;
    }
    assertEquals(EventThrottle.MAX, passed, "an hour of notes adds at most " + EventThrottle.MAX);
  }
}
