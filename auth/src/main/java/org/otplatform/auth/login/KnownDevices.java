package org.otplatform.auth.login;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.mongo.MongoClient;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.Locale;
import java.util.Optional;
import org.otplatform.auth.token.TokenIssuer;

/**
 * Devices a user has signed in from (OWASP's "device cookies"): after a successful login the
 * browser or CLI gets a random cookie, stored here only as its SHA-256, for 90 days. A later
 * attempt that presents it for the same user is counted against that device alone, not against its
 * address — so failures sprayed from an address many users share (behind one NAT or ingress) cannot
 * lock out users who have signed in from there before, while a stolen cookie still buys an attacker
 * no more tries than the per-user limit.
 */
public final class KnownDevices {
  /** The cookie's name. */
  public static final String COOKIE = "ot_device";
  /** How long a device stays known after its last sign-in. */
  public static final Duration TTL = Duration.ofDays(90);
  private static final String COLLECTION = "devices";
  private final MongoClient mongo;
  private final Clock clock;
  private final SecureRandom random = new SecureRandom();

  public KnownDevices(MongoClient mongo, Clock clock) {
    this.mongo = mongo;
    this.clock = clock;
  }

  /** The device's id when {@code cookie} is a live device cookie of {@code username}, else empty. */
  public Future<Optional<String>> device(String cookie, String username) {
    if (cookie == null || cookie.isBlank() || cookie.length() > 100) {
      return Future.succeededFuture(Optional.empty());
    }
    String id = TokenIssuer.hash(cookie);
    return mongo.findOne(COLLECTION, new JsonObject().put("_id", id), null).map(doc -> Optional.ofNullable(doc)
        .filter(d -> d.getLong("expires", 0L) > clock.millis())
        .filter(d -> username.toLowerCase(Locale.ROOT).equals(d.getString("username")))
        .map(d -> id));
  }

  /** Remembers a new device of the user; the cookie value to hand out. */
  public Future<String> remember(String userId, String username) {
    byte[] bytes = new byte[32];
    random.nextBytes(bytes);
    String cookie = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    return mongo.insert(COLLECTION, new JsonObject()
            .put("_id", TokenIssuer.hash(cookie))
            .put("userId", userId)
            .put("username", username.toLowerCase(Locale.ROOT))
            .put("expires", clock.millis() + TTL.toMillis()))
        .map(cookie);
  }

  /** Forgets every device of a user (deleted, disabled, password reset). */
  public Future<Void> forget(String userId) {
    return mongo.removeDocuments(COLLECTION, new JsonObject().put("userId", userId)).mapEmpty();
  }

  /** Removes expired devices; how many. */
  public Future<Long> sweep() {
    return mongo.removeDocuments(COLLECTION, new JsonObject().put("expires", new JsonObject().put("$lte",
        clock.millis()))).map(r -> r == null ? 0L : r.getRemovedCount());
  }
}
