package org.otplatform.compute.contract;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

class ComputeContractTest {
  @Test
  void theListeningLineReadsBackAsItsPort() {
    assertEquals(OptionalInt.of(41_234), ComputeContract.listeningPort(ComputeContract.listeningLine(41_234)));
    assertEquals("OT-LISTENING 8080", ComputeContract.listeningLine(8080), "the wire form is fixed");
  }

  @Test
  void otherLinesAnnounceNothing() {
    for (String line : new String[] {null, "", "listening on 8080", "OT-LISTENING ", "OT-LISTENING x",
        "OT-LISTENING 0", "OT-LISTENING 70000", " OT-LISTENING 8080"}) {
      assertTrue(ComputeContract.listeningPort(line).isEmpty(), String.valueOf(line));
    }
    assertThrows(IllegalArgumentException.class, () -> ComputeContract.listeningLine(0));
  }
}
