package org.otplatform.gss.store;

import io.vertx.core.Future;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.UnaryOperator;
import org.otplatform.gss.session.Session;
import org.otplatform.gss.session.SessionState;

/**
 * Where the GSS keeps sessions and the slots that bound them (per project, per user). MongoDB in a
 * service ({@link MongoSessionStore}); one contract test holds every implementation to the same
 * behaviour. Updates are optimistic, so several GSS replicas may write the same session.
 */
public interface SessionStore {
  /** States in which a session counts against the limits: it runs, or will. */
  Set<SessionState> ACTIVE = Set.of(SessionState.OPENING, SessionState.READY, SessionState.CLOSING);

  Future<Void> createIndexes();

  Future<Void> insert(Session session);

  Future<Optional<Session>> get(String id);

  /** The sessions in one of {@code states}, without their progress logs (what the sweeps read). */
  Future<List<Session>> summaries(Set<SessionState> states);

  /** The state and LSS of each of these sessions that exists, by id. */
  Future<Map<String, Placement>> placements(Collection<String> ids);

  /** Sessions of LSS pool {@code pool} that hold an LSS slot: OPENING (not queued), READY or CLOSING. */
  Future<Long> countHoldingSlots(String pool);

  /** Active sessions ({@link #ACTIVE}), every owner's. */
  Future<Long> countActive();

  /** Sessions waiting in the queue, oldest first. */
  Future<List<Session>> queued();

  /** Sessions of {@code pool} waiting in the queue. */
  Future<Long> countQueued(String pool);

  /** Sessions of {@code pool} that joined the queue before {@code since}. */
  Future<Long> countQueuedBefore(String pool, Instant since);

  /** Sessions matching {@code filter}, newest first, at most {@code limit}. */
  Future<List<Session>> find(SessionFilter filter, int limit);

  /**
   * Applies {@code rule} to the stored session and stores what it returns; the rule returns its
   * argument to leave the session as it is. It may run more than once (when another writer got
   * there first), so it decides from its argument alone. Empty when there is no such session.
   */
  Future<Optional<Updated>> update(String id, UnaryOperator<Session> rule);

  /**
   * Takes one of {@code slots} slots of {@code key} (a project's id, {@code user:<id>}) for a session,
   * atomically: two parallel claims never get the same slot. False when all are taken.
   */
  Future<Boolean> claimSlot(String key, int slots, String sessionId, String ownerName);

  /** A holder of one of the slots of {@code key}, if any. */
  Future<Optional<SlotHolder>> slotHolder(String key);

  /** Releases every slot a session holds. */
  Future<Void> releaseSlots(String sessionId);

  /** The session holding a slot, and its owner's user name. */
  record SlotHolder(String sessionId, String ownerName) {}
}
