package org.otplatform.auth.login;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Future;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.otplatform.common.testing.MongoFixture;
/** The throttle against the Mongo wire-protocol server, with a clock the test moves. */
class LoginThrottleTest {
  private static final ThrottlePolicy PER_USER = new ThrottlePolicy(3, Duration.ofMinutes(15), Duration.ofSeconds(30),
      Duration.ofMinutes(15));
  private static final ThrottlePolicy PER_ADDRESS = new ThrottlePolicy(10, Duration.ofMinutes(15),
      Duration.ofSeconds(30), Duration.ofMinutes(15));
  private MongoFixture fixture;
  private Instant now = Instant.parse("2026-11-25T10:00:00Z");
  private LoginThrottle throttle;

  @BeforeEach
  void start() {
    fixture = new MongoFixture();
    Clock clock = new Clock() {
      @Override
      public ZoneOffset getZone() {
        return ZoneOffset.UTC;
      }

      @Override
      public Clock withZone(java.time.ZoneId zone) {
        return this;
      }

      @Override
      public Instant instant() {
        return now;
      }
    };
    throttle = new LoginThrottle(fixture.mongo, PER_USER, PER_ADDRESS, clock);
  }

  @AfterEach
  void stop() throws Exception {
    fixture.close();
  }

  private static <T> T await(Future<T> f) throws Exception {
    return MongoFixture.await(f);
  }

  @Test
  void blocksAfterTheLimitAndTheBlockEnds() throws Exception {
    for (int i = 0; i < 2; i++) {
      await(throttle.failed("carol", "10.1.1.1"));
    }
    assertTrue(await(throttle.blocked("carol", "10.1.1.1")).isEmpty(), "below the limit");
    await(throttle.failed("carol", "10.1.1.1"));
    Optional<Duration> wait = await(throttle.blocked("Carol", "10.1.1.1"));
    assertEquals(Optional.of(Duration.ofSeconds(30)), wait, "usernames are case-insensitive");
    // The same user from elsewhere is not blocked: an attacker cannot lock a real user out.
    assertTrue(await(throttle.blocked("carol", "10.2.2.2")).isEmpty());
    now = now.plusSeconds(31);
    assertTrue(await(throttle.blocked("carol", "10.1.1.1")).isEmpty(), "blocks end");
    await(throttle.failed("carol", "10.1.1.1"));
    assertEquals(Optional.of(Duration.ofSeconds(60)), await(throttle.blocked("carol", "10.1.1.1")), "doubling");
  }

  @Test
  void successClearsTheCounterAndWindowsExpire() throws Exception {
    await(throttle.failed("dave", "10.1.1.1"));
    await(throttle.failed("dave", "10.1.1.1"));
    await(throttle.succeeded("dave", "10.1.1.1"));
    await(throttle.failed("dave", "10.1.1.1"));
    await(throttle.failed("dave", "10.1.1.1"));
    assertTrue(await(throttle.blocked("dave", "10.1.1.1")).isEmpty());
    now = now.plus(Duration.ofMinutes(16));
    await(throttle.failed("dave", "10.1.1.1"));
    assertTrue(await(throttle.blocked("dave", "10.1.1.1")).isEmpty(), "a new window starts over");
  }

  @Test
  void sprayingFromOneAddressIsBlockedAndConcurrentFailuresAllCount() throws Exception {
    List<Future<Void>> failures = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      failures.add(throttle.failed("user" + i, "10.9.9.9"));
    }
    await(Future.all(failures));
    assertTrue(await(throttle.blocked("someone-new", "10.9.9.9")).isPresent());
    assertTrue(await(throttle.blocked("someone-new", "10.8.8.8")).isEmpty());
  }

  @Test
  void policyDoublesUpToTheMaximum() {
    assertEquals(Duration.ZERO, PER_USER.blockAfter(2));
    assertEquals(Duration.ofSeconds(30), PER_USER.blockAfter(3));
    assertEquals(Duration.ofSeconds(120), PER_USER.blockAfter(5));
    assertEquals(Duration.ofMinutes(15), PER_USER.blockAfter(40));
  }
}
