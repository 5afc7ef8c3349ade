package org.otplatform.common.auth;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.otplatform.common.events.Topics;
import org.otplatform.common.events.UserRevoked;
import org.otplatform.common.kafka.BroadcastConsumer;
import org.otplatform.common.kafka.KafkaConnection;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Which users' tokens were revoked, and when: read by every service from {@link Topics#REVOCATIONS}
 * (all of it at start, then as it comes), so a disabled or deleted user's access tokens stop
 * working everywhere within the time a Kafka record takes, not at their expiry. Long-lived channels
 * (relay sockets, event streams, live tails) register a listener and close the user's channels.
 */
public final class Revocations {
  private static final Logger LOG = LoggerFactory.getLogger(Revocations.class);
  /** Revokes nothing: for verifiers that have no list (tests, the benchmark). */
  public static final Revocations NONE = new Revocations();

  /** Per user id, the latest revocation time (seconds: tokens carry {@code iat} in seconds). */
  private final Map<String, Instant> revokedAt = new ConcurrentHashMap<>();
  private final List<Consumer<String>> listeners = new CopyOnWriteArrayList<>();
  private BroadcastConsumer consumer;

  /** Whether the token of {@code p} was issued at or before its user's latest revocation. */
  public boolean revoked(Principal p) {
    Instant at = revokedAt.get(p.userId());
    return at != null && !p.issuedAt().isAfter(at);
  }

  /** Records a revocation and tells the listeners (with the user id). */
  public void revoke(String userId, Instant at) {
    Instant second = Instant.ofEpochSecond(at.getEpochSecond());
    revokedAt.merge(userId, second, (a, b) -> a.isAfter(b) ? a : b);
    listeners.forEach(l -> l.accept(userId));
  }

  /** {@code listener} is called with the user id of every revocation from now on. */
  public void onRevoked(Consumer<String> listener) {
    listeners.add(listener);
  }

  /** Reads the topic, from its first record, into this list. */
  public Future<Void> follow(Vertx vertx, KafkaConnection kafka, String instanceId) {
    consumer = new BroadcastConsumer(vertx, kafka, instanceId, Topics.REVOCATIONS, true, this::onRecord);
    return consumer.start();
  }

  /** Whether the topic is being read (readiness). */
  public boolean isFollowing() {
    return consumer != null && consumer.isAssigned();
  }

  private void onRecord(JsonObject json) {
    UserRevoked event = UserRevoked.from(json);
    LOG.debug("tokens of user {} revoked up to {} ({})", event.username(), event.time(), event.reason());
    revoke(event.userId(), event.time());
  }

  public Future<Void> close() {
    return consumer == null ? Future.succeededFuture() : consumer.close();
  }
}
