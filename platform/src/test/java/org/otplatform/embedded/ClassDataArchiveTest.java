package org.otplatform.embedded;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.otplatform.common.service.ClassDataArchive;

/**
 * The class-data archives the broker's JVM starts on: written by a real JVM at its exit, put in
 * place only after a clean end, mapped by the next JVM (with {@code -Xshare:on}, which refuses to
 * start on an archive it cannot use), and made anew when the jars change.
 */
class ClassDataArchiveTest {
  /** The broker's class path: a jar with a main that exits at once (WithParent without arguments). */
  private static final List<String> COMMAND = List.of("org.otplatform.broker.WithParent");
  private static final Path BROKER_LIB = Path.of(System.getProperty("ot.broker.lib", "../broker/target/lib"));

  @Test
  void aJvmWritesTheArchiveAtExitAndTheNextOneMapsIt(@TempDir Path dir) throws Exception {
    ClassDataArchive first = ClassDataArchive.of(dir, "broker", BROKER_LIB + "/*", COMMAND);
    assertTrue(first.writesAtExit());
    assertTrue(ClassDataArchive.of(dir, "broker", BROKER_LIB + "/*", COMMAND).jvmOptions().isEmpty(),
        "while one JVM writes the archive, another starts without");
    List<String> writing = first.jvmOptions();
    assertTrue(writing.get(0).startsWith("-XX:ArchiveClassesAtExit="), writing.toString());
    assertEquals(64, java(writing), "WithParent without arguments exits 64");
    assertTrue(archives(dir).isEmpty(), "not in place before the JVM is known to have ended by itself");
    first.publish(true);
    assertEquals(1, archives(dir).size(), "in place after a clean end: " + files(dir));

    List<String> mapping = ClassDataArchive.of(dir, "broker", BROKER_LIB + "/*", COMMAND).jvmOptions();
    assertTrue(mapping.get(0).startsWith("-XX:SharedArchiveFile="), mapping.toString());
    List<String> strict = new ArrayList<>(mapping);
    strict.add("-Xshare:on");
    assertEquals(64, java(strict), "the archive maps (-Xshare:on refuses to start otherwise)");
  }

  @Test
  void anArchiveOfAKilledJvmIsDroppedAndOneOfOtherJarsIsMadeAnew(@TempDir Path dir, @TempDir Path lib)
      throws Exception {
    Path jar = Files.writeString(lib.resolve("a.jar"), "x");
    ClassDataArchive killed = ClassDataArchive.of(dir, "broker", lib + "/*", COMMAND);
    String unfinished = killed.jvmOptions().get(0).substring("-XX:ArchiveClassesAtExit=".length());
    Files.writeString(Path.of(unfinished), "half an archive");
    killed.publish(false);
    assertTrue(files(dir).isEmpty(), "what a killed JVM left is removed: " + files(dir));

    ClassDataArchive clean = ClassDataArchive.of(dir, "broker", lib + "/*", COMMAND);
    Files.writeString(Path.of(clean.jvmOptions().get(0).substring("-XX:ArchiveClassesAtExit=".length())), "archive");
    clean.publish(true);
    assertEquals(1, archives(dir).size());
    Path old = archives(dir).get(0);

    Files.setLastModifiedTime(jar, FileTime.fromMillis(Files.getLastModifiedTime(jar).toMillis() + 60_000));
    ClassDataArchive rebuilt = ClassDataArchive.of(dir, "broker", lib + "/*", COMMAND);
    assertTrue(rebuilt.jvmOptions().get(0).startsWith("-XX:ArchiveClassesAtExit="), "a changed jar: a new archive");
    assertFalse(Files.exists(old), "the archive of the old jars is removed");
  }

  @Test
  void aClassPathWithADirectoryOfClassesGetsNoArchive(@TempDir Path dir) throws Exception {
    // A JVM told to write an archive with such a class path fails at its exit with code 1.
    assertTrue(ClassDataArchive.of(dir, "compute", "target/classes:" + BROKER_LIB + "/*", COMMAND).jvmOptions()
        .isEmpty());
    assertFalse(ClassDataArchive.of(dir, "compute", BROKER_LIB + "/*", COMMAND).jvmOptions().isEmpty());
  }

  private static int java(List<String> options) throws Exception {
    List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
    command.addAll(options);
    command.addAll(List.of("-cp", BROKER_LIB.toAbsolutePath() + "/*", "org.otplatform.broker.WithParent"));
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes());
    assertTrue(p.waitFor(60, TimeUnit.SECONDS), "the JVM ended");
    assertFalse(out.contains("rror"), out);
    return p.exitValue();
  }

  private static List<Path> archives(Path dir) throws Exception {
    return files(dir).stream().filter(p -> p.toString().endsWith(".jsa")).toList();
  }

  private static List<Path> files(Path dir) throws Exception {
    try (Stream<Path> s = Files.list(dir)) {
      return s.toList();
    }
  }
}
