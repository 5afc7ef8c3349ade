package org.otplatform.auth.token;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import io.vertx.core.Future;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.otplatform.common.testing.MongoFixture;
import org.otplatform.common.testing.TestClock;

/** Refresh-token rotation, reuse detection and the sweep, against the Mongo wire-protocol server. */
class RefreshTokensTest {
  private MongoFixture fixture;
  private final TestClock clock = new TestClock(Instant.parse("2026-12-01T10:00:00Z"));
  private RefreshTokens tokens;

  @BeforeEach
  void start() {
    fixture = new MongoFixture();
    tokens = new RefreshTokens(fixture.mongo, Duration.ofDays(1), clock);
  }

  @AfterEach
  void stop() throws Exception {
    fixture.close();
  }

  private static <T> T await(Future<T> f) throws Exception {
    return MongoFixture.await(f);
  }

  @Test
  void aTokenWorksOnceAndItsReuseRevokesTheFamily() throws Exception {
    await(tokens.store("t1", "u1", "family-a"));
    await(tokens.store("other", "u1", "family-b"));
    assertEquals(new RefreshTokens.Consumed("u1", "family-a"), await(tokens.consume("t1")));
    await(tokens.store("t2", "u1", "family-a"));
    assertEquals(new RefreshTokens.Reused("u1", "family-a"), await(tokens.consume("t1")));
    assertInstanceOf(RefreshTokens.Invalid.class, await(tokens.consume("t2")), "the family is revoked");
    assertEquals(new RefreshTokens.Consumed("u1", "family-b"), await(tokens.consume("other")));
    assertInstanceOf(RefreshTokens.Invalid.class, await(tokens.consume("never-issued")));
  }

  @Test
  void concurrentUsesOfOneTokenHaveOneWinner() throws Exception {
    await(tokens.store("t", "u1", "f"));
    List<Future<RefreshTokens.Outcome>> uses = new ArrayList<>();
    for (int i = 0; i < 8; i++) {
      uses.add(tokens.consume("t"));
    }
    await(Future.join(uses).otherwiseEmpty());
    assertEquals(1, uses.stream().filter(f -> f.succeeded() && f.result() instanceof RefreshTokens.Consumed).count());
  }

  @Test
  void expiredTokensAreInvalidAndSwept() throws Exception {
    await(tokens.store("old", "u1", "f"));
    clock.advance(Duration.ofHours(12));
    await(tokens.store("young", "u1", "g"));
    clock.advance(Duration.ofHours(13));
    assertInstanceOf(RefreshTokens.Invalid.class, await(tokens.consume("old")));
    assertEquals(1L, await(tokens.sweep()));
    assertEquals(new RefreshTokens.Consumed("u1", "g"), await(tokens.consume("young")));
  }
}
