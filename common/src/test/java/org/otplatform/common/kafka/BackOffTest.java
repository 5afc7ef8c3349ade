package org.otplatform.common.kafka;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Retries wait twice as long each time, within ± 50 %, and not all alike: replicas do not retry in step. */
class BackOffTest {
  @Test
  void doublesWithJitter() {
    for (int attempt = 1; attempt < KeyOrderedConsumer.ATTEMPTS; attempt++) {
      long base = 100L << (attempt - 1);
      Set<Long> seen = new HashSet<>();
      for (int i = 0; i < 200; i++) {
        long delay = KeyOrderedConsumer.backOff(attempt);
        assertTrue(delay >= base / 2 && delay <= base + base / 2, "attempt " + attempt + ": " + delay);
        seen.add(delay);
      }
      assertTrue(seen.size() > 10, "attempt " + attempt + " waits vary: " + seen);
    }
  }
}
