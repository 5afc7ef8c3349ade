package org.otplatform.lss.k8s;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.util.ArrayDeque;
import java.util.Deque;

/**
 * Client-side limits towards the Kubernetes API: at most {@code maxConcurrentStarts} pods being
 * started at once (the rest wait their turn, in order), and a token bucket of {@code qps} writes per
 * second with bursts of {@code burst}, so a burst of session opens cannot overload the API server.
 */
final class ApiLimiter {
  private final Vertx vertx;
  private final int maxConcurrentStarts;
  private final double qps;
  private final int burst;
  private final Deque<Promise<Void>> waitingStarts = new ArrayDeque<>();
  private final Deque<Promise<Void>> waitingTokens = new ArrayDeque<>();
  private int starting;
  private double tokens;
  private long refilledAt = System.nanoTime();
  private boolean timerSet;

  ApiLimiter(Vertx vertx, ApiLimits limits) {
    this.vertx = vertx;
    this.maxConcurrentStarts = limits.maxConcurrentStarts();
    this.qps = limits.apiQps();
    this.burst = limits.apiBurst();
    this.tokens = burst;
  }

  /** Completes when a start slot is free; pair with {@link #startDone()}. */
  synchronized Future<Void> startSlot() {
    if (starting < maxConcurrentStarts) {
      starting++;
      return Future.succeededFuture();
    }
    Promise<Void> p = Promise.promise();
    waitingStarts.add(p);
    return p.future();
  }

  void startDone() {
    Promise<Void> next;
    synchronized (this) {
      next = waitingStarts.poll();
      if (next == null) {
        starting--;
      }
    }
    if (next != null) {
      next.complete();
    }
  }

  /** Completes when the bucket allows one more API write. */
  synchronized Future<Void> token() {
    refill();
    if (tokens >= 1 && waitingTokens.isEmpty()) {
      tokens -= 1;
      return Future.succeededFuture();
    }
    Promise<Void> p = Promise.promise();
    waitingTokens.add(p);
    scheduleRefill();
    return p.future();
  }

  private void refill() {
    long now = System.nanoTime();
    tokens = Math.min(burst, tokens + (now - refilledAt) / 1e9 * qps);
    refilledAt = now;
  }

  private void scheduleRefill() {
    if (timerSet) {
      return;
    }
    timerSet = true;
    long delayMs = Math.max(1, (long) Math.ceil(1000 / qps));
    vertx.setTimer(delayMs, t -> {
      java.util.List<Promise<Void>> ready = new java.util.ArrayList<>();
      synchronized (this) {
        timerSet = false;
        refill();
        while (tokens >= 1 && !waitingTokens.isEmpty()) {
          tokens -= 1;
          ready.add(waitingTokens.poll());
        }
        if (!waitingTokens.isEmpty()) {
          scheduleRefill();
        }
      }
      ready.forEach(Promise::complete);
    });
  }

  /** Fails every waiter (the spawner is closing). */
  void failAll(Throwable cause) {
    java.util.List<Promise<Void>> all = new java.util.ArrayList<>();
    synchronized (this) {
      all.addAll(waitingStarts);
      all.addAll(waitingTokens);
      waitingStarts.clear();
      waitingTokens.clear();
    }
    all.forEach(p -> p.tryFail(cause));
  }
}
