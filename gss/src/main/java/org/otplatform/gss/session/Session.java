package org.otplatform.gss.session;

import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.UnaryOperator;
import org.otplatform.common.catalog.Pools;

/**
 * A session as the GSS keeps it. Immutable: every rule returns a new {@code Session}, so a rule can
 * be tried against a stored version and thrown away when another writer got there first; the
 * transitions record their own progress entry. Stored by {@link SessionCodec}.
 *
 * @param since when the session entered each state it went through ({@code openingAt} is reset
 *     when it leaves the queue or is handed over: the next LSS gets the whole open timeout)
 * @param reason why it failed or closed
 * @param lss the LSS running it, once one reported starting it
 * @param queued while it waits for a free LSS slot: since when, why, and the open request's trace; else null
 * @param handovers how often it went to another LSS
 * @param lastActivityAt the last front-end activity the relay reported
 * @param version the optimistic-update counter of the stored document
 */
public record Session(String id, Origin origin, SessionState state, Map<SessionState, Instant> since, String reason,
    List<ServiceStatus> services, String lss, Queued queued, int handovers, Instant lastActivityAt,
    ProgressLog log, int version) {

  /**
   * What a session was opened for and by whom; fixed for its life.
   *
   * @param projectId the project's id at AUTH (null for sessions stored before ids were kept)
   * @param owner the owner's user id; {@code ownerName} their user name
   * @param pool the LSS pool the session needs (its type's or profile's; {@code default} for
   *     sessions stored before pools)
   */
  public record Origin(String project, String projectId, String type, String owner, String ownerName,
      Instant created, String profile, String pool) {
    public Origin {
      pool = Pools.orDefault(pool);
    }

    /** An origin without a profile (a type that has none), of the default pool. */
    public Origin(String project, String projectId, String type, String owner, String ownerName, Instant created) {
      this(project, projectId, type, owner, ownerName, created, null, null);
    }
  }

  /** Waiting in the queue since {@code since}, because of {@code reason}. */
  public record Queued(Instant since, String reason, String traceparent) {
    public Queued(Instant since, String reason) {
      this(since, reason, null);
    }
  }

  public Session {
    since = since.isEmpty() ? Map.of() : Map.copyOf(new EnumMap<>(since));
    services = List.copyOf(services);
  }

  /** A new session, OPENING, with each of its services PENDING and the open request recorded. */
  public static Session open(String id, Origin origin, List<String> serviceNames, Instant now) {
    Session fresh = new Session(id, origin, SessionState.OPENING, Map.of(SessionState.OPENING, now), null,
        serviceNames.stream().map(ServiceStatus::pending).toList(), null, null, 0, null, ProgressLog.EMPTY, 0);
    return fresh.record(new SessionProgress.OpenRequested(id, now, origin.project(), origin.type()));
  }

  public Optional<Instant> since(SessionState s) {
    return Optional.ofNullable(since.get(s));
  }

  /** When it last started to open (created, left the queue, or was handed over). */
  public Instant openingAt() {
    return since.getOrDefault(SessionState.OPENING, origin.created());
  }

  public boolean isQueued() {
    return queued != null;
  }

  /** The number of its last progress entry. */
  public int seq() {
    return log.seq();
  }

  /** Appends a progress entry of the GSS's own. */
  public Session record(SessionProgress event) {
    return record(event.toJson(), event.time());
  }

  /** Appends a progress entry (an encoded event), the session being in its current state. */
  public Session record(JsonObject event, Instant at) {
    return withLog(log.append(event, state, at));
  }

  /** Moves to {@code to} at {@code at}, keeping {@code why} as its reason when given. */
  public Session moveTo(SessionState to, Instant at, String why) {
    Map<SessionState, Instant> times = new EnumMap<>(SessionState.class);
    times.putAll(since);
    times.put(to, at);
    return new Session(id, origin, to, times, why == null ? reason : why, services, lss, queued, handovers,
        lastActivityAt, log, version);
  }

  /** Waits in the queue. */
  public Session enqueue(String why, Instant now) {
    return enqueue(why, now, null);
  }

  /** As above, remembering the open request's trace ({@code traceparent}), which its dispatch continues. */
  public Session enqueue(String why, Instant now, String traceparent) {
    return withQueued(new Queued(now, why, traceparent)).record(new SessionProgress.Queued(id, now, why));
  }

  /** Leaves the queue: it opens from now on. */
  public Session dispatch(Instant now) {
    return withQueued(null).moveTo(SessionState.OPENING, now, null).record(new SessionProgress.Dispatched(id, now));
  }

  /** Fails, out of the queue if it was in it. */
  public Session fail(String why, Instant now) {
    return withQueued(null).moveTo(SessionState.FAILED, now, why).record(new SessionProgress.Failed(id, now, why));
  }

  /** Starts closing. */
  public Session close(String why, Instant now) {
    return moveTo(SessionState.CLOSING, now, null).record(new SessionProgress.CloseRequested(id, now, why));
  }

  /** Goes to another LSS: no LSS, every service PENDING again, and — if still opening — a fresh open timeout. */
  public Session handOver(String fromLss, String why, Instant now) {
    Session moved = new Session(id, origin, state, since, reason,
        services.stream().map(s -> s.in(ServiceState.PENDING)).toList(), null, queued, handovers + 1,
        lastActivityAt, log, version);
    if (state == SessionState.OPENING) {
      moved = moved.moveTo(SessionState.OPENING, now, null);
    }
    return moved.record(new SessionProgress.HandedOver(id, now, fromLss, why, handovers + 1));
  }

  /** The services where {@code name} is changed by {@code change} (added PENDING first when unknown). */
  public Session withService(String name, UnaryOperator<ServiceStatus> change) {
    List<ServiceStatus> changed = services.stream().map(s -> s.name().equals(name) ? change.apply(s) : s).toList();
    if (services.stream().noneMatch(s -> s.name().equals(name))) {
      changed = new ArrayList<>(changed);
      changed.add(change.apply(ServiceStatus.pending(name)));
    }
    return withServices(changed);
  }

  public Session withServices(List<ServiceStatus> changed) {
    return new Session(id, origin, state, since, reason, changed, lss, queued, handovers, lastActivityAt, log,
        version);
  }

  private Session withQueued(Queued q) {
    return new Session(id, origin, state, since, reason, services, lss, q, handovers, lastActivityAt, log, version);
  }

  public Session withLss(String onLss) {
    return new Session(id, origin, state, since, reason, services, onLss, queued, handovers, lastActivityAt, log,
        version);
  }

  public Session withActivity(Instant at) {
    return new Session(id, origin, state, since, reason, services, lss, queued, handovers, at, log, version);
  }

  public Session withLog(ProgressLog changed) {
    return new Session(id, origin, state, since, reason, services, lss, queued, handovers, lastActivityAt, changed,
        version);
  }

  public Session withVersion(int v) {
    return new Session(id, origin, state, since, reason, services, lss, queued, handovers, lastActivityAt, log, v);
  }
}
