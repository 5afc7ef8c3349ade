package org.otplatform.embedded;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Keeps known-vulnerable versions out of what runs: every jar on the services' class path (this
 * module's test class path holds all of them) and the Kafka broker's. The floors are the first
 * fixed versions of advisories reviewed by hand (see docs/dependencies.md);
 * a new dependency that brings an older version back fails here.
 */
class DependencyVersionsTest {
  /** Artifact (file name without version) → first version without the advisory. */
  private static final Map<String, String> FLOORS = Map.ofEntries(
      Map.entry("netty-codec-http", "4.2.18"), // 2026 request-smuggling and DoS advisories up to 4.2.17
      Map.entry("netty-codec-http2", "4.2.18"),
      Map.entry("netty-handler", "4.2.18"),
      Map.entry("lz4-java", "1.10.1"), // CVE-2025-12183, CVE-2025-66566 (org.lz4 1.8.0 → at.yawk.lz4)
      Map.entry("logback-core", "1.5.25"), // CVE-2025-11226, CVE-2026-1225
      Map.entry("logback-classic", "1.5.25"),
      Map.entry("commons-beanutils", "1.11.0"), // CVE-2025-48734 (broker)
      Map.entry("log4j-core", "2.25.3"), // CVE-2025-68161 (broker)
      Map.entry("kafka-clients", "3.7.1"), // CVE-2024-31141
      Map.entry("snakeyaml", "2.0"), // CVE-2022-1471
      Map.entry("snappy-java", "1.1.10.4")); // CVE-2023-43642
  private static final Pattern JAR = Pattern.compile("(.+?)-(\\d+(?:\\.\\d+)*)(?:[.-][A-Za-z].*)?\\.jar");

  @Test
  void noJarIsOlderThanItsFixedVersion() throws IOException {
    List<String> jars = new ArrayList<>();
    for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
      jars.add(Path.of(entry).getFileName().toString());
      assertTrue(!entry.contains("/org/lz4/"), "org.lz4:lz4-java is on the class path: " + entry);
    }
    Path broker = Path.of(System.getProperty("ot.broker.lib", "../broker/target/lib"));
    assertTrue(Files.isDirectory(broker), "the broker's lib directory is built first: " + broker.toAbsolutePath());
    try (Stream<Path> files = Files.list(broker)) {
      files.forEach(f -> jars.add(f.getFileName().toString()));
    }
    List<String> tooOld = new ArrayList<>();
    int checked = 0;
    for (String jar : jars) {
      Matcher m = JAR.matcher(jar);
      if (m.matches() && FLOORS.containsKey(m.group(1))) {
        checked++;
        if (compare(m.group(2), FLOORS.get(m.group(1))) < 0) {
          tooOld.add(jar + " (needs " + FLOORS.get(m.group(1)) + " or later)");
        }
      }
    }
    assertTrue(checked >= 6, "the class path and broker lib should hold the checked artifacts; found " + checked);
    assertTrue(tooOld.isEmpty(), "known-vulnerable versions: " + tooOld);
  }

  static int compare(String a, String b) {
    String[] x = a.split("\\.");
    String[] y = b.split("\\.");
    for (int i = 0; i < Math.max(x.length, y.length); i++) {
      int d = Integer.compare(i < x.length ? Integer.parseInt(x[i]) : 0, i < y.length ? Integer.parseInt(y[i]) : 0);
      if (d != 0) {
        return d;
      }
    }
    return 0;
  }
}
