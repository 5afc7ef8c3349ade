package org.otplatform.gss.lifecycle;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.otplatform.common.auth.Principal;
import org.otplatform.common.catalog.Catalog;
import org.otplatform.common.events.LssHeartbeat;
import org.otplatform.common.tracing.RootSpans;
import org.otplatform.common.events.PlatformEvent;
import org.otplatform.common.http.ApiException;
import org.otplatform.gss.GssConfig;
import org.otplatform.common.kafka.EventSink;
import org.otplatform.common.testing.TestClock;
import org.otplatform.gss.access.ProjectAccess;
import org.otplatform.gss.metrics.SessionMetrics;
import org.otplatform.gss.progress.Progress;
import org.otplatform.gss.registry.LssRegistry;
import org.otplatform.gss.session.Session;
import org.otplatform.gss.store.MemorySessionStore;

/**
 * The GSS's session core wired as {@code GssVerticle} wires it, but on an in-memory store, a
 * clock the test moves, a list for the events it publishes and projects it is told of: the rules
 * of opening, the queue, the reconciler and the sweeps, tested in milliseconds without a broker.
 */
final class Rig implements AutoCloseable {
  /** Years from the wall clock, so a rule that reads the wall clock instead of this one fails every time. */
  static final Instant T0 = Instant.parse("2030-01-01T10:00:00Z");
  static final Duration LOST_AFTER = Duration.ofSeconds(20);
  static final Duration QUEUE_TIMEOUT = Duration.ofSeconds(15);
  static final int MAX_HANDOVERS = 2;

  final TestClock clock = new TestClock(T0);
  final MemorySessionStore store = new MemorySessionStore();
  final List<PlatformEvent> published = new ArrayList<>();
  /** The session figures, as a scrape would read them. */
  final io.micrometer.core.instrument.simple.SimpleMeterRegistry meters =
      new io.micrometer.core.instrument.simple.SimpleMeterRegistry();
  /** Project name → id; every user may open each. */
  final Map<String, String> projects = new ConcurrentHashMap<>(Map.of("p", "pid-p", "q", "pid-q"));
  /** User name → the groups AUTH would say they are in. */
  final Map<String, Set<String>> groups = new ConcurrentHashMap<>(Map.of("gail", Set.of("gpu-users")));
  volatile boolean kafkaDown;
  private final Vertx vertx = Vertx.vertx();
  final Lifecycle lifecycle;
  final LssRegistry registry;
  final SessionQueue queue;
  final Reconciler reconciler;
  final Sweeps sweeps;
  final Admission admission;

  Rig(GssConfig.SessionLimits limits) {
    EventSink sink = (topic, event) -> {
      if (kafkaDown) {
        return Future.failedFuture(new IllegalStateException("broker unreachable"));
      }
      published.add(event);
      return Future.succeededFuture();
    };
    registry = new LssRegistry(LOST_AFTER, T0);
    lifecycle = new Lifecycle(store, new Progress(vertx, store), sink, clock, new SessionMetrics(meters),
        id -> registry.get(id).map(LssRegistry.Entry::pool));
    queue = new SessionQueue(store, lifecycle, registry, QUEUE_TIMEOUT);
    reconciler = new Reconciler(store, lifecycle, registry, MAX_HANDOVERS, RootSpans.NONE);
    Catalog catalog = Catalog.parse(new JsonObject("""
        {"defaultType": "kriging", "types": {
          "kriging": {"maxOpenPerProject": 1, "openTimeoutSeconds": 60,
                      "services": [{"name": "kriging", "image": "img:1"}]},
          "echo": {"maxOpenPerProject": 10, "idleTimeoutSeconds": 300,
                   "services": [{"name": "echo", "image": "img:1"}, {"name": "viewer", "image": "img:1"}]},
          "gpu": {"maxOpenPerProject": 10, "defaultProfile": "cpu",
                  "profiles": {"gpu": {"groups": ["gpu-users"], "resources": {"limits": {"nvidia.com/gpu": "1"}}},
                               "cpu": {"description": "no GPU"}},
                  "services": [{"name": "solver", "image": "img:1"}]},
          "cad": {"maxOpenPerProject": 10, "pool": "workstation", "defaultProfile": "here",
                  "profiles": {"here": {}, "big": {"pool": "cluster-gpu"}},
                  "services": [{"name": "cad", "image": "img:1"}]}}}"""),
        "test");
    sweeps = new Sweeps(store, lifecycle, catalog, queue, reconciler, RootSpans.NONE);
    admission = new Admission(store, lifecycle, queue, new Projects(), catalog, limits);
  }

  Rig() {
    this(new GssConfig.SessionLimits(5, 100));
  }

  static Principal user(String name) {
    return new Principal("id-" + name, name, Set.of(), "token", T0, T0.plus(Duration.ofHours(1)));
  }

  /** An LSS heartbeat heard now. */
  void heartbeat(String lss, int capacity, List<String> sessions) {
    heartbeat(lss, null, capacity, sessions);
  }

  /** A heartbeat of an LSS of {@code pool} heard now. */
  void heartbeat(String lss, String pool, int capacity, List<String> sessions) {
    done(reconciler.onHeartbeat(new LssHeartbeat("hb", clock.instant(), lss, "local", capacity, sessions.size(),
        sessions, List.of(), false, pool)));
  }

  Session open(String userName, String project, String type) {
    return done(admission.open(user(userName), project, type));
  }

  Session session(String id) {
    return done(store.get(id)).orElseThrow();
  }

  <T extends PlatformEvent> List<T> published(Class<T> type) {
    return published.stream().filter(type::isInstance).map(type::cast).toList();
  }

  /** The result of an already complete future (the in-memory store completes everything at once). */
  static <T> T done(Future<T> future) {
    assertTrue(future.isComplete(), "the future should be complete");
    if (future.failed()) {
      throw future.cause() instanceof RuntimeException r ? r : new IllegalStateException(future.cause());
    }
    return future.result();
  }

  /** The refusal of a future that must fail with an {@link ApiException}. */
  static ApiException refusal(Future<?> future) {
    assertTrue(future.isComplete() && future.failed(), "the future should have failed");
    assertTrue(future.cause() instanceof ApiException, String.valueOf(future.cause()));
    return (ApiException) future.cause();
  }

  private final class Projects implements ProjectAccess {
    @Override
    public Future<JsonObject> project(String name, Principal caller) {
      String id = projects.get(name);
      return id == null ? Future.failedFuture(ApiException.notFound("no project named '" + name + "'"))
          : Future.succeededFuture(new JsonObject().put("id", id).put("name", name));
    }

    @Override
    public Future<Optional<String>> roleOn(String name, Principal caller, String role) {
      return Future.succeededFuture(Optional.empty());
    }

    @Override
    public Future<Optional<String>> roleOnProjectId(String projectId, Principal caller, String role) {
      return Future.succeededFuture(Optional.empty());
    }

    @Override
    public Future<Set<String>> groupsOf(Principal caller) {
      return Future.succeededFuture(groups.getOrDefault(caller.username(), Set.of()));
    }

    @Override
    public Future<Set<String>> visibleProjectIds(Principal caller) {
      return Future.succeededFuture(Set.copyOf(projects.values()));
    }
  }

  @Override
  public void close() {
    vertx.close();
  }
}
