package org.otplatform.common.events;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.otplatform.common.catalog.Pools;

/**
 * Published by every LSS on {@link Topics#REGISTRY} at a fixed interval: who it is, what it can
 * take, and its inventory, against which the GSS reconciles.
 *
 * @param sessions the sessions this LSS runs (it supervises their services)
 * @param untracked sessions of which this LSS sees compute pods that no session of its own holds
 *     (left by a crashed or removed LSS); the GSS closes those that are over and hands over those
 *     that are not
 * @param draining whether it takes no new sessions (an admin drained it)
 * @param pool the pool it serves ({@code OT_LSS_POOL}; {@code default} when an older LSS names none)
 */
public record LssHeartbeat(String id, Instant time, String lssId, String mode, int capacity, int load,
    List<String> sessions, List<String> untracked, boolean draining, String pool) implements PlatformEvent {

  public LssHeartbeat {
    pool = Pools.orDefault(pool);
  }

  public static LssHeartbeat of(String lssId, String mode, int capacity, List<String> sessions,
      List<String> untracked, boolean draining) {
    return of(lssId, Pools.DEFAULT, mode, capacity, sessions, untracked, draining);
  }

  public static LssHeartbeat of(String lssId, String pool, String mode, int capacity, List<String> sessions,
      List<String> untracked, boolean draining) {
    return new LssHeartbeat(UUID.randomUUID().toString(), Instant.now(), lssId, mode, capacity, sessions.size(),
        List.copyOf(sessions), List.copyOf(untracked), draining, pool);
  }

  @Override
  public String key() {
    return lssId;
  }

  @Override
  public JsonObject fields() {
    return new JsonObject().put("lssId", lssId).put("mode", mode).put("capacity", capacity).put("load", load)
        .put("sessions", new JsonArray(sessions)).put("untracked", new JsonArray(untracked)).put("draining", draining)
        .put("pool", pool);
  }

  /** Decodes a heartbeat; throws {@link IllegalArgumentException} when it is not one. */
  public static LssHeartbeat decode(JsonObject json) {
    if (!"LssHeartbeat".equals(json.getString("type")) || json.getString("lssId") == null) {
      throw new IllegalArgumentException("not an LSS heartbeat: " + json.encode());
    }
    return new LssHeartbeat(json.getString("id"), Instant.parse(json.getString("time")), json.getString("lssId"),
        json.getString("mode"), json.getInteger("capacity", 0), json.getInteger("load", 0),
        strings(json.getJsonArray("sessions")), strings(json.getJsonArray("untracked")),
        json.getBoolean("draining", false), json.getString("pool"));
  }

  private static List<String> strings(JsonArray array) {
    return array == null ? List.of() : array.stream().map(String::valueOf).toList();
  }
}
