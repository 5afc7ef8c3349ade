package org.otplatform.lss.session;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.otplatform.common.catalog.Catalog;
import org.otplatform.common.catalog.ServiceSpec;
import org.otplatform.common.catalog.SessionType;
import org.otplatform.common.events.SessionCommand;
import org.otplatform.common.events.SessionCommand.SessionCloseRequested;
import org.otplatform.common.events.SessionCommand.SessionOpenRequested;
import org.otplatform.common.events.SessionEvent;
import org.otplatform.common.events.SessionEvent.ServiceEndpoint;
import org.otplatform.common.events.SessionEvent.ServiceFailed;
import org.otplatform.common.events.SessionEvent.ServiceProgress;
import org.otplatform.common.events.SessionEvent.ServiceReady;
import org.otplatform.common.events.SessionEvent.ServiceRestarting;
import org.otplatform.common.events.SessionEvent.ServiceStarting;
import org.otplatform.common.events.SessionEvent.SessionClosed;
import org.otplatform.common.events.SessionEvent.SessionFailed;
import org.otplatform.common.events.SessionEvent.SessionReady;
import org.otplatform.common.events.Topics;
import org.otplatform.common.kafka.EventPublisher;
import org.otplatform.common.service.ServiceLauncher;
import org.otplatform.lss.LssConfig;
import org.otplatform.lss.spawn.RunningService;
import org.otplatform.lss.spawn.SpawnException;
import org.otplatform.lss.spawn.Spawner;
import org.otplatform.common.tracing.Traces;
import org.otplatform.common.tracing.Tracing;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the sessions this LSS took: starts each session's compute services through the
 * {@link Spawner}, reports progress on the session-events topic, restarts a service that dies
 * after it was ready (with exponential back-off, up to its restart limit), and removes everything
 * of a session when it closes or fails. Runs on one Vert.x context, so its map needs no locking
 * beyond visibility.
 */
public final class SessionSupervisor {
  private static final Logger LOG = LoggerFactory.getLogger(SessionSupervisor.class);

  private final Vertx vertx;
  private final Spawner spawner;
  private final EventPublisher publisher;
  private final Catalog catalog;
  private final String lssId;
  private final int capacity;
  private final Duration restartBackoff;
  private final Duration maxRestartBackoff;
  private final Map<String, LocalSession> sessions = new ConcurrentHashMap<>();
  private final MeterRegistry meters;
  private final Counter restartsCounted;
  /** How long a claim waits for the GSS's answer before it goes out again. */
  private static final long CLAIM_AGAIN_MS = 10_000;

  /** A session this LSS runs. */
  private static final class LocalSession {
    final String id;
    final SessionType type;
    /** The type's services as the session's profile runs them, with its project's volume if the type has storage. */
    final List<ServiceSpec> services;
    final List<RunningService> running = new ArrayList<>();
    final List<Future<RunningService>> starts = new ArrayList<>();
    /** Restarts so far, by service name. */
    final Map<String, Integer> restarts = new java.util.HashMap<>();
    boolean ending;
    /** A close is under way: it may reach this LSS twice (its group's partition and its reader of closes). */
    boolean closing;
    /** Another LSS runs it now: what is left here is let go of, not removed (pods are that LSS's). */
    boolean released;
    /** Completed when the GSS grants this LSS's claim on the session: only then do its services start. */
    final Promise<Void> claim = Promise.promise();
    long claimTimer = -1;
    /** The trace of the open request (its command's span): the starts, granted later, carry on in it. */
    final io.opentelemetry.context.Context trace = Traces.current();

    LocalSession(String id, SessionType type, String projectId, String profile) {
      this.id = id;
      this.type = type;
      this.services = type.servicesFor(projectId, profile);
    }
  }

  /** The spawner's class, as the start spans name it. */
  private final String spawnerKind;

