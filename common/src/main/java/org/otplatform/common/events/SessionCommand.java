package org.otplatform.common.events;

import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.UUID;

/** Commands on {@link Topics#SESSION_COMMANDS}, consumed by the LSS consumer group. */
public sealed interface SessionCommand extends PlatformEvent {

  /** The session the command is about; also the Kafka key. */
  String sessionId();

  @Override
  default String key() {
    return sessionId();
  }

  /**
   * A front end asked to open a session; an LSS starts its compute services, as {@code profile}
   * has them (null: the type's default profile, or none). {@code projectId} is the project's id at
   * AUTH, which keys its storage (null from a GSS that did not know it: the type's storage is then
   * refused). Only LSS instances of {@code pool} act on it (null: the default pool).
   */
  record SessionOpenRequested(String id, Instant time, String sessionId, String project, String projectId,
      String sessionType, String owner, String profile, String pool) implements SessionCommand {
    public static SessionOpenRequested of(String sessionId, String project, String type, String owner) {
      return of(sessionId, project, null, type, owner, null, null);
    }

    public static SessionOpenRequested of(String sessionId, String project, String projectId, String type,
        String owner, String profile, String pool) {
      return new SessionOpenRequested(UUID.randomUUID().toString(), Instant.now(), sessionId, project, projectId,
          type, owner, profile, pool);
    }

    @Override
    public JsonObject fields() {
      JsonObject fields = new JsonObject().put("project", project).put("sessionType", sessionType).put("owner", owner);
      if (projectId != null) {
        fields.put("projectId", projectId);
      }
      if (pool != null) {
        fields.put("pool", pool);
      }
      return profile == null ? fields : fields.put("profile", profile);
    }
  }

  /** The session is to be closed (user request, idle timeout, logout); the LSS removes its services. */
  record SessionCloseRequested(String id, Instant time, String sessionId, String reason)
      implements SessionCommand {
    public static SessionCloseRequested of(String sessionId, String reason) {
      return new SessionCloseRequested(UUID.randomUUID().toString(), Instant.now(), sessionId, reason);
    }

    @Override
    public JsonObject fields() {
      return new JsonObject().put("reason", reason);
    }
  }
}
