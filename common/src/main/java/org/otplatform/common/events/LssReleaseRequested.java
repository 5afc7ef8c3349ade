package org.otplatform.common.events;

import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.UUID;

/**
 * Published by the GSS on {@link Topics#REGISTRY} when the LSS {@code lssId} reports running a
 * session that another LSS ({@code heldBy}) now runs — it was handed over while {@code lssId} was
 * silent (stalled, cut off) and still alive. The LSS lets go of its copy without closing the
 * session: local processes stop, pods are only no longer followed (the other LSS adopted them).
 */
public record LssReleaseRequested(String id, Instant time, String lssId, String sessionId, String heldBy)
    implements PlatformEvent {

  public static LssReleaseRequested of(String lssId, String sessionId, String heldBy) {
    return new LssReleaseRequested(UUID.randomUUID().toString(), Instant.now(), lssId, sessionId, heldBy);
  }

  @Override
  public String key() {
    return lssId;
  }

  @Override
  public JsonObject fields() {
    return new JsonObject().put("lssId", lssId).put("sessionId", sessionId).put("heldBy", heldBy);
  }

  /** Decodes one; throws {@link IllegalArgumentException} when the JSON is not one. */
  public static LssReleaseRequested decode(JsonObject json) {
    if (!"LssReleaseRequested".equals(json.getString("type")) || json.getString("lssId") == null
        || json.getString("sessionId") == null) {
      throw new IllegalArgumentException("not an LSS release request: " + json.encode());
    }
    return new LssReleaseRequested(json.getString("id"), Instant.parse(json.getString("time")),
        json.getString("lssId"), json.getString("sessionId"), json.getString("heldBy"));
  }
}
