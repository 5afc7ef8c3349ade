package org.otplatform.compute.sdk;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArraySet;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.otplatform.compute.contract.ComputeContract;

/**
 * The compute-service SDK: declare actions, call {@link #run()} from {@code main}.
 *
 * <p>A compute service learns its session from the environment ({@code OT_SESSION_ID},
 * {@code OT_SERVICE_NAME}, {@code OT_PORT}, {@code OT_BIND_HOST}), answers {@code /health/live}
 * and {@code /health/ready}, and serves the relay on the WebSocket {@code /ws}: requests
 * {@code {id, action, payload}} get {@code {re, result}} or {@code {re, error:{code, message}}};
 * pushes go out as {@code {event, payload}}. Every service has the actions {@code ping} and
 * {@code describe}. Logs go to stdout, where the LSS picks them up.
 *
 * <p>With {@code OT_TLS_CERT}, {@code OT_TLS_KEY} and {@code OT_TLS_CA} it serves TLS and admits to
 * {@code /ws} only callers with a certificate of the platform CA (the relay).
 *
 * <p>Once listening it prints {@link ComputeContract#listeningLine} on a line of its own, so a
 * local spawner can use port 0 without races.
 *
 * <p>Started warm ({@code OT_ASSIGN_TOKEN} instead of {@code OT_SESSION_ID}) it is ready at once but
 * serves the relay only once the LSS has assigned it to a session ({@code POST /assign}, see
 * {@link ComputeContract}); {@link #onAssigned} hooks run then, before the LSS is answered.
 */
public final class ComputeService implements ServiceContext {
  /** The line prefix announcing the bound port on stdout. */
  private static final Logger LOG = LoggerFactory.getLogger(ComputeService.class);

  private final String serviceName;
  /** Null while a warm instance waits for its session. */
  private volatile String sessionId;
  /** A warm instance's assignment secret; null when started for a session. */
  private final String assignToken;
  private final java.util.List<java.util.function.Consumer<String>> assignedHooks = new java.util.concurrent.CopyOnWriteArrayList<>();
  private final Map<String, Action> actions = new LinkedHashMap<>();
  private final Set<ServerWebSocket> sockets = new CopyOnWriteArraySet<>();
  private final ComputeTls tls;
  /** Runs the actions: at most so many at once, each within its time limit. */
  private final ActionRunner runner;
  /** A connection silent this long is closed ({@code OT_COMPUTE_IDLE_TIMEOUT_SECONDS}, default 120). */
  private final Duration idleTimeout;
  private final String bindHost;
  private final int port;
  private final Map<String, String> env;
  private ComputeTracing tracing;
  private Vertx vertx;
  private HttpServer server;

  private ComputeService(String defaultName, Map<String, String> env) {
    this.serviceName = env.getOrDefault(ComputeContract.SERVICE_NAME, defaultName);
    String token = env.get(ComputeContract.ASSIGN_TOKEN);
    this.assignToken = token == null || token.isBlank() ? null : token.strip();
    if (assignToken != null && env.get(ComputeContract.SESSION_ID) != null) {
      throw new IllegalArgumentException(ComputeContract.SESSION_ID + " and " + ComputeContract.ASSIGN_TOKEN
          + " exclude each other: an instance is started for a session or warm");
    }
    if (assignToken != null && assignToken.length() < 16) {
      throw new IllegalArgumentException(ComputeContract.ASSIGN_TOKEN + " must be at least 16 characters");
    }
    this.sessionId = assignToken != null ? null : env.getOrDefault(ComputeContract.SESSION_ID, "none");
    this.tls = new ComputeTls(env);
    this.runner = ActionRunner.from(env);
    this.idleTimeout = Duration.ofSeconds(ActionRunner.positive(env, "OT_COMPUTE_IDLE_TIMEOUT_SECONDS", 120));
    this.bindHost = env.getOrDefault(ComputeContract.BIND_HOST, "127.0.0.1");
    this.port = port(env.getOrDefault(ComputeContract.PORT, "0"));
    this.env = Map.copyOf(env);
    this.tracing = new ComputeTracing(ComputeTracing.fromEnvironment(env, serviceName, sessionId), serviceName,
        this::sessionId);
    action(new Action("ping", "answers pong: checks the path to the service", new JsonObject(),
        (p, c) -> new JsonObject().put("pong", true).put("time", Instant.now().toString())));
    action(new Action("describe", "lists this service's actions and their payloads", new JsonObject(),
        (p, c) -> describe()));
  }

