package org.otplatform.common.events;

import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.UUID;

/**
 * On {@link Topics#REVOCATIONS}, keyed by user id: every access token of the user issued at or
 * before {@code time} stops working everywhere — the user was disabled, deleted, or their password
 * reset by an admin. Tokens issued later (after a re-enable) are not affected.
 *
 * @param reason {@code disabled}, {@code deleted} or {@code password-reset}
 */
public record UserRevoked(String id, Instant time, String userId, String username, String reason)
    implements PlatformEvent {

  public static UserRevoked of(String userId, String username, String reason) {
    return new UserRevoked(UUID.randomUUID().toString(), Instant.now(), userId, username, reason);
  }

  /** Reads one from its JSON form. */
  public static UserRevoked from(JsonObject json) {
    return new UserRevoked(json.getString("id"), Instant.parse(json.getString("time")), json.getString("userId"),
        json.getString("username"), json.getString("reason"));
  }

  @Override
  public String key() {
    return userId;
  }

  @Override
  public JsonObject fields() {
    return new JsonObject().put("userId", userId).put("username", username).put("reason", reason);
  }
}
