package org.otplatform.lss.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.spi.ILoggingEvent;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.otplatform.lss.k8s.ComputeOutput;

/**
 * Compute output through the spool: a process's lines reach the pipeline tagged, with ids from file
 * and line; an LSS started again on the same directory ships what is left with the same ids (the
 * logger stores them once); shipped files are removed.
 */
class OutputSpoolTest {
  @TempDir
  Path dir;

  @Test
  void aSpoolHasOneLssAtATime() throws Exception {
    java.io.Closeable first = new OutputSpool(dir).claim();
    java.io.IOException refused = org.junit.jupiter.api.Assertions.assertThrows(java.io.IOException.class,
        () -> new OutputSpool(dir).claim());
    assertTrue(refused.getMessage().contains(dir.resolve(".lock").toString()) && refused.getMessage()
        .contains("another LSS"), refused.getMessage());
    first.close();
    new OutputSpool(dir).claim().close(); // released at the first one's stop
  }

  @Test
  void linesAreShippedAndShippedAgainWithTheSameIdsAfterARestart() throws Exception {
    OutputSpool spool = new OutputSpool(dir);
    OutputSpool.Output output = spool.files("s1", "echo");
    Map<String, String> first;
    try (ComputeOutput seen = new ComputeOutput()) {
      Process p = new ProcessBuilder("sh", "-c", "echo one; echo OT-LISTENING 4711; echo two >&2; printf three")
          .redirectOutput(output.out().toFile()).redirectError(output.err().toFile()).start();
      spool.follow(output.out(), () -> "s1", "echo", false, line -> line.startsWith("OT-LISTENING"), p::isAlive);
      spool.follow(output.err(), () -> "s1", "echo", true, line -> false, p::isAlive);
      assertTrue(p.waitFor(30, TimeUnit.SECONDS));
      first = awaitLines(seen, 3);
      assertEquals(Map.of("one", "s1", "two", "s1", "three", "s1"), keyOf(seen.records(), "session"));
      assertEquals("WARN", seen.records().stream().filter(r -> r.getFormattedMessage().equals("two")).findFirst()
          .orElseThrow().getLevel().toString(), "stderr is a warning");
    }
    assertEquals(3, first.values().stream().distinct().count(), "an id per line");

    // The LSS died before it knew the shipper had them: its next start ships them again, same ids.
    OutputSpool again = new OutputSpool(dir);
    try (ComputeOutput seen = new ComputeOutput()) {
      again.recover();
      assertEquals(first, ids(seen.records()));
    }
    again.sweep();
    try (var left = Files.walk(dir)) {
      assertEquals(List.of(dir, dir.resolve("s1")), left.toList(), "shipped files are removed");
    }
    new OutputSpool(dir).recover();
    try (var left = Files.walk(dir)) {
      assertEquals(List.of(dir), left.toList(), "and, at the next start, the directories they left empty");
    }
  }

  /**
   * A compute process outlives its killed LSS for a moment (it exits once it sees its parent gone),
   * still answering and writing: the LSS started again stops it before it reads the files to their
   * end, or the lines written after that read would be lost.
   */
  @Test
  void aProcessOfAnEarlierRunStillWritingIsStoppedBeforeItsFilesAreShipped() throws Exception {
    OutputSpool dead = new OutputSpool(dir); // the LSS that started it, killed: nothing follows the files
    OutputSpool.Output output = dead.files("s1", "echo");
    Process p = new ProcessBuilder("sh", "-c", "i=0; while true; do i=$((i+1)); echo line $i; sleep 0.01; done")
        .redirectOutput(output.out().toFile()).redirectError(output.err().toFile()).start();
    dead.started(output, p);
    try (ComputeOutput seen = new ComputeOutput()) {
      awaitFileLines(output.out(), 5);
      new OutputSpool(dir).recover();
      assertTrue(!p.isAlive() || p.waitFor(1, TimeUnit.SECONDS), "the earlier run's process is stopped");
      List<String> written = Files.readAllLines(output.out());
      assertEquals(written, seen.records().stream().map(ILoggingEvent::getFormattedMessage).toList(),
          "every line it wrote is shipped");
    } finally {
      p.destroyForcibly();
    }
  }

  @Test
  void aReusedPidIsNotStopped() throws Exception {
    OutputSpool spool = new OutputSpool(dir);
    OutputSpool.Output output = spool.files("s1", "echo");
    Files.writeString(output.out(), "one\n");
    Process other = new ProcessBuilder("sleep", "30").start();
    try {
      // The noted process ended long ago and its pid now names another one, started later.
      Files.writeString(output.writer(), other.pid() + " 1000\n");
      try (ComputeOutput seen = new ComputeOutput()) {
        new OutputSpool(dir).recover();
        assertEquals(List.of("one"), seen.records().stream().map(ILoggingEvent::getFormattedMessage).toList());
      }
      assertTrue(other.isAlive(), "a process the note does not describe is left alone");
    } finally {
      other.destroyForcibly();
    }
  }

  private static void awaitFileLines(Path file, int count) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (Files.readAllLines(file).size() < count && System.nanoTime() < deadline) {
      Thread.sleep(10);
    }
    assertTrue(Files.readAllLines(file).size() >= count, "the process writes");
  }

  @Test
  void filesOfTwoProcessesOfOneServiceGiveDifferentIds() throws Exception {
    OutputSpool spool = new OutputSpool(dir);
    OutputSpool.Output a = spool.files("s1", "echo");
    OutputSpool.Output b = spool.files("s1", "echo");
    assertNotEquals(a.out(), b.out());
    Files.writeString(a.out(), "same\n");
    Files.writeString(b.out(), "same\n");
    try (ComputeOutput seen = new ComputeOutput()) {
      new OutputSpool(dir).recover(); // an LSS started again: they are an earlier run's files now
      List<String> ids = seen.records().stream().map(r -> key(r, "id")).toList();
      assertEquals(2, ids.size());
      assertNotEquals(ids.get(0), ids.get(1));
    }
  }

  private static Map<String, String> awaitLines(ComputeOutput seen, int count) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (seen.records().size() < count && System.nanoTime() < deadline) {
      Thread.sleep(20);
    }
    assertEquals(count, seen.records().size(), "lines shipped: " + seen.records());
    return ids(seen.records());
  }

  private static Map<String, String> ids(List<ILoggingEvent> records) {
    return keyOf(records, "id");
  }

  private static Map<String, String> keyOf(List<ILoggingEvent> records, String key) {
    return records.stream().collect(Collectors.toMap(ILoggingEvent::getFormattedMessage, r -> key(r, key)));
  }

  private static String key(ILoggingEvent r, String key) {
    return r.getKeyValuePairs().stream().filter(kv -> kv.key.equals(key)).map(kv -> String.valueOf(kv.value))
        .findFirst().orElseThrow();
  }
}
