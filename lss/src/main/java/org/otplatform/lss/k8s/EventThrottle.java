package org.otplatform.lss.k8s;

/**
 * Which Kubernetes events of one starting pod are passed on as progress, pure (the time is a
 * parameter): a burst of {@value #BURST} at once (a pod's normal start is Scheduled, Pulling,
 * Pulled, Created, Started), then one every {@value #REFILL_MILLIS} ms; the same reason and
 * message again within {@value #REPEAT_MILLIS} ms is dropped (a pull back-off or a failed
 * scheduling attempt is reported every few seconds); at most {@value #MAX} in all. So a pod stuck
 * for an hour adds a bounded number of entries to its session's progress log.
 */
final class EventThrottle {
  static final int BURST = 8;
  static final long REFILL_MILLIS = 3_000;
  static final long REPEAT_MILLIS = 30_000;
  static final int MAX = 30;

  private double tokens = BURST;
  private long refilledAt = Long.MIN_VALUE;
  private String last;
  private long lastAt;
  private int passed;

  /** Whether an event with this reason and message, seen at {@code nowMillis}, is passed on. */
  boolean admit(String reason, String message, long nowMillis) {
    if (refilledAt != Long.MIN_VALUE) {
      tokens = Math.min(BURST, tokens + (nowMillis - refilledAt) / (double) REFILL_MILLIS);
    }
    refilledAt = nowMillis;
    String what = reason + '\n' + message;
    if (passed >= MAX || tokens < 1 || (what.equals(last) && nowMillis - lastAt < REPEAT_MILLIS)) {
      return false;
    }
    tokens -= 1;
    passed++;
    last = what;
    lastAt = nowMillis;
    return true;
  }
}
