package org.otplatform.auth.token;

import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.mongo.FindOptions;
import io.vertx.ext.mongo.MongoClient;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * AUTH's signing keys, kept in MongoDB so they survive restarts and are shared by replicas. The
 * newest key signs; all stored keys verify, so a rotation logs nobody out.
 */
public final class SigningKeys {
  private static final Logger LOG = LoggerFactory.getLogger(SigningKeys.class);
  private static final String COLLECTION = "signing_keys";
  private final MongoClient mongo;
  private volatile List<SigningKey> keys = List.of();

  public SigningKeys(MongoClient mongo) {
    this.mongo = mongo;
  }

  /** Loads the keys, creating the first one when there is none. */
  public Future<Void> load() {
    return reload().compose(list -> {
      if (!list.isEmpty()) {
        return Future.succeededFuture();
      }
      return rotate().mapEmpty();
    });
  }

  /** Adds a new signing key; earlier keys keep verifying. */
  public Future<SigningKey> rotate() {
    SigningKey key = SigningKey.generate();
    return mongo.insert(COLLECTION, key.toDocument())
        .compose(id -> reload())
        .map(list -> {
          LOG.info("new token signing key {}", key.kid());
          return key;
        });
  }

  private Future<List<SigningKey>> reload() {
    return mongo.findWithOptions(COLLECTION, new JsonObject(),
            new FindOptions().setSort(new JsonObject().put("created", -1)))
        .map(docs -> {
          keys = docs.stream().map(SigningKey::fromDocument).toList();
          return keys;
        });
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
