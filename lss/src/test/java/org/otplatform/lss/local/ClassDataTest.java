package org.otplatform.lss.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.otplatform.common.catalog.ServiceSpec;
import org.otplatform.common.tls.TlsSettings;
import org.otplatform.compute.contract.ComputeContract;
import org.otplatform.lss.spawn.RunningService;

/**
 * Local compute services start on a class-data archive: the first process of a kind writes it as
 * it is stopped, the next one maps it — checked on the real processes' command lines.
 */
class ClassDataTest {
  private final Vertx vertx = Vertx.vertx();

  @AfterEach
  void close() throws Exception {
    vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  @Test
  void theFirstProcessOfAKindWritesTheArchiveAndTheNextMapsIt(@TempDir Path data) throws Exception {
    // Jars only: with a directory of classes on the class path a JVM cannot write an archive.
    String jars = Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator))
        .filter(e -> e.endsWith(".jar")).collect(Collectors.joining(File.pathSeparator));
    OutputSpool spool = new OutputSpool(data.resolve("spool"));
    LocalProcessSpawner spawner = new LocalProcessSpawner(vertx, jars, "127.0.0.1", TlsSettings.OFF, null, spool);
    ServiceSpec echo = new ServiceSpec("echo", List.of("${java}", "-Xmx64m", "-XX:TieredStopAtLevel=1", "-cp",
        "${classpath}", "org.otplatform.compute.echo.EchoService"), null, Map.of(), true, Duration.ofSeconds(60), 0,
        ServiceSpec.Resources.DEFAULT, 0, ComputeContract.READY_PATH, Duration.ZERO,
        org.otplatform.common.catalog.Placement.NONE);

    RunningService first = await(spawner.start("s-1", echo, (s, code, why) -> {}));
    assertTrue(commandLine(first).contains("-XX:ArchiveClassesAtExit="), commandLine(first));
    await(spawner.stop(first));
    Path cds = data.resolve("spool-cds");
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (archives(cds) == 0 && System.nanoTime() < deadline) {
      Thread.sleep(50); // put in place once the process's exit is seen, right after the stop
    }
    assertEquals(1, archives(cds), "written as the first process stopped");

    RunningService second = await(spawner.start("s-2", echo, (s, code, why) -> {}));
    try {
      assertTrue(commandLine(second).contains("-XX:SharedArchiveFile="), commandLine(second));
    } finally {
      await(spawner.stop(second));
    }
  }

  private static String commandLine(RunningService running) throws Exception {
    long pid = Long.parseLong(running.instance().substring(running.instance().lastIndexOf('@') + 1));
    return new String(Files.readAllBytes(Path.of("/proc/" + pid + "/cmdline"))).replace('\0', ' ');
  }

  private static long archives(Path dir) throws Exception {
    try (Stream<Path> files = Files.list(dir)) {
      return files.filter(p -> p.toString().endsWith(".jsa")).count();
    }
  }

  private static <T> T await(Future<T> f) throws Exception {
    return f.toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
  }
}
