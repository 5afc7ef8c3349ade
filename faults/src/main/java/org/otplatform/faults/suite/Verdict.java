package org.otplatform.faults.suite;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** The run's table: figures, and invariants that hold or not, each with what broke it. */
final class Verdict {
  private final StringBuilder table = new StringBuilder();
  private final List<String> violations = new ArrayList<>();
  private final JsonObject json = new JsonObject();
  private final JsonArray rows = new JsonArray();

  void section(String title) {
    table.append(String.format("%n%s%n", title));
  }

  /** A figure: no verdict. */
  void figure(String name, Object value) {
    table.append(String.format("  %-58s %s%n", name, value));
    rows.add(new JsonObject().put("name", name).put("value", String.valueOf(value)));
  }

  /** An invariant: {@code broken} is how many times it did not hold, {@code examples} some of them. */
  void invariant(String name, long broken, List<String> examples) {
    table.append(String.format("  %-58s %-8d %s%n", name, broken, broken == 0 ? "ok" : "BROKEN"));
    rows.add(new JsonObject().put("name", name).put("broken", broken).put("examples", new JsonArray(
        examples.stream().limit(10).toList())));
    if (broken > 0) {
      violations.add(name + ": " + broken + (examples.isEmpty() ? "" : " — e.g. " + String.join("; ",
          examples.stream().limit(3).toList())));
    }
  }

  void put(String key, Object value) {
    if (value instanceof Map<?, ?> m) {
      JsonObject o = new JsonObject();
      m.forEach((k, v) -> o.put(String.valueOf(k), v));
      json.put(key, o);
    } else {
      json.put(key, value);
    }
  }

  String table() {
    return table.toString();
  }

  List<String> violations() {
    return violations;
  }

  JsonObject json() {
    return json.copy().put("rows", rows).put("violations", new JsonArray(violations));
  }
}
