package org.otplatform.auth.token;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.mongo.MongoClient;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.otplatform.common.auth.TokenVerifier;
import org.otplatform.common.config.ConfigException;
import org.otplatform.common.testing.MongoFixture;
import org.otplatform.common.testing.TestClock;

/** Signing keys sealed at rest with the key-encryption key, and retired once their tokens expired. */
class SigningKeysAtRestTest {
  private final MongoFixture fixture = new MongoFixture();
  private final MongoClient mongo = fixture.mongo;
  private final TestClock clock = new TestClock(Instant.parse("2030-01-01T00:00:00Z"));
  private final KeyEncryption kek = KeyEncryption.fromBase64(KeyEncryption.generate());

  @AfterEach
  void close() throws Exception {
    fixture.close();
  }

  private static <T> T await(Future<T> f) throws Exception {
    return MongoFixture.await(f);
  }

  private List<JsonObject> stored() throws Exception {
    return await(mongo.find("signing_keys", new JsonObject()));
  }

  private static Throwable failure(Future<?> f) {
    ExecutionException e = assertThrows(ExecutionException.class, () -> MongoFixture.await(f));
    return e.getCause();
  }

  @Test
  void theDatabaseHoldsNoPrivateKeyInTheClear() throws Exception {
    SigningKeys keys = new SigningKeys(mongo, kek, clock);
    await(keys.load());
    JsonObject doc = stored().get(0);
    assertFalse(doc.containsKey("privatePem"));
    assertFalse(doc.encode().contains("PRIVATE KEY"), doc.encode());
    assertTrue(doc.getString("privateKeySealed").startsWith("v1:"));

    // Another replica with the same key-encryption key signs tokens the first one's key set verifies.
    SigningKeys replica = new SigningKeys(mongo, kek, clock);
    await(replica.load());
    String token = new TokenIssuer(fixture.vertx, replica, Duration.ofMinutes(5)).accessToken("u", "ann", Set.of());
    TokenVerifier verifier = new TokenVerifier(fixture.vertx, () -> Future.succeededFuture(keys.jwks()));
    assertEquals("ann", await(verifier.verify(token)).username());
  }

  @Test
  void withoutTheRightKeyEncryptionKeyAuthDoesNotStart() throws Exception {
    await(new SigningKeys(mongo, kek, clock).load());
    Throwable none = failure(new SigningKeys(mongo, KeyEncryption.NONE, clock).load());
    assertTrue(none instanceof ConfigException && none.getMessage().contains("OT_AUTH_KEY_ENCRYPTION_KEY"),
        String.valueOf(none));
    Throwable wrong = failure(new SigningKeys(mongo, KeyEncryption.fromBase64(KeyEncryption.generate()), clock)
        .load());
    assertTrue(wrong instanceof ConfigException && wrong.getMessage().contains("not the key it was sealed with"),
        String.valueOf(wrong));
  }

  @Test
  void keysStoredInTheClearAreSealedAtLoad() throws Exception {
    SigningKeys before = new SigningKeys(mongo, KeyEncryption.NONE, clock);
    await(before.load());
    String kid = before.current().kid();
    assertTrue(stored().get(0).containsKey("privatePem"));
    SigningKeys after = new SigningKeys(mongo, kek, clock);
    await(after.load());
    assertEquals(kid, after.current().kid(), "the same key, now sealed");
    assertFalse(stored().get(0).containsKey("privatePem"));
    assertEquals(before.current().privatePem(), new SigningKeys(mongo, kek, clock).load()
        .map(v -> after.current().privatePem()).toCompletionStage().toCompletableFuture().get());
  }

  @Test
  void aRotatedKeyIsRetiredOnceEveryTokenItSignedHasExpired() throws Exception {
    SigningKeys keys = new SigningKeys(mongo, kek, clock);
    await(keys.load());
    String old = keys.current().kid();
    clock.advance(Duration.ofHours(1));
    await(keys.rotate());
    Duration tokenLife = Duration.ofMinutes(17);
    clock.advance(Duration.ofMinutes(16));
    assertEquals(0, await(keys.retire(tokenLife)), "its last tokens may still be presented");
    assertEquals(2, keys.jwks().size());
    clock.advance(Duration.ofMinutes(2));
    assertEquals(1, await(keys.retire(tokenLife)));
    assertEquals(1, keys.jwks().size());
    assertFalse(keys.jwks().encode().contains(old));
    assertEquals(1, stored().size());
    assertFalse(keys.current().toString().contains("PRIVATE"), "a key's toString never shows the private half");
  }
}