  public SessionSupervisor(Vertx vertx, Spawner spawner, EventPublisher publisher, LssConfig config) {
    this.vertx = vertx;
    this.spawner = spawner;
    this.spawnerKind = spawner.getClass().getSimpleName();
    this.publisher = publisher;
    this.catalog = config.catalog();
    this.lssId = config.common().instanceId();
    this.capacity = config.capacity();
    this.restartBackoff = config.restartBackoff();
    this.maxRestartBackoff = config.maxRestartBackoff();
    this.meters = ServiceLauncher.meterRegistry(vertx);
    this.restartsCounted = Counter.builder("ot_lss_restarts")
        .description("Compute services restarted after they died once ready").register(meters);
    spawner.onProgress(this::progress);
  }

  /** What the cluster says about a service still starting goes to the session's progress. */
  private void progress(String sessionId, String service, String reason, String message) {
    LocalSession session = sessions.get(sessionId);
    if (session != null && !session.ending && !session.released) {
      publish(ServiceProgress.of(sessionId, service, reason, message));
    }
  }

  public int load() {
    return sessions.size();
  }

  public int capacity() {
    return capacity;
  }

  /** Acts on a command; completes once the action is under way (services launched, or stopped). */
  public Future<Void> onCommand(SessionCommand command) {
    if (command instanceof SessionOpenRequested open) {
      return open(open);
    }
    return close((SessionCloseRequested) command);
  }

  private Future<Void> open(SessionOpenRequested cmd) {
    String id = cmd.sessionId();
    LocalSession running = sessions.get(id);
    if (running != null) {
      // A replayed request, or the GSS handing the session to the LSS that in fact runs it: say
      // again where it stands, so the GSS's record is complete.
      LOG.atInfo().addKeyValue("session", id).log("open request for a session running here; announcing it again");
      return reannounce(running);
    }
    SessionType type = catalog.type(cmd.sessionType()).orElse(null);
    if (type == null) {
      return publish(SessionFailed.of(id, "unknown session type '" + cmd.sessionType() + "'"));
    }
    if (cmd.profile() != null && type.profile(cmd.profile()).isEmpty()) {
      // The GSS checks it against its own catalog: this LSS's catalog differs from the GSS's.
      return publish(SessionFailed.of(id, "session type '" + type.name() + "' has no profile '" + cmd.profile()
          + "' in the catalog of LSS " + lssId));
    }
    if (type.storage() != null && cmd.projectId() == null) {
      return publish(SessionFailed.of(id, "session type '" + type.name() + "' keeps storage per project, but the "
          + "open request names no project id (a GSS older than the LSS?)"));
    }
    if (sessions.size() >= capacity) {
      return publish(SessionFailed.of(id, "LSS " + lssId + " is at capacity (" + capacity + " sessions)"));
    }
    Traces.tagSession(id);
    LocalSession session = new LocalSession(id, type, cmd.projectId(), cmd.profile());
    sessions.put(id, session);
    LOG.atInfo().addKeyValue("session", id).log("opening {} session for project {}", type.name(), cmd.project());
    session.claim.future().onSuccess(v -> startServices(session));
    // The claim goes out again while unanswered: the GSS may have been down, or its answer missed.
    session.claimTimer = vertx.setPeriodic(CLAIM_AGAIN_MS, t -> {
      if (session.claim.future().isComplete() || session.ending) {
        vertx.cancelTimer(t);
      } else {
        LOG.atWarn().addKeyValue("session", id).log("no answer to this LSS's claim on session {} yet: claiming again",
            id);
        claim(session);
      }
    });
    return claim(session);
  }

  /** {@code ServiceStarting} for each service: the claim the GSS answers (see {@link #granted}). */
  private Future<Void> claim(LocalSession session) {
    List<Future<Void>> announced = new ArrayList<>();
    for (ServiceSpec spec : session.services) {
      announced.add(publish(ServiceStarting.of(session.id, spec.name(), lssId)));
    }
    return Future.all(announced).mapEmpty();
  }

  /**
   * The GSS granted this LSS's claim on the session: its services start now. Two LSS may act on
   * one open request (Kafka delivers at least once); the GSS grants one and asks the other to let
   * go ({@link #release}), so no service of a session runs twice.
   */
  public void granted(String sessionId) {
    LocalSession session = sessions.get(sessionId);
    if (session != null && !session.ending) {
      vertx.cancelTimer(session.claimTimer);
      session.claim.tryComplete();
    }
  }

