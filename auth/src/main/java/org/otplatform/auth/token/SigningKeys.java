package org.otplatform.auth.token;

import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.mongo.FindOptions;
import io.vertx.ext.mongo.MongoClient;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.otplatform.common.config.ConfigException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * AUTH's signing keys, kept in MongoDB so they survive restarts and are shared by replicas. The
 * newest key signs; the others verify until every token they signed has expired, then they are
 * retired ({@link #retire}), so a rotation logs nobody out and a leaked old key stops mattering.
 * With a {@link KeyEncryption} the private halves are stored sealed ({@code privateKeySealed}),
 * and keys found in the clear are sealed at load.
 */
public final class SigningKeys {
  private static final Logger LOG = LoggerFactory.getLogger(SigningKeys.class);
  private static final String COLLECTION = "signing_keys";
  private final MongoClient mongo;
  private final KeyEncryption encryption;
  private final Clock clock;
  private volatile List<SigningKey> keys = List.of();

  public SigningKeys(MongoClient mongo) {
    this(mongo, KeyEncryption.NONE, Clock.systemUTC());
  }

  public SigningKeys(MongoClient mongo, KeyEncryption encryption, Clock clock) {
    this.mongo = mongo;
    this.encryption = encryption;
    this.clock = clock;
  }

  /** Loads the keys (sealing any found in the clear), creating the first one when there is none. */
  public Future<Void> load() {
    if (!encryption.enabled()) {
      LOG.warn("token signing keys are stored unencrypted: set OT_AUTH_KEY_ENCRYPTION_KEY");
    }
    return reload().compose(list -> list.isEmpty() ? rotate().mapEmpty() : Future.succeededFuture());
  }

  /** Adds a new signing key; earlier keys keep verifying. */
  public Future<SigningKey> rotate() {
    SigningKey key = SigningKey.generate(clock.instant());
    return mongo.insert(COLLECTION, toDocument(key))
        .compose(id -> reload())
        .map(list -> {
          LOG.info("new token signing key {}", key.kid());
          return key;
        });
  }

  /**
   * Removes the keys that no token still valid can have been signed with: a key stopped signing
   * when the next one was made, and its tokens live at most {@code tokenLife} after that.
   */
  public Future<Integer> retire(Duration tokenLife) {
    Instant now = clock.instant();
    List<SigningKey> sorted = keys;
    List<String> retired = new ArrayList<>();
    for (int i = 1; i < sorted.size(); i++) {
      Instant stoppedSigning = sorted.get(i - 1).created();
      if (stoppedSigning.plus(tokenLife).isBefore(now)) {
        retired.add(sorted.get(i).kid());
      }
    }
    if (retired.isEmpty()) {
      return Future.succeededFuture(0);
    }
    return mongo.removeDocuments(COLLECTION, new JsonObject().put("_id", new JsonObject().put("$in",
            new JsonArray(retired))))
        .compose(r -> reload())
        .map(list -> {
          LOG.info("retired token signing key(s) {}: every token they signed has expired", retired);
          return retired.size();
        });
  }

  private Future<List<SigningKey>> reload() {
    return mongo.findWithOptions(COLLECTION, new JsonObject(),
            new FindOptions().setSort(new JsonObject().put("created", -1)))
        .compose(docs -> {
          List<SigningKey> loaded = new ArrayList<>();
          List<Future<?>> sealing = new ArrayList<>();
          for (JsonObject doc : docs) {
            SigningKey key = fromDocument(doc);
            loaded.add(key);
            if (encryption.enabled() && doc.containsKey("privatePem")) {
              // Stored in the clear by an earlier version or without a key-encryption key: seal it now.
              sealing.add(mongo.findOneAndReplace(COLLECTION, new JsonObject().put("_id", key.kid()),
                  toDocument(key)).onSuccess(v -> LOG.info("sealed token signing key {} at rest", key.kid())));
            }
          }
          keys = List.copyOf(loaded);
          return Future.all(sealing).map(keys);
        });
  }

  private JsonObject toDocument(SigningKey key) {
    JsonObject doc = new JsonObject().put("_id", key.kid()).put("algorithm", key.algorithm())
        .put("publicJwk", key.publicJwk()).put("created", key.created().toString());
    return encryption.enabled() ? doc.put("privateKeySealed", encryption.seal(key.privatePem(), key.kid()))
        : doc.put("privatePem", key.privatePem());
  }

  private SigningKey fromDocument(JsonObject doc) {
    String kid = doc.getString("_id");
    String pem = doc.getString("privatePem");
    if (pem == null) {
      String sealed = doc.getString("privateKeySealed");
      if (!encryption.enabled()) {
        throw new ConfigException("signing key " + kid + " is stored sealed: set OT_AUTH_KEY_ENCRYPTION_KEY to the "
            + "key-encryption key it was sealed with");
      }
      try {
        pem = encryption.open(sealed, kid);
      } catch (IllegalStateException e) {
        throw new ConfigException(e.getMessage());
      }
    }
    return new SigningKey(kid, doc.getString("algorithm", SigningKey.ALGORITHM), pem, doc.getJsonObject("publicJwk"),
        Instant.parse(doc.getString("created")));
  }

  /** The key that signs new tokens (the newest). */
  public SigningKey current() {
    if (keys.isEmpty()) {
      throw new IllegalStateException("signing keys not loaded");
    }
    return keys.get(0);
  }

  /** The public keys as the {@code keys} array of a JWKS document. */
  public JsonArray jwks() {
    JsonArray array = new JsonArray();
    keys.forEach(k -> array.add(k.publicJwk().copy()));
    return array;
  }
}
