package org.otplatform.gss.session;

import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * A session's progress log and the ids of the LSS events folded into it (so a redelivered event
 * changes nothing). Immutable: {@link #append} returns a new log.
 *
 * @param seq the number of the last entry (0: none)
 * @param updated when the last entry was added
 */
public record ProgressLog(int seq, List<ProgressEntry> entries, List<String> eventIds, Instant updated) {
  public static final ProgressLog EMPTY = new ProgressLog(0, List.of(), List.of(), null);

  public ProgressLog {
    entries = List.copyOf(entries);
    eventIds = List.copyOf(eventIds);
  }

  /** The log with {@code event} appended, the session being {@code state} after it. */
  public ProgressLog append(JsonObject event, SessionState state, Instant at) {
    List<ProgressEntry> more = new ArrayList<>(entries);
    more.add(new ProgressEntry(seq + 1, event, state));
    return new ProgressLog(seq + 1, more, eventIds, at);
  }

  public boolean applied(String eventId) {
    return eventIds.contains(eventId);
  }

  /** The log noting that the LSS event {@code eventId} was folded. */
  public ProgressLog withApplied(String eventId) {
    List<String> ids = new ArrayList<>(eventIds);
    ids.add(eventId);
    return new ProgressLog(seq, entries, ids, updated);
  }

  /** The entries after {@code afterSeq}, in order. */
  public List<ProgressEntry> after(int afterSeq) {
    return entries.stream().filter(e -> e.seq() > afterSeq).toList();
  }

  /** The number of the entry recording the LSS event {@code eventId}, or 0. */
  public int seqOf(String eventId) {
    return entries.stream().filter(e -> eventId.equals(e.eventId())).mapToInt(ProgressEntry::seq).findFirst()
        .orElse(0);
  }
}
