package org.otplatform.common.events;

import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.UUID;

/**
 * Published by the GSS on {@link Topics#REGISTRY} for an admin: the LSS {@code lssId} takes no new
 * sessions ({@code drain}) — the ones it runs go on until they close — or takes them again.
 */
public record LssDrainRequested(String id, Instant time, String lssId, boolean drain) implements PlatformEvent {

  public static LssDrainRequested of(String lssId, boolean drain) {
    return new LssDrainRequested(UUID.randomUUID().toString(), Instant.now(), lssId, drain);
  }

  @Override
  public String key() {
    return lssId;
  }

  @Override
  public JsonObject fields() {
    return new JsonObject().put("lssId", lssId).put("drain", drain);
  }

  /** Decodes one; throws {@link IllegalArgumentException} when the JSON is not one. */
  public static LssDrainRequested decode(JsonObject json) {
    if (!"LssDrainRequested".equals(json.getString("type")) || json.getString("lssId") == null) {
      throw new IllegalArgumentException("not an LSS drain request: " + json.encode());
    }
    return new LssDrainRequested(json.getString("id"), Instant.parse(json.getString("time")), json.getString("lssId"),
        json.getBoolean("drain", true));
  }
}
