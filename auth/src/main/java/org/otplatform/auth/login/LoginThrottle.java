package org.otplatform.auth.login;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.mongo.FindOptions;
import io.vertx.ext.mongo.MongoClient;
import io.vertx.ext.mongo.UpdateOptions;
import java.time.Clock;
import java.time.Duration;
import java.util.Locale;
import java.util.Optional;

/**
 * Throttles failed logins, with state in MongoDB so every AUTH replica sees it. Two counters per
 * attempt: the username at this address (a real user elsewhere is never blocked by an attacker's
 * failures), and the address alone (password spraying across many usernames).
 */
public final class LoginThrottle {
  private static final String COLLECTION = "login_failures";
  private final MongoClient mongo;
  private final ThrottlePolicy perUser;
  private final ThrottlePolicy perAddress;
  private final Clock clock;

  public LoginThrottle(MongoClient mongo, ThrottlePolicy perUser, ThrottlePolicy perAddress, Clock clock) {
    this.mongo = mongo;
    this.perUser = perUser;
    this.perAddress = perAddress;
    this.clock = clock;
  }

  private static String userKey(String username, String address) {
    return "user:" + username.toLowerCase(Locale.ROOT) + "@" + address;
  }

  private static String addressKey(String address) {
    return "addr:" + address;
  }

  /** How long this attempt must still wait; empty when it may go ahead. */
  public Future<Optional<Duration>> blocked(String username, String address) {
    long now = clock.millis();
    return mongo.findWithOptions(COLLECTION, new JsonObject().put("_id", new JsonObject().put("$in",
            new io.vertx.core.json.JsonArray().add(userKey(username, address)).add(addressKey(address)))),
            new FindOptions())
        .map(docs -> docs.stream()
            .mapToLong(d -> d.getLong("blockedUntil", 0L) - now)
            .filter(ms -> ms > 0)
            .max()
            .stream()
            .mapToObj(Duration::ofMillis)
            .findFirst());
  }

  /** Counts a failure against both keys, blocking those past their limit. */
  public Future<Void> failed(String username, String address) {
    return Future.all(count(userKey(username, address), perUser), count(addressKey(address), perAddress))
        .mapEmpty();
  }

  /** A success clears the username-at-address counter (not the address's). */
  public Future<Void> succeeded(String username, String address) {
    return mongo.removeDocument(COLLECTION, new JsonObject().put("_id", userKey(username, address))).mapEmpty();
  }

  private Future<Void> count(String key, ThrottlePolicy policy) {
    long now = clock.millis();
    JsonObject id = new JsonObject().put("_id", key);
    // An expired window starts over; then the increment is atomic, so concurrent failures all count.
    return mongo.updateCollection(COLLECTION,
            id.copy().put("windowStart", new JsonObject().put("$lt", now - policy.window().toMillis())),
            new JsonObject().put("$set", new JsonObject().put("failures", 0).put("windowStart", now)))
        .compose(v -> mongo.findOneAndUpdateWithOptions(COLLECTION, id,
            new JsonObject()
                .put("$inc", new JsonObject().put("failures", 1))
                .put("$setOnInsert", new JsonObject().put("windowStart", now)),
            new FindOptions(), new UpdateOptions().setUpsert(true).setReturningNewDocument(true)))
        .compose(doc -> {
          Duration block = policy.blockAfter(doc == null ? 1 : doc.getLong("failures", 1L));
          if (block.isZero()) {
            return Future.succeededFuture();
          }
          return mongo.updateCollection(COLLECTION, id,
              new JsonObject().put("$set", new JsonObject().put("blockedUntil", now + block.toMillis()))).mapEmpty();
        });
  }
}
