package org.otplatform.common.events;

import io.vertx.core.json.JsonObject;
import java.time.Instant;

/**
 * An event on one of the platform's Kafka topics.
 *
 * <p>Every event serialises to JSON with {@code type}, {@code id}, {@code time} and the key it is
 * published under ({@code sessionId} for session topics), so one session's events stay in order.
 */
public interface PlatformEvent {
  /** Unique id of this event (a UUID), used to fold events idempotently. */
  String id();

  /** When the event was created. */
  Instant time();

  /** The Kafka record key: the session id for session topics. */
  String key();

  /** The event's wire type, e.g. {@code SessionOpenRequested}. */
  default String type() {
    return getClass().getSimpleName();
  }

  /** The event-specific fields; the envelope is added by {@link EventCodec}. */
  JsonObject fields();
}
