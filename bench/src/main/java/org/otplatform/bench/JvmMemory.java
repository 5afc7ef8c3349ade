package org.otplatform.bench;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/** Memory of another JVM: heap in use after a full collection (from its metrics) and resident set size. */
final class JvmMemory {
  private JvmMemory() {}

  /**
   * Runs a full collection in JVM {@code pid} ({@code jcmd GC.run}), then reads the heap in use from
   * the Prometheus metrics a service of that JVM serves at {@code baseUrl}.
   */
  static long heapAfterGc(long pid, HttpClient http, String baseUrl) throws Exception {
    String jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd").toString();
    for (int i = 0; i < 2; i++) { // twice: what the first one finalises goes in the second
      new ProcessBuilder(jcmd, Long.toString(pid), "GC.run").redirectErrorStream(true)
          .redirectOutput(ProcessBuilder.Redirect.DISCARD).start().waitFor(60, TimeUnit.SECONDS);
    }
    String metrics = http.send(HttpRequest.newBuilder(URI.create(baseUrl + "/metrics"))
        .timeout(java.time.Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString()).body();
    double used = 0;
    for (String line : metrics.split("\n")) {
      if (line.startsWith("jvm_memory_used_bytes{") && line.contains("area=\"heap\"")) {
        used += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
      }
    }
    return (long) used;
  }

  /** The sum of a metric's samples (every tag combination). */
  static double metric(HttpClient http, String baseUrl, String name) throws Exception {
    String metrics = http.send(HttpRequest.newBuilder(URI.create(baseUrl + "/metrics"))
        .timeout(java.time.Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString()).body();
    double sum = 0;
    for (String line : metrics.split("\n")) {
      if (line.startsWith(name + " ") || line.startsWith(name + "{")) {
        sum += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
      }
    }
    return sum;
  }

  /** Resident set size of process {@code pid}, in bytes. */
  /** CPU time (user and system) a process has used, in seconds, from {@code /proc/<pid>/stat}. */
  static double cpuSeconds(long pid) throws Exception {
    String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
    // Fields after the command name (which may hold spaces) in parentheses: state is field 3.
    String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
    return (Long.parseLong(f[11]) + Long.parseLong(f[12])) / (double) CLOCK_TICKS;
  }

  /** The kernel's clock ticks per second ({@code getconf CLK_TCK}; 100 on Linux on x86). */
  private static final long CLOCK_TICKS = clockTicks();

  private static long clockTicks() {
    try {
      Process p = new ProcessBuilder("getconf", "CLK_TCK").redirectErrorStream(true).start();
      String out = new String(p.getInputStream().readAllBytes()).trim();
      return p.waitFor() == 0 ? Long.parseLong(out) : 100;
    } catch (Exception e) {
      return 100;
    }
  }

  static long rss(long pid) throws Exception {
    for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
      if (line.startsWith("VmRSS:")) {
        return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
      }
    }
    return 0;
  }
}
