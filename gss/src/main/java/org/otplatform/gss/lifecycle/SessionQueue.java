package org.otplatform.gss.lifecycle;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import org.otplatform.common.catalog.Pools;
import org.otplatform.gss.registry.LssRegistry;
import org.otplatform.gss.session.Session;
import org.otplatform.gss.session.SessionState;
import org.otplatform.gss.store.SessionStore;

/**
 * The new-session queue (as in Selenium Grid), one per LSS pool: when the LSS instances of a
 * session's pool that are up have no free slot — their capacities added up, against the pool's
 * sessions OPENING, READY or CLOSING — a new session is stored OPENING but queued, holding its
 * project slot, with its place and the reason shown to the client, instead of being published.
 * Every sweep fails those that waited longer than the queue timeout, with the reason, then
 * dispatches each pool's oldest while its slots are free. Safe on several replicas: taking a
 * session off the queue is an update only one wins.
 */
public final class SessionQueue {
  private final SessionStore store;
  private final Lifecycle lifecycle;
  private final LssRegistry registry;
  private final Duration timeout;

  public SessionQueue(SessionStore store, Lifecycle lifecycle, LssRegistry registry, Duration timeout) {
    this.store = store;
    this.lifecycle = lifecycle;
    this.registry = registry;
    this.timeout = timeout;
  }

  /** Free session slots on the LSS instances that are up, or why there is none. */
  private record Room(int free, String reason) {}

  private Future<Room> room(String pool, Instant now) {
    if (registry.warmingUp(now)) {
      // Right after this replica started it has not heard every LSS yet: do not queue on ignorance.
      return Future.succeededFuture(new Room(Integer.MAX_VALUE, null));
    }
    List<LssRegistry.Entry> up = registry.up(pool, now);
    List<LssRegistry.Entry> taking = up.stream().filter(e -> !e.draining()).toList();
    // The default pool is the only one of most platforms: its reasons name no pool.
    String of = Pools.DEFAULT.equals(pool) ? "" : " of pool '" + pool + "'";
    if (taking.isEmpty()) {
      return Future.succeededFuture(new Room(0, up.isEmpty() ? "no LSS" + of + " is running"
          : "every LSS" + of + " is draining (takes no new sessions)"));
    }
    int capacity = taking.stream().mapToInt(LssRegistry.Entry::capacity).sum();
    // Sessions on draining instances do not take slots of the others.
    int onDraining = up.stream().filter(LssRegistry.Entry::draining).mapToInt(LssRegistry.Entry::load).sum();
    return store.countHoldingSlots(pool).map(all -> all - onDraining).map(used -> used >= capacity
        ? new Room(0, "all " + capacity + " session slots of " + taking.size() + " LSS instance(s)" + of
            + " are in use")
        : new Room((int) (capacity - used), null));
  }

  /** Why a new session of {@code pool} must wait now, or empty when it may go ahead. */
  public Future<Optional<String>> mustWait(String pool) {
    return room(pool, lifecycle.clock().instant()).compose(room -> store.countQueued(pool).map(queued -> {
      if (room.free() <= 0) {
        return Optional.of(room.reason());
      }
      // Free slots go to those already waiting first.
      return room.free() <= queued ? Optional.of(queued + " session(s) waiting before it") : Optional.<String>empty();
    }));
  }

  /** The client's view of a waiting session: its place (1 = next), why it waits, since when and until when. */
  public Future<JsonObject> place(Session session) {
    Session.Queued queued = session.queued();
    return store.countQueuedBefore(session.origin().pool(), queued.since()).map(before -> new JsonObject()
        .put("position", before + 1).put("reason", queued.reason())
        .put("since", queued.since().toString()).put("deadline", queued.since().plus(timeout).toString()));
  }

  /** Fails sessions that waited too long, then dispatches the oldest while slots are free. */
  public Future<Void> dispatch() {
    Instant now = lifecycle.clock().instant();
    return store.queued().compose(waiting -> {
      List<Session> alive = new ArrayList<>();
      List<Future<?>> expired = new ArrayList<>();
      for (Session s : waiting) {
        if (s.queued().since().plus(timeout).isBefore(now)) {
          expired.add(lifecycle.fail(s.id(), q -> q.isQueued() && q.state() == SessionState.OPENING,
              q -> "waited " + timeout.toSeconds() + " s in the queue: " + q.queued().reason(), null));
        } else {
          alive.add(s);
        }
      }
      if (alive.isEmpty()) {
        return Future.join(expired).mapEmpty();
      }
      // Oldest first within each pool: a full pool holds back none of the others.
      Map<String, List<Session>> byPool = alive.stream().collect(Collectors.groupingBy(s -> s.origin().pool(),
          LinkedHashMap::new, Collectors.toList()));
      List<Future<?>> dispatched = new ArrayList<>(expired);
      byPool.forEach((pool, sessions) -> dispatched.add(room(pool, now).compose(room -> {
        List<Future<?>> out = new ArrayList<>();
        sessions.stream().limit(Math.max(room.free(), 0)).forEach(s -> out.add(lifecycle.dispatch(s.id())));
        return Future.join(out);
      })));
      return Future.join(dispatched).mapEmpty();
    });
  }
}
