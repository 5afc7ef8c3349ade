package org.otplatform.logger;

import io.vertx.core.Future;
import java.time.Duration;
import java.time.Instant;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the log store within its limits, enforced by the logger itself (TTL indexes are not
 * available everywhere, and give no size bound): records older than {@code maxAge} are removed,
 * then, while the records' total size is over {@code maxBytes}, the oldest ones.
 *
 * @param maxAge how long records are kept
 * @param maxBytes the most the records may take, counted as their stored JSON
 */
public record Retention(Duration maxAge, long maxBytes) {
  private static final Logger LOG = LoggerFactory.getLogger(Retention.class);
  /** Records looked at per step when trimming to size. */
  private static final int PAGE = 2_000;

  /** Enforces both limits once; yields how many records were removed. */
  public Future<Long> enforce(LogStore store, Instant now) {
    long cutoff = now.minus(maxAge).toEpochMilli();
    return store.removeOlderThan(cutoff).compose(aged -> trim(store, 0).map(trimmed -> {
      if (aged + trimmed > 0) {
        LOG.info("retention removed {} record(s) older than {} and {} over the size limit of {} bytes", aged,
            maxAge, trimmed, maxBytes);
      }
      return aged + trimmed;
    }));
  }

  private Future<Long> trim(LogStore store, long removedSoFar) {
    return store.totalBytes().compose(total -> {
      if (total <= maxBytes) {
        return Future.succeededFuture(removedSoFar);
      }
      return store.removeOldest(total - maxBytes, PAGE).compose(removed -> removed == 0
          ? Future.succeededFuture(removedSoFar)
          : trim(store, removedSoFar + removed));
    });
  }
}
