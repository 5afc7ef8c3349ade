package org.otplatform.common.events;

import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.UUID;

/**
 * Published by the GSS on {@link Topics#REGISTRY} once it has folded the LSS {@code lssId}'s
 * {@code ServiceStarting} for a session as that session's claim: the LSS runs it, and only now
 * starts its compute services. Two LSS may act on one open request (Kafka delivers at least
 * once); the GSS grants one and asks the other to let go ({@link LssReleaseRequested}) before
 * either has started anything, so a session's service never runs twice.
 */
public record LssClaimGranted(String id, Instant time, String lssId, String sessionId) implements PlatformEvent {

  public static LssClaimGranted of(String lssId, String sessionId) {
    return new LssClaimGranted(UUID.randomUUID().toString(), Instant.now(), lssId, sessionId);
  }

  @Override
  public String key() {
    return lssId;
  }

  @Override
  public JsonObject fields() {
    return new JsonObject().put("lssId", lssId).put("sessionId", sessionId);
  }

  /** Decodes one; throws {@link IllegalArgumentException} when the JSON is not one. */
  public static LssClaimGranted decode(JsonObject json) {
    if (!"LssClaimGranted".equals(json.getString("type")) || json.getString("lssId") == null
        || json.getString("sessionId") == null) {
      throw new IllegalArgumentException("not an LSS claim grant: " + json.encode());
    }
    return new LssClaimGranted(json.getString("id"), Instant.parse(json.getString("time")), json.getString("lssId"),
        json.getString("sessionId"));
  }
}
