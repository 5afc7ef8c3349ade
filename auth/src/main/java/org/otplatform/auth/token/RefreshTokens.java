package org.otplatform.auth.token;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.mongo.MongoClient;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * Refresh tokens, stored only as SHA-256 hashes. Using one deletes it (rotation): a stolen token
 * that was already used is worthless, and a second use of the same token fails.
 */
public final class RefreshTokens {
  private static final String COLLECTION = "refresh_tokens";
  private final MongoClient mongo;
  private final Duration ttl;

  public RefreshTokens(MongoClient mongo, Duration ttl) {
    this.mongo = mongo;
    this.ttl = ttl;
  }

  public Future<Void> store(String token, String userId) {
    Instant now = Instant.now();
    return mongo.insert(COLLECTION, new JsonObject()
        .put("_id", TokenIssuer.hash(token))
        .put("userId", userId)
        .put("created", now.toString())
        .put("expires", now.plus(ttl).toEpochMilli())).mapEmpty();
  }

  /** Consumes a refresh token: yields its user when it existed and had not expired. */
  public Future<Optional<String>> consume(String token) {
    return mongo.findOneAndDelete(COLLECTION, new JsonObject().put("_id", TokenIssuer.hash(token)))
        .map(doc -> Optional.ofNullable(doc)
            .filter(d -> d.getLong("expires", 0L) > System.currentTimeMillis())
            .map(d -> d.getString("userId")));
  }

  /** Revokes every refresh token of a user (logout everywhere, password change, disable). */
  public Future<Void> revokeAll(String userId) {
    return mongo.removeDocuments(COLLECTION, new JsonObject().put("userId", userId)).mapEmpty();
  }
}
