package org.otplatform.common.auth;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import org.otplatform.common.events.Topics;
import org.otplatform.common.kafka.BroadcastConsumer;
import org.otplatform.common.kafka.KafkaConnection;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * AUTH's audit events that can take access to sessions away — a grant revoked or changed, a
 * member removed from a group, a group or a project deleted — read by every replica of the
 * services holding long-lived channels (relay sockets, event streams, live tails), which then
 * check each channel's access again and close those it no longer has. A burst of events (a group
 * deleted with its grants) makes one re-check, {@link #SETTLE_MS} after the first of them.
 */
public final class AccessChanges {
  private static final Logger LOG = LoggerFactory.getLogger(AccessChanges.class);
  /** The audit events after which a channel's access may be gone. */
  public static final Set<String> TYPES = Set.of("ProjectRevoked", "ProjectGranted", "GroupMemberRemoved",
      "GroupDeleted", "ProjectDeleted");
  static final long SETTLE_MS = 250;

  private final List<Runnable> listeners = new CopyOnWriteArrayList<>();
  private Vertx vertx;
  private BroadcastConsumer consumer;
  private boolean pending;

  /** {@code recheck} runs (on the follower's context) after every settled burst of access changes. */
  public void onChange(Runnable recheck) {
    listeners.add(recheck);
  }

  /** Reads the audit topic from now on (what happened before a channel opened was checked at its opening). */
  public Future<Void> follow(Vertx vertx, KafkaConnection kafka, String instanceId) {
    this.vertx = vertx;
    consumer = new BroadcastConsumer(vertx, kafka, instanceId, Topics.AUDIT, this::onRecord);
    return consumer.start();
  }

  /** Whether the topic is being read (readiness). */
  public boolean isFollowing() {
    return consumer != null && consumer.isAssigned();
  }

  private void onRecord(JsonObject event) {
    if (!TYPES.contains(event.getString("type"))) {
      return;
    }
    LOG.debug("{} on {}: checking open channels again", event.getString("type"), event.getString("subject"));
    if (!pending) {
      pending = true;
      vertx.setTimer(SETTLE_MS, t -> {
        pending = false;
        listeners.forEach(Runnable::run);
      });
    }
  }

  public Future<Void> close() {
    return consumer == null ? Future.succeededFuture() : consumer.close();
  }
}
