package org.otplatform.embedded;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonArray;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The services' Containerfile (one for the five, the service a build argument) and the compute
 * service's, checked without an image builder (ImagesTest in {@code images} builds and runs them): the entrypoint in JSON-array
 * form (the thesis' containerd pitfall) with the service as PID 1, a numeric non-root user, a
 * pinned base image, sources that the build produced — and its entrypoint run here the same way,
 * from the built jar and its libraries: with a bad {@code OT_KAFKA_BOOTSTRAP} the service must
 * start and refuse it with exit code 78, which shows that jar, class path and main class are right.
 */
@Timeout(120)
class ContainerfilesTest {
  private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();

  @ParameterizedTest
  @ValueSource(strings = {"auth", "gss", "lss", "relay", "logger"})
  void theImageRunsTheServiceAsBuilt(String service) throws Exception {
    List<String> lines = Files.readAllLines(ROOT.resolve("deploy/images/service/Containerfile"));
    assertEquals("${BASE}", instruction(lines, "FROM"), "the base is a build argument");
    String base = instruction(lines, "ARG BASE=");
    assertTrue(base.matches("\\S+:[0-9][\\w.-]*"), "a pinned base image, not latest: " + base);
    String user = instruction(lines, "USER");
    assertTrue(user.matches("[1-9][0-9]*(:[1-9][0-9]*)?"), "a numeric non-root user: " + user);
    JsonArray entrypoint = new JsonArray(instruction(lines, "ENTRYPOINT"));
    assertEquals("java", entrypoint.getString(0), "the JVM is PID 1, no shell in between");
    assertEquals("/app/service.jar", entrypoint.getString(entrypoint.size() - 1));
    assertFalse(lines.stream().anyMatch(l -> l.startsWith("CMD") && !l.contains("[")), "CMD in JSON form too");

    Path jar = built(service);
    assertTrue(Files.isDirectory(ROOT.resolve(service + "/target/lib")), "the image's lib/ was built");
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    for (int i = 1; i < entrypoint.size() - 1; i++) {
      command.add(entrypoint.getString(i));
    }
    command.add(jar.toString());
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
    builder.environment().put("OT_KAFKA_BOOTSTRAP", "not-a-bootstrap");
    builder.environment().put("OT_LOG_TO_KAFKA", "false");
    builder.environment().put("OT_LOG_FORMAT", "json"); // the images' default
    Process process = builder.start();
    try {
      assertTrue(process.waitFor(90, TimeUnit.SECONDS), service + " did not exit");
      String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertEquals(78, process.exitValue(), output);
      assertTrue(output.contains("OT_KAFKA_BOOTSTRAP"), "the problem is named: " + output);
      // A log collector reads the container's output as JSON lines: nothing else may be there.
      for (String line : output.split("\n")) {
        if (!line.isBlank()) {
          new io.vertx.core.json.JsonObject(line);
        }
      }
    } finally {
      process.destroyForcibly();
    }
  }

  @org.junit.jupiter.api.Test
  void theComputeImageRunsTheKrigingServiceAsBuilt() throws Exception {
    List<String> lines = Files.readAllLines(ROOT.resolve("deploy/images/compute/Containerfile"));
    assertTrue(instruction(lines, "USER").matches("[1-9][0-9]*(:[1-9][0-9]*)?"));
    JsonArray entrypoint = new JsonArray(instruction(lines, "ENTRYPOINT"));
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    for (int i = 1; i < entrypoint.size() - 1; i++) {
      command.add(entrypoint.getString(i));
    }
    command.add(built("compute").toString());
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
    builder.environment().put("OT_PORT", "0");
    builder.environment().put("OT_BIND_HOST", "127.0.0.1");
    Process process = builder.start();
    try (var reader = new java.io.BufferedReader(new java.io.InputStreamReader(process.getInputStream(),
        StandardCharsets.UTF_8))) {
      List<String> seen = new ArrayList<>();
      String line;
      while ((line = reader.readLine()) != null && !line.startsWith("OT-LISTENING ")) {
        seen.add(line);
      }
      assertNotNull(line, "the kriging service did not listen: " + seen);
      assertTrue(seen.stream().noneMatch(l -> l.contains(" DEBUG ")), "logs at INFO, as configured: " + seen);
    } finally {
      process.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
    }
  }

  /** The value of the first instruction {@code name}. */
  private static String instruction(List<String> lines, String name) {
    String prefix = name.endsWith("=") ? name : name + " ";
    String line = lines.stream().filter(l -> l.startsWith(prefix)).findFirst().orElse(null);
    assertNotNull(line, "no " + name);
    return line.substring(prefix.length()).trim();
  }

  /** The module's built jar, which the Containerfile's COPY picks up. */
  private static Path built(String service) throws IOException {
    try (DirectoryStream<Path> jars = Files.newDirectoryStream(ROOT.resolve(service + "/target"),
        "ot-" + service + "-*.jar")) {
      for (Path jar : jars) {
        if (!jar.toString().endsWith("-tests.jar")) {
          return jar;
        }
      }
    }
    throw new AssertionError("no built jar of " + service + " under " + service + "/target");
  }
}
