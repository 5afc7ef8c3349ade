package org.otplatform.common.events;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.List;
import org.otplatform.common.events.SessionCommand.SessionCloseRequested;
import org.otplatform.common.events.SessionCommand.SessionOpenRequested;
import org.otplatform.common.events.SessionEvent.ServiceEndpoint;
import org.otplatform.common.events.SessionEvent.ServiceFailed;
import org.otplatform.common.events.SessionEvent.ServiceReady;
import org.otplatform.common.events.SessionEvent.ServiceProgress;
import org.otplatform.common.events.SessionEvent.ServiceRestarting;
import org.otplatform.common.events.SessionEvent.ServiceStarting;
import org.otplatform.common.events.SessionEvent.SessionActivity;
import org.otplatform.common.events.SessionEvent.SessionClosed;
import org.otplatform.common.events.SessionEvent.SessionFailed;
import org.otplatform.common.events.SessionEvent.SessionReady;

/**
 * JSON form of the platform's events: an envelope ({@code type, version, id, time}, the session's id
 * for session commands and events) plus the fields — as {@code asyncapi/ot-platform.yaml} describes
 * them, with its compatibility rule: within a {@link #VERSION}, fields are only added, and readers
 * ignore the fields and types they do not know.
 */
public final class EventCodec {
  /** The envelope field naming the instance that published an event ({@code EventPublisher}). */
  public static final String SOURCE = "source";
  /** The events' version, in every envelope. */
  public static final int VERSION = 1;

  private EventCodec() {}

  public static JsonObject encode(PlatformEvent event) {
    JsonObject json = new JsonObject()
        .put("type", event.type())
        .put("version", VERSION)
        .put("id", event.id())
        .put("time", event.time().toString());
    if (event instanceof SessionCommand || event instanceof SessionEvent) {
      json.put("sessionId", event.key());
    }
    return json.mergeIn(event.fields());
  }

  /** Decodes a session command; throws {@link IllegalArgumentException} for anything else. */
  public static SessionCommand decodeCommand(JsonObject json) {
    String id = required(json, "id");
    Instant time = Instant.parse(required(json, "time"));
    String session = required(json, "sessionId");
    return switch (required(json, "type")) {
      case "SessionOpenRequested" -> new SessionOpenRequested(id, time, session,
          required(json, "project"), json.getString("projectId"), required(json, "sessionType"), required(json, "owner"),
          json.getString("profile"), json.getString("pool"));
      case "SessionCloseRequested" -> new SessionCloseRequested(id, time, session, json.getString("reason", ""));
      default -> throw new IllegalArgumentException("unknown session command type " + json.getString("type"));
    };
  }

  /** Decodes a session event; throws {@link IllegalArgumentException} for anything else. */
  public static SessionEvent decodeEvent(JsonObject json) {
    String id = required(json, "id");
    Instant time = Instant.parse(required(json, "time"));
    String session = required(json, "sessionId");
    return switch (required(json, "type")) {
      case "ServiceStarting" -> new ServiceStarting(id, time, session, required(json, "service"),
          json.getString("lss"));
      case "ServiceReady" -> new ServiceReady(id, time, session, required(json, "service"),
          required(json, "endpoint"));
      case "ServiceFailed" -> new ServiceFailed(id, time, session, required(json, "service"),
          json.getInteger("exitCode"), json.getString("reason", ""));
      case "ServiceRestarting" -> new ServiceRestarting(id, time, session, required(json, "service"),
          json.getInteger("attempt", 0), json.getInteger("restartLimit", 0), json.getLong("delayMillis", 0L));
      case "ServiceProgress" -> new ServiceProgress(id, time, session, required(json, "service"),
          json.getString("reason", ""), json.getString("message", ""));
      case "SessionReady" -> new SessionReady(id, time, session, endpoints(json.getJsonArray("services")));
      case "SessionFailed" -> new SessionFailed(id, time, session, json.getString("reason", ""));
      case "SessionClosed" -> new SessionClosed(id, time, session, json.getString("reason", ""));
      case "SessionActivity" -> new SessionActivity(id, time, session, json.getString("user"));
      default -> throw new IllegalArgumentException("unknown session event type " + json.getString("type"));
    };
  }

  private static List<ServiceEndpoint> endpoints(JsonArray array) {
    if (array == null) {
      return List.of();
    }
    return array.stream()
        .map(JsonObject.class::cast)
        .map(o -> new ServiceEndpoint(o.getString("name"), o.getString("endpoint")))
        .toList();
  }

  private static String required(JsonObject json, String field) {
    String value = json.getString(field);
    if (value == null) {
      throw new IllegalArgumentException("event without '" + field + "': " + json.encode());
    }
    return value;
  }
}
