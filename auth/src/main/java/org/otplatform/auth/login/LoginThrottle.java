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

  /**
   * The counters one attempt runs against: from an unknown device, the username at its address
   * ({@code userKey}) and the address ({@code addressKey}); from a known device, that device alone
   * (no address key).
   */
  public record Attempt(String userKey, String addressKey) {
    public static Attempt from(String username, String address) {
      return new Attempt(LoginThrottle.userKey(username, address), LoginThrottle.addressKey(address));
    }

    public static Attempt fromDevice(String deviceId) {
      return new Attempt("device:" + deviceId, null);
    }
  }

  private static String userKey(String username, String address) {
    return "user:" + username.toLowerCase(Locale.ROOT) + "@" + address;
  }

  private static String addressKey(String address) {
    return "addr:" + address;
  }

  /**
   * Reserves this attempt before its password is checked: the attempt is counted as a failure
   * first, atomically, so that parallel attempts cannot all pass a check made before any of them
   * was counted. Empty when it may go ahead; else how long it must wait — and then its password is
   * never evaluated. The user key is reserved first; only an attempt that key lets through counts
   * against the address, so refused attempts never add to a shared address's block.
   */
  public Future<Optional<Duration>> reserve(Attempt attempt) {
    return blocked(attempt).compose(wait -> {
      if (wait.isPresent()) {
        return Future.succeededFuture(wait);
      }
      return take(attempt.userKey(), perUser).compose(userWait -> {
        if (userWait.isPresent() || attempt.addressKey() == null) {
          return Future.succeededFuture(userWait);
        }
        return take(attempt.addressKey(), perAddress).compose(addressWait -> addressWait.isEmpty()
            ? Future.succeededFuture(addressWait)
            : give(attempt.userKey()).map(addressWait)); // not tried after all: the reservation goes back
      });
    });
  }

  /** {@link #reserve(Attempt)} from an unknown device. */
  public Future<Optional<Duration>> reserve(String username, String address) {
    return reserve(Attempt.from(username, address));
  }

  /** How long this attempt must still wait because of a standing block; empty when there is none. */
  public Future<Optional<Duration>> blocked(Attempt attempt) {
    long now = clock.millis();
    io.vertx.core.json.JsonArray keys = new io.vertx.core.json.JsonArray().add(attempt.userKey());
    if (attempt.addressKey() != null) {
      keys.add(attempt.addressKey());
    }
    return mongo.findWithOptions(COLLECTION, new JsonObject().put("_id", new JsonObject().put("$in", keys)),
            new FindOptions())
        .map(docs -> docs.stream()
            .mapToLong(d -> d.getLong("blockedUntil", 0L) - now)
            .filter(ms -> ms > 0)
            .max()
            .stream()
            .mapToObj(Duration::ofMillis)
            .findFirst());
  }

  public Future<Optional<Duration>> blocked(String username, String address) {
    return blocked(Attempt.from(username, address));
  }

  /**
   * The reserved attempt failed: it is counted already; a key whose count reached its limit is
   * blocked.
   */
  public Future<Void> failed(Attempt attempt) {
    return Future.all(blockIfOver(attempt.userKey(), perUser), attempt.addressKey() == null
        ? Future.succeededFuture() : blockIfOver(attempt.addressKey(), perAddress)).mapEmpty();
  }

  public Future<Void> failed(String username, String address) {
    return failed(Attempt.from(username, address));
  }

  /**
   * The reserved attempt succeeded: the user key's counter is cleared, and the address gets its
   * reservation back (a success is no failure of the address's).
   */
  public Future<Void> succeeded(Attempt attempt) {
    return mongo.removeDocument(COLLECTION, new JsonObject().put("_id", attempt.userKey()))
        .compose(v -> attempt.addressKey() == null ? Future.succeededFuture() : give(attempt.addressKey()));
  }

  public Future<Void> succeeded(String username, String address) {
    return succeeded(Attempt.from(username, address));
  }

  /**
   * Counts one attempt on {@code key} (an expired window starts over). Empty when it may be
   * evaluated: the count is within the limit, or this is the one attempt allowed after a block
   * ended ({@code nextAllowed}); else how long it should wait — nothing is stored for it, the
   * attempt in flight decides the next block.
   */
  private Future<Optional<Duration>> take(String key, ThrottlePolicy policy) {
    long now = clock.millis();
    JsonObject id = new JsonObject().put("_id", key);
    return mongo.updateCollection(COLLECTION,
            id.copy().put("windowStart", new JsonObject().put("$lt", now - policy.window().toMillis())),
            new JsonObject().put("$set", new JsonObject().put("failures", 0).put("windowStart", now)
                .put("nextAllowed", 0)))
        .compose(v -> mongo.findOneAndUpdateWithOptions(COLLECTION, id,
            new JsonObject()
                .put("$inc", new JsonObject().put("failures", 1))
                .put("$setOnInsert", new JsonObject().put("windowStart", now)),
            new FindOptions(), new UpdateOptions().setUpsert(true).setReturningNewDocument(true)))
        .map(doc -> {
          long counted = doc == null ? 1 : doc.getLong("failures", 1L);
          long next = doc == null ? 0 : doc.getLong("nextAllowed", 0L);
          if (counted <= policy.maxFailures() || counted == next) {
            return Optional.<Duration>empty();
          }
          return Optional.of(policy.blockAfter(counted - 1));
        });
  }


  /**
   * Removes counters that no longer matter: window over and no block standing (the embedded store
   * has no TTL indexes, so without this the collection grows with every address ever seen).
   */
  public Future<Long> sweep() {
    long now = clock.millis();
    long window = Math.max(perUser.window().toMillis(), perAddress.window().toMillis());
    return mongo.removeDocuments(COLLECTION, new JsonObject()
            .put("windowStart", new JsonObject().put("$lt", now - window))
            .put("$or", new io.vertx.core.json.JsonArray()
                .add(new JsonObject().put("blockedUntil", new JsonObject().put("$exists", false)))
                .add(new JsonObject().put("blockedUntil", new JsonObject().put("$lt", now)))))
        .map(r -> r == null ? 0L : r.getRemovedCount());
  }

  /** Gives a reservation back: one attempt less on {@code key}. */
  private Future<Void> give(String key) {
    return mongo.updateCollection(COLLECTION, new JsonObject().put("_id", key).put("failures",
            new JsonObject().put("$gt", 0)), new JsonObject().put("$inc", new JsonObject().put("failures", -1)))
        .mapEmpty();
  }

  /**
   * After a failure: a key at or past its limit is blocked (never shortening a longer block), and
   * the attempt after the block may be evaluated.
   */
  private Future<Void> blockIfOver(String key, ThrottlePolicy policy) {
    JsonObject id = new JsonObject().put("_id", key);
    return mongo.findOne(COLLECTION, id, null).compose(doc -> {
      long failures = doc == null ? 0 : doc.getLong("failures", 0L);
      Duration block = policy.blockAfter(failures);
      if (block.isZero()) {
        return Future.succeededFuture();
      }
      return mongo.updateCollection(COLLECTION, id, new JsonObject()
          .put("$max", new JsonObject().put("blockedUntil", clock.millis() + block.toMillis()))
          .put("$set", new JsonObject().put("nextAllowed", failures + 1))).mapEmpty();
    });
  }
}
