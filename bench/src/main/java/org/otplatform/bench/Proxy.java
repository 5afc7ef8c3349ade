package org.otplatform.bench;

import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.otplatform.embedded.FreePorts;

/**
 * configurable-http-proxy, the proxy JupyterHub puts in front of its single-user servers, routing
 * every path (WebSocket upgrades included) to one target: the reference for the relay. Found at
 * {@code OT_BENCH_CHP} (its {@code bin/configurable-http-proxy}), which {@code bin/ot-bench} installs
 * from npm when it can.
 */
record Proxy(Process process, int port) implements AutoCloseable {

  /** The command that runs the proxy, or null when it is not installed. */
  static List<String> command() {
    String script = System.getenv("OT_BENCH_CHP");
    if (script == null || !Files.isRegularFile(Path.of(script))) {
      return null;
    }
    return List.of("node", script);
  }

  /** Why the proxy is not there. */
  static String missing() {
    String script = System.getenv("OT_BENCH_CHP");
    return script == null ? "OT_BENCH_CHP is not set (bin/ot-bench installs it with npm when npm is present)"
        : script + " does not exist";
  }

  /** Starts the proxy with every path routed to {@code 127.0.0.1:targetPort}; waits until it listens. */
  static Proxy start(List<String> command, int targetPort) throws Exception {
    int port = FreePorts.pick();
    List<String> line = new ArrayList<>(command);
    line.addAll(List.of("--ip", "127.0.0.1", "--port", Integer.toString(port), "--api-ip", "127.0.0.1",
        "--api-port", Integer.toString(FreePorts.pick()), "--default-target", "http://127.0.0.1:" + targetPort,
        "--log-level", "warn"));
    ProcessBuilder builder = new ProcessBuilder(line).redirectErrorStream(true)
        .redirectOutput(Files.createTempFile("ot-bench-chp", ".log").toFile());
    builder.environment().put("CONFIGPROXY_AUTH_TOKEN", UUID.randomUUID().toString());
    Process process = builder.start();
    Proxy proxy = new Proxy(process, port);
    try {
      BenchHttp.await(() -> process.isAlive() && listening(port), "configurable-http-proxy listening");
      return proxy;
    } catch (Exception e) {
      proxy.close();
      throw e;
    }
  }

  private static boolean listening(int port) {
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress("127.0.0.1", port), 500);
      return true;
    } catch (java.io.IOException e) {
      return false;
    }
  }

  @Override
  public void close() {
    process.destroy();
    try {
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        process.destroyForcibly();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      process.destroyForcibly();
    }
  }
}
