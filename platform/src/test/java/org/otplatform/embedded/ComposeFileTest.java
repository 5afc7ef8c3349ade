package org.otplatform.embedded;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.otplatform.common.catalog.Catalog;
import org.otplatform.common.config.Env;
import org.yaml.snakeyaml.Yaml;

/**
 * {@code deploy/compose/compose.yaml}, checked without a container engine: pinned images, the
 * platform's containers locked down (read-only, no capabilities, no privilege gain), secrets only
 * by reference, dependencies that exist, and each service's environment — as compose would
 * interpolate it and with its mounted files — a valid configuration of that service, listening on
 * the port the file publishes.
 */
class ComposeFileTest {
  private static final Path COMPOSE = Path.of("..", "deploy", "compose");
  private static final Map<String, Integer> PORTS = Map.of("gss", 8091, "auth", 8092, "lss", 8093, "relay", 8094,
      "logger", 8095);
  private static final Pattern VARIABLE = Pattern.compile("\\$\\{([A-Z_]+)(:\\?[^}]*|:-([^}]*))?}");

  @SuppressWarnings("unchecked")
  private static Map<String, Map<String, Object>> services() throws IOException {
    try (Reader reader = Files.newBufferedReader(COMPOSE.resolve("compose.yaml"))) {
      Map<String, Object> file = new Yaml().load(reader);
      return (Map<String, Map<String, Object>>) file.get("services");
    }
  }

  @Test
  void imagesArePinnedAndThePlatformsContainersAreLockedDown() throws IOException {
    services().forEach((name, service) -> {
      String image = (String) service.get("image");
      assertTrue(image.lastIndexOf(':') > image.lastIndexOf('/') && !image.endsWith(":latest"), name + ": " + image);
      if (PORTS.containsKey(name)) {
        assertEquals(Boolean.TRUE, service.get("read_only"), name + ": read-only");
        assertEquals(List.of("ALL"), service.get("cap_drop"), name + ": capabilities");
        assertEquals(List.of("no-new-privileges:true"), service.get("security_opt"), name);
        assertTrue(((List<?>) service.get("tmpfs")).contains("/tmp"), name + ": a writable /tmp");
      }
      Object dependsOn = service.get("depends_on");
      if (dependsOn != null) {
        ((Map<?, ?>) dependsOn).keySet().forEach(d -> assertTrue(isService(d), name + " depends on unknown " + d));
      }
    });
  }

  private static boolean isService(Object name) {
    try {
      return services().containsKey(name);
    } catch (IOException e) {
      throw new AssertionError(e);
    }
  }

  @Test
  @SuppressWarnings("unchecked")
  void secretsAreInterpolatedFromTheEnvFileNeverWritten() throws IOException {
    services().forEach((name, service) -> ((Map<String, Object>) service.getOrDefault("environment", Map.of()))
        .forEach((key, value) -> {
          if (key.matches(".*(PASSWORD|SECRET|TOKEN|MONGO_URI).*")) {
            assertTrue(String.valueOf(value).contains("${"), name + ": " + key + " must come from .env");
          }
        }));
    assertTrue(Files.readString(COMPOSE.resolve(".gitignore")).lines().anyMatch(".env"::equals));
  }

  @Test
  @SuppressWarnings("unchecked")
  void eachServiceReadsItsEnvironmentAsAValidConfigurationOnThePortItPublishes() throws IOException {
    Map<String, Map<String, Object>> services = services();
    for (var entry : PORTS.entrySet()) {
      String name = entry.getKey();
      Map<String, Object> service = services.get(name);
      Map<String, String> env = new HashMap<>();
      ((Map<String, Object>) service.get("environment")).forEach((k, v) -> env.put(k, interpolate(String.valueOf(v))));
      for (Object volume : (List<Object>) service.getOrDefault("volumes", List.of())) {
        String[] parts = String.valueOf(volume).split(":");
        if (parts[0].startsWith("./")) {
          Path host = COMPOSE.resolve(parts[0].substring(2));
          assertTrue(Files.exists(host), name + ": " + host);
          env.replaceAll((k, v) -> v.equals(parts[1]) ? host.toString() : v);
        }
      }
      int port = ServiceConfigs.port(name, new Env(env));
      assertEquals(entry.getValue(), port, name);
      assertEquals(List.of("${OT_" + name.toUpperCase() + "_PUBLISHED_PORT:-" + port + "}:" + port), service.get("ports"),
          name + ": published port, by default the same");
    }
    Map<String, Object> lss = services.get("lss");
    assertEquals(lss.get("hostname"), ((Map<String, Object>) lss.get("environment")).get("OT_LSS_COMPUTE_HOST"),
        "compute processes bind to the name the relay reaches the LSS container by");
    Catalog catalog = Catalog.parse(new JsonObject(Files.readString(COMPOSE.resolve("catalog.json"))), "compose");
    catalog.types().values().forEach(t -> t.services().forEach(s -> assertTrue(
        String.join(" ", s.command()).contains("${classpath}"), s.name() + " runs from OT_LSS_COMPUTE_CLASSPATH")));
    String init = ((List<Object>) services.get("mongodb").get("volumes")).stream().map(String::valueOf)
        .filter(v -> v.contains("create-app-user.js")).findFirst().orElseThrow().split(":")[0];
    assertTrue(Files.exists(COMPOSE.resolve(init)), "MongoDB's init script " + init);
  }

  /** {@code ${NAME:?message}} as compose fills it from {@code .env}: any value will do here. */
  private static String interpolate(String value) {
    Matcher m = VARIABLE.matcher(value);
    StringBuilder out = new StringBuilder();
    while (m.find()) {
      // As make-env.sh writes them: long random strings, and for a key 32 random bytes in base64.
      if (m.group(3) != null) { // ${NAME:-default}: unset here, so the default
        m.appendReplacement(out, Matcher.quoteReplacement(m.group(3)));
        continue;
      }
      String fake = m.group(1).endsWith("_KEY") ? java.util.Base64.getEncoder().encodeToString(new byte[32])
          : "Q7wL9" + m.group(1).toLowerCase().replace("_", "") + "k2R8zT4m";
      m.appendReplacement(out, Matcher.quoteReplacement(fake));
    }
    m.appendTail(out);
    assertNotNull(out);
    return out.toString();
  }
}
