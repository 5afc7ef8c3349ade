package org.otplatform.compute.sdk;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** A bad setting is refused when the service is made (main turns that into exit code 78). */
class SettingsTest {
  @Test
  void aBadPortIsRefusedWithItsName() {
    for (String bad : new String[] {"not-a-port", "-1", "65536", "80 80", "999999"}) {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
          () -> ComputeService.create("kriging", Map.of("OT_PORT", bad)), bad);
      assertTrue(e.getMessage().contains("OT_PORT"), e.getMessage());
    }
    assertDoesNotThrow(() -> ComputeService.create("kriging", Map.of("OT_PORT", "0")));
    assertDoesNotThrow(() -> ComputeService.create("kriging", Map.of("OT_PORT", "8080")));
    assertDoesNotThrow(() -> ComputeService.create("kriging", Map.of()));
  }
}
