package org.otplatform.auth.login;

import java.time.Duration;

/**
 * When repeated failed logins are blocked, and for how long: after {@code maxFailures} failures
 * within {@code window}, each further failure blocks for {@code baseBlock} doubled per failure
 * beyond the limit, at most {@code maxBlock}. Blocks always end, so nobody is locked out for good.
 */
public record ThrottlePolicy(int maxFailures, Duration window, Duration baseBlock, Duration maxBlock) {

  /** The block after {@code failures} failures in the window; zero when below the limit. */
  public Duration blockAfter(long failures) {
    if (failures < maxFailures) {
      return Duration.ZERO;
    }
    long doublings = Math.min(failures - maxFailures, 20);
    Duration block = baseBlock.multipliedBy(1L << doublings);
    return block.compareTo(maxBlock) > 0 ? maxBlock : block;
  }
}
