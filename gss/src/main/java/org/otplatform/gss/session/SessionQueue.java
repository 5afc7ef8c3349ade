package org.otplatform.gss.session;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.otplatform.common.events.SessionCommand.SessionOpenRequested;
import org.otplatform.common.events.Topics;
import org.otplatform.common.kafka.EventPublisher;
import org.otplatform.gss.registry.LssRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The new-session queue (as in Selenium Grid): when the LSS instances that are up have no free
 * slot — their capacities added up, against the sessions OPENING, READY or CLOSING — a new
 * session is stored OPENING but {@code queued}, holding its project lock, with its place and the
 * reason shown to the client, instead of being published. Every sweep dispatches queued sessions
 * oldest first while slots are free, and fails those that waited longer than the queue timeout,
 * with the reason. Safe on several replicas: taking a session off the queue is an optimistic update
 * only one wins.
 */
public final class SessionQueue {
  private static final Logger LOG = LoggerFactory.getLogger(SessionQueue.class);

  private final SessionStore store;
  private final EventPublisher publisher;
  private final Progress progress;
  private final LssRegistry registry;
  private final Duration timeout;

  public SessionQueue(SessionStore store, EventPublisher publisher, Progress progress, LssRegistry registry,
      Duration timeout) {
    this.store = store;
    this.publisher = publisher;
    this.progress = progress;
    this.registry = registry;
    this.timeout = timeout;
  }

  /** Free session slots on the LSS instances that are up, or why there is none. */
  private record Room(int free, String reason) {}

  private Future<Room> room(Instant now) {
    if (registry.warmingUp(now)) {
      // Right after this replica started it has not heard every LSS yet: do not queue on ignorance.
      return Future.succeededFuture(new Room(Integer.MAX_VALUE, null));
    }
    List<LssRegistry.Entry> up = registry.up(now);
    List<LssRegistry.Entry> taking = up.stream().filter(e -> !e.draining()).toList();
    if (taking.isEmpty()) {
      return Future.succeededFuture(new Room(0, up.isEmpty() ? "no LSS is running"
          : "every LSS is draining (takes no new sessions)"));
    }
    int capacity = taking.stream().mapToInt(LssRegistry.Entry::capacity).sum();
    // Sessions on draining instances do not take slots of the others.
    int onDraining = up.stream().filter(LssRegistry.Entry::draining).mapToInt(LssRegistry.Entry::load).sum();
    return store.countHoldingSlots().map(all -> all - onDraining).map(used -> used >= capacity
        ? new Room(0, "all " + capacity + " session slots of " + taking.size() + " LSS instance(s) are in use")
        : new Room((int) (capacity - used), null));
  }

  /** Why a new session must wait now, or empty when it may go ahead. */
  public Future<Optional<String>> mustWait(Instant now) {
    return room(now).compose(room -> store.countQueued().map(queued -> {
      if (room.free() <= 0) {
        return Optional.of(room.reason());
      }
      // Free slots go to those already waiting first.
      return room.free() <= queued ? Optional.of(queued + " session(s) waiting before it") : Optional.<String>empty();
    }));
  }

  /** Marks a new session document as waiting, with its reason and a progress entry. */
  public static void enqueue(JsonObject doc, String reason, Instant now) {
    doc.put("queued", true).put("queuedAt", now.toString()).put("queuedAtMillis", now.toEpochMilli())
        .put("queueReason", reason);
    SessionFold.record(doc, new JsonObject().put("type", "SessionQueued").put("sessionId", doc.getString("_id"))
        .put("time", now.toString()).put("reason", reason));
  }

  /** The client's view of a waiting session: its place (1 = next) and why it waits. */
  public Future<JsonObject> place(JsonObject doc) {
    return store.countQueuedBefore(doc.getLong("queuedAtMillis")).map(before -> new JsonObject()
        .put("position", before + 1).put("reason", doc.getString("queueReason"))
        .put("since", doc.getString("queuedAt")).put("deadline", Instant.parse(doc.getString("queuedAt"))
            .plus(timeout).toString()));
  }

  /** Fails sessions that waited too long, then dispatches the oldest while slots are free. */
  public Future<Void> dispatch(Instant now) {
    return store.queued().compose(waiting -> {
      List<JsonObject> alive = new ArrayList<>();
      List<Future<Void>> expired = new ArrayList<>();
      for (JsonObject doc : waiting) {
        if (Instant.parse(doc.getString("queuedAt")).plus(timeout).isBefore(now)) {
          expired.add(expire(doc));
        } else {
          alive.add(doc);
        }
      }
      if (alive.isEmpty()) {
        return Future.join(expired).mapEmpty();
      }
      return room(now).compose(room -> {
        List<Future<Void>> dispatched = new ArrayList<>(expired);
        alive.stream().limit(Math.max(room.free(), 0)).forEach(doc -> dispatched.add(dispatchOne(doc, now)));
        return Future.join(dispatched).mapEmpty();
      });
    });
  }

  private Future<Void> dispatchOne(JsonObject queued, Instant now) {
    String id = queued.getString("_id");
    int[] before = {0};
    boolean[] taken = {false};
    return store.update(id, d -> {
      taken[0] = d.getBoolean("queued", false) && SessionState.OPENING.name().equals(d.getString("state"));
      if (!taken[0]) {
        return false;
      }
      before[0] = d.getInteger("seq", 0);
      d.remove("queued");
      d.put("openingAt", now.toString());
      SessionFold.record(d, new JsonObject().put("type", "SessionDispatched").put("sessionId", id)
          .put("time", now.toString()));
      return true;
    }).compose(found -> {
      if (!taken[0] || found.isEmpty()) {
        return Future.succeededFuture();
      }
      JsonObject doc = found.get();
      progress.announce(doc, before[0]);
      LOG.atInfo().addKeyValue("session", id).log("session leaves the queue after waiting since {}",
          doc.getString("queuedAt"));
      return publisher.publish(Topics.SESSION_COMMANDS, SessionOpenRequested.of(id, doc.getString("project"),
          doc.getString("type"), doc.getString("owner"))).mapEmpty();
    });
  }

  private Future<Void> expire(JsonObject queued) {
    String id = queued.getString("_id");
    int[] before = {0};
    String[] reason = {null};
    return store.update(id, d -> {
      reason[0] = null;
      if (!d.getBoolean("queued", false) || !SessionState.OPENING.name().equals(d.getString("state"))) {
        return false;
      }
      before[0] = d.getInteger("seq", 0);
      reason[0] = "waited " + timeout.toSeconds() + " s in the queue: " + d.getString("queueReason");
      Instant now = Instant.now();
      d.remove("queued");
      SessionFold.transition(d, SessionState.FAILED, now, reason[0]);
      SessionFold.record(d, new JsonObject().put("type", "SessionFailed").put("sessionId", id)
          .put("time", now.toString()).put("reason", reason[0]));
      return true;
    }).compose(found -> {
      if (reason[0] == null || found.isEmpty()) {
        return Future.succeededFuture();
      }
      progress.announce(found.get(), before[0]);
      LOG.atWarn().addKeyValue("session", id).log("session failed: {}", reason[0]);
      return store.releaseProject(id);
    });
  }
}