  private void startServices(LocalSession session) {
    if (session.ending) {
      return;
    }
    for (ServiceSpec spec : session.services) {
      // A span from the start to ready, in the open's trace; what it publishes (ServiceReady) is its child.
      Future<RunningService> start = Traces.child(vertx, session.trace, "start " + spec.name(),
          b -> b.setAttribute(Tracing.SESSION_ID, session.id)
              .setAttribute("ot.session.type", session.type.name())
              .setAttribute("ot.service.name", spec.name())
              .setAttribute("ot.lss.id", lssId)
              .setAttribute("ot.spawner", spawnerKind),
          () -> firstStart(session, spec)
              .onSuccess(r -> {
                io.opentelemetry.api.trace.Span.current().setAttribute("ot.service.instance", r.instance());
                onStarted(session, r);
              })
              .onFailure(e -> onStartFailed(session, spec, e)));
      session.starts.add(start);
    }
    Future.join(session.starts).onComplete(r -> onAllSettled(session));
  }

  /** A warm instance of the service when one is ready (the span says so), else a start. */
  private Future<RunningService> firstStart(LocalSession session, ServiceSpec spec) {
    return spawner.claim(session.id, spec, this::onExit).compose(warm -> {
      io.opentelemetry.api.trace.Span.current().setAttribute("ot.warm", warm.isPresent());
      Counter.builder("ot_lss_service_starts").description("Compute services started for sessions, by whether a warm "
          + "instance was claimed").tag("warm", Boolean.toString(warm.isPresent())).register(meters).increment();
      return warm.map(Future::succeededFuture).orElseGet(() -> spawner.start(session.id, traced(spec), this::onExit));
    });
  }

  private Future<Void> reannounce(LocalSession session) {
    if (session.ending) {
      return Future.succeededFuture();
    }
    if (!session.claim.future().isComplete()) {
      return claim(session); // nothing started yet: the claim again
    }
    List<Future<Void>> published = new ArrayList<>();
    session.services.forEach(spec -> published.add(publish(ServiceStarting.of(session.id, spec.name(), lssId))));
    session.running.forEach(r -> published.add(publish(ServiceReady.of(session.id, r.name(), r.endpoint()))));
    if (session.starts.stream().allMatch(Future::succeeded) && session.running.size() == session.starts.size()) {
      published.add(publish(SessionReady.of(session.id, session.running.stream()
          .map(r -> new ServiceEndpoint(r.name(), r.endpoint())).toList())));
    }
    return Future.join(published).mapEmpty();
  }

  /**
   * The spec with {@code TRACEPARENT} in its environment when the start is traced, so that a
   * compute service can continue the trace (the convention for processes; the SDK reads it), and
   * the LSS's collector unless the catalog names one for the service.
   */
  private ServiceSpec traced(ServiceSpec spec) {
    Map<String, String> parent = Traces.environment(vertx);
    if (parent.isEmpty()) {
      return spec;
    }
    Map<String, String> env = new java.util.HashMap<>(parent);
    env.putAll(spec.env()); // the catalog's settings win
    return spec.with(spec.resources(), env, spec.placement());
  }

  private void onStarted(LocalSession session, RunningService service) {
    session.running.add(service);
    if (session.ending) {
      if (session.released) {
        spawner.release(service);
      } else {
        spawner.stop(service);
      }
      return;
    }
    LOG.atInfo().addKeyValue("session", session.id).log("{} ready at {}", service.name(), service.endpoint());
    publish(ServiceReady.of(session.id, service.name(), service.endpoint()));
  }

  private void onStartFailed(LocalSession session, ServiceSpec spec, Throwable e) {
    if (session.ending) {
      return; // closed or LSS stopping meanwhile: not a failure of the service
    }
    Integer exitCode = e instanceof SpawnException se ? se.exitCode() : null;
    String cause = e instanceof SpawnException se ? se.kind().label() : "error";
    Counter.builder("ot_lss_spawn_failures")
        .description("Compute service starts that failed, by cause (timeout, exited, unschedulable, image, …)")
        .tag("cause", cause).register(meters).increment();
    LOG.atError().addKeyValue("session", session.id).log("{} failed to start: {}", spec.name(), e.getMessage());
    publish(ServiceFailed.of(session.id, spec.name(), exitCode, e.getMessage()));
  }

