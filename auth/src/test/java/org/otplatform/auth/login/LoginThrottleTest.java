package org.otplatform.auth.login;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Future;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.otplatform.common.testing.MongoFixture;
import org.otplatform.common.testing.TestClock;
/** The throttle against the Mongo wire-protocol server, with a clock the test moves. */
class LoginThrottleTest {
  private static final ThrottlePolicy PER_USER = new ThrottlePolicy(3, Duration.ofMinutes(15), Duration.ofSeconds(30),
      Duration.ofMinutes(15));
  private static final ThrottlePolicy PER_ADDRESS = new ThrottlePolicy(10, Duration.ofMinutes(15),
      Duration.ofSeconds(30), Duration.ofMinutes(15));
  private MongoFixture fixture;
  private final TestClock clock = new TestClock(Instant.parse("2026-11-25T10:00:00Z"));
  private LoginThrottle throttle;

  @BeforeEach
  void start() {
    fixture = new MongoFixture();
    throttle = new LoginThrottle(fixture.mongo, PER_USER, PER_ADDRESS, clock);
  }

  @AfterEach
  void stop() throws Exception {
    fixture.close();
  }

  private static <T> T await(Future<T> f) throws Exception {
    return MongoFixture.await(f);
  }

  /** One login attempt as AUTH makes it: reserved, then failed or succeeded; what the reservation said. */
  private Optional<Duration> attempt(String user, String address, boolean succeeds) throws Exception {
    Optional<Duration> wait = await(throttle.reserve(user, address));
    if (wait.isEmpty()) {
      await(succeeds ? throttle.succeeded(user, address) : throttle.failed(user, address));
    }
    return wait;
  }

  @Test
  void blocksAfterTheLimitAndTheBlockEnds() throws Exception {
    for (int i = 0; i < 2; i++) {
      assertTrue(attempt("carol", "10.1.1.1", false).isEmpty());
    }
    assertTrue(await(throttle.blocked("carol", "10.1.1.1")).isEmpty(), "below the limit");
    assertTrue(attempt("carol", "10.1.1.1", false).isEmpty());
    assertEquals(Optional.of(Duration.ofSeconds(30)), await(throttle.blocked("Carol", "10.1.1.1")),
        "usernames are case-insensitive");
    assertEquals(Optional.of(Duration.ofSeconds(30)), attempt("carol", "10.1.1.1", true), "refused, not evaluated");
    // The same user from elsewhere is not blocked: an attacker cannot lock a real user out.
    assertTrue(await(throttle.blocked("carol", "10.2.2.2")).isEmpty());
    clock.advance(Duration.ofSeconds(31));
    assertTrue(await(throttle.blocked("carol", "10.1.1.1")).isEmpty(), "blocks end");
    assertTrue(attempt("carol", "10.1.1.1", false).isEmpty(), "one attempt after the block is evaluated");
    assertEquals(Optional.of(Duration.ofSeconds(60)), await(throttle.blocked("carol", "10.1.1.1")), "doubling");
    clock.advance(Duration.ofSeconds(61));
    assertTrue(attempt("carol", "10.1.1.1", true).isEmpty(), "the right password after the block");
    assertTrue(attempt("carol", "10.1.1.1", false).isEmpty(), "a success starts the user's count over");
  }

  @Test
  void successClearsTheCounterAndWindowsExpire() throws Exception {
    attempt("dave", "10.1.1.1", false);
    attempt("dave", "10.1.1.1", false);
    attempt("dave", "10.1.1.1", true);
    attempt("dave", "10.1.1.1", false);
    attempt("dave", "10.1.1.1", false);
    assertTrue(await(throttle.blocked("dave", "10.1.1.1")).isEmpty());
    clock.advance(Duration.ofMinutes(16));
    attempt("dave", "10.1.1.1", false);
    assertTrue(await(throttle.blocked("dave", "10.1.1.1")).isEmpty(), "a new window starts over");
  }

  @Test
  void parallelAttemptsPastTheLimitAreRefusedBeforeEvaluation() throws Exception {
    List<Future<Optional<Duration>>> attempts = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      attempts.add(throttle.reserve("erin", "10.3.3.3"));
    }
    await(Future.all(attempts));
    long admitted = attempts.stream().filter(f -> f.result().isEmpty()).count();
    assertEquals(PER_USER.maxFailures(), admitted, "only the limit's worth are evaluated");
    // Refused attempts never counted against the address: another user there is not blocked.
    for (int i = 0; i < admitted; i++) {
      await(throttle.failed("erin", "10.3.3.3"));
    }
    assertTrue(await(throttle.blocked("erin", "10.3.3.3")).isPresent());
    assertTrue(attempt("frank", "10.3.3.3", true).isEmpty());
  }

  @Test
  void sprayingFromOneAddressIsBlockedAndConcurrentFailuresAllCount() throws Exception {
    List<Future<Optional<Duration>>> reserved = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      reserved.add(throttle.reserve("user" + i, "10.9.9.9"));
    }
    await(Future.all(reserved));
    List<Future<Void>> failures = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      failures.add(throttle.failed("user" + i, "10.9.9.9"));
    }
    await(Future.all(failures));
    assertTrue(await(throttle.blocked("someone-new", "10.9.9.9")).isPresent());
    assertTrue(await(throttle.reserve("someone-new", "10.9.9.9")).isPresent());
    assertTrue(await(throttle.blocked("someone-new", "10.8.8.8")).isEmpty());
  }

  @Test
  void countersWhoseWindowIsOverAreSweptFreshOnesKept() throws Exception {
    attempt("gina", "10.4.4.4", false);
    clock.advance(Duration.ofMinutes(16));
    attempt("hank", "10.5.5.5", false);
    attempt("hank", "10.5.5.5", false);
    assertEquals(2L, await(throttle.sweep()), "gina's counters (user and address), window over");
    attempt("hank", "10.5.5.5", false);
    assertTrue(await(throttle.blocked("hank", "10.5.5.5")).isPresent(), "hank's count survived the sweep");
  }

  @Test
  void policyDoublesUpToTheMaximum() {
    assertEquals(Duration.ZERO, PER_USER.blockAfter(2));
    assertEquals(Duration.ofSeconds(30), PER_USER.blockAfter(3));
    assertEquals(Duration.ofSeconds(120), PER_USER.blockAfter(5));
    assertEquals(Duration.ofMinutes(15), PER_USER.blockAfter(40));
  }
}
