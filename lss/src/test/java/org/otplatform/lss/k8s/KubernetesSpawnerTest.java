package org.otplatform.lss.k8s;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.kubernetes.client.vertx5.Vertx5HttpClientFactory;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.otplatform.common.catalog.ServiceSpec;
import org.otplatform.lss.spawn.RunningService;
import org.otplatform.lss.spawn.SpawnException;

/**
 * The Kubernetes spawner against the fabric8 API mock (CRUD mode) over the Vert.x 5 HTTP client,
 * with a {@link FakeKubelet} moving pods through their phases.
 */
@Timeout(60)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class KubernetesSpawnerTest {
  private static final String NS = "ot-compute";
  private final Vertx vertx = Vertx.vertx();
  private KubernetesMockServer server;
  private KubernetesClient client;
  private FakeKubelet kubelet;
  private final PodLogDispatcher logs = new PodLogDispatcher();
  private KubernetesSpawner spawner;

  /**
   * One API mock for the class: the mock stalls for seconds whenever a watch closes, so starting and
   * stopping one per test made tear-down flaky on a loaded machine.
   */
  @BeforeAll
  void startApi() {
    server = new KubernetesMockServer(new Context(), new MockWebServer(), new HashMap<>(),
        logs, false);
    server.init();
    client = server.createClient(b -> b.withHttpClientFactory(new Vertx5HttpClientFactory(vertx)));
    kubelet = new FakeKubelet(client, NS, logs).start();
  }

  @BeforeEach
  void start() throws Exception {
    spawner = new KubernetesSpawner(vertx, client, new PodModel.Target(NS, "lss-a", 3600));
    await(spawner.watch());
  }

  @AfterEach
  void stop() throws Exception {
    // Pods outlive their LSS process by design; clear them between tests. The mock stalls for
    // seconds whenever a watch closes, so a call may time out: try again until they are gone.
    await("the test's pods to be gone", () -> {
      try {
        client.pods().inNamespace(NS).delete();
        return pods().isEmpty();
      } catch (io.fabric8.kubernetes.client.KubernetesClientException e) {
        return false;
      }
    });
    await(spawner.close());
  }

  @AfterAll
  void stopApi() throws Exception {
    kubelet.close();
    client.close();
    // Closing Vert.x first closes the client's watch connections, which the mock server waits for.
    vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    try {
      server.destroy();
    } catch (IllegalStateException e) {
      // The mock's own shutdown can time out after its watches stall; nothing of ours is left.
      System.err.println("API mock did not shut down cleanly: " + e.getMessage());
    }
  }

  private static <T> T await(Future<T> f) throws Exception {
    return f.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
  }

  private static ServiceSpec spec(String image, Duration timeout) {
    return spec(image, timeout, ServiceSpec.DEFAULT_SCHEDULING_GRACE);
  }

  private static ServiceSpec spec(String image, Duration timeout, Duration grace) {
    return new ServiceSpec("kriging", List.of(), "registry.example/ot-compute:" + image, Map.of("MODE", "fast"), true,
        timeout, 8080, ServiceSpec.Resources.DEFAULT, 0, "/health/ready", grace, org.otplatform.common.catalog.Placement.NONE);
  }

  /** The cluster's notes the spawner passes on, as "session reason: message". */
  private List<String> notes() {
    List<String> notes = new java.util.concurrent.CopyOnWriteArrayList<>();
    spawner.onProgress((session, service, reason, message) -> notes.add(session + " " + reason + ": " + message));
    return notes;
  }

  private static SpawnException failure(Future<?> f) throws Exception {
    try {
      f.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof SpawnException s) {
        return s;
      }
      throw e;
    }
    return fail("expected the start to fail");
  }

  @Test
  void warmPodsAreSharedByThePoolClaimedOnceEachAssignedAndScaledToZero() throws Exception {
    ServiceSpec warmSpec = spec("sdk", Duration.ofSeconds(30));
    KubernetesSpawner other = new KubernetesSpawner(vertx, client, new PodModel.Target(NS, "lss-b", 3600));
    await(other.watch());
    try {
      spawner.keepWarm(Map.of(warmSpec, 2), Map.of());
      other.keepWarm(Map.of(warmSpec, 2), Map.of());
      await("two warm pods ready", () -> spawner.warmReady() == 2 && other.warmReady() == 2);
      assertEquals(2, warmPods().size(), "two LSSs of one pool keep its two warm pods, not four");
      Pod sample = warmPods().get(0);
      assertNull(sample.getMetadata().getAnnotations().get(PodModel.SESSION), "a warm pod has no session");
      assertTrue(sample.getSpec().getContainers().get(0).getEnv().stream()
          .noneMatch(e -> e.getName().equals("OT_SESSION_ID")), "nor OT_SESSION_ID");

      // Four opens at once, from both LSSs, for two warm pods: each pod goes to one session only.
      List<Future<java.util.Optional<RunningService>>> claims = List.of(
          spawner.claim("session-a", warmSpec, (s, c, r) -> {}), other.claim("session-b", warmSpec, (s, c, r) -> {}),
          spawner.claim("session-c", warmSpec, (s, c, r) -> {}), other.claim("session-d", warmSpec, (s, c, r) -> {}));
      List<RunningService> got = new java.util.ArrayList<>();
      for (Future<java.util.Optional<RunningService>> claim : claims) {
        await(claim).ifPresent(got::add);
      }
      assertEquals(2, got.size(), "both warm pods claimed, the other opens start pods: " + got);
      assertTrue(!got.get(0).instance().equals(got.get(1).instance()), "never one pod for two sessions: " + got);
      for (RunningService r : got) {
        Pod claimed = client.pods().inNamespace(NS).withName(r.instance()).get();
        assertNull(claimed.getMetadata().getLabels().get(PodModel.WARM), "no longer warm");
        assertEquals(r.sessionId(), claimed.getMetadata().getAnnotations().get(PodModel.SESSION));
        assertEquals(PodModel.labelValue(r.sessionId()), claimed.getMetadata().getLabels().get(PodModel.SESSION));
        assertEquals(r.sessionId(), describe(r.endpoint()).getString("session"), "assigned to its session");
      }
      await("the pool refilled", () -> spawner.warmReady() == 2 && warmPods().size() == 2);
      assertEquals(2, kubelet.containersRunning() - 2, "two warm containers besides the two claimed");

      KubernetesSpawner owner = got.get(0).sessionId().equals("session-a") || got.get(0).sessionId().equals("session-c")
          ? spawner : other;
      await(owner.stop(got.get(0)));
      await("the claimed pod deleted with its session", () -> client.pods().inNamespace(NS)
          .withName(got.get(0).instance()).get() == null);

      spawner.keepWarm(Map.of(), Map.of());
      other.keepWarm(Map.of(), Map.of());
      await("no warm pod left at zero", () -> warmPods().isEmpty());
      assertTrue(client.pods().inNamespace(NS).withName(got.get(1).instance()).get() != null,
          "a claimed pod serves on at zero");
    } finally {
      await(other.close());
    }
  }

  private List<Pod> warmPods() {
    // By value: the API mock's merge patch leaves a removed label as null, where a cluster drops it.
    return pods().stream().filter(p -> p.getMetadata().getLabels().get(PodModel.WARM) != null)
        .filter(p -> p.getMetadata().getDeletionTimestamp() == null).toList();
  }

  /** What the compute service at {@code endpoint} answers to describe, over its WebSocket. */
  private io.vertx.core.json.JsonObject describe(String endpoint) throws Exception {
    String[] hostPort = endpoint.split(":");
    return await(vertx.createWebSocketClient().connect(Integer.parseInt(hostPort[1]), hostPort[0], "/ws")
        .compose(socket -> {
          var answer = io.vertx.core.Promise.<io.vertx.core.json.JsonObject>promise();
          socket.textMessageHandler(text -> answer.tryComplete(new io.vertx.core.json.JsonObject(text)));
          return socket.writeTextMessage(new io.vertx.core.json.JsonObject().put("id", 1).put("action", "describe")
              .encode()).compose(v -> answer.future()).eventually(() -> socket.close());
        })).getJsonObject("result");
  }

  private List<Pod> pods() {
    return client.pods().inNamespace(NS).list().getItems();
  }

  private static void await(String what, BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(45);
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        fail("timed out waiting for " + what);
      }
      Thread.sleep(50);
    }
  }

  /**
   * A type with storage: a project's first session makes its claim, the next ones mount the same,
   * stopping keeps it, and only a project deleted with its storage loses it.
   */
  @Test
  void aProjectsClaimIsMadeOnceKeptAcrossSessionsAndRemovedWithItsStorage() throws Exception {
    org.otplatform.common.catalog.Storage storage = new org.otplatform.common.catalog.Storage("data", "/data", "2Gi",
        "standard", "ReadWriteOnce");
    ServiceSpec p1 = spec("ok", Duration.ofSeconds(20)).withVolume(storage.of("project-1"));
    ServiceSpec p2 = spec("ok", Duration.ofSeconds(20)).withVolume(storage.of("project-2"));
    RunningService first = await(spawner.start("store-1", p1, (s, c, r) -> {}));
    await(spawner.stop(first));
    RunningService second = await(spawner.start("store-2", p1, (s, c, r) -> {}));
    RunningService other = await(spawner.start("store-3", p2, (s, c, r) -> {}));
    var claims = client.persistentVolumeClaims().inNamespace(NS).list().getItems();
    assertEquals(2, claims.size(), "one claim per project: " + claims);
    String claim = ProjectClaims.claimName(p1.volume());
    Pod pod = client.pods().inNamespace(NS).withName(PodModel.podName("store-2", "kriging")).get();
    assertEquals(claim, pod.getSpec().getVolumes().stream().filter(v -> v.getPersistentVolumeClaim() != null)
        .findFirst().orElseThrow().getPersistentVolumeClaim().getClaimName());
    var made = client.persistentVolumeClaims().inNamespace(NS).withName(claim).get();
    assertEquals("2Gi", made.getSpec().getResources().getRequests().get("storage").toString());
    assertEquals("standard", made.getSpec().getStorageClassName());
    await(spawner.stop(second));
    await(spawner.stop(other));

    org.otplatform.lss.spawn.StorageRemovals removals = new org.otplatform.lss.spawn.StorageRemovals(spawner);
    io.vertx.core.json.JsonObject deleted = new io.vertx.core.json.JsonObject().put("type", "ProjectDeleted")
        .put("subject", "project-1").put("details", new io.vertx.core.json.JsonObject().put("storage", "keep"));
    await(removals.onRecord(deleted.encode()));
    assertEquals(2, client.persistentVolumeClaims().inNamespace(NS).list().getItems().size(), "kept unless asked");
    await(removals.onRecord(deleted.put("details", new io.vertx.core.json.JsonObject().put("storage", "delete"))
        .encode()));
    assertEquals(List.of(ProjectClaims.claimName(p2.volume())), client.persistentVolumeClaims().inNamespace(NS).list()
        .getItems().stream().map(c -> c.getMetadata().getName()).toList(), "project-1's claim is gone, not project-2's");
    assertEquals(1, await(spawner.removeStorage("project-2")));
    assertTrue(client.persistentVolumeClaims().inNamespace(NS).list().getItems().isEmpty());
  }

  @Test
  void aReadyPodGivesItsEndpointAndTheSpecIsApplied() throws Exception {
    RunningService running = await(spawner.start("session-1", spec("ok", Duration.ofSeconds(20)), (s, c, r) -> {}));
    assertEquals("10.1.2.3:8080", running.endpoint());
    Pod pod = pods().get(0);
    assertEquals(PodModel.podName("session-1", "kriging"), pod.getMetadata().getName());
    assertEquals("session-1", pod.getMetadata().getLabels().get(PodModel.SESSION));
    assertEquals("lss-a", pod.getMetadata().getLabels().get(PodModel.LSS));
    Container c = pod.getSpec().getContainers().get(0);
    assertTrue(c.getSecurityContext().getReadOnlyRootFilesystem());
    assertEquals(List.of("ALL"), c.getSecurityContext().getCapabilities().getDrop());
    assertEquals("512Mi", c.getResources().getLimits().get("memory").toString());
    assertTrue(c.getEnv().stream().anyMatch(e -> e.getName().equals("OT_SESSION_ID") && e.getValue().equals("session-1")));
    assertEquals(3600L, pod.getSpec().getActiveDeadlineSeconds());

    await(spawner.stop(running));
    await("the pod to be deleted", () -> pods().isEmpty());
  }

  /**
   * The container's lines reach the log pipeline with session, service and the container's own
   * time; the mock ends each log stream, so the last line only comes through a resumed stream,
   * and lines read twice keep one id.
   */
  @Test
  void aPodsLogIsFollowedWithSessionAndServiceAndResumedWhenCut() throws Exception {
    try (ComputeOutput seen = new ComputeOutput()) {
      RunningService running = await(spawner.start("session-logs", spec("ok", Duration.ofSeconds(20)), (s, c, r) -> {}));
      await("the line written after the first read", () -> seen.records().stream()
          .anyMatch(e -> e.getFormattedMessage().equals("listening on 8080")));
      Map<String, String> byId = new HashMap<>();
      for (var event : seen.records()) {
        Map<String, Object> kv = new HashMap<>();
        event.getKeyValuePairs().forEach(p -> kv.put(p.key, p.value));
        assertEquals("session-logs", kv.get("session"));
        assertEquals("kriging", kv.get("service"));
        assertEquals(running.instance(), kv.get("pod"));
        java.time.Instant.parse((String) kv.get("time"));
        String earlier = byId.put((String) kv.get("id"), event.getFormattedMessage());
        assertTrue(earlier == null || earlier.equals(event.getFormattedMessage()), "one id, one line");
      }
      assertEquals(3, byId.size(), byId.toString());
      assertTrue(logs.reads() >= 2, "the log was read again after its stream ended");
      await(spawner.stop(running));
    }
  }

  @Test
  void withPodLogsOffNoLogIsRead() throws Exception {
    KubernetesSpawner quiet = new KubernetesSpawner(vertx, client, new PodModel.Target(NS, "lss-quiet", 3600),
        ApiLimits.DEFAULT, false);
    await(quiet.watch());
    try (ComputeOutput seen = new ComputeOutput()) {
      RunningService silent = await(quiet.start("session-quiet", spec("ok", Duration.ofSeconds(20)), (s, c, r) -> {}));
      // The same kind of pod on a spawner that follows logs: once its lines arrive, the quiet
      // spawner has had as long to read its pod's log as this one took.
      RunningService followed = await(spawner.start("session-loud", spec("ok", Duration.ofSeconds(20)),
          (s, c, r) -> {}));
      await("the followed pod's lines", () -> seen.records().stream().anyMatch(e ->
          e.getKeyValuePairs().stream().anyMatch(p -> p.key.equals("session") && "session-loud".equals(p.value))));
      assertEquals(0, logs.reads((String) silent.instance()), "the quiet spawner read its pod's log");
      assertTrue(seen.records().stream().noneMatch(e -> e.getKeyValuePairs().stream()
          .anyMatch(p -> p.key.equals("session") && "session-quiet".equals(p.value))));
      await(spawner.stop(followed));
      await(quiet.stop(silent));
    } finally {
      await(quiet.close());
    }
  }

  @Test
  void handlingTheSameStartTwiceCreatesOnePod() throws Exception {
    Future<RunningService> first = spawner.start("session-2", spec("ok", Duration.ofSeconds(20)), (s, c, r) -> {});
    Future<RunningService> second = spawner.start("session-2", spec("ok", Duration.ofSeconds(20)), (s, c, r) -> {});
    assertEquals(await(first).endpoint(), await(second).endpoint());
    assertEquals(1, pods().size());
  }

  @Test
  void anImageNeverPulledFailsAtTheEndOfItsGraceWithTheReasonAndRemovesThePod() throws Exception {
    List<String> notes = notes();
    long t0 = System.nanoTime();
    SpawnException e = failure(spawner.start("session-3", spec("pull-fail", Duration.ofSeconds(30), Duration.ofSeconds(1)),
        (s, c, r) -> {}));
    long took = System.nanoTime() - t0;
    assertTrue(e.getMessage().contains("ImagePullBackOff") && e.getMessage().contains("still after 1 s")
        && e.getMessage().contains("first: ErrImagePull: rpc error: pull access denied"), e.getMessage());
    assertNull(e.exitCode());
    assertTrue(took >= TimeUnit.MILLISECONDS.toNanos(900), "not before the grace ran out: " + took / 1_000_000 + " ms");
    assertTrue(took < TimeUnit.SECONDS.toNanos(15), "long before the 30 s start timeout");
    await("the failed pod to be deleted", () -> pods().isEmpty());
    assertTrue(notes.stream().anyMatch(n -> n.startsWith("session-3 Failed: Failed to pull image")), notes.toString());
  }

  @Test
  void anImagePulledWithinItsGraceStarts() throws Exception {
    List<String> notes = notes();
    RunningService running = await(spawner.start("session-8", spec("pull-flaky", Duration.ofSeconds(30),
        Duration.ofSeconds(20)), (s, c, r) -> {}));
    assertEquals("10.1.2.3:8080", running.endpoint());
    assertTrue(notes.stream().anyMatch(n -> n.startsWith("session-8 BackOff: Back-off pulling image")), notes.toString());
  }

  /**
   * As on an autoscaled cluster: no node fits, the autoscaler adds one, the pod is scheduled 4 s
   * after its creation — past its 2 s start timeout, which stands still while the pod waits for a
   * node. What the scheduler and the autoscaler said reaches the listener, in order.
   */
  @Test
  void aPodScheduledWithinItsGraceStartsAndTheClusterSaysWhy() throws Exception {
    List<String> notes = notes();
    RunningService running = await(spawner.start("session-9", spec("scale-up", Duration.ofSeconds(2),
        Duration.ofSeconds(20)), (s, c, r) -> {}));
    assertEquals("10.1.2.3:8080", running.endpoint());
    List<String> seen = List.copyOf(notes);
    assertTrue(seen.size() >= 2, seen.toString());
    assertEquals("session-9 FailedScheduling: 0/3 nodes are available: 3 Insufficient memory.", seen.get(0));
    assertTrue(seen.get(1).startsWith("session-9 TriggeredScaleUp: pod triggered scale-up"), seen.toString());
  }

  @Test
  void crashLoopFailsAtOnceAndAPodNeverScheduledAtTheEndOfItsGrace() throws Exception {
    SpawnException crash = failure(spawner.start("session-4", spec("crashloop", Duration.ofSeconds(30)),
        (s, c, r) -> {}));
    assertTrue(crash.getMessage().contains("CrashLoopBackOff"), crash.getMessage());
    SpawnException unschedulable = failure(spawner.start("session-5", spec("unschedulable", Duration.ofSeconds(30),
        Duration.ofSeconds(1)), (s, c, r) -> {}));
    assertTrue(unschedulable.getMessage().contains("Unschedulable: 0/3 nodes are available")
        && unschedulable.getMessage().endsWith("(still after 1 s)"), unschedulable.getMessage());
  }

  @Test
  void anOomKillAfterReadyIsReportedWithExitCodeAndReason() throws Exception {
    CompletableFuture<String> exit = new CompletableFuture<>();
    await(spawner.start("session-6", spec("oom", Duration.ofSeconds(20)),
        (s, code, reason) -> exit.complete(code + " " + reason)));
    assertEquals("137 OOMKilled", exit.get(20, TimeUnit.SECONDS));
    await("the killed pod to be deleted", () -> pods().isEmpty());
  }

  @Test
  void aPodThatNeverGetsReadyTimesOutAndIsRemoved() throws Exception {
    SpawnException e = failure(spawner.start("session-7", spec("slow", Duration.ofSeconds(1)), (s, c, r) -> {}));
    assertTrue(e.getMessage().contains("not ready within 1 s"), e.getMessage());
    await("the pod to be deleted", () -> pods().isEmpty());
  }

  @Test
  void aPodDeletedByHandIsReportedAsAnExit() throws Exception {
    CompletableFuture<String> exit = new CompletableFuture<>();
    RunningService running = await(spawner.start("session-8", spec("ok", Duration.ofSeconds(20)),
        (s, code, reason) -> exit.complete(code + " " + reason)));
    client.pods().inNamespace(NS).withName((String) running.instance()).delete();
    assertTrue(exit.get(20, TimeUnit.SECONDS).contains("was deleted"));
  }

  @Test
  void aReleasedPodStaysForTheLssItWasHandedToAndIsNoLongerFollowed() throws Exception {
    CompletableFuture<String> exit = new CompletableFuture<>();
    RunningService running = await(spawner.start("session-release", spec("ok", Duration.ofSeconds(20)),
        (s, code, reason) -> exit.complete(code + " " + reason)));
    await(spawner.release(running));
    String name = (String) running.instance();
    assertTrue(pods().stream().anyMatch(p -> p.getMetadata().getName().equals(name)), "the pod is the other LSS's now");
    await("the released pod seen as not run here", () -> spawner.untrackedSessions().contains("session-release"));
    client.pods().inNamespace(NS).withName(name).delete();
    await("the deletion seen", () -> !spawner.untrackedSessions().contains("session-release"));
    assertTrue(!exit.isDone(), "a released pod's end is not this LSS's to report: " + exit.getNow(null));
  }

  @Test
  void atMostTheConfiguredNumberOfPodsStartAtOnce() throws Exception {
    java.util.concurrent.atomic.AtomicInteger live = new java.util.concurrent.atomic.AtomicInteger();
    java.util.concurrent.atomic.AtomicInteger most = new java.util.concurrent.atomic.AtomicInteger();
    java.util.concurrent.atomic.AtomicInteger created = new java.util.concurrent.atomic.AtomicInteger();
    var counter = client.pods().inNamespace(NS).inform(new io.fabric8.kubernetes.client.informers.ResourceEventHandler<>() {
      @Override
      public void onAdd(Pod pod) {
        created.incrementAndGet();
        most.accumulateAndGet(live.incrementAndGet(), Math::max);
      }

      @Override
      public void onUpdate(Pod old, Pod pod) {}

      @Override
      public void onDelete(Pod pod, boolean unknown) {
        live.decrementAndGet();
      }
    }, 0);
    KubernetesSpawner limited = new KubernetesSpawner(vertx, client, new PodModel.Target(NS, "lss-b", 3600),
        new ApiLimits(2, 50, 5));
    try {
      await(limited.watch());
      List<Future<RunningService>> starts = new java.util.ArrayList<>();
      for (int i = 0; i < 5; i++) {
        starts.add(limited.start("limited-" + i, spec("slow", Duration.ofMillis(1500)), (s, c, r) -> {}));
      }
      for (Future<RunningService> f : starts) {
        assertTrue(failure(f).getMessage().contains("not ready within"));
      }
      await("all five pods created and removed", () -> created.get() == 5 && live.get() == 0);
      assertEquals(2, most.get(), "never more than two pods starting at once");
    } finally {
      counter.stop();
      await(limited.close());
    }
  }

  @Test
  void podsOutliveTheirLssAndTheNextOneAdoptsThemInsteadOfCreatingMore() throws Exception {
    RunningService first = await(spawner.start("session-9", spec("ok", Duration.ofSeconds(20)), (s, c, r) -> {}));
    Future<RunningService> starting = spawner.start("session-10", spec("slow", Duration.ofSeconds(30)),
        (s, c, r) -> {});
    await("both pods to exist", () -> pods().size() == 2);
    await(spawner.close());
    failure(starting);
    assertEquals(2, pods().size(), "an LSS that stops leaves its sessions' pods running");

    KubernetesSpawner next = new KubernetesSpawner(vertx, client, new PodModel.Target(NS, "lss-b", 3600));
    try {
      await(next.watch());
      assertEquals(java.util.Set.of("session-9", "session-10"), next.untrackedSessions());
      RunningService adopted = await(next.start("session-9", spec("ok", Duration.ofSeconds(20)), (s, c, r) -> {}));
      assertEquals(first.instance(), adopted.instance(), "the same pod");
      assertEquals(first.endpoint(), adopted.endpoint());
      assertEquals(2, pods().size(), "no second pod");
      assertEquals(java.util.Set.of("session-10"), next.untrackedSessions());

      await(next.removeSession("session-10"));
      await("the untracked session's pod deleted", () -> pods().size() == 1);
    } finally {
      await(next.close());
    }
  }
}
