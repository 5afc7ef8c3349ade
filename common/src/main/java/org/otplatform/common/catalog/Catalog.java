package org.otplatform.common.catalog;

import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.otplatform.common.config.ConfigException;

/**
 * The service catalog: session types and their compute services. Read from a JSON file
 * ({@code OT_CATALOG}, e.g. a mounted ConfigMap) or the built-in {@code catalog.json}; every
 * problem is reported with the entry it is in.
 */
public record Catalog(String defaultType, Map<String, SessionType> types) {
  private static final String BUILT_IN = "/catalog.json";

  public Optional<SessionType> type(String name) {
    return Optional.ofNullable(types.get(name));
  }

  /** The LSS pools the catalog's sessions need — its types' and profiles' — and the default, sorted. */
  public java.util.SortedSet<String> pools() {
    java.util.SortedSet<String> pools = new java.util.TreeSet<>(java.util.List.of(Pools.DEFAULT));
    for (SessionType type : types.values()) {
      pools.add(type.pool());
      type.profiles().keySet().forEach(profile -> pools.add(type.poolFor(profile)));
    }
    return java.util.Collections.unmodifiableSortedSet(pools);
  }

  /**
   * The catalog named by {@code OT_CATALOG}, or the built-in one; problems are recorded on
   * {@code env} (so they are reported with the service's other configuration problems).
   */
  public static Catalog fromEnv(org.otplatform.common.config.Env env) {
    try {
      return load(env.optional("OT_CATALOG").orElse(null));
    } catch (ConfigException e) {
      e.problems().forEach(p -> env.problem("OT_CATALOG: " + p));
      return null;
    }
  }

