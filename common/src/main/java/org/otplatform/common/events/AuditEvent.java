package org.otplatform.common.events;

import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.UUID;

/**
 * A security-relevant action on {@link Topics#AUDIT}: {@code action} such as {@code LoginSucceeded},
 * {@code LoginFailed}, {@code ProjectCreated}; never a password or token.
 */
public record AuditEvent(String id, Instant time, String action, String actor, String subject, String source,
    JsonObject details) implements PlatformEvent {

  public static AuditEvent of(String action, String actor, String subject, String source, JsonObject details) {
    return new AuditEvent(UUID.randomUUID().toString(), Instant.now(), action, actor, subject, source, details);
  }

  @Override
  public String type() {
    return action;
  }

  @Override
  public String key() {
    return subject == null ? actor : subject;
  }

  @Override
  public JsonObject fields() {
    return new JsonObject().put("actor", actor).put("subject", subject).put("source", source)
        .put("details", details == null ? new JsonObject() : details);
  }
}
