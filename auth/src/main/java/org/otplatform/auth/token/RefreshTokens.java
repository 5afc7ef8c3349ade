package org.otplatform.auth.token;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.mongo.FindOptions;
import io.vertx.ext.mongo.MongoClient;
import io.vertx.ext.mongo.UpdateOptions;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Refresh tokens, stored only as SHA-256 hashes, in families: a login starts one, each refresh
 * consumes its token and issues the next of the same family (rotation). A consumed token is kept,
 * marked used, until it expires: presenting it again means it was copied, so the whole family —
 * the thief's and the user's current token alike — is revoked (OAuth 2.0 Security BCP, refresh
 * token rotation with reuse detection). Expired tokens are swept, since the embedded store has no
 * TTL indexes.
 */
public final class RefreshTokens {
  private static final Logger LOG = LoggerFactory.getLogger(RefreshTokens.class);
  private static final String COLLECTION = "refresh_tokens";
  private final MongoClient mongo;
  private final Duration ttl;
  private final Clock clock;

  /** What consuming a token found. */
  public sealed interface Outcome {}

  /** A live token, now used: its user and family, which the next token continues. */
  public record Consumed(String userId, String family) implements Outcome {}

  /** A token used before: its family is revoked. */
  public record Reused(String userId, String family) implements Outcome {}

  /** Unknown, expired or revoked. */
  public record Invalid() implements Outcome {}

  public RefreshTokens(MongoClient mongo, Duration ttl, Clock clock) {
    this.mongo = mongo;
    this.ttl = ttl;
    this.clock = clock;
  }

  /** A new family's id, for a login. */
  public static String newFamily() {
    return UUID.randomUUID().toString();
  }

  public Future<Void> store(String token, String userId, String family) {
    Instant now = clock.instant();
    return mongo.insert(COLLECTION, new JsonObject()
        .put("_id", TokenIssuer.hash(token))
        .put("userId", userId)
        .put("family", family)
        .put("used", false)
        .put("created", now.toString())
        .put("expires", now.plus(ttl).toEpochMilli())).mapEmpty();
  }

  /**
   * Consumes a token atomically (only one of two concurrent uses gets it); a second use revokes
   * its family.
   */
  public Future<Outcome> consume(String token) {
    String id = TokenIssuer.hash(token);
    long now = clock.millis();
    return mongo.findOneAndUpdateWithOptions(COLLECTION,
            new JsonObject().put("_id", id).put("used", false),
            new JsonObject().put("$set", new JsonObject().put("used", true).put("usedAt", now)),
            new FindOptions(), new UpdateOptions().setReturningNewDocument(false))
        .compose(doc -> {
          if (doc != null) {
            return Future.succeededFuture(doc.getLong("expires", 0L) > now
                ? new Consumed(doc.getString("userId"), doc.getString("family", id)) : new Invalid());
          }
          return mongo.findOne(COLLECTION, new JsonObject().put("_id", id), null).compose(used -> {
            if (used == null || used.getLong("expires", 0L) <= now) {
              return Future.succeededFuture(new Invalid());
            }
            String family = used.getString("family", id);
            LOG.warn("a used refresh token of user {} was presented again: its family is revoked",
                used.getString("userId"));
            return revokeFamily(family).map(v -> new Reused(used.getString("userId"), family));
          });
        });
  }

  private Future<Void> revokeFamily(String family) {
    return mongo.removeDocuments(COLLECTION, new JsonObject().put("family", family)).mapEmpty();
  }

  /** Revokes every refresh token of a user (logout everywhere, password change, disable). */
  public Future<Void> revokeAll(String userId) {
    return mongo.removeDocuments(COLLECTION, new JsonObject().put("userId", userId)).mapEmpty();
  }

  /** Removes expired tokens, used or not; how many. */
  public Future<Long> sweep() {
    return mongo.removeDocuments(COLLECTION, new JsonObject().put("expires", new JsonObject().put("$lte",
        clock.millis()))).map(r -> r == null ? 0L : r.getRemovedCount());
  }
}