  /** {@code OT_PORT}: 0 (any free port, which the LSS reads from the listening line) to 65535. */
  private static int port(String value) {
    String text = value.trim();
    if (text.matches("[0-9]{1,5}") && Integer.parseInt(text) <= 65535) {
      return Integer.parseInt(text);
    }
    throw new IllegalArgumentException(ComputeContract.PORT + " must be a port from 0 to 65535, got '" + value + "'");
  }

  /** A service configured from the process environment. */
  public static ComputeService create(String defaultName) {
    return new ComputeService(defaultName, System.getenv());
  }

  /**
   * A compute service's {@code main}: builds it and {@link #run}s it; a bad setting stops the
   * process with a message naming it and exit code 78, as every platform service does.
   */
  public static void main(Supplier<ComputeService> service) {
    ComputeService built;
    try {
      built = service.get();
    } catch (IllegalArgumentException e) {
      System.err.println("compute service: " + e.getMessage());
      System.exit(78);
      return;
    }
    built.run();
  }

  /** A service configured from the given environment (for tests). */
  public static ComputeService create(String defaultName, Map<String, String> env) {
    return new ComputeService(defaultName, env);
  }

  /**
   * Records this service's spans with {@code otel} instead of the SDK the environment configures
   * (a service with an OpenTelemetry of its own, or a test's).
   */
  public ComputeService openTelemetry(io.opentelemetry.api.OpenTelemetry otel) {
    this.tracing = new ComputeTracing(otel, serviceName, this::sessionId);
    return this;
  }

  /**
   * Runs {@code hook} with the session id when a warm instance is assigned (on a worker thread,
   * before the LSS is answered: per-session setup goes here); never for an instance started for a
   * session. A hook that throws fails the assignment, and the LSS starts another instance.
   */
  public ComputeService onAssigned(java.util.function.Consumer<String> hook) {
    assignedHooks.add(hook);
    return this;
  }

  @Override
  public io.opentelemetry.api.trace.Tracer tracer() {
    return tracing.tracer();
  }

  public ComputeService action(Action action) {
    actions.put(action.name(), action);
    return this;
  }

  /** The session; null while a warm instance waits to be assigned (no action runs before). */
  @Override
  public String sessionId() {
    return sessionId;
  }

  @Override
  public String serviceName() {
    return serviceName;
  }

  @Override
  public void push(String event, JsonObject payload) {
    String frame = new JsonObject().put("event", event).put("payload", payload).encode();
    sockets.forEach(ws -> ws.writeTextMessage(frame));
  }

  /** Starts listening; the future yields the bound port. */
  public Future<Integer> start(String host, int port) {
    vertx = Vertx.vertx();
    Router router = Router.router(vertx);
    router.get(ComputeContract.LIVE_PATH).handler(ctx -> ctx.json(new JsonObject().put("status", "UP")));
    router.get(ComputeContract.READY_PATH).handler(ctx -> ctx.json(new JsonObject().put("status", "UP")));
    router.get("/describe").handler(ctx -> ctx.json(describe()));
    router.post(ComputeContract.ASSIGN_PATH).handler(io.vertx.ext.web.handler.BodyHandler.create()
        .setBodyLimit(MAX_ASSIGN_BODY)).handler(this::assign);
    return vertx.createHttpServer(tls.apply(new HttpServerOptions().setHost(host).setPort(port)
            // A connection silent this long is closed (one that never sent its request, a relay
            // gone without closing); the relay's connection is pinged well within it.
            .setIdleTimeout((int) idleTimeout.toSeconds())
            .setMaxWebSocketFrameSize(16 * 1024 * 1024).setMaxWebSocketMessageSize(64 * 1024 * 1024)))
        .webSocketHandshakeHandler(hs -> {
          if (!hs.path().equals(ComputeContract.WEBSOCKET_PATH)) {
            hs.reject(404);
          } else if (sessionId == null) {
            LOG.warn("{}: WebSocket from {} refused: this warm instance has no session yet", serviceName,
                hs.remoteAddress());
            hs.reject(503);
          } else if (!tls.admits(hs)) {
            LOG.warn("{}: WebSocket from {} refused: no certificate of the platform CA", serviceName,
                hs.remoteAddress());
            hs.reject(403);
          } else {
            hs.accept();
          }
        })
        .webSocketHandler(this::serve)
        .requestHandler(router)
        .listen()
        .map(s -> {
          server = s;
          tracing.initialized(env, Instant.now());
          return s.actualPort();
        });
  }

