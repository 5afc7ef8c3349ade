package org.otplatform.bench;

import io.vertx.core.json.JsonArray;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.otplatform.embedded.FreePorts;

/**
 * The container images (deploy/build-images.sh, podman): each service's image from {@code podman
 * run} to {@code /health/ready}, beside the same jar started on the host as the image starts it
 * ({@code java -XX:MaxRAMPercentage=75 -XX:+ExitOnOutOfMemoryError -jar}), against one broker and
 * one store on loopback; the containers share the host's network (a container network would add
 * its own address translation to the figure); and each image's size. Run with
 * {@code bin/ot-bench images}; needs podman (and root, for the base image). At size tiny only AUTH.
 */
final class ImagesBench {
  private static final List<String> SERVICES = List.of("auth", "gss", "lss", "relay", "logger");
  private static final String TAG = "0.1.0";

  private ImagesBench() {}

  static List<Row> measure(BenchSuite.Context context) throws Exception {
    Path root = context.brokerLib().toAbsolutePath().getParent().getParent().getParent();
    Map<String, String> podmanEnv = new LinkedHashMap<>();
    if (System.getenv("CONTAINERS_CONF") == null && new File("/usr/sbin/runc").canExecute()) {
      podmanEnv.put("CONTAINERS_CONF", root.resolve("deploy/images/containers.conf").toString());
    }
    run(List.of("env", "OT_SKIP_BUILD=1", root.resolve("deploy/build-images.sh").toString(), TAG), podmanEnv, 600);
    List<String> services = context.size().tiny() ? List.of("auth") : SERVICES;
    int runs = context.size().runs(3);
    Map<String, List<Double>> container = new LinkedHashMap<>();
    Map<String, List<Double>> host = new LinkedHashMap<>();
    services.forEach(s -> {
      container.put(s, new ArrayList<>());
      host.put(s, new ArrayList<>());
    });
    String kek = java.util.Base64.getEncoder().encodeToString(new byte[32]);
    try (ServiceProcesses processes = new ServiceProcesses(context.brokerLib())) {
      for (int i = 0; i < runs; i++) {
        for (boolean inContainer : new boolean[] {false, true}) {
          List<AutoCloseable> started = new ArrayList<>();
          try {
            Map<String, String> env = new LinkedHashMap<>(processes.baseEnv());
            env.put("OT_AUTH_KEY_ENCRYPTION_KEY", kek);
            env.put("OT_LSS_MODE", "local");
            for (String name : services) {
              int port = FreePorts.pick();
              Map<String, String> own = new LinkedHashMap<>(env);
              own.put("OT_" + name.toUpperCase(Locale.ROOT) + "_PORT", Integer.toString(port));
              own.put("OT_INSTANCE_ID", name + "-bench-" + i + (inContainer ? "c" : "h"));
              long t0 = System.nanoTime();
              AutoCloseable service = inContainer ? startContainer(name, own, podmanEnv) : startJar(root, name, own);
              started.add(service);
              String url = "http://127.0.0.1:" + port;
              BenchHttp.await(() -> BenchHttp.status(url + "/health/ready") == 200, name + " ready");
              (inContainer ? container : host).get(name).add((System.nanoTime() - t0) / 1e6);
              if (name.equals("auth")) {
                env.put("OT_AUTH_URL", url);
              } else if (name.equals("gss")) {
                env.put("OT_GSS_URL", url);
              }
            }
          } finally {
            for (AutoCloseable s : started) {
              s.close();
            }
          }
        }
      }
    }
    List<Row> rows = new ArrayList<>();
    for (String name : services) {
      rows.add(new Row("images", name + ": podman run -> /health/ready", "ms", container.get(name),
          "the same jar on the host: java -jar -> ready", host.get(name)));
    }
    for (String name : List.of("base", "auth", "gss", "lss", "relay", "logger", "compute", "broker", "store")) {
      String out = run(List.of("podman", "image", "inspect", "localhost/ot-platform/" + name + ":" + TAG), podmanEnv, 60);
      double size = new JsonArray(out).getJsonObject(0).getLong("Size") / 1e6;
      rows.add(Row.of("images", name + " image size (podman, uncompressed)", "MB", List.of(size)));
    }
    return rows;
  }

  private static AutoCloseable startJar(Path root, String name, Map<String, String> env) throws Exception {
    Path jar;
    try (var files = Files.list(root.resolve(name + "/target"))) {
      jar = files.filter(p -> p.getFileName().toString().matches("ot-" + name + "-.*[^s]\\.jar")).findFirst()
          .orElseThrow(() -> new IllegalStateException("no built jar of " + name));
    }
    ProcessBuilder builder = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-XX:MaxRAMPercentage=75", "-XX:+ExitOnOutOfMemoryError", "-jar", jar.toString())
        .redirectErrorStream(true).redirectOutput(Files.createTempFile("ot-bench-host-" + name, ".log").toFile());
    builder.environment().putAll(env);
    Process process = builder.start();
    return () -> {
      process.destroy();
      if (!process.waitFor(30, TimeUnit.SECONDS)) {
        process.destroyForcibly();
      }
    };
  }

  private static AutoCloseable startContainer(String name, Map<String, String> env, Map<String, String> podmanEnv)
      throws Exception {
    String container = "ot-bench-" + name + "-" + System.nanoTime();
    List<String> command = new ArrayList<>(List.of("podman", "run", "-d", "--rm", "--name", container,
        "--network", "host", "--read-only", "--tmpfs", "/tmp", "--cap-drop", "ALL"));
    env.forEach((k, v) -> command.addAll(List.of("-e", k + "=" + v)));
    command.add("localhost/ot-platform/" + name + ":" + TAG);
    run(command, podmanEnv, 60);
    return () -> run(List.of("podman", "rm", "-f", "-t", "10", container), podmanEnv, 60);
  }

  private static String run(List<String> command, Map<String, String> env, int timeoutSeconds) throws Exception {
    Path out = Files.createTempFile("ot-bench-podman", ".out");
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(out.toFile())
        .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
    builder.environment().putAll(env);
    Process process = builder.start();
    if (!process.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      throw new IllegalStateException(String.join(" ", command) + " did not end within " + timeoutSeconds + " s");
    }
    String output = Files.readString(out);
    Files.delete(out);
    if (process.exitValue() != 0) {
      throw new IllegalStateException(String.join(" ", command.subList(0, 3)) + " failed (exit "
          + process.exitValue() + "): " + output);
    }
    return output;
  }
}