  private void onAllSettled(LocalSession session) {
    if (session.ending) {
      return;
    }
    List<String> failed = new ArrayList<>();
    for (int i = 0; i < session.starts.size(); i++) {
      ServiceSpec spec = session.services.get(i);
      if (session.starts.get(i).failed() && spec.mandatory()) {
        failed.add(spec.name() + ": " + session.starts.get(i).cause().getMessage());
      }
    }
    if (!failed.isEmpty()) {
      fail(session, "could not start " + String.join("; ", failed));
      return;
    }
    List<ServiceEndpoint> endpoints = session.running.stream()
        .map(r -> new ServiceEndpoint(r.name(), r.endpoint())).toList();
    LOG.atInfo().addKeyValue("session", session.id).log("session ready with {} service(s)", endpoints.size());
    publish(SessionReady.of(session.id, endpoints));
  }

  /**
   * A service died after it was ready: restart it after a back-off while its restart limit allows,
   * else fail the session (mandatory service) or leave the service FAILED (optional one).
   */
  private void onExit(RunningService service, int exitCode, String reason) {
    LocalSession session = sessions.get(service.sessionId());
    if (session == null || session.ending) {
      return;
    }
    session.running.remove(service);
    LOG.atError().addKeyValue("session", session.id).log("{} {}", service.name(), reason);
    publish(ServiceFailed.of(session.id, service.name(), exitCode, reason));
    crashed(session, spec(session, service.name()), reason);
  }

  private void crashed(LocalSession session, ServiceSpec spec, String reason) {
    int attempt = session.restarts.merge(spec.name(), 1, Integer::sum);
    if (attempt <= spec.restartLimit()) {
      restartsCounted.increment();
      long delay = backoff(attempt);
      LOG.atWarn().addKeyValue("session", session.id).log("restarting {} in {} ms (restart {} of {})", spec.name(),
          delay, attempt, spec.restartLimit());
      publish(ServiceRestarting.of(session.id, spec.name(), attempt, spec.restartLimit(), delay));
      vertx.setTimer(delay, t -> restart(session, spec, attempt));
    } else if (spec.mandatory()) {
      fail(session, "service " + spec.name() + " " + reason + " after " + spec.restartLimit()
          + " restart(s), its limit");
    } else {
      LOG.atError().addKeyValue("session", session.id).log("optional service {} is given up after {} restart(s)",
          spec.name(), spec.restartLimit());
    }
  }

  private void restart(LocalSession session, ServiceSpec spec, int attempt) {
    if (session.ending) {
      return;
    }
    spawner.start(session.id, spec, attempt, this::onExit)
        .onSuccess(r -> onStarted(session, r))
        .onFailure(e -> {
          if (session.ending) {
            return;
          }
          Integer exitCode = e instanceof SpawnException se ? se.exitCode() : null;
          LOG.atError().addKeyValue("session", session.id).log("{} failed to restart: {}", spec.name(),
              e.getMessage());
          publish(ServiceFailed.of(session.id, spec.name(), exitCode, e.getMessage()));
          crashed(session, spec, "could not be restarted: " + e.getMessage());
        });
  }

  /** {@code restartBackoff} doubled for every restart before, at most {@code maxRestartBackoff}. */
  long backoff(int attempt) {
    long base = restartBackoff.toMillis();
    long delay = attempt >= 31 ? Long.MAX_VALUE : base << (attempt - 1);
    return Math.min(delay < 0 ? Long.MAX_VALUE : delay, maxRestartBackoff.toMillis());
  }

  private static ServiceSpec spec(LocalSession session, String name) {
    return session.services.stream().filter(s -> s.name().equals(name)).findFirst()
        .orElseThrow(() -> new IllegalStateException("no service " + name + " in type " + session.type.name()));
  }

  private void fail(LocalSession session, String reason) {
    session.ending = true;
    stopAll(session).onComplete(r -> {
      sessions.remove(session.id);
      publish(SessionFailed.of(session.id, reason));
    });
  }

