package org.otplatform.faults;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Random;

/** Values that a schema accepts — named after what the platform has where a name says so — and values of another type. */
final class Values {
  private Values() {}

  /** A value of the schema: an object with its required fields (and some optional ones), a string of its length, … */
  static Object of(JsonObject schema, String name, Random random) {
    String type = schema.getValue("type") instanceof String t ? t : schema.containsKey("properties") ? "object" : "string";
    return switch (type) {
      case "object" -> {
        JsonObject o = new JsonObject();
        JsonObject props = schema.getJsonObject("properties", new JsonObject());
        List<?> required = schema.getJsonArray("required", new JsonArray()).getList();
        for (String p : props.fieldNames()) {
          if (required.contains(p) || random.nextBoolean()) {
            o.put(p, of(props.getJsonObject(p), p, random));
          }
        }
        yield o;
      }
      case "array" -> new JsonArray().add(of(schema.getJsonObject("items", new JsonObject()), name, random));
      case "integer", "number" -> schema.getInteger("minimum", 1);
      case "boolean" -> random.nextBoolean();
      default -> string(schema, name, random);
    };
  }

  static String string(JsonObject schema, String name, Random random) {
    JsonArray allowed = schema.getJsonArray("enum");
    if (allowed != null && !allowed.isEmpty()) {
      return String.valueOf(allowed.getValue(random.nextInt(allowed.size())));
    }
    return switch (name) {
      case "username" -> random.nextBoolean() ? Fixtures.USER : "fuzz-" + random.nextInt(1000);
      case "password", "oldPassword", "newPassword" -> "fuzz-password-" + random.nextInt(1_000_000);
      case "project" -> Fixtures.PROJECT;
      case "name" -> random.nextBoolean() ? Fixtures.PROJECT : "fuzz-" + random.nextInt(1000);
      case "type" -> "echo";
      case "role" -> List.of("viewer", "editor", "owner").get(random.nextInt(3));
      case "limit" -> Integer.toString(1 + random.nextInt(50));
      case "level" -> List.of("DEBUG", "INFO", "WARN", "ERROR").get(random.nextInt(4));
      case "from", "to", "before" -> java.time.Instant.now().minusSeconds(random.nextInt(3600)).toString();
      case "until" -> "ready";
      case "order" -> random.nextBoolean() ? "newest" : "oldest";
      default -> "fuzz";
    };
  }

  /** A value of a type other than {@code v}'s. */
  static Object otherType(Object v, Random random) {
    List<Object> others = List.of(42, -1, 3.5e300, true, new JsonArray().add(1).add("a"), new JsonObject().put("x", 1),
        "a string", Long.MAX_VALUE);
    Object pick;
    do {
      pick = others.get(random.nextInt(others.size()));
    } while (v != null && pick.getClass() == v.getClass());
    return random.nextInt(8) == 0 ? null : pick;
  }
}
