package org.otplatform.lss.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.otplatform.common.catalog.ServiceSpec;
import org.otplatform.common.tls.TlsSettings;
import org.otplatform.compute.contract.ComputeContract;
import org.otplatform.lss.k8s.ComputeOutput;
import org.otplatform.lss.spawn.RunningService;

/**
 * Warm processes of the local spawner, real SDK processes: kept at their count, claimed by one
 * session each (assigned over the compute contract, answering as that session's service, their
 * output the session's from then on), replaced when claimed or killed, and all stopped when the
 * count goes to zero — a claimed one goes on serving its session.
 */
class WarmProcessesTest {
  private static final ServiceSpec ECHO = new ServiceSpec("echo", List.of("${java}", "-Xmx64m",
      "-XX:TieredStopAtLevel=1", "-Xshare:auto", "-cp", "${classpath}", "org.otplatform.compute.echo.EchoService"), null,
      Map.of(), true, Duration.ofSeconds(60), 0, ServiceSpec.Resources.DEFAULT, 0, ComputeContract.READY_PATH,
      Duration.ZERO, org.otplatform.common.catalog.Placement.NONE);

  private final Vertx vertx = Vertx.vertx();
  private final LocalProcessSpawner spawner = new LocalProcessSpawner(vertx, System.getProperty("java.class.path"),
      "127.0.0.1", TlsSettings.OFF, null, OutputSpool.temporary());

  @AfterEach
  void close() throws Exception {
    await(spawner.close());
    vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  @Test
  void warmProcessesAreClaimedOnceEachReplacedAndStoppedAtZero() throws Exception {
    try (ComputeOutput output = new ComputeOutput()) {
      spawner.keepWarm(Map.of(ECHO, 2), Map.of());
      eventually("two warm processes ready", () -> ready() == 2);
      Set<Long> warmPids = pids();
      assertEquals(2, warmPids.size());

      Future<Optional<RunningService>> a = spawner.claim("session-a", ECHO, (s, c, r) -> {});
      Future<Optional<RunningService>> b = spawner.claim("session-b", ECHO, (s, c, r) -> {});
      RunningService first = await(a).orElseThrow();
      RunningService second = await(b).orElseThrow();
      assertNotEquals(first.endpoint(), second.endpoint(), "two sessions never share a process");
      assertEquals("session-a", describe(first).getString("session"));
      assertEquals("session-b", describe(second).getString("session"));
      assertTrue(warmPids.contains(pid(first)) && warmPids.contains(pid(second)), "claimed the warm ones");

      eventually("the pool refilled", () -> ready() == 2);
      assertTrue(await(spawner.claim("session-c", new ServiceSpec("other", ECHO.command(), null, Map.of(), true,
          ECHO.startTimeout(), 0, ECHO.resources(), 0, ECHO.readinessPath(), Duration.ZERO, ECHO.placement()),
          (s, c, r) -> {})).isEmpty(), "no warm process of a spec not kept warm");

      // The SDK's own line about the assignment is the session's, as every later line.
      eventually("the assignment logged as the session's", () -> output.records().stream().anyMatch(r ->
          "session-a".equals(session(r)) && r.getFormattedMessage().contains("assigned to session session-a")));

      long victim = warm(Set.of(pid(first), pid(second))).iterator().next();
      ProcessHandle.of(victim).orElseThrow().destroyForcibly();
      Set<Long> claimed = Set.of(pid(first), pid(second));
      eventually("a killed warm process replaced", () -> ready() == 2 && warm(claimed).size() == 2
          && !warm(claimed).contains(victim));

      Set<Long> beforeZero = warm(claimed);
      spawner.keepWarm(Map.of(), Map.of());
      eventually("every warm process stopped at zero", () -> ready() == 0
          && beforeZero.stream().noneMatch(p -> ProcessHandle.of(p).map(ProcessHandle::isAlive).orElse(false)));
      assertEquals("session-a", describe(first).getString("session"), "a claimed one serves on");
      await(spawner.stop(first));
      await(spawner.stop(second));
    }
  }

  private static String session(ch.qos.logback.classic.spi.ILoggingEvent record) {
    return record.getKeyValuePairs() == null ? null : record.getKeyValuePairs().stream()
        .filter(kv -> kv.key.equals("session")).map(kv -> String.valueOf(kv.value)).findFirst().orElse(null);
  }

  private int ready() {
    return spawner.warmReadyBySpec().getOrDefault(ECHO, 0);
  }

  /** The pids of the compute processes running under this JVM now (the spawner starts no other children). */
  private static Set<Long> pids() {
    return ProcessHandle.current().children().filter(ProcessHandle::isAlive)
        .filter(p -> p.info().command().orElse("").endsWith("/java")).map(ProcessHandle::pid)
        .collect(java.util.stream.Collectors.toSet());
  }

  /** The warm processes: all but the claimed ones. */
  private static Set<Long> warm(Set<Long> claimed) {
    Set<Long> all = new java.util.HashSet<>(pids());
    all.removeAll(claimed);
    return all;
  }

  private static long pid(RunningService running) {
    return Long.parseLong(running.instance().substring(running.instance().lastIndexOf('@') + 1));
  }

  private JsonObject describe(RunningService running) throws Exception {
    int port = Integer.parseInt(running.endpoint().split(":")[1]);
    WebSocketClient ws = vertx.createWebSocketClient();
    return await(ws.connect(port, "127.0.0.1", ComputeContract.WEBSOCKET_PATH).compose(socket -> {
      var answer = io.vertx.core.Promise.<JsonObject>promise();
      socket.textMessageHandler(text -> answer.tryComplete(new JsonObject(text)));
      return socket.writeTextMessage(new JsonObject().put("id", 1).put("action", "describe").encode())
          .compose(v -> answer.future()).eventually(() -> socket.close());
    })).getJsonObject("result");
  }

  private static <T> T await(Future<T> f) throws Exception {
    return f.toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
  }

  private static void eventually(String what, BooleanSupplier condition) throws InterruptedException {
    Instant deadline = Instant.now().plusSeconds(60);
    while (!condition.getAsBoolean()) {
      if (Instant.now().isAfter(deadline)) {
        throw new AssertionError("timed out waiting until " + what);
      }
      Thread.sleep(50);
    }
  }
}
