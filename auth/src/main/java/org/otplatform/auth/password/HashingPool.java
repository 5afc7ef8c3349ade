package org.otplatform.auth.password;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Iterator;
import java.util.concurrent.Callable;
import org.otplatform.common.http.ApiException;

/**
 * Where password hashing runs. PBKDF2 is slow on purpose, so it gets a worker pool of its own
 * (hashing never holds the threads the rest of AUTH's blocking work needs), runs at most
 * {@code threads} at once, refuses work past {@code maxWaiting} queued (503 with Retry-After)
 * instead of queueing without bound, and lets account work — a password change, a reset, a new
 * user — take at most half the threads, so sign-ins keep a share however much of the other is
 * asked for.
 */
public final class HashingPool {
  /** What the hashing is for. */
  public enum Use { LOGIN, ACCOUNT }

  private record Job(Use use, Callable<?> work, Promise<Object> result) {}

  private final WorkerExecutor executor;
  private final int threads;
  private final int accountThreads;
  private final int maxWaiting;
  private final Deque<Job> waiting = new ArrayDeque<>();
  private int running;
  private int runningForAccounts;

  public HashingPool(Vertx vertx, int threads, int maxWaiting) {
    if (threads < 1 || maxWaiting < 0) {
      throw new IllegalArgumentException("threads must be at least 1 and maxWaiting 0 or more");
    }
    this.executor = vertx.createSharedWorkerExecutor("ot-password-hashing", threads);
    this.threads = threads;
    this.accountThreads = Math.max(1, threads / 2);
    this.maxWaiting = maxWaiting;
  }

  /** Runs {@code work} (a hash or a verification) when a thread for {@code use} is free. */
  @SuppressWarnings("unchecked")
  public <T> Future<T> run(Use use, Callable<T> work) {
    Promise<Object> result = Promise.promise();
    synchronized (this) {
      if (waiting.size() >= maxWaiting && !canStart(use)) {
        return Future.failedFuture(ApiException.unavailable(
            "too many password checks at once; try again in a few seconds", 2));
      }
      waiting.add(new Job(use, work, result));
    }
    drain();
    return (Future<T>) result.future();
  }

  private boolean canStart(Use use) {
    return running < threads && (use == Use.LOGIN || runningForAccounts < accountThreads);
  }

  /** Starts every waiting job that may start now, oldest first. */
  private void drain() {
    while (true) {
      Job next = null;
      synchronized (this) {
        for (Iterator<Job> it = waiting.iterator(); it.hasNext(); ) {
          Job job = it.next();
          if (canStart(job.use())) {
            it.remove();
            running++;
            if (job.use() == Use.ACCOUNT) {
              runningForAccounts++;
            }
            next = job;
            break;
          }
        }
      }
      if (next == null) {
        return;
      }
      Job job = next;
      executor.executeBlocking(job.work(), false).onComplete(r -> {
        synchronized (this) {
          running--;
          if (job.use() == Use.ACCOUNT) {
            runningForAccounts--;
          }
        }
        job.result().handle(r.map(v -> (Object) v));
        drain();
      });
    }
  }

  public Future<Void> close() {
    return executor.close();
  }
}
