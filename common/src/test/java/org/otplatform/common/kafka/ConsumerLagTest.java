package org.otplatform.common.kafka;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Map;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

class ConsumerLagTest {
  private static final TopicPartition P0 = new TopicPartition("ot.logs", 0);
  private static final TopicPartition P1 = new TopicPartition("ot.logs", 1);
  private static final TopicPartition P2 = new TopicPartition("ot.logs", 2);

  @Test
  void theLagIsTheEndLessTheCommittedOffsetSummedOverThePartitions() {
    assertEquals(0, ConsumerLag.lag(Map.of(), Map.of(), Map.of()), "no partitions");
    assertEquals(0, ConsumerLag.lag(Map.of(P0, 40L, P1, 7L), Map.of(P0, 40L, P1, 7L), Map.of()), "caught up");
    assertEquals(125, ConsumerLag.lag(Map.of(P0, 140L, P1, 7L), Map.of(P0, 20L, P1, 2L), Map.of()));
  }

  @Test
  void aPartitionNeverCommittedCountsFromItsEarliestOffset() {
    assertEquals(30 + 5, ConsumerLag.lag(Map.of(P0, 100L, P2, 50L), Map.of(P0, 70L), Map.of(P2, 45L)),
        "records before 45 were deleted by retention: not lag");
    assertEquals(50, ConsumerLag.lag(Map.of(P2, 50L), Map.of(), Map.of()), "no earliest known: from 0");
  }

  @Test
  void aCommitReadAfterTheEndIsNoNegativeLag() {
    assertEquals(0, ConsumerLag.lag(Map.of(P0, 10L), Map.of(P0, 12L), Map.of()));
  }
}
