package org.otplatform.common.catalog;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Reads a session type's {@code profiles}; every problem is named with its profile and field. */
final class ProfileParser {
  private static final Set<String> FIELDS = Set.of("description", "resources", "nodeSelector", "tolerations",
      "affinity", "imagePullSecrets", "env", "groups", "pool", "warm");
  private static final Set<String> OPERATORS = Set.of("Equal", "Exists");
  private static final Set<String> EFFECTS = Set.of("NoSchedule", "PreferNoSchedule", "NoExecute");
  private static final Set<String> AFFINITIES = Set.of("nodeAffinity", "podAffinity", "podAntiAffinity");
  /** A Kubernetes name: a DNS-1123 subdomain (secrets), or a label key with an optional prefix. */
  private static final String DNS_NAME = "[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?";
  private static final String LABEL_KEY = "([a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?/)?[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?";
  private static final String LABEL_VALUE = "([A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?)?";

  private ProfileParser() {}

  /** The profiles of {@code json} ({@code profiles}: an object by name), in their order. */
  static Map<String, Profile> parse(JsonObject json, String where, List<String> problems) {
    Map<String, Profile> result = new LinkedHashMap<>();
    Object value = json.getValue("profiles");
    if (value == null) {
      return result;
    }
    if (!(value instanceof JsonObject profiles)) {
      problems.add(where + ": profiles must be an object of profiles by name");
      return result;
    }
    for (String name : profiles.fieldNames()) {
      String at = where + ", profile '" + name + "'";
      if (!name.matches("[a-z][a-z0-9-]{0,30}")) {
        problems.add(at + ": a profile's name must match [a-z][a-z0-9-]{0,30}");
        continue;
      }
      if (!(profiles.getValue(name) instanceof JsonObject p)) {
        problems.add(at + " must be an object");
        continue;
      }
      p.fieldNames().stream().filter(f -> !FIELDS.contains(f)).sorted()
          .forEach(f -> problems.add(at + ": unknown field '" + f + "' (known: " + String.join(", ",
              FIELDS.stream().sorted().toList()) + ")"));
      result.put(name, profile(name, p, at, problems));
    }
    return result;
  }

  private static Profile profile(String name, JsonObject p, String at, List<String> problems) {
    Object description = p.getValue("description", "");
    if (!(description instanceof String)) {
      problems.add(at + ": description must be a string");
      description = "";
    }
    ServiceSpec.Resources resources = Catalog.resources(p.getJsonObject("resources", new JsonObject()), at, problems);
    Placement placement = new Placement(
        strings(p, "nodeSelector", at, problems, LABEL_KEY, LABEL_VALUE),
        tolerations(p.getValue("tolerations"), at, problems),
        affinity(p.getValue("affinity"), at, problems),
        list(p, "imagePullSecrets", at, problems, DNS_NAME));
    Map<String, String> env = strings(p, "env", at, problems, "[A-Za-z_][A-Za-z0-9_]*", ".*");
    Set<String> groups = new HashSet<>(list(p, "groups", at, problems, ".{1,64}"));
    Integer warm = null;
    if (p.containsKey("warm")) {
      warm = Catalog.warm(p, at, problems);
    }
    return new Profile(name, (String) description, resources, placement, env, groups,
        Pools.parse(p.getValue("pool"), at, problems), warm);
  }

  private static Map<String, String> strings(JsonObject p, String field, String at, List<String> problems,
      String keyPattern, String valuePattern) {
    Map<String, String> result = new HashMap<>();
    Object value = p.getValue(field);
    if (value == null) {
      return result;
    }
    if (!(value instanceof JsonObject object)) {
      problems.add(at + ": " + field + " must be an object of strings");
      return result;
    }
    object.forEach(e -> {
      if (!(e.getValue() instanceof String v) || !e.getKey().matches(keyPattern) || !v.matches(valuePattern)) {
        problems.add(at + ": " + field + "." + e.getKey() + " is not a valid entry: " + e.getValue());
      } else {
        result.put(e.getKey(), v);
      }
    });
    return result;
  }

  private static List<String> list(JsonObject p, String field, String at, List<String> problems, String pattern) {
    List<String> result = new ArrayList<>();
    Object value = p.getValue(field);
    if (value == null) {
      return result;
    }
    if (!(value instanceof JsonArray array)) {
      problems.add(at + ": " + field + " must be an array of strings");
      return result;
    }
    array.forEach(v -> {
      if (!(v instanceof String s) || !s.matches(pattern)) {
        problems.add(at + ": " + field + " has an invalid entry: " + v);
      } else {
        result.add(s);
      }
    });
    return result;
  }

  private static List<Placement.Toleration> tolerations(Object value, String at, List<String> problems) {
    List<Placement.Toleration> result = new ArrayList<>();
    if (value == null) {
      return result;
    }
    if (!(value instanceof JsonArray array)) {
      problems.add(at + ": tolerations must be an array");
      return result;
    }
    for (int i = 0; i < array.size(); i++) {
      String t = at + ": tolerations[" + i + "]";
      if (!(array.getValue(i) instanceof JsonObject o)) {
        problems.add(t + " must be an object");
        continue;
      }
      String operator = o.getString("operator", "Equal");
      String effect = o.getString("effect");
      Object seconds = o.getValue("tolerationSeconds");
      if (!OPERATORS.contains(operator)) {
        problems.add(t + ": operator must be Equal or Exists, got " + operator);
      }
      if (effect != null && !EFFECTS.contains(effect)) {
        problems.add(t + ": effect must be NoSchedule, PreferNoSchedule or NoExecute, got " + effect);
      }
      if (seconds != null && !(seconds instanceof Integer || seconds instanceof Long)) {
        problems.add(t + ": tolerationSeconds must be an integer");
        seconds = null;
      }
      if ("Exists".equals(operator) && o.getString("value") != null) {
        problems.add(t + ": an Exists toleration has no value");
      }
      if (o.getString("key") == null && !"Exists".equals(operator)) {
        problems.add(t + ": without a key the operator must be Exists");
      }
      result.add(new Placement.Toleration(o.getString("key"), operator, o.getString("value"), effect,
          seconds == null ? null : ((Number) seconds).longValue()));
    }
    return result;
  }

  private static JsonObject affinity(Object value, String at, List<String> problems) {
    if (value == null) {
      return new JsonObject();
    }
    if (!(value instanceof JsonObject affinity)) {
      problems.add(at + ": affinity must be an object");
      return new JsonObject();
    }
    affinity.fieldNames().stream().filter(f -> !AFFINITIES.contains(f) || !(affinity.getValue(f) instanceof JsonObject))
        .sorted().forEach(f -> problems.add(at + ": affinity." + f + " must be one of nodeAffinity, podAffinity, "
            + "podAntiAffinity, an object"));
    return affinity;
  }
}
