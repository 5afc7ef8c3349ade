package org.otplatform.common.events;

import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.UUID;

/**
 * A security-relevant action on {@link Topics#AUDIT}: {@code action} such as {@code LoginSucceeded},
 * {@code LoginFailed}, {@code ProjectCreated}; never a password or token. {@code address} is where
 * the request came from (the client's, through trusted proxies; null when not known) — not the
 * envelope's {@code source}, which names the AUTH instance that published it.
 */
public record AuditEvent(String id, Instant time, String action, String actor, String subject, String address,
    JsonObject details) implements PlatformEvent {

  public static AuditEvent of(String action, String actor, String subject, String address, JsonObject details) {
    return new AuditEvent(UUID.randomUUID().toString(), Instant.now(), action, actor, subject, address, details);
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
    return new JsonObject().put("actor", actor).put("subject", subject).put("address", address)
        .put("details", details == null ? new JsonObject() : details);
  }
}
