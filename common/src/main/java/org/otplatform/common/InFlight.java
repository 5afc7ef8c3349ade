package org.otplatform.common;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.util.ArrayDeque;
import java.util.Collection;
import java.util.Deque;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/** Asynchronous work over many items with a bound on how much of it runs at once. */
public final class InFlight {
  private InFlight() {}

  /**
   * Runs {@code work} for every item, at most {@code lanes} at a time, each lane taking the next
   * item when its last finished (a failure counts as finished); completes when all have.
   */
  public static <T> Future<Void> each(Collection<T> items, int lanes, Function<T, Future<?>> work) {
    if (items.isEmpty()) {
      return Future.succeededFuture();
    }
    Deque<T> queue = new ArrayDeque<>(items);
    Promise<Void> done = Promise.promise();
    int started = Math.max(1, Math.min(lanes, queue.size()));
    AtomicInteger running = new AtomicInteger(started);
    for (int lane = 0; lane < started; lane++) {
      next(queue, work, running, done);
    }
    return done.future();
  }

  private static <T> void next(Deque<T> queue, Function<T, Future<?>> work, AtomicInteger running,
      Promise<Void> done) {
    T item;
    synchronized (queue) {
      item = queue.poll();
    }
    if (item == null) {
      if (running.decrementAndGet() == 0) {
        done.tryComplete();
      }
      return;
    }
    Future<?> f;
    try {
      f = work.apply(item);
    } catch (RuntimeException e) {
      f = Future.failedFuture(e);
    }
    f.onComplete(r -> next(queue, work, running, done));
  }
}
