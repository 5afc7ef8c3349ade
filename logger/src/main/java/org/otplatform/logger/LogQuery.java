package org.otplatform.logger;

import io.vertx.core.MultiMap;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Base64;
import java.util.function.Predicate;
import org.otplatform.common.http.ApiException;

/**
 * A log query from request parameters — {@code session}, {@code service}, {@code level} (and
 * above), {@code from}/{@code to} (ISO-8601), {@code q} (text in the message, any case),
 * {@code order} ({@code newest}, default, or {@code oldest}), {@code limit} and {@code cursor} —
 * as a MongoDB filter for the store and as a predicate for the live tail. Every bad parameter is a
 * 400 naming it.
 *
 * @param cursor the position after the last record of the previous page, or null
 */
public record LogQuery(String session, String service, Integer minLevel, Instant from, Instant to, String text,
    boolean newestFirst, int limit, Cursor cursor) {

  public static final int MAX_LIMIT = 1_000;

  /** A page boundary: the time and id of the last record returned. */
  public record Cursor(long ts, String id) {
    public String encode() {
      return Base64.getUrlEncoder().withoutPadding().encodeToString((ts + ":" + id).getBytes(StandardCharsets.UTF_8));
    }

    public static Cursor decode(String value) {
      try {
        String text = new String(Base64.getUrlDecoder().decode(value), StandardCharsets.UTF_8);
        int colon = text.indexOf(':');
        return new Cursor(Long.parseLong(text.substring(0, colon)), text.substring(colon + 1));
      } catch (RuntimeException e) {
        throw ApiException.badRequest("'cursor' is not a cursor this service returned");
      }
    }
  }

  public static LogQuery from(MultiMap params) {
    String level = params.get("level");
    Integer minLevel = null;
    if (level != null) {
      minLevel = LogStore.LEVELS.get(level.toUpperCase());
      if (minLevel == null) {
        throw ApiException.badRequest("'level' must be one of TRACE, DEBUG, INFO, WARN, ERROR");
      }
    }
    String order = params.get("order") == null ? "newest" : params.get("order");
    if (!order.equals("newest") && !order.equals("oldest")) {
      throw ApiException.badRequest("'order' must be 'newest' or 'oldest'");
    }
    String text = params.get("q");
    if (text != null && (text.isEmpty() || text.length() > 200)) {
      throw ApiException.badRequest("'q' must be 1 to 200 characters");
    }
    Instant from = time(params, "from");
    Instant to = time(params, "to");
    if (from != null && to != null && to.isBefore(from)) {
      throw ApiException.badRequest("'to' is before 'from'");
    }
    String cursor = params.get("cursor");
    return new LogQuery(params.get("session"), params.get("service"), minLevel, from, to, text,
        order.equals("newest"), limit(params.get("limit")), cursor == null ? null : Cursor.decode(cursor));
  }

  private static Instant time(MultiMap params, String name) {
    String value = params.get(name);
    if (value == null) {
      return null;
    }
    try {
      return Instant.parse(value);
    } catch (DateTimeParseException e) {
      throw ApiException.badRequest("'" + name + "' must be an ISO-8601 time such as 2026-11-25T14:00:00Z");
    }
  }

  private static int limit(String value) {
    if (value == null) {
      return 100;
    }
    try {
      int n = Integer.parseInt(value);
      if (n < 1 || n > MAX_LIMIT) {
        throw ApiException.badRequest("'limit' must be between 1 and " + MAX_LIMIT);
      }
      return n;
    } catch (NumberFormatException e) {
      throw ApiException.badRequest("'limit' must be an integer");
    }
  }

  /** The MongoDB filter of this query, the cursor included. */
  public JsonObject filter() {
    JsonObject filter = new JsonObject();
    if (session != null) {
      filter.put("session", session);
    }
    if (service != null) {
      filter.put("service", service);
    }
    if (minLevel != null) {
      filter.put("levelNum", new JsonObject().put("$gte", minLevel));
    }
    JsonObject ts = new JsonObject();
    if (from != null) {
      ts.put("$gte", from.toEpochMilli());
    }
    if (to != null) {
      ts.put("$lt", to.toEpochMilli());
    }
    if (!ts.isEmpty()) {
      filter.put("ts", ts);
    }
    if (text != null) {
      filter.put("message", new JsonObject().put("$regex", escape(text)).put("$options", "i"));
    }
    if (cursor != null) {
      String past = newestFirst ? "$lt" : "$gt";
      filter.put("$or", new JsonArray()
          .add(new JsonObject().put("ts", new JsonObject().put(past, cursor.ts())))
          .add(new JsonObject().put("ts", cursor.ts()).put("_id", new JsonObject().put(past, cursor.id()))));
    }
    return filter;
  }

  /** The sort of this query: time, then id, so pages never overlap or skip. */
  public JsonObject sort() {
    int direction = newestFirst ? -1 : 1;
    return new JsonObject().put("ts", direction).put("_id", direction);
  }

  /** Whether a record (as shipped, before it is stored) matches, for the live tail. */
  public Predicate<JsonObject> matcher() {
    String lower = text == null ? null : text.toLowerCase();
    return r -> (session == null || session.equals(r.getString("session")))
        && (service == null || service.equals(r.getString("service")))
        && (minLevel == null || LogStore.LEVELS.getOrDefault(r.getString("level", "INFO"), 2) >= minLevel)
        && (lower == null || r.getString("message", "").toLowerCase().contains(lower));
  }

  /** A regular expression matching {@code text} literally. */
  static String escape(String text) {
    return text.replaceAll("[\\\\^$.|?*+()\\[\\]{}]", "\\\\$0");
  }
}
