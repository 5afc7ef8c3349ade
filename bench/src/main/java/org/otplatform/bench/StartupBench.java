package org.otplatform.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.otplatform.embedded.EmbeddedPlatform;

/**
 * Start-up: each service in a JVM of its own, from {@code java} to {@code /health/ready} answering
 * 200 (Kafka and the store already up, as in a cluster), next to a bare Vert.x server's start; the
 * whole embedded platform ({@code ot-platform}, broker included) to every service ready; memory of
 * each at idle (heap after a full collection, resident set). Run with {@code bin/ot-bench startup}.
 */
public final class StartupBench {
  private static final double MIB = 1024 * 1024;
  private static final List<String> SERVICES = List.of("auth", "gss", "lss", "relay", "logger");

  private StartupBench() {}

  public static void main(String[] args) {
    BenchSuite.main(new String[] {"startup"});
  }

  static List<Row> measure(BenchSuite.Context context) throws Exception {
    List<Double> reference = new ArrayList<>();
    Map<String, List<Double>> ready = new LinkedHashMap<>();
    Map<String, List<Double>> heap = new LinkedHashMap<>();
    Map<String, List<Double>> rss = new LinkedHashMap<>();
    SERVICES.forEach(s -> {
      ready.put(s, new ArrayList<>());
      heap.put(s, new ArrayList<>());
      rss.put(s, new ArrayList<>());
    });
    int runs = context.size().runs(3);
    try (ServiceProcesses processes = new ServiceProcesses(context.brokerLib())) {
      for (int run = 0; run < runs; run++) {
        try (ServiceProcesses.Service hello = processes.startMain("hello", HelloServer.class.getName(), Map.of(),
            List.of())) {
          reference.add(hello.awaitReady());
        }
        List<ServiceProcesses.Service> started = new ArrayList<>();
        try {
          Map<String, String> env = new LinkedHashMap<>();
          for (String name : SERVICES) {
            // One at a time, each after those it needs (AUTH's keys, the GSS for relay and logger).
            ServiceProcesses.Service s = processes.start(name, env, List.of());
            started.add(s);
            ready.get(name).add(s.awaitReady());
            heap.get(name).add(JvmMemory.heapAfterGc(s.process().pid(), BenchHttp.HTTP, s.url()) / MIB);
            rss.get(name).add(JvmMemory.rss(s.process().pid()) / MIB);
            if (name.equals("auth")) {
              env.put("OT_AUTH_URL", s.url());
            } else if (name.equals("gss")) {
              env.put("OT_GSS_URL", s.url());
            }
          }
        } finally {
          started.forEach(ServiceProcesses.Service::close);
        }
      }
    }
    List<Row> rows = new ArrayList<>();
    for (String name : SERVICES) {
      rows.add(new Row("startup", name + ": java -> /health/ready", "ms", ready.get(name),
          "bare Vert.x HTTP server: java -> 200", reference));
    }
    rows.addAll(embedded(context.brokerLib(), reference, runs));
    for (String name : SERVICES) {
      rows.add(Row.of("startup", name + " at idle: heap after GC", "MiB", heap.get(name)));
      rows.add(Row.of("startup", name + " at idle: resident set", "MiB", rss.get(name)));
    }
    return rows;
  }

  /** {@code ot-platform} as a user runs it, to every service ready; its memory with the broker's. */
  private static List<Row> embedded(Path brokerLib, List<Double> reference, int runs) throws Exception {
    List<Double> ready = new ArrayList<>();
    List<Double> rss = new ArrayList<>();
    List<Double> heap = new ArrayList<>();
    for (int run = 0; run < runs; run++) {
      EmbeddedPlatform.Ports ports = EmbeddedPlatform.Ports.free();
      List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
          "-cp", System.getProperty("java.class.path"), "org.otplatform.embedded.EmbeddedMain",
          "--data-dir", Files.createTempDirectory("ot-bench-data").toString(), "--broker-lib", brokerLib.toString()));
      ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
          .redirectOutput(Files.createTempFile("ot-bench-platform", ".log").toFile());
      Map<String, String> env = builder.environment();
      env.put("OT_ADMIN_PASSWORD", BenchHttp.PASSWORD);
      env.put("OT_LOG_LEVEL", "WARN");
      env.put("OT_LOG_FORMAT", "text");
      env.put("OT_KAFKA_PORT", Integer.toString(ports.kafka()));
      env.put("OT_KAFKA_CONTROLLER_PORT", Integer.toString(ports.kafkaController()));
      env.put("OT_MONGO_PORT", Integer.toString(ports.mongo()));
      List<Integer> servicePorts = List.of(ports.auth(), ports.gss(), ports.lss(), ports.relay(), ports.logger());
      for (int i = 0; i < SERVICES.size(); i++) {
        env.put("OT_" + SERVICES.get(i).toUpperCase(java.util.Locale.ROOT) + "_PORT",
            Integer.toString(servicePorts.get(i)));
      }
      long t0 = System.nanoTime();
      Process platform = builder.start();
      try {
        BenchHttp.await(() -> {
          if (!platform.isAlive()) {
            throw new IllegalStateException("ot-platform exited with code " + platform.exitValue());
          }
          return servicePorts.stream()
              .allMatch(p -> BenchHttp.status("http://127.0.0.1:" + p + "/health/ready") == 200);
        }, "embedded platform ready");
        ready.add((System.nanoTime() - t0) / 1e6);
        heap.add(JvmMemory.heapAfterGc(platform.pid(), BenchHttp.HTTP, "http://127.0.0.1:" + ports.gss()) / MIB);
        long total = JvmMemory.rss(platform.pid());
        for (ProcessHandle child : platform.descendants().toList()) {
          total += JvmMemory.rss(child.pid()); // the Kafka broker
        }
        rss.add(total / MIB);
      } finally {
        platform.destroy(); // SIGTERM: the platform stops its services and the broker
        if (!platform.waitFor(60, TimeUnit.SECONDS)) {
          platform.descendants().forEach(ProcessHandle::destroyForcibly);
          platform.destroyForcibly();
        }
      }
    }
    return List.of(
        new Row("startup", "whole embedded platform (ot-platform, broker and store included) -> all ready", "ms",
            ready, "bare Vert.x HTTP server: java -> 200", reference),
        Row.of("startup", "whole embedded platform at idle: heap after GC (one JVM)", "MiB", heap),
        Row.of("startup", "whole embedded platform at idle: resident set, broker JVM included", "MiB", rss));
  }
}
