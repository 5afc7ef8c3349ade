package org.otplatform.lss.local;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.otplatform.common.catalog.ServiceSpec;
import org.otplatform.common.service.ClassDataArchive;
import org.otplatform.common.tls.TlsSettings;
import org.otplatform.lss.spawn.RunningService;
import org.otplatform.lss.spawn.SpawnException;
import org.otplatform.lss.spawn.Spawner;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.otplatform.compute.contract.ComputeContract;

/**
 * Runs compute services as local processes. Each gets port 0 and announces the port it bound
 * ({@code OT-LISTENING <port>} on stdout), so there is no race for free ports; readiness is its
 * {@code /health/ready}. Output goes through the {@link OutputSpool} (files the process writes
 * itself, read by the LSS) into the log pipeline, tagged with session and service. The
 * child sees only the environment it needs (no secrets of the LSS), and is told the LSS's pid so
 * it exits if the LSS dies. Stopping kills the process and its descendants.
 */
public final class LocalProcessSpawner implements Spawner {
  private static final Logger LOG = LoggerFactory.getLogger(LocalProcessSpawner.class);
  private static final long STOP_GRACE_MS = 5_000;
  private static final long ARCHIVE_GRACE_MS = 30_000;

  private final Vertx vertx;
  private final String classpath;
  private final String host;
  private final HttpClient probeClient;
  private final TlsSettings tls;
  private final ComputeIdentity identity;
  private final OutputSpool spool;
  private final ProjectDirectories storage;
  /** Processes being stopped on purpose: their exit is not a failure. */
  private final Map<Process, Boolean> stopping = new ConcurrentHashMap<>();
  /** Every process started and not yet exited, so that none outlives the spawner. */
  private final Set<Process> live = ConcurrentHashMap.newKeySet();
  /** Processes that write a class-data archive when they exit. */
  private final Set<Process> writingArchive = ConcurrentHashMap.newKeySet();
  /** The processes that answered their readiness probe, by {@link RunningService#instance()}. */
  private final Map<String, Process> started = new ConcurrentHashMap<>();
  /** Processes launched and not yet ready (or failed), by session. */
  private final Map<String, Set<Process>> starting = new ConcurrentHashMap<>();
  private long spoolSweeps = -1;
  private final WarmProcesses warm;

  public LocalProcessSpawner(Vertx vertx, String classpath, String host) {
    this(vertx, classpath, host, TlsSettings.OFF, null, OutputSpool.temporary());
  }

  /**
   * With {@code tls} on, every compute process gets {@code identity}'s certificate files — never
   * the LSS's own — and the platform CA (it serves TLS and admits only the relay to its
   * WebSocket), and is probed over TLS.
   */
  public LocalProcessSpawner(Vertx vertx, String classpath, String host, TlsSettings tls, ComputeIdentity identity,
      OutputSpool spool) {
    this(vertx, classpath, host, tls, identity, spool, spool.dir().resolveSibling(spool.dir().getFileName() + "-storage"));
  }

  /** As above, the projects' volumes ({@code storage} of a session type) in directories of {@code storageDir}. */
  public LocalProcessSpawner(Vertx vertx, String classpath, String host, TlsSettings tls, ComputeIdentity identity,
      OutputSpool spool, Path storageDir) {
    if (tls.https() && identity == null) {
      throw new IllegalArgumentException("with TLS on, compute processes need a certificate of their own");
    }
    this.vertx = vertx;
    this.classpath = classpath;
    this.host = host;
    this.tls = tls;
    this.identity = identity;
    this.spool = spool;
    this.storage = new ProjectDirectories(storageDir);
    this.probeClient = vertx.createHttpClient(tls.client(new HttpClientOptions().setConnectTimeout(1_000)));
    this.warm = new WarmProcesses(vertx, this);
  }

  /** Ships what an earlier run left in the spool, and from now on deletes what is shipped. */
  @Override
  public Future<Void> watch() {
    spoolSweeps = vertx.setPeriodic(2_000, t -> vertx.executeBlocking(() -> {
      spool.sweep();
      return null;
    }, false));
    // Before the first session: this run's files are then told apart from an earlier run's.
    return vertx.executeBlocking(() -> {
      spool.recover();
      return null;
    }, false).recover(e -> {
      LOG.error("could not ship what the spool held: {}", e.getMessage(), e);
      return Future.succeededFuture();
    }).mapEmpty();
  }

