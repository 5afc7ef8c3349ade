package org.otplatform.auth.password;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.otplatform.auth.password.HashingPool.Use;
import org.otplatform.common.http.ApiException;

/** The hashing pool: a bound on threads, on what waits, and sign-ins' share of it. */
class HashingPoolTest {
  private final Vertx vertx = Vertx.vertx();
  private final CountDownLatch release = new CountDownLatch(1);
  private final AtomicInteger running = new AtomicInteger();
  private final AtomicInteger mostAtOnce = new AtomicInteger();

  @AfterEach
  void close() {
    release.countDown();
    vertx.close().toCompletionStage().toCompletableFuture().join();
  }

  /** Work that holds its thread until the test lets it go. */
  private Boolean held() throws InterruptedException {
    mostAtOnce.accumulateAndGet(running.incrementAndGet(), Math::max);
    try {
      return release.await(20, TimeUnit.SECONDS);
    } finally {
      running.decrementAndGet();
    }
  }

  private static <T> T await(Future<T> f) throws Exception {
    return f.toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
  }

  private void awaitRunning(int n) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (running.get() < n && System.nanoTime() < deadline) {
      Thread.sleep(10);
    }
    assertEquals(n, running.get());
  }

  @Test
  void accountWorkTakesHalfTheThreadsAndSignInsKeepTheRest() throws Exception {
    HashingPool pool = new HashingPool(vertx, 4, 100);
    List<Future<Boolean>> accounts = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      accounts.add(pool.run(Use.ACCOUNT, this::held));
    }
    awaitRunning(2);
    Future<Boolean> login1 = pool.run(Use.LOGIN, this::held);
    Future<Boolean> login2 = pool.run(Use.LOGIN, this::held);
    awaitRunning(4);
    release.countDown();
    assertTrue(await(login1) && await(login2));
    for (Future<Boolean> f : accounts) {
      assertTrue(await(f));
    }
    assertEquals(4, mostAtOnce.get(), "never more than the pool's threads");
  }

  @Test
  void workPastTheQueueIsRefusedWith503() throws Exception {
    HashingPool pool = new HashingPool(vertx, 2, 3);
    List<Future<Boolean>> accepted = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      accepted.add(pool.run(Use.LOGIN, this::held)); // 2 running, 3 waiting
    }
    awaitRunning(2);
    Future<Boolean> refused = pool.run(Use.LOGIN, this::held);
    assertTrue(refused.failed());
    ApiException e = (ApiException) refused.cause();
    assertEquals(503, e.status());
    assertTrue(e.retryAfterSeconds() >= 1);
    release.countDown();
    for (Future<Boolean> f : accepted) {
      assertTrue(await(f));
    }
    assertFalse(mostAtOnce.get() > 2);
  }
}