  private Future<Void> close(SessionCloseRequested cmd) {
    LocalSession session = sessions.get(cmd.sessionId());
    if (session == null) {
      // Not ours (never opened here, failed, already closed, or run by an LSS that is gone): remove
      // what of it this LSS can see, and confirm so the session does not hang.
      return spawner.removeSession(cmd.sessionId())
          .eventually(() -> publish(SessionClosed.of(cmd.sessionId(), cmd.reason())));
    }
    if (session.closing) {
      return Future.succeededFuture(); // the same close, by the other path (CommandIntake)
    }
    session.closing = true;
    session.ending = true;
    vertx.cancelTimer(session.claimTimer);
    session.claim.tryFail("closed");
    LOG.atInfo().addKeyValue("session", session.id).log("closing: {}", cmd.reason());
    // Acted on once it is under way: services still starting are stopped now (local processes) or
    // when their start settles (pods), and the command consumer is not held up meanwhile.
    spawner.cancelStarts(session.id).transform(c -> Future.join(session.starts))
        .transform(r -> stopAll(session))
        .onComplete(r -> {
          sessions.remove(session.id);
          publish(SessionClosed.of(session.id, cmd.reason()));
        });
    return Future.succeededFuture();
  }

  /**
   * Another LSS ({@code heldBy}) runs this session now: it was handed over while this LSS was
   * silent. Lets go of this copy without a word on the session topic — the session is not over,
   * it is the other LSS's.
   */
  public Future<Void> release(String sessionId, String heldBy) {
    LocalSession session = sessions.get(sessionId);
    if (session == null || session.ending) {
      return Future.succeededFuture();
    }
    session.ending = true;
    session.released = true;
    vertx.cancelTimer(session.claimTimer);
    if (!session.claim.future().isComplete()) {
      session.claim.tryFail("released");
      sessions.remove(session.id);
      LOG.atInfo().addKeyValue("session", session.id).log("session {} is not this LSS's to run ({}): nothing of it "
          + "was started", session.id, heldBy == null ? "it is over" : "LSS " + heldBy + " runs it");
      return Future.succeededFuture();
    }
    LOG.atWarn().addKeyValue("session", session.id).log("session {} is run by LSS {} now (handed over while this "
        + "LSS was silent): letting go of this copy", session.id, heldBy);
    return spawner.cancelStarts(session.id).transform(c -> Future.join(session.starts)).transform(r -> {
      List<Future<Void>> releases = new ArrayList<>();
      for (RunningService running : List.copyOf(session.running)) {
        releases.add(spawner.release(running));
      }
      session.running.clear();
      return Future.join(releases);
    }).onComplete(r -> sessions.remove(session.id)).mapEmpty();
  }

  private Future<Void> stopAll(LocalSession session) {
    List<Future<Void>> stops = new ArrayList<>();
    for (RunningService r : List.copyOf(session.running)) {
      stops.add(spawner.stop(r));
    }
    session.running.clear();
    return Future.join(stops).mapEmpty();
  }

  /**
   * LSS shutdown: local processes end with it; pods keep running for the LSS their sessions are
   * handed to (see {@link Spawner#close()}).
   */
  public Future<Void> shutdown() {
    sessions.values().forEach(s -> s.ending = true);
    return spawner.close();
  }

  /** Whether this LSS runs the session. */
  public boolean runs(String sessionId) {
    return sessions.containsKey(sessionId);
  }

  /** The sessions this LSS runs, for its heartbeat. */
  public List<String> sessionIds() {
    return List.copyOf(new java.util.TreeSet<>(sessions.keySet()));
  }

  /** Sessions of which compute services are visible here but run by no session of this LSS. */
  public List<String> untrackedSessionIds() {
    java.util.Set<String> untracked = new java.util.TreeSet<>(spawner.untrackedSessions());
    untracked.removeAll(sessions.keySet());
    return List.copyOf(untracked);
  }

  private Future<Void> publish(SessionEvent event) {
    return publisher.publish(Topics.SESSION_EVENTS, event).onFailure(e ->
        LOG.atError().addKeyValue("session", event.sessionId()).log("could not publish {}: {}", event.type(),
            e.getMessage()));
  }
}