  @Override
  public Future<RunningService> start(String sessionId, ServiceSpec spec, int attempt, ExitListener onExit) {
    Context context = vertx.getOrCreateContext();
    return launchReady(sessionId, spec, Map.of(), context).map(p -> running(p, sessionId, attempt, onExit, context));
  }

  /**
   * Keeps {@code counts} ready warm processes of each spec (the ones with a command and no volume),
   * each started with {@code env} over its own; specs left out have theirs stopped.
   */
  @Override
  public void keepWarm(Map<ServiceSpec, Integer> counts, Map<String, String> env) {
    Map<ServiceSpec, Integer> local = new java.util.HashMap<>();
    counts.forEach((spec, n) -> {
      if (!spec.command().isEmpty() && spec.volume() == null && n > 0) {
        local.put(spec, n);
      }
    });
    warm.keep(local, env);
  }

  /** A warm process of {@code spec}, assigned to {@code sessionId}; empty when none is ready. */
  @Override
  public Future<java.util.Optional<RunningService>> claim(String sessionId, ServiceSpec spec, ExitListener onExit) {
    Context context = vertx.getOrCreateContext();
    return warm.claim(sessionId, spec).map(found -> found.map(p -> running(p, sessionId, 0, onExit, context)));
  }

  /** How many warm processes are ready now, by spec (tests). */
  public Map<ServiceSpec, Integer> warmReadyBySpec() {
    return warm.ready();
  }

  @Override
  public int warmReady() {
    return warm.ready().values().stream().mapToInt(Integer::intValue).sum();
  }

  /**
   * Launches a process for {@code sessionId} (null: a warm one) and waits until it listens and is
   * ready; one that does not get there in its start timeout is stopped.
   */
  Future<ComputeProcess> launchReady(String sessionId, ServiceSpec spec, Map<String, String> extraEnv, Context context) {
    Promise<Integer> port = Promise.promise();
    long deadline = System.currentTimeMillis() + spec.startTimeout().toMillis();
    return vertx.executeBlocking(() -> launch(sessionId, spec, extraEnv, port, context), false)
        .compose(launched -> starting(sessionId, launched.process, withTimeout(port.future(), spec, launched.process)
            .compose(p -> awaitReady(p, deadline, launched.process, spec))
            .map(p -> {
              launched.port = p;
              return launched;
            })
            .recover(e -> destroy(launched.process).transform(v -> Future.failedFuture(e)))));
  }

  /** A process ready for {@code sessionId}, followed until it stops. */
  private RunningService running(ComputeProcess launched, String sessionId, int attempt, ExitListener onExit,
      Context context) {
    Process process = launched.process;
    String instance = sessionId + "/" + launched.spec.name() + "#" + attempt + "@" + process.pid();
    RunningService running = new RunningService(sessionId, launched.spec.name(), host + ":" + launched.port, instance);
    started.put(instance, process);
    process.onExit().thenRun(() -> started.remove(instance));
    watchExit(running, process, onExit, context);
    return running;
  }

  /** Keeps {@code process} among the session's starts until {@code start} settles (none for a warm one). */
  private <T> Future<T> starting(String sessionId, Process process, Future<T> start) {
    if (sessionId == null) {
      return start;
    }
    starting.computeIfAbsent(sessionId, k -> ConcurrentHashMap.newKeySet()).add(process);
    return start.onComplete(r -> starting.computeIfPresent(sessionId, (k, set) -> {
      set.remove(process);
      return set.isEmpty() ? null : set;
    }));
  }

  @Override
  public Future<Void> cancelStarts(String sessionId) {
    Set<Process> processes = starting.getOrDefault(sessionId, Set.of());
    return Future.join(processes.stream().map(p -> {
      stopping.put(p, true);
      return destroy(p);
    }).toList()).mapEmpty();
  }

