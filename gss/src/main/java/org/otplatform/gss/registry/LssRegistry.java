package org.otplatform.gss.registry;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.otplatform.common.events.LssHeartbeat;

/**
 * The LSS instances this GSS replica has heard of, from their heartbeats: capacity, load, the
 * sessions each runs, and when it was last heard. An LSS silent for {@code lostAfter} is lost;
 * so is one that was never heard once this replica has listened for that long. Pure: the clock is
 * passed in.
 */
public final class LssRegistry {
  /** What is known of one LSS. */
  public record Entry(String id, String pool, String mode, int capacity, int load, Set<String> sessions,
      boolean draining, Instant lastSeen, Instant firstSeen) {}

  /** Lost entries are forgotten after this long. */
  private static final Duration FORGET_AFTER = Duration.ofHours(1);

  private final Map<String, Entry> entries = new ConcurrentHashMap<>();
  private final Duration lostAfter;
  private final Instant listeningSince;

  public LssRegistry(Duration lostAfter, Instant listeningSince) {
    this.lostAfter = lostAfter;
    this.listeningSince = listeningSince;
  }

  public Duration lostAfter() {
    return lostAfter;
  }

  public void heard(LssHeartbeat heartbeat, Instant at) {
    Entry before = entries.get(heartbeat.lssId());
    entries.put(heartbeat.lssId(), new Entry(heartbeat.lssId(), heartbeat.pool(), heartbeat.mode(),
        heartbeat.capacity(),
        heartbeat.load(), Set.copyOf(heartbeat.sessions()), heartbeat.draining(), at,
        before == null ? at : before.firstSeen()));
  }

  public Optional<Entry> get(String lssId) {
    return Optional.ofNullable(entries.get(lssId));
  }

  /** Whether the LSS is lost at {@code now}: silent too long, or never heard though listened for long enough. */
  public boolean isLost(String lssId, Instant now) {
    Entry entry = entries.get(lssId);
    Instant since = entry == null ? listeningSince : entry.lastSeen();
    return since.plus(lostAfter).isBefore(now);
  }

  /** The LSS instances not lost at {@code now}. */
  public List<Entry> up(Instant now) {
    return entries.values().stream().filter(e -> !isLost(e.id(), now)).toList();
  }

  /** The LSS instances of {@code pool} not lost at {@code now}. */
  public List<Entry> up(String pool, Instant now) {
    return up(now).stream().filter(e -> e.pool().equals(pool)).toList();
  }

  /**
   * Whether this replica has listened for less than {@code lostAfter}: it may not have heard every
   * LSS yet, so an empty registry means nothing.
   */
  public boolean warmingUp(Instant now) {
    return listeningSince.plus(lostAfter).isAfter(now);
  }

  /** Forgets LSS instances lost for long. */
  public void prune(Instant now) {
    entries.values().removeIf(e -> e.lastSeen().plus(lostAfter).plus(FORGET_AFTER).isBefore(now));
  }

  /**
   * {@code GET /api/v1/admin/lss}: every LSS known, with its status ({@code up}, {@code draining} or
   * {@code lost});
   * {@code complete} is false while this replica may not have heard every LSS yet.
   */
  public JsonObject view(Instant now) {
    JsonArray list = new JsonArray();
    List<Entry> sorted = entries.values().stream().sorted(Comparator.comparing(Entry::id)).toList();
    for (Entry e : sorted) {
      list.add(new JsonObject()
          .put("id", e.id())
          .put("status", isLost(e.id(), now) ? "lost" : e.draining() ? "draining" : "up")
          .put("pool", e.pool())
          .put("mode", e.mode())
          .put("capacity", e.capacity())
          .put("load", e.load())
          .put("sessions", new JsonArray(e.sessions().stream().sorted().toList()))
          .put("lastSeen", e.lastSeen().toString())
          .put("firstSeen", e.firstSeen().toString()));
    }
    return new JsonObject().put("lss", list).put("lostAfterSeconds", lostAfter.toSeconds())
        .put("complete", !warmingUp(now));
  }
}
