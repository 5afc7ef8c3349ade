package org.otplatform.logger;

import io.vertx.core.json.JsonObject;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Keeps one session's log volume from pushing everyone else's logs out through the store's size
 * limit: each session may store at most {@code perWindow} records per {@code window}
 * ({@code OT_LOGGER_SESSION_RECORDS_PER_MINUTE}, default 6,000); more are dropped, and when the
 * window ends one record of the session says how many were, so nothing disappears unsaid. Records
 * of no session (the platform's own) are not counted. Not thread-safe: the ingest's context only.
 */
final class SessionQuota {
  static final Duration WINDOW = Duration.ofMinutes(1);

  private final int perWindow;
  private final Clock clock;
  private final Map<String, Count> counts = new HashMap<>();
  private Instant windowStart;

  private static final class Count {
    int stored;
    int dropped;
  }

  SessionQuota(int perWindow, Clock clock) {
    this.perWindow = perWindow;
    this.clock = clock;
    this.windowStart = clock.instant();
  }

  /** Whether the record may be stored (counting it when it is a session's). */
  boolean admit(JsonObject record) {
    String session = record.getString("session");
    if (session == null) {
      return true;
    }
    Count count = counts.computeIfAbsent(session, s -> new Count());
    if (count.stored < perWindow) {
      count.stored++;
      return true;
    }
    count.dropped++;
    return false;
  }

  /**
   * When the window is over: a record per session that had records dropped in it, and a fresh
   * window (sessions with nothing dropped are forgotten, so the map holds only this window's).
   */
  List<JsonObject> roll() {
    Instant now = clock.instant();
    if (now.isBefore(windowStart.plus(WINDOW))) {
      return List.of();
    }
    List<JsonObject> notes = new ArrayList<>();
    for (Iterator<Map.Entry<String, Count>> it = counts.entrySet().iterator(); it.hasNext(); ) {
      Map.Entry<String, Count> e = it.next();
      if (e.getValue().dropped > 0) {
        notes.add(new JsonObject().put("id", UUID.randomUUID().toString()).put("time", now.toString())
            .put("level", "WARN").put("service", "logger").put("session", e.getKey()).put("logger", "SessionQuota")
            .put("message", e.getValue().dropped + " log record(s) of this session dropped since " + windowStart
                + ": over its quota of " + perWindow + " per minute (OT_LOGGER_SESSION_RECORDS_PER_MINUTE)"));
      }
      it.remove();
    }
    windowStart = now;
    return notes;
  }
}