  private ComputeProcess launch(String sessionId, ServiceSpec spec, Map<String, String> extraEnv, Promise<Integer> port,
      Context context) throws IOException {
    List<String> command = new ArrayList<>();
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    for (String part : spec.command()) {
      command.add(part.replace("${java}", java).replace("${classpath}", classpath));
    }
    ClassDataArchive classData = classData(spec, command);
    command.addAll(1, classData.jvmOptions());
    ProcessBuilder builder = new ProcessBuilder(command);
    Map<String, String> env = builder.environment();
    env.keySet().removeIf(k -> !k.equals("PATH") && !k.equals("HOME") && !k.equals("LANG") && !k.equals("TZ"));
    env.putAll(extraEnv);
    env.putAll(spec.env());
    String token = null;
    if (sessionId != null) {
      env.put(ComputeContract.SESSION_ID, sessionId);
    } else {
      token = WarmProcesses.newToken();
      env.put(ComputeContract.ASSIGN_TOKEN, token);
    }
    env.put(ComputeContract.SERVICE_NAME, spec.name());
    env.put(ComputeContract.PORT, "0");
    env.put(ComputeContract.BIND_HOST, host);
    env.put(ComputeContract.PARENT_PID, Long.toString(ProcessHandle.current().pid()));
    if (tls.https()) {
      env.putAll(identity.environment(tls));
    }
    if (spec.volume() != null) {
      try {
        env.put(ComputeContract.STORAGE_DIR, storage.directory(spec.volume()).toString());
      } catch (IOException | IllegalArgumentException e) {
        throw new SpawnException("cannot make the " + spec.volume().storage().volume() + " directory of project "
            + spec.volume().project() + ": " + e.getMessage(), null, SpawnException.Cause.REFUSED);
      }
    }
    OutputSpool.Output output = spool.files(sessionId != null ? sessionId : OutputSpool.WARM, spec.name());
    builder.redirectOutput(output.out().toFile()).redirectError(output.err().toFile());
    Process process;
    try {
      process = builder.start();
    } catch (IOException e) {
      throw new SpawnException("cannot run " + command.get(0) + ": " + e.getMessage(), null,
          SpawnException.Cause.REFUSED);
    }
    spool.started(output, process);
    live.add(process);
    process.onExit().thenRun(() -> live.remove(process));
    if (classData.writesAtExit()) {
      writingArchive.add(process);
      // Written at a clean exit (stopped or ended); a SIGKILL (137) may have cut it short.
      process.onExit().thenAccept(p -> {
        writingArchive.remove(p);
        classData.publish(p.exitValue() != 137);
      });
    }
    ComputeProcess launched = new ComputeProcess(spec, process, output, sessionId, token);
    if (sessionId == null) {
      LOG.info("started a warm {} as pid {}", spec.name(), process.pid());
    } else {
      LOG.atInfo().addKeyValue("session", sessionId).log("started {} as pid {}", spec.name(), process.pid());
    }
    spool.follow(output.out(), launched.session::get, spec.name(), false, line -> {
      OptionalInt announced = ComputeContract.listeningPort(line);
      announced.ifPresent(p -> onContext(context, () -> port.tryComplete(p)));
      return announced.isPresent();
    }, process::isAlive);
    spool.follow(output.err(), launched.session::get, spec.name(), true, line -> false, process::isAlive);
    process.onExit().thenAccept(p -> onContext(context, () -> port.tryFail(new SpawnException(
        spec.name() + " exited with code " + p.exitValue() + " before listening", p.exitValue()))));
    return launched;
  }

  /**
   * Assigns a warm process to {@code sessionId} (the compute contract's {@code POST /assign}, with
   * its token, over TLS with this LSS's certificate when TLS is on); its output is the session's from then on.
   */
  Future<Void> assign(ComputeProcess warm, String sessionId) {
    String body = new io.vertx.core.json.JsonObject().put("sessionId", sessionId).encode();
    // Its output is the session's from before the request: what it logs while answering is the session's too.
    warm.session.set(sessionId);
    return probeClient.request(new RequestOptions().setMethod(HttpMethod.POST).setHost(host).setPort(warm.port)
            .setURI(ComputeContract.ASSIGN_PATH).setTimeout(10_000)
            .putHeader("authorization", "Bearer " + warm.assignToken).putHeader("content-type", "application/json"))
        .compose(req -> req.send(body))
        .compose(resp -> resp.body().compose(text -> resp.statusCode() == 200 ? Future.<Void>succeededFuture()
            : Future.failedFuture(new SpawnException(warm.spec.name() + " (pid " + warm.pid() + ") refused the "
                + "assignment with HTTP " + resp.statusCode() + ": " + text, null, SpawnException.Cause.REFUSED))))
        .onFailure(e -> warm.session.set(null))
        .onSuccess(v -> {
          vertx.executeBlocking(() -> {
            spool.assigned(warm.output, sessionId);
            return null;
          }, false);
        });
  }

  /** Stops a process this spawner launched (a warm one no longer wanted, or one that would not be assigned). */
  Future<Void> discard(ComputeProcess launched) {
    stopping.put(launched.process, true);
    return destroy(launched.process).onComplete(r -> stopping.remove(launched.process));
  }