  /** Loads the catalog file at {@code path}, or the built-in one when {@code path} is null. */
  public static Catalog load(String path) {
    String text;
    String source = path == null ? "built-in catalog" : "catalog " + path;
    try {
      if (path == null) {
        try (InputStream in = Catalog.class.getResourceAsStream(BUILT_IN)) {
          text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
      } else {
        text = Files.readString(Path.of(path));
      }
    } catch (IOException | NullPointerException e) {
      throw new ConfigException("cannot read " + source + ": " + e.getMessage());
    }
    try {
      return parse(new JsonObject(text), source);
    } catch (DecodeException e) {
      throw new ConfigException(source + " is not valid JSON: " + e.getMessage());
    }
  }

  public static Catalog parse(JsonObject json, String source) {
    List<String> problems = new ArrayList<>();
    Map<String, SessionType> types = new LinkedHashMap<>();
    JsonObject typesJson = json.getJsonObject("types");
    if (typesJson == null || typesJson.isEmpty()) {
      throw new ConfigException(source + ": 'types' must be a non-empty object");
    }
    for (String typeName : typesJson.fieldNames()) {
      String where = source + ": type '" + typeName + "'";
      Object value = typesJson.getValue(typeName);
      if (!(value instanceof JsonObject typeJson)) {
        problems.add(where + " must be an object");
        continue;
      }
      types.put(typeName, parseType(typeName, typeJson, where, problems));
    }
    String defaultType = json.getString("defaultType", types.keySet().iterator().next());
    if (!types.containsKey(defaultType)) {
      problems.add(source + ": defaultType '" + defaultType + "' is not a type");
    }
    if (!problems.isEmpty()) {
      throw new ConfigException(problems);
    }
    return new Catalog(defaultType, Map.copyOf(types));
  }

  private static SessionType parseType(String name, JsonObject json, String where, List<String> problems) {
    int maxOpen = integer(json, "maxOpenPerProject", 1, where, problems);
    if (maxOpen < 1) {
      problems.add(where + ": maxOpenPerProject must be at least 1");
    }
    JsonArray services = json.getJsonArray("services");
    List<ServiceSpec> specs = new ArrayList<>();
    if (services == null || services.isEmpty()) {
      problems.add(where + ": 'services' must be a non-empty array");
      return new SessionType(name, maxOpen, specs, Duration.ofSeconds(60), SessionType.DEFAULT_IDLE_TIMEOUT, Map.of(),
          null, null, null, 0);
    }
    Set<String> names = new HashSet<>();
    for (int i = 0; i < services.size(); i++) {
      String at = where + ", service #" + (i + 1);
      if (!(services.getValue(i) instanceof JsonObject s)) {
        problems.add(at + " must be an object");
        continue;
      }
      String serviceName = s.getString("name");
      if (serviceName == null || !serviceName.matches("[a-z][a-z0-9-]{0,30}")) {
        problems.add(at + ": 'name' must match [a-z][a-z0-9-]{0,30}");
        continue;
      }
      at = where + ", service '" + serviceName + "'";
      if (!names.add(serviceName)) {
        problems.add(at + " is listed twice");
      }
      specs.add(parseService(serviceName, s, at, problems));
    }
    int grace = integer(json, "schedulingGraceSeconds", (int) ServiceSpec.DEFAULT_SCHEDULING_GRACE.toSeconds(), where,
        problems);
    if (grace < 0) {
      problems.add(where + ": schedulingGraceSeconds must be 0 (fail at once) or more");
    }
    specs.replaceAll(spec -> spec.withSchedulingGrace(Duration.ofSeconds(Math.max(grace, 0))));
    // A pod may wait out its grace before its start timeout runs; a process (no image) never waits.
    Duration longestStart = specs.stream()
        .map(s -> s.image() == null ? s.startTimeout() : s.startTimeout().plus(s.schedulingGrace()))
        .max(Duration::compareTo).orElse(Duration.ofSeconds(60));
    Duration openTimeout = json.containsKey("openTimeoutSeconds")
        ? Duration.ofSeconds(integer(json, "openTimeoutSeconds", 0, where, problems)) : longestStart.plusSeconds(30);
    if (openTimeout.isZero() || openTimeout.isNegative()) {
      problems.add(where + ": openTimeoutSeconds must be at least 1");
    }
    int idle = integer(json, "idleTimeoutSeconds", (int) SessionType.DEFAULT_IDLE_TIMEOUT.toSeconds(), where, problems);
    if (idle < 0) {
      problems.add(where + ": idleTimeoutSeconds must be 0 (never) or more");
    }
    Map<String, Profile> profiles = ProfileParser.parse(json, where, problems);
    String defaultProfile = json.getString("defaultProfile", profiles.isEmpty() ? null : profiles.keySet().iterator().next());
    if (defaultProfile != null && !profiles.containsKey(defaultProfile)) {
      problems.add(where + ": defaultProfile '" + defaultProfile + "' is not one of its profiles");
    }
    Storage storage = Storage.parse(json, where, problems);
    int warm = warm(json, where, problems);
    if (storage != null && (warm > 0 || profiles.values().stream().anyMatch(p -> p.warm() != null && p.warm() > 0))) {
      problems.add(where + ": warm instances cannot be kept for a type with storage (each mounts its project's "
          + "volume, known only at the open)");
    }
    return new SessionType(name, maxOpen, List.copyOf(specs), openTimeout, Duration.ofSeconds(Math.max(idle, 0)),
        profiles, defaultProfile, storage, Pools.parse(json.getValue("pool"), where, problems), warm);
  }

  /** The most warm instances of one service a catalog may ask an LSS to keep. */
  public static final int MAX_WARM = 32;

  /** {@code warm}: 0 (none, the default) to {@link #MAX_WARM}. */
  static int warm(JsonObject json, String at, List<String> problems) {
    int warm = integer(json, "warm", 0, at, problems);
    if (warm < 0 || warm > MAX_WARM) {
      problems.add(at + ": warm must be between 0 and " + MAX_WARM + ", got " + warm);
      return 0;
    }
    return warm;
  }

  private static ServiceSpec parseService(String name, JsonObject s, String at, List<String> problems) {
    List<String> command = new ArrayList<>();
    JsonArray cmd = s.getJsonArray("command", new JsonArray());
    cmd.forEach(c -> command.add(String.valueOf(c)));
    String image = s.getString("image");
    if (command.isEmpty() && image == null) {
      problems.add(at + ": needs a 'command' (local mode) or an 'image' (cluster mode)");
    }
    Map<String, String> env = new HashMap<>();
    s.getJsonObject("env", new JsonObject()).forEach(e -> env.put(e.getKey(), String.valueOf(e.getValue())));
    int timeout = integer(s, "startTimeoutSeconds", 60, at, problems);
    if (timeout < 1) {
      problems.add(at + ": startTimeoutSeconds must be at least 1");
    }
    int port = integer(s, "port", 8080, at, problems);
    if (port < 1 || port > 65535) {
      problems.add(at + ": port must be between 1 and 65535");
    }
    int restartLimit = integer(s, "restartLimit", ServiceSpec.DEFAULT_RESTART_LIMIT, at, problems);
    if (restartLimit < 0 || restartLimit > 100) {
      problems.add(at + ": restartLimit must be between 0 and 100");
    }
    Object readiness = s.getValue("readinessPath", ServiceSpec.DEFAULT_READINESS_PATH);
    if (!(readiness instanceof String path) || !path.matches("/[A-Za-z0-9/._~-]*")) {
      problems.add(at + ": readinessPath must be an absolute URL path, got " + readiness);
      readiness = ServiceSpec.DEFAULT_READINESS_PATH;
    }
    return new ServiceSpec(name, List.copyOf(command), image, Map.copyOf(env), s.getBoolean("mandatory", true),
        Duration.ofSeconds(timeout), port, resources(s.getJsonObject("resources"), at, problems), restartLimit,
        (String) readiness, ServiceSpec.DEFAULT_SCHEDULING_GRACE, Placement.NONE);
  }

  /** An integer field; anything else is a problem named with its entry (not a ClassCastException). */
  private static int integer(JsonObject json, String field, int defaultValue, String at, List<String> problems) {
    Object value = json.getValue(field);
    if (value == null) {
      return defaultValue;
    }
    if (value instanceof Integer || value instanceof Long) {
      return ((Number) value).intValue();
    }
    problems.add(at + ": " + field + " must be an integer, got " + value);
    return defaultValue;
  }

  static ServiceSpec.Resources resources(JsonObject json, String at, List<String> problems) {
    if (json == null) {
      return ServiceSpec.Resources.DEFAULT;
    }
    return new ServiceSpec.Resources(quantities(json.getJsonObject("requests"), at + ": resources.requests", problems),
        quantities(json.getJsonObject("limits"), at + ": resources.limits", problems));
  }

  private static Map<String, String> quantities(JsonObject json, String at, List<String> problems) {
    Map<String, String> result = new HashMap<>();
    if (json == null) {
      return result;
    }
    json.forEach(e -> {
      String value = String.valueOf(e.getValue());
      if (!value.matches("[0-9]+(\\.[0-9]+)?(m|k|Ki|M|Mi|G|Gi|T|Ti)?")) {
        problems.add(at + "." + e.getKey() + " is not a quantity: '" + value + "'");
      }
      result.put(e.getKey(), value);
    });
    return Map.copyOf(result);
  }
}
