package org.otplatform.gss.session;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A {@link Session} as a MongoDB document. The field names are the stored contract (documents
 * written by earlier versions read back): {@code _id}, the origin's fields, {@code state},
 * {@code <state>At} per state reached, {@code services}, {@code queued}/{@code queuedAt}/
 * {@code queuedAtMillis}/{@code queueReason} while queued, {@code events}/{@code seq}/
 * {@code eventIds}/{@code updated} for the progress log, and {@code version}.
 */
public final class SessionCodec {
  private SessionCodec() {}

  /** The document field of the time a session entered {@code state}, as {@code readyAt}. */
  public static String timeField(SessionState state) {
    return state.name().toLowerCase(Locale.ROOT) + "At";
  }

  public static JsonObject toDocument(Session s) {
    Session.Origin o = s.origin();
    JsonObject doc = new JsonObject()
        .put("_id", s.id())
        .put("project", o.project())
        .put("type", o.type())
        .put("owner", o.owner())
        .put("ownerName", o.ownerName())
        .put("state", s.state().name())
        .put("services", new JsonArray(s.services().stream().map(ServiceStatus::toJson).toList()))
        .put("created", o.created().toString());
    putIfSet(doc, "projectId", o.projectId());
    putIfSet(doc, "profile", o.profile());
    doc.put("pool", o.pool());
    s.since().forEach((state, at) -> doc.put(timeField(state), at.toString()));
    putIfSet(doc, "reason", s.reason());
    putIfSet(doc, "lss", s.lss());
    if (s.queued() != null) {
      doc.put("queued", true).put("queuedAt", s.queued().since().toString())
          .put("queuedAtMillis", s.queued().since().toEpochMilli()).put("queueReason", s.queued().reason());
      putIfSet(doc, "queueTrace", s.queued().traceparent());
    }
    if (s.handovers() > 0) {
      doc.put("handovers", s.handovers());
    }
    if (s.lastActivityAt() != null) {
      doc.put("lastActivityAt", s.lastActivityAt().toString());
    }
    ProgressLog log = s.log();
    doc.put("seq", log.seq())
        .put("events", new JsonArray(log.entries().stream().map(ProgressEntry::toJson).toList()))
        .put("eventIds", new JsonArray(log.eventIds()));
    if (log.updated() != null) {
      doc.put("updated", log.updated().toString());
    }
    return doc.put("version", s.version());
  }

  /** The session in {@code doc}; a document read without its log (a summary) has an empty one. */
  public static Session fromDocument(JsonObject doc) {
    Instant created = instant(doc, "created");
    Session.Origin origin = new Session.Origin(doc.getString("project"), doc.getString("projectId"),
        doc.getString("type"), doc.getString("owner"), doc.getString("ownerName"), created, doc.getString("profile"),
        doc.getString("pool"));
    Map<SessionState, Instant> since = new EnumMap<>(SessionState.class);
    for (SessionState state : SessionState.values()) {
      Instant at = instant(doc, timeField(state));
      if (at != null) {
        since.put(state, at);
      }
    }
    List<ServiceStatus> services = new ArrayList<>();
    doc.getJsonArray("services", new JsonArray()).forEach(o -> services.add(ServiceStatus.fromJson((JsonObject) o)));
    Session.Queued queued = doc.getBoolean("queued", false)
        ? new Session.Queued(instant(doc, "queuedAt"), doc.getString("queueReason"), doc.getString("queueTrace")) : null;
    List<ProgressEntry> entries = new ArrayList<>();
    doc.getJsonArray("events", new JsonArray()).forEach(o -> entries.add(ProgressEntry.fromJson((JsonObject) o)));
    List<String> eventIds = new ArrayList<>();
    doc.getJsonArray("eventIds", new JsonArray()).forEach(o -> eventIds.add((String) o));
    ProgressLog log = new ProgressLog(doc.getInteger("seq", 0), entries, eventIds, instant(doc, "updated"));
    return new Session(doc.getString("_id"), origin, SessionState.valueOf(doc.getString("state")), since,
        doc.getString("reason"), services, doc.getString("lss"), queued, doc.getInteger("handovers", 0),
        instant(doc, "lastActivityAt"), log, doc.getInteger("version", 0));
  }

  private static Instant instant(JsonObject doc, String key) {
    String value = doc.getString(key);
    return value == null ? null : Instant.parse(value);
  }

  private static void putIfSet(JsonObject doc, String key, String value) {
    if (value != null) {
      doc.put(key, value);
    }
  }
}
