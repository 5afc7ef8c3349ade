package org.otplatform.common.events;

import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.UUID;

/**
 * On {@link Topics#DEAD_LETTERS}: a record that a consumer gave up on — what it was, where it was
 * read, by whom, after how many attempts and why. Its id is derived from the record's place and the
 * consumer group, so a record given up on again after a replay is the same dead letter.
 *
 * @param key the record's key ({@code ""} when it had none); the dead letter is keyed by it too
 * @param value the record as read, cut to {@link #MAX_VALUE_CHARS} (see {@code truncated})
 * @param error the last failure: its type and message
 */
public record DeadLetter(String id, Instant time, String topic, int partition, long offset, String key,
    String group, String service, String instance, int attempts, String error, String value, boolean truncated)
    implements PlatformEvent {

  /** How much of a record's value a dead letter keeps. */
  public static final int MAX_VALUE_CHARS = 16_384;

  /** The dead letter of the record at topic/partition/offset, given up on by {@code group}. */
  public static DeadLetter of(String topic, int partition, long offset, String key, String group, String service,
      String instance, int attempts, Throwable error, String value, Instant now) {
    String id = UUID.nameUUIDFromBytes((group + "/" + topic + "/" + partition + "/" + offset)
        .getBytes(StandardCharsets.UTF_8)).toString();
    String v = value == null ? "" : value;
    boolean cut = v.length() > MAX_VALUE_CHARS;
    return new DeadLetter(id, now, topic, partition, offset, key == null ? "" : key, group, service, instance,
        attempts, describe(error), cut ? v.substring(0, MAX_VALUE_CHARS) : v, cut);
  }

  private static String describe(Throwable error) {
    String message = error.getMessage();
    return error.getClass().getSimpleName() + (message == null ? "" : ": " + message);
  }

  /** Reads one from its JSON form. */
  public static DeadLetter from(JsonObject json) {
    return new DeadLetter(json.getString("id"), Instant.parse(json.getString("time")), json.getString("topic"),
        json.getInteger("partition"), json.getLong("offset"), json.getString("key"), json.getString("group"),
        json.getString("service"), json.getString("instance"), json.getInteger("attempts"), json.getString("error"),
        json.getString("value"), json.getBoolean("truncated", false));
  }

  @Override
  public JsonObject fields() {
    return new JsonObject().put("topic", topic).put("partition", partition).put("offset", offset).put("key", key)
        .put("group", group).put("service", service).put("instance", instance).put("attempts", attempts)
        .put("error", error).put("value", value).put("truncated", truncated);
  }
}
