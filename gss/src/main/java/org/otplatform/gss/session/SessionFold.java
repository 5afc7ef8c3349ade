package org.otplatform.gss.session;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import org.otplatform.common.events.EventCodec;
import org.otplatform.common.events.SessionEvent;
import org.otplatform.common.events.SessionEvent.ServiceFailed;
import org.otplatform.common.events.SessionEvent.ServiceReady;
import org.otplatform.common.events.SessionEvent.ServiceRestarting;
import org.otplatform.common.events.SessionEvent.ServiceStarting;
import org.otplatform.common.events.SessionEvent.SessionActivity;
import org.otplatform.common.events.SessionEvent.SessionClosed;
import org.otplatform.common.events.SessionEvent.SessionFailed;
import org.otplatform.common.events.SessionEvent.SessionReady;

/**
 * Pure folding of a session event into a session document: no I/O, so it is tested on its own.
 * An event already applied (same id) or one that would move a terminal session changes nothing
 * and returns false.
 */
public final class SessionFold {
  private SessionFold() {}

  /** Applies the event to {@code doc} in place; true when the document changed. */
  public static boolean apply(JsonObject doc, SessionEvent event) {
    JsonArray applied = doc.getJsonArray("eventIds", new JsonArray());
    if (applied.contains(event.id())) {
      return false;
    }
    SessionState state = SessionState.valueOf(doc.getString("state"));
    if (state.isTerminal()) {
      return false;
    }
    if (event instanceof SessionActivity activity) {
      // Not progress: no entry in the log, and only ever moving forward.
      String last = doc.getString("lastActivityAt");
      if (last != null && last.compareTo(activity.time().toString()) >= 0) {
        return false;
      }
      doc.put("lastActivityAt", activity.time().toString());
      return true;
    }
    if (event instanceof ServiceStarting e) {
      service(doc, e.service()).put("state", "STARTING").put("lss", e.lss());
      doc.put("lss", e.lss());
    } else if (event instanceof ServiceReady e) {
      service(doc, e.service()).put("state", "READY").put("endpoint", e.endpoint());
    } else if (event instanceof ServiceFailed e) {
      service(doc, e.service()).put("state", "FAILED").put("exitCode", e.exitCode()).put("reason", e.reason());
    } else if (event instanceof ServiceRestarting e) {
      service(doc, e.service()).put("state", "RESTARTING").put("restarts", e.attempt()).remove("endpoint");
    } else if (event instanceof SessionReady e) {
      e.services().forEach(s -> service(doc, s.name()).put("state", "READY").put("endpoint", s.endpoint()));
      if (state == SessionState.OPENING) {
        transition(doc, SessionState.READY, event.time(), null);
      }
    } else if (event instanceof SessionFailed e) {
      transition(doc, SessionState.FAILED, event.time(), e.reason());
    } else if (event instanceof SessionClosed e) {
      transition(doc, SessionState.CLOSED, event.time(), e.reason());
      doc.getJsonArray("services", new JsonArray()).forEach(s -> ((JsonObject) s).put("state", "STOPPED"));
    }
    applied.add(event.id());
    doc.put("eventIds", applied);
    record(doc, EventCodec.encode(event));
    return true;
  }

  /** Appends an entry to the session's progress log (what SSE replays), numbered by {@code seq}. */
  public static void record(JsonObject doc, JsonObject event) {
    JsonArray events = doc.getJsonArray("events", new JsonArray());
    int seq = doc.getInteger("seq", 0) + 1;
    events.add(new JsonObject().put("seq", seq).put("event", event).put("state", doc.getString("state")));
    doc.put("events", events).put("seq", seq).put("updated", Instant.now().toString());
  }

  /** Records a state change with its time ({@code <state>At}). */
  public static void transition(JsonObject doc, SessionState to, Instant at, String reason) {
    doc.put("state", to.name()).put(to.name().toLowerCase() + "At", at.toString());
    if (reason != null) {
      doc.put("reason", reason);
    }
  }

  private static JsonObject service(JsonObject doc, String name) {
    JsonArray services = doc.getJsonArray("services", new JsonArray());
    doc.put("services", services);
    for (Object o : services) {
      JsonObject s = (JsonObject) o;
      if (name.equals(s.getString("name"))) {
        return s;
      }
    }
    JsonObject s = new JsonObject().put("name", name);
    services.add(s);
    return s;
  }
}
