package org.otplatform.auth.http;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.json.JsonObject;
import java.util.Map;
import org.otplatform.common.auth.Principal;
import org.otplatform.common.events.AuditEvent;
import org.otplatform.common.events.Topics;
import org.otplatform.common.kafka.EventPublisher;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Publishes audit events; a failed publish is logged, never fails the request it records. */
public final class Audit {
  private static final Logger LOG = LoggerFactory.getLogger(Audit.class);
  /** The audited actions that are login outcomes, and the {@code outcome} label each counts under. */
  private static final Map<String, String> LOGINS = Map.of("LoginSucceeded", "succeeded",
      "LoginFailed", "failed", "LoginThrottled", "throttled");
  private final EventPublisher publisher;
  private final MeterRegistry meters;

  /** @param meters where {@code ot_auth_logins_total{outcome}} is counted */
  public Audit(EventPublisher publisher, MeterRegistry meters) {
    this.publisher = publisher;
    this.meters = meters;
    // Each outcome from 0, so a rate over it is defined before the first such login.
    LOGINS.values().forEach(this::logins);
  }

  private Counter logins(String outcome) {
    return Counter.builder("ot_auth_logins").description("Login attempts, by outcome")
        .tag("outcome", outcome).register(meters);
  }

  /**
   * Revokes every access token the user holds, on every service ({@link Topics#REVOCATIONS}). Unlike
   * an audit record this must arrive: the caller makes the change only after it was published.
   */
  public io.vertx.core.Future<Void> revokeTokens(String userId, String username, String reason) {
    return publisher.publish(Topics.REVOCATIONS, org.otplatform.common.events.UserRevoked.of(userId, username, reason))
        .recover(e -> {
          LOG.warn("revocation of {}'s tokens not published ({}): the change is not made", username, e.getMessage());
          return io.vertx.core.Future.failedFuture(org.otplatform.common.http.ApiException.unavailable(
              "cannot revoke the user's tokens now (Kafka unreachable); nothing was changed"));
        });
  }

  /** {@code action} by {@code actor} on {@code subject}; details never hold passwords or tokens. */
  public void record(String action, String actor, String subject, String source, JsonObject details) {
    String outcome = LOGINS.get(action);
    if (outcome != null) {
      logins(outcome).increment();
    }
    AuditEvent event = AuditEvent.of(action, actor, subject, source, details);
    publisher.publish(Topics.AUDIT, event).onFailure(e ->
        LOG.warn("audit event {} on {} not published: {}", action, subject, e.getMessage()));
  }

  public void record(String action, Principal actor, String subject, JsonObject details) {
    record(action, actor.username(), subject, null, details);
  }
}
