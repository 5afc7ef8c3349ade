package org.otplatform.common.events;

import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.UUID;

/** Published by every LSS on {@link Topics#REGISTRY} at a fixed interval. */
public record LssHeartbeat(String id, Instant time, String lssId, String mode, int capacity, int load)
    implements PlatformEvent {

  public static LssHeartbeat of(String lssId, String mode, int capacity, int load) {
    return new LssHeartbeat(UUID.randomUUID().toString(), Instant.now(), lssId, mode, capacity, load);
  }

  @Override
  public String key() {
    return lssId;
  }

  @Override
  public JsonObject fields() {
    return new JsonObject().put("lssId", lssId).put("mode", mode).put("capacity", capacity).put("load", load);
  }
}