  /**
   * The class-data archive a Java compute service starts on (beside the spool, in
   * {@code <spool>-cds}); none for another command, or a class path the JVM cannot archive.
   */
  private ClassDataArchive classData(ServiceSpec spec, List<String> command) {
    if (!"${java}".equals(spec.command().get(0)) || classpath == null || classpath.isBlank()) {
      return ClassDataArchive.none();
    }
    Path dir = spool.dir().toAbsolutePath();
    return ClassDataArchive.of(dir.resolveSibling(dir.getFileName() + "-cds"), "compute-" + spec.name(), classpath,
        command.subList(1, command.size()));
  }

  private Future<Integer> withTimeout(Future<Integer> port, ServiceSpec spec, Process process) {
    Promise<Integer> promise = Promise.promise();
    long timer = vertx.setTimer(spec.startTimeout().toMillis(), t -> promise.tryFail(new SpawnException(
        spec.name() + " did not listen within " + spec.startTimeout().toSeconds() + " s", null,
        SpawnException.Cause.TIMEOUT)));
    port.onComplete(r -> {
      vertx.cancelTimer(timer);
      if (r.succeeded()) {
        promise.tryComplete(r.result());
      } else {
        promise.tryFail(r.cause());
      }
    });
    return promise.future();
  }

  private Future<Integer> awaitReady(int port, long deadline, Process process, ServiceSpec spec) {
    if (!process.isAlive()) {
      return Future.failedFuture(new SpawnException(spec.name() + " exited with code " + process.exitValue(),
          process.exitValue()));
    }
    if (System.currentTimeMillis() > deadline) {
      return Future.failedFuture(new SpawnException(spec.name() + " was not ready within "
          + spec.startTimeout().toSeconds() + " s", null, SpawnException.Cause.TIMEOUT));
    }
    return probeClient.request(new RequestOptions().setMethod(HttpMethod.GET).setHost(host).setPort(port)
            .setURI(spec.readinessPath()).setTimeout(2_000))
        .compose(req -> req.send())
        .map(resp -> resp.statusCode() == 200)
        .otherwise(false)
        .compose(ready -> {
          if (ready) {
            return Future.succeededFuture(port);
          }
          Promise<Void> delay = Promise.promise();
          vertx.setTimer(100, t -> delay.complete());
          return delay.future().compose(v -> awaitReady(port, deadline, process, spec));
        });
  }

  private void watchExit(RunningService running, Process process, ExitListener onExit, Context context) {
    process.onExit().thenAccept(p -> onContext(context, () -> {
      if (!Boolean.TRUE.equals(stopping.get(process))) {
        onExit.exited(running, p.exitValue(), "exited with code " + p.exitValue());
      }
    }));
  }

  /** Runs on the context unless the LSS is shutting down (then {@link #close()} cleans up). */
  private static void onContext(Context context, Runnable action) {
    try {
      context.runOnContext(v -> action.run());
    } catch (java.util.concurrent.RejectedExecutionException e) {
      LOG.debug("event dropped: the LSS is stopping");
    }
  }

  @Override
  public Future<Integer> removeStorage(String project) {
    return vertx.executeBlocking(() -> storage.remove(project), false);
  }

  /** Kills every process this spawner started that is still alive, also ones still starting. */
  @Override
  public Future<Void> close() {
    vertx.cancelTimer(spoolSweeps);
    warm.close();
    List<Future<Void>> all = live.stream().map(p -> {
      stopping.put(p, true);
      return destroy(p);
    }).toList();
    return Future.join(all).mapEmpty();
  }

  @Override
  public Future<Void> stop(RunningService service) {
    Process process = started.get(service.instance());
    if (process == null) {
      return Future.succeededFuture(); // gone already
    }
    stopping.put(process, true);
    return destroy(process).onComplete(r -> stopping.remove(process));
  }

  private Future<Void> destroy(Process process) {
    return vertx.executeBlocking(() -> {
      List<ProcessHandle> descendants = process.descendants().toList();
      process.destroy();
      descendants.forEach(ProcessHandle::destroy);
      // One that writes its class-data archive as it exits is given the time that takes.
      long grace = writingArchive.contains(process) ? ARCHIVE_GRACE_MS : STOP_GRACE_MS;
      if (!process.waitFor(grace, TimeUnit.MILLISECONDS)) {
        LOG.warn("pid {} ignored SIGTERM for {} ms; killing it", process.pid(), grace);
        process.destroyForcibly();
        process.waitFor(STOP_GRACE_MS, TimeUnit.MILLISECONDS);
      }
      descendants.stream().filter(ProcessHandle::isAlive).forEach(ProcessHandle::destroyForcibly);
      return null;
    }, false);
  }
}
