package org.otplatform.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.ext.mongo.MongoClient;
import java.time.Duration;
import java.util.Base64;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.otplatform.auth.password.PasswordHasher;
import org.otplatform.auth.token.SigningKeys;
import org.otplatform.auth.token.TokenIssuer;
import org.otplatform.common.auth.InvalidTokenException;
import org.otplatform.common.auth.Principal;
import org.otplatform.common.auth.TokenVerifier;
import org.otplatform.common.testing.MongoFixture;

/** Signing and verifying tokens against keys kept in the Mongo wire-protocol server. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TokensTest {
  private MongoFixture fixture;
  private Vertx vertx;
  private MongoClient mongo;

  @BeforeAll
  void start() {
    fixture = new MongoFixture();
    vertx = fixture.vertx;
    mongo = fixture.mongo;
  }

  @AfterAll
  void stop() throws Exception {
    fixture.close();
  }

  private static <T> T await(Future<T> f) throws Exception {
    return MongoFixture.await(f);
  }

  @Test
  void issuedTokensVerifyAndTamperedOnesDoNot() throws Exception {
    SigningKeys keys = new SigningKeys(mongo);
    await(keys.load());
    TokenIssuer issuer = new TokenIssuer(vertx, keys, Duration.ofMinutes(5));
    TokenVerifier verifier = new TokenVerifier(vertx, () -> Future.succeededFuture(keys.jwks()));
    String token = issuer.accessToken("u-1", "alice", Set.of("user"));

    java.time.Instant before = java.time.Instant.now().minusSeconds(2);
    Principal p = await(verifier.verify(token));
    assertEquals("u-1", p.userId());
    assertEquals("alice", p.username());
    assertFalse(p.isAdmin());
    // When it was issued and when it ends: what revocations and long-lived channels go by.
    assertTrue(p.issuedAt().isAfter(before) && !p.issuedAt().isAfter(java.time.Instant.now()), p.issuedAt().toString());
    assertEquals(Duration.ofMinutes(5), Duration.between(p.issuedAt(), p.expiresAt()));
    String header = new String(Base64.getUrlDecoder().decode(token.split("\\.")[0]));
    assertTrue(header.contains(keys.current().kid()), "kid in header: " + header);

    String[] parts = token.split("\\.");
    String forged = new String(Base64.getUrlDecoder().decode(parts[1])).replace("\"user\"", "\"admin\"");
    String tampered = parts[0] + "." + Base64.getUrlEncoder().withoutPadding().encodeToString(forged.getBytes())
        + "." + parts[2];
    Throwable e = verifier.verify(tampered).toCompletionStage().toCompletableFuture().handle((r, t) -> t).get();
    assertTrue(e instanceof InvalidTokenException, String.valueOf(e));
  }

  @Test
  void aTokenFromAnotherKeyIsRejectedAndRotationLogsNobodyOut() throws Exception {
    SigningKeys ours = new SigningKeys(mongo);
    await(ours.load());
    // No refetch rate limit here: the rotated key must be fetched right after the stranger's miss.
    TokenVerifier verifier = new TokenVerifier(vertx, () -> Future.succeededFuture(ours.jwks()), 0, 30);
    TokenIssuer issuer = new TokenIssuer(vertx, ours, Duration.ofMinutes(5));
    String before = issuer.accessToken("u-2", "bob", Set.of("user"));

    MongoClient otherDb = fixture.client("other");
    SigningKeys foreign = new SigningKeys(otherDb);
    await(foreign.load());
    String stranger = new TokenIssuer(vertx, foreign, Duration.ofMinutes(5)).accessToken("u-3", "eve", Set.of());
    Throwable e = verifier.verify(stranger).toCompletionStage().toCompletableFuture().handle((r, t) -> t).get();
    assertTrue(e instanceof InvalidTokenException, String.valueOf(e));

    String oldKid = ours.current().kid();
    await(ours.rotate());
    assertNotEquals(oldKid, ours.current().kid());
    assertEquals("bob", await(verifier.verify(before)).username(), "tokens of the previous key still verify");
    String after = issuer.accessToken("u-2", "bob", Set.of("user"));
    assertEquals("bob", await(verifier.verify(after)).username());
    otherDb.close();
  }

  @Test
  void tokensIssuedUpToARevocationAreRefusedLaterOnesNot() throws Exception {
    SigningKeys keys = new SigningKeys(mongo);
    await(keys.load());
    TokenIssuer issuer = new TokenIssuer(vertx, keys, Duration.ofMinutes(5));
    org.otplatform.common.auth.Revocations revocations = new org.otplatform.common.auth.Revocations();
    TokenVerifier verifier = new TokenVerifier(vertx, () -> Future.succeededFuture(keys.jwks()))
        .withRevocations(revocations);
    String old = issuer.accessToken("u-7", "gail", Set.of("user"));
    String other = issuer.accessToken("u-8", "hugo", Set.of("user"));
    java.util.List<String> told = new java.util.ArrayList<>();
    revocations.onRevoked(told::add);
    revocations.revoke("u-7", java.time.Instant.now());
    assertEquals(java.util.List.of("u-7"), told);
    Throwable e = verifier.verify(old).toCompletionStage().toCompletableFuture().handle((r, t) -> t).get();
    assertTrue(e instanceof InvalidTokenException && e.getMessage().contains("revoked"), String.valueOf(e));
    assertEquals("hugo", await(verifier.verify(other)).username(), "another user's token is untouched");
    Principal later = new Principal("u-7", "gail", Set.of("user"), "t", java.time.Instant.now().plusSeconds(1),
        java.time.Instant.now().plusSeconds(300));
    assertFalse(revocations.revoked(later), "a token issued after the revocation second works");
  }

  @Test
  void verifiedTokensAreKeptYetStillRefusedOnceRevokedAndForgetOnNewKeys() throws Exception {
    SigningKeys keys = new SigningKeys(mongo);
    await(keys.load());
    TokenIssuer issuer = new TokenIssuer(vertx, keys, Duration.ofMinutes(5));
    org.otplatform.common.auth.Revocations revocations = new org.otplatform.common.auth.Revocations();
    TokenVerifier verifier = new TokenVerifier(vertx, () -> Future.succeededFuture(keys.jwks()), 0, 30)
        .withRevocations(revocations);
    String token = issuer.accessToken("u-9", "ida", Set.of("user"));
    assertEquals("ida", await(verifier.verify(token)).username());
    assertEquals("ida", await(verifier.verify(token)).username());
    assertEquals(1, verifier.cachedTokens(), "a verified token is kept");

    String[] parts = token.split("\\.");
    String tampered = parts[0] + "." + parts[1] + "." + parts[2].substring(0, parts[2].length() - 4) + "AAAA";
    assertTrue(verifier.verify(tampered).toCompletionStage().toCompletableFuture().handle((r, t) -> t).get()
        instanceof InvalidTokenException);
    assertEquals(1, verifier.cachedTokens(), "a token that did not verify is not kept");

    revocations.revoke("u-9", java.time.Instant.now());
    Throwable e = verifier.verify(token).toCompletionStage().toCompletableFuture().handle((r, t) -> t).get();
    assertTrue(e instanceof InvalidTokenException && e.getMessage().contains("revoked"), String.valueOf(e));

    // A token naming a key not loaded yet reloads the keys: what the old ones verified is checked anew.
    await(keys.rotate());
    String fresh = issuer.accessToken("u-10", "jon", Set.of("user"));
    assertEquals("jon", await(verifier.verify(fresh)).username());
    assertEquals(1, verifier.cachedTokens(), "only the token verified with the new keys is kept");

    TokenVerifier uncached = new TokenVerifier(vertx, () -> Future.succeededFuture(keys.jwks()), 0, 30, 0);
    assertEquals("jon", await(uncached.verify(fresh)).username());
    assertEquals(0, uncached.cachedTokens());
  }

  @Test
  void expiredTokensAreRejected() throws Exception {
    SigningKeys keys = new SigningKeys(mongo);
    await(keys.load());
    TokenVerifier strict = new TokenVerifier(vertx, () -> Future.succeededFuture(keys.jwks()), 5_000, 0);
    // Times in a token are whole seconds: a 1 s token issued late in a second may have expired
    // before it is first checked. 3 s leaves at least 2.
    String token = new TokenIssuer(vertx, keys, Duration.ofSeconds(3)).accessToken("u-4", "dora", Set.of());
    assertEquals("dora", await(strict.verify(token)).username());
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
    Throwable failure = null;
    while (failure == null && System.nanoTime() < deadline) {
      failure = strict.verify(token).toCompletionStage().toCompletableFuture().handle((r, t) -> t).get();
      if (failure == null) {
        Thread.sleep(100);
      }
    }
    assertTrue(failure instanceof InvalidTokenException, String.valueOf(failure));
    assertEquals("token expired", failure.getMessage());
  }

  @Test
  void readinessLoadsTheKeysOnceAuthIsUp() throws Exception {
    SigningKeys keys = new SigningKeys(mongo);
    await(keys.load());
    java.util.concurrent.atomic.AtomicBoolean authUp = new java.util.concurrent.atomic.AtomicBoolean();
    TokenVerifier verifier = new TokenVerifier(vertx, () -> authUp.get() ? Future.succeededFuture(keys.jwks())
        : Future.failedFuture("connection refused"), 0, 30);
    io.vertx.core.Promise<io.vertx.ext.healthchecks.Status> down = io.vertx.core.Promise.promise();
    verifier.readiness(down);
    assertFalse(await(down.future()).isOk(), "not ready while AUTH is down");
    authUp.set(true);
    io.vertx.core.Promise<io.vertx.ext.healthchecks.Status> up = io.vertx.core.Promise.promise();
    verifier.readiness(up);
    assertTrue(await(up.future()).isOk(), "ready without any token having been verified");
  }

  @Test
  void passwordsAreSaltedAndChecked() {
    PasswordHasher hasher = new PasswordHasher(10_000);
    String a = hasher.hash("a long enough password");
    String b = hasher.hash("a long enough password");
    assertNotEquals(a, b, "salted");
    assertTrue(a.startsWith("pbkdf2-sha256$10000$"));
    assertTrue(hasher.verify("a long enough password", a));
    assertFalse(hasher.verify("a long enough passworD", a));
    assertFalse(hasher.verify("x", "garbage"));
  }

  @Test
  void passwordPolicyExplainsItself() {
    assertTrue(PasswordPolicy.problem("short").orElseThrow().contains("12"));
    assertTrue(PasswordPolicy.problem("aaaaaaaaaaaaaaaa").orElseThrow().contains("different"));
    assertTrue(PasswordPolicy.problem("correct horse battery").isEmpty());
  }
}
