package org.otplatform.embedded;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.otplatform.common.ExitCodes;

/** Each service and the launcher, run as real processes, exit with the documented code and say why. */
@Timeout(120)
class ExitCodesTest {

  record Outcome(int code, String output) {}

  private static Outcome run(String mainClass, Map<String, String> env, String... args) throws Exception {
    List<String> command = new ArrayList<>(List.of(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-cp", System.getProperty("java.class.path"), mainClass));
    command.addAll(List.of(args));
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
    builder.environment().keySet().removeIf(k -> k.startsWith("OT_"));
    builder.environment().putAll(env);
    Process p = builder.start();
    try {
      if (!p.waitFor(90, TimeUnit.SECONDS)) {
        throw new AssertionError(mainClass + " did not exit");
      }
      return new Outcome(p.exitValue(), new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
    } finally {
      p.destroyForcibly();
    }
  }

  @Test
  void badConfigurationExits78NamingTheVariable() throws Exception {
    Outcome o = run("org.otplatform.gss.GssMain", Map.of("OT_GSS_PORT", "eighty", "OT_AUTH_URL", "nowhere"));
    assertEquals(ExitCodes.CONFIG, o.code(), o.output());
    assertTrue(o.output().contains("OT_GSS_PORT") && o.output().contains("OT_AUTH_URL"), o.output());

    o = run("org.otplatform.auth.AuthMain", Map.of("OT_ADMIN_PASSWORD", "short"));
    assertEquals(ExitCodes.CONFIG, o.code(), o.output());
    assertTrue(o.output().contains("OT_ADMIN_PASSWORD"), o.output());

    o = run("org.otplatform.lss.LssMain", Map.of("OT_LSS_POOL", "GPU nodes", "OT_LSS_PORT", "0"));
    assertEquals(ExitCodes.CONFIG, o.code(), o.output());
    assertTrue(o.output().contains("OT_LSS_POOL must match"), o.output());
  }

  @Test
  void unreachableDependenciesExit69() throws Exception {
    int closedPort = FreePorts.pick();
    Outcome o = run("org.otplatform.lss.LssMain", Map.of("OT_KAFKA_BOOTSTRAP", "127.0.0.1:" + closedPort,
        "OT_STARTUP_TIMEOUT_SECONDS", "2", "OT_LOG_TO_KAFKA", "false", "OT_LSS_PORT", "0"));
    assertEquals(ExitCodes.DEPENDENCY_UNAVAILABLE, o.code(), o.output());
    assertTrue(o.output().contains("cannot reach Kafka"), o.output());

    o = run("org.otplatform.logger.LoggerMain", Map.of("OT_MONGO_URI", "mongodb://127.0.0.1:" + closedPort,
        "OT_STARTUP_TIMEOUT_SECONDS", "2", "OT_LOG_TO_KAFKA", "false", "OT_LOGGER_PORT", "0"));
    assertEquals(ExitCodes.DEPENDENCY_UNAVAILABLE, o.code(), o.output());
    assertTrue(o.output().contains("cannot reach MongoDB"), o.output());
  }

  @Test
  void embeddedPlatformWithABusyPortExits73() throws Exception {
    try (ServerSocket busy = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      Outcome o = run("org.otplatform.embedded.EmbeddedMain",
          Map.of("OT_GSS_PORT", Integer.toString(busy.getLocalPort()), "OT_KAFKA_PORT", "0",
              "OT_KAFKA_CONTROLLER_PORT", "0", "OT_MONGO_PORT", "0", "OT_AUTH_PORT", "0", "OT_LSS_PORT", "0",
              "OT_RELAY_PORT", "0", "OT_LOGGER_PORT", "0"),
          "--data-dir", System.getProperty("java.io.tmpdir") + "/ot-exit-test");
      assertEquals(ExitCodes.CANNOT_BIND, o.code(), o.output());
      assertTrue(o.output().contains("GSS port " + busy.getLocalPort()), o.output());
    } catch (IOException e) {
      throw new AssertionError(e);
    }
  }
}