  /** Entry point for a service's {@code main}: listens, announces the port, runs until killed. */
  public void run() {
    try {
      int bound = start(bindHost, port).toCompletionStage().toCompletableFuture().get();
      LOG.info("{} {} listening on {}:{}", serviceName, sessionId == null ? "(warm, no session yet)"
          : "for session " + sessionId, bindHost, bound);
      System.out.println(ComputeContract.listeningLine(bound));
      System.out.flush();
    } catch (Exception e) {
      LOG.error("{} cannot start on {}:{}", serviceName, bindHost, port, e);
      System.exit(70);
    }
    exitWithParent(System.getenv(ComputeContract.PARENT_PID));
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      LOG.info("{} {} stopping", serviceName, sessionId == null ? "(warm, never assigned)" : "for session " + sessionId);
      stop();
    }));
  }

  /** A local spawner passes its pid: if it dies without stopping us, we go too (no orphans). */
  private void exitWithParent(String parentPid) {
    if (parentPid == null || parentPid.isBlank()) {
      return;
    }
    ProcessHandle.of(Long.parseLong(parentPid.trim())).ifPresentOrElse(
        parent -> parent.onExit().thenRun(() -> {
          LOG.warn("{}: the LSS (pid {}) is gone; exiting", serviceName, parentPid);
          System.exit(0);
        }),
        () -> {
          LOG.warn("{}: the LSS (pid {}) is already gone; exiting", serviceName, parentPid);
          System.exit(0);
        });
  }

  public Future<Void> stop() {
    runner.shutdown(); // running actions are interrupted
    tracing.shutdown();
    return vertx == null ? Future.succeededFuture() : vertx.close();
  }

  /** {@code POST /assign}: a warm instance learns its session, once (see {@link ComputeContract}). */
  private void assign(io.vertx.ext.web.RoutingContext ctx) {
    if (assignToken == null) {
      refuse(ctx, 404, "not_warm", "this instance was started for session " + sessionId);
      return;
    }
    if (!tls.admitsAssigner(ctx.request())) {
      LOG.warn("{}: assignment from {} refused: not an LSS's certificate", serviceName, ctx.request().remoteAddress());
      refuse(ctx, 403, "forbidden", "only an LSS may assign this instance");
      return;
    }
    String auth = ctx.request().getHeader("authorization");
    if (auth == null || !auth.startsWith("Bearer ") || !java.security.MessageDigest.isEqual(
        auth.substring(7).strip().getBytes(java.nio.charset.StandardCharsets.UTF_8),
        assignToken.getBytes(java.nio.charset.StandardCharsets.UTF_8))) {
      LOG.warn("{}: assignment from {} refused: wrong token", serviceName, ctx.request().remoteAddress());
      refuse(ctx, 401, "unauthorized", "a wrong or missing assignment token");
      return;
    }
    Object id;
    try {
      JsonObject body = ctx.body().asJsonObject();
      id = body == null ? null : body.getValue("sessionId");
    } catch (RuntimeException e) {
      id = null;
    }
    if (!(id instanceof String session) || !session.matches("[A-Za-z0-9._-]{1,128}")) {
      refuse(ctx, 400, "bad_request", "the body must be {\"sessionId\": \"...\"} (1-128 of A-Z a-z 0-9 . _ -)");
      return;
    }
    String current = sessionId;
    if (current != null) {
      if (current.equals(session)) {
        ctx.json(new JsonObject().put("sessionId", session).put("service", serviceName));
      } else {
        refuse(ctx, 409, "assigned", "this instance serves another session already");
      }
      return;
    }
    sessionId = session; // before the hooks: a second assignment while they run is refused
    if (assignedHooks.isEmpty()) {
      LOG.info("{} assigned to session {}", serviceName, session);
      ctx.json(new JsonObject().put("sessionId", session).put("service", serviceName));
      return;
    }
    vertx.executeBlocking(() -> {
      assignedHooks.forEach(h -> h.accept(session));
      return null;
    }, false).onSuccess(v -> {
      LOG.info("{} assigned to session {}", serviceName, session);
      ctx.json(new JsonObject().put("sessionId", session).put("service", serviceName));
    }).onFailure(e -> {
      LOG.error("{}: setting up session {} failed; this instance cannot serve it", serviceName, session, e);
      refuse(ctx, 500, "assign_failed", "setting up the session failed: " + e.getMessage());
    });
  }

  private static final int MAX_ASSIGN_BODY = 4096;

  private static void refuse(io.vertx.ext.web.RoutingContext ctx, int status, String code, String message) {
    ctx.response().setStatusCode(status).putHeader("content-type", "application/json")
        .end(new JsonObject().put("error", code).put("message", message).encode());
  }

  private void serve(ServerWebSocket ws) {
    sockets.add(ws);
    // The relay's client answers pings by itself: a live connection is never idle.
    long pinger = vertx.setPeriodic(Math.max(250, idleTimeout.toMillis() / 4),
        t -> ws.writePing(Buffer.buffer("ot")));
    ws.closeHandler(v -> {
      vertx.cancelTimer(pinger);
      sockets.remove(ws);
    });
    ws.exceptionHandler(e -> LOG.warn("relay connection error: {}", e.getMessage()));
    ws.textMessageHandler(text -> handle(ws, text));
  }

  private void handle(ServerWebSocket ws, String text) {
    JsonObject request;
    try {
      request = new JsonObject(text);
    } catch (RuntimeException e) {
      ws.writeTextMessage(error(null, "bad_request", "message is not a JSON object").encode());
      return;
    }
    Object id = request.getValue("id");
    String name = request.getString("action");
    Action action = name == null ? null : actions.get(name);
    if (action == null) {
      ws.writeTextMessage(error(id, "unknown_action",
          "no action '" + name + "' on " + serviceName + "; try 'describe'").encode());
      return;
    }
    JsonObject payload = request.getValue("payload") instanceof JsonObject p ? p : new JsonObject();
    if (BUILT_IN.contains(name)) {
      // Answered at once, whatever else runs: a front end can always tell the service is there.
      ws.writeTextMessage(new JsonObject().put("re", id).put("result", builtIn(action, payload)).encode());
      return;
    }
    Context context = vertx.getOrCreateContext();
    String traceparent = request.getValue("traceparent") instanceof String t ? t : null;
    runner.run(vertx, action, payload, this, tracing.action(traceparent, name), result -> context.runOnContext(v ->
        ws.writeTextMessage(result.reply(id).encode())));
  }

  private static final Set<String> BUILT_IN = Set.of("ping", "describe");

  private JsonObject builtIn(Action action, JsonObject payload) {
    try {
      return action.handler().handle(payload, this);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  static JsonObject error(Object id, String code, String message) {
    return new JsonObject().put("re", id).put("error", new JsonObject().put("code", code).put("message", message));
  }

  private JsonObject describe() {
    JsonArray list = new JsonArray();
    actions.values().forEach(a -> list.add(new JsonObject()
        .put("name", a.name()).put("description", a.description()).put("payload", a.payload())));
    return new JsonObject().put("service", serviceName).put("session", sessionId).put("actions", list);
  }
}
