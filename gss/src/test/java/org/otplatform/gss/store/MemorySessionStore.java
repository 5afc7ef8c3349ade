package org.otplatform.gss.store;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import java.util.function.Predicate;
import java.util.function.UnaryOperator;
import org.otplatform.gss.session.ProgressLog;
import org.otplatform.gss.session.Session;
import org.otplatform.gss.session.SessionCodec;
import org.otplatform.gss.session.SessionState;

/**
 * Sessions in memory, for unit tests of the GSS's rules: documents are kept encoded (so the codec
 * is exercised as by MongoDB), updates are optimistic as in {@link MongoSessionStore}, and the
 * contract test holds both to the same behaviour. Every future is already complete.
 */
public final class MemorySessionStore implements SessionStore {
  private final Map<String, JsonObject> sessions = new ConcurrentHashMap<>();
  private final Map<String, SlotHolderAt> slots = new ConcurrentHashMap<>();
  /** Called with the session id between an update's read and its write: a test's "other replica". */
  private volatile Consumer<String> betweenReadAndWrite = id -> {};

  private record SlotHolderAt(String key, String sessionId, String ownerName) {}

  /** Runs {@code interference} once between the next update's read and write. */
  public void interfereOnce(Consumer<String> interference) {
    betweenReadAndWrite = id -> {
      betweenReadAndWrite = x -> {};
      interference.accept(id);
    };
  }

  /** The slots held, by key. */
  public long slotsHeld(String key) {
    return slots.values().stream().filter(s -> s.key().equals(key)).count();
  }

  @Override
  public Future<Void> createIndexes() {
    return Future.succeededFuture();
  }

  @Override
  public Future<Void> insert(Session session) {
    if (sessions.putIfAbsent(session.id(), SessionCodec.toDocument(session)) != null) {
      return Future.failedFuture(new IllegalStateException("duplicate session id " + session.id()));
    }
    return Future.succeededFuture();
  }

  @Override
  public Future<Optional<Session>> get(String id) {
    return Future.succeededFuture(Optional.ofNullable(sessions.get(id)).map(JsonObject::copy)
        .map(SessionCodec::fromDocument));
  }

  private List<Session> all(Predicate<Session> which) {
    return sessions.values().stream().map(d -> SessionCodec.fromDocument(d.copy())).filter(which).toList();
  }

  @Override
  public Future<List<Session>> summaries(Set<SessionState> states) {
    return Future.succeededFuture(all(s -> states.contains(s.state())).stream()
        .map(s -> s.withLog(new ProgressLog(s.seq(), List.of(), List.of(),
            s.log().updated())))
        .toList());
  }

  @Override
  public Future<Map<String, Placement>> placements(Collection<String> ids) {
    Map<String, Placement> placements = new HashMap<>();
    all(s -> ids.contains(s.id())).forEach(s -> placements.put(s.id(), new Placement(s.state(), s.lss())));
    return Future.succeededFuture(placements);
  }

  @Override
  public Future<Long> countHoldingSlots(String pool) {
    return Future.succeededFuture((long) all(s -> pool.equals(s.origin().pool()) && ACTIVE.contains(s.state())
        && !s.isQueued()).size());
  }

  @Override
  public Future<Long> countActive() {
    return Future.succeededFuture((long) all(s -> ACTIVE.contains(s.state())).size());
  }

  @Override
  public Future<List<Session>> queued() {
    return Future.succeededFuture(all(Session::isQueued).stream()
        .sorted(Comparator.comparing(s -> s.queued().since())).toList());
  }

  @Override
  public Future<Long> countQueued(String pool) {
    return Future.succeededFuture((long) all(s -> s.isQueued() && pool.equals(s.origin().pool())).size());
  }

  @Override
  public Future<Long> countQueuedBefore(String pool, Instant since) {
    return Future.succeededFuture((long) all(s -> s.isQueued() && pool.equals(s.origin().pool())
        && s.queued().since().toEpochMilli()
        < since.toEpochMilli()).size());
  }

  @Override
  public Future<List<Session>> find(SessionFilter f, int limit) {
    Predicate<Session> match = s -> (f.states().isEmpty() || f.states().contains(s.state()))
        && matches(f.owner(), s.origin().owner()) && matches(f.ownerName(), s.origin().ownerName())
        && matches(f.project(), s.origin().project()) && matches(f.projectId(), s.origin().projectId())
        && matches(f.type(), s.origin().type()) && matches(f.lss(), s.lss())
        && (f.projectIds().isEmpty() || f.projectIds().contains(s.origin().projectId()));
    return Future.succeededFuture(all(match).stream()
        .sorted(Comparator.comparing((Session s) -> s.origin().created()).reversed()).limit(limit).toList());
  }

  private static boolean matches(String wanted, String value) {
    return wanted == null || wanted.equals(value);
  }

  @Override
  public Future<Optional<Updated>> update(String id, UnaryOperator<Session> rule) {
    for (int attempt = 0; attempt <= 10; attempt++) {
      JsonObject read = sessions.get(id);
      if (read == null) {
        return Future.succeededFuture(Optional.empty());
      }
      Session before = SessionCodec.fromDocument(read.copy());
      Session after = rule.apply(before);
      if (after == before) {
        return Future.succeededFuture(Optional.of(new Updated(before, before)));
      }
      betweenReadAndWrite.accept(id);
      Session stored = after.withVersion(before.version() + 1);
      AtomicBoolean written = new AtomicBoolean();
      sessions.computeIfPresent(id, (k, current) -> {
        written.set(Objects.equals(current.getInteger("version"), before.version()));
        return written.get() ? SessionCodec.toDocument(stored) : current;
      });
      if (written.get()) {
        return Future.succeededFuture(Optional.of(new Updated(before, stored)));
      }
    }
    return Future.failedFuture(new IllegalStateException("session " + id + " changed concurrently 10 times"));
  }

  @Override
  public Future<Boolean> claimSlot(String key, int slots, String sessionId, String ownerName) {
    for (int slot = 0; slot < slots; slot++) {
      if (this.slots.putIfAbsent(key + "#" + slot, new SlotHolderAt(key, sessionId, ownerName)) == null) {
        return Future.succeededFuture(true);
      }
    }
    return Future.succeededFuture(false);
  }

  @Override
  public Future<Optional<SlotHolder>> slotHolder(String key) {
    return Future.succeededFuture(slots.values().stream().filter(s -> s.key().equals(key)).findFirst()
        .map(s -> new SlotHolder(s.sessionId(), s.ownerName())));
  }

  @Override
  public Future<Void> releaseSlots(String sessionId) {
    slots.values().removeIf(s -> s.sessionId().equals(sessionId));
    return Future.succeededFuture();
  }
}
