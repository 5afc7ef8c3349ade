package org.otplatform.gss.session;

import io.vertx.core.json.JsonObject;
import java.time.Instant;

/**
 * What the GSS itself records in a session's progress log (beside the LSS's events): the JSON has
 * the {@code type}, {@code sessionId} and {@code time} of every event, then its fields, so a client
 * of the event stream reads both kinds alike.
 */
public sealed interface SessionProgress {
  String sessionId();

  Instant time();

  /** The fields beside type, session id and time. */
  JsonObject fields();

  default String type() {
    return "Session" + getClass().getSimpleName();
  }

  default JsonObject toJson() {
    return new JsonObject().put("type", type()).put("sessionId", sessionId()).put("time", time().toString())
        .mergeIn(fields());
  }

  /** A user asked for the session. */
  record OpenRequested(String sessionId, Instant time, String project, String sessionType) implements SessionProgress {
    @Override
    public JsonObject fields() {
      return new JsonObject().put("project", project).put("sessionType", sessionType);
    }
  }

  /** No LSS slot was free: the session waits in the queue. */
  record Queued(String sessionId, Instant time, String reason) implements SessionProgress {
    @Override
    public JsonObject fields() {
      return new JsonObject().put("reason", reason);
    }
  }

  /** A slot came free: the session left the queue and its open request went to the LSS instances. */
  record Dispatched(String sessionId, Instant time) implements SessionProgress {
    @Override
    public JsonObject fields() {
      return new JsonObject();
    }
  }

  /** The session is closing: by its owner, an admin, the idle cull, or its project's deletion. */
  record CloseRequested(String sessionId, Instant time, String reason) implements SessionProgress {
    @Override
    public JsonObject fields() {
      return new JsonObject().put("reason", reason);
    }
  }

  /** The GSS gave up on the session (open or queue timeout, lost LSS instances, Kafka unreachable). */
  record Failed(String sessionId, Instant time, String reason) implements SessionProgress {
    @Override
    public JsonObject fields() {
      return new JsonObject().put("reason", reason);
    }
  }

  /** The session's LSS was lost or dropped it; another LSS is asked to take it ({@code handover}: how often). */
  record HandedOver(String sessionId, Instant time, String fromLss, String reason, int handover)
      implements SessionProgress {
    @Override
    public JsonObject fields() {
      return new JsonObject().put("fromLss", fromLss).put("reason", reason).put("handover", handover);
    }
  }
}
