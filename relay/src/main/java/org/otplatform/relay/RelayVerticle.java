package org.otplatform.relay;

import org.otplatform.common.tls.ServiceTls;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.healthchecks.HealthChecks;
import io.vertx.ext.healthchecks.Status;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.client.WebClient;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.otplatform.common.auth.BearerAuth;
import org.otplatform.common.auth.JwksClient;
import org.otplatform.common.auth.Principal;
import org.otplatform.common.auth.SessionLookup;
import org.otplatform.common.auth.Revocations;
import org.otplatform.common.auth.TokenVerifier;
import org.otplatform.common.http.ApiException;
import org.otplatform.common.http.ErrorHandler;
import org.otplatform.common.events.SessionEvent;
import org.otplatform.common.events.Topics;
import org.otplatform.common.http.HttpHardening;
import org.otplatform.common.http.ServiceHttp;
import org.otplatform.common.events.EventCodec;
import org.otplatform.common.kafka.BroadcastConsumer;
import org.otplatform.common.kafka.EventPublisher;
import org.otplatform.common.service.Dependencies;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The relay: {@code WS /ws/sessions/{id}} for front ends. The token comes from the
 * {@code Authorization} header, the {@code access_token} query parameter, or the subprotocols
 * {@code ot.bearer, <token>} (browsers cannot set headers); it is never logged. The session must
 * be visible to the user and READY; refusals close with a {@link CloseCodes} code and a reason.
 */
public final class RelayVerticle extends VerticleBase {
  private ServiceTls tls;
  private static final Logger LOG = LoggerFactory.getLogger(RelayVerticle.class);
  private static final Pattern PATH = Pattern.compile("/ws/sessions/([A-Za-z0-9-]{1,64})");
  private static final String SUBPROTOCOL = "ot.bearer";

  private final RelayConfig config;
  private final Map<String, SessionChannel> channels = new HashMap<>();
  private WebClient http;
  private WebSocketClient wsClient;
  private HttpServer server;
  private TokenVerifier verifier;
  private SessionLookup sessions;
  private RelayMetrics metrics;
  private EventPublisher publisher;
  /** Session events as they happen, so routes follow restarted services on every replica. */
  private BroadcastConsumer follower;
  private final Map<String, Long> lastActivity = new HashMap<>();
  /** Users whose tokens were revoked: refused at admission, their open sockets closed (4401). */
  private final Revocations revocations = new Revocations();
  /** Open front-end sockets by user id, for revocations. */
  private final Map<String, java.util.Set<ServerWebSocket>> byUser = new HashMap<>();

  public RelayVerticle(RelayConfig config) {
    this.config = config;
  }

  public int port() {
    return server.actualPort();
  }

  @Override
  public Future<?> start() {
    tls = ServiceTls.start(vertx, config.common().tls());
    http = tls.webClient();
    wsClient = vertx.createWebSocketClient(config.common().tls().computeClient(new WebSocketClientOptions()
        .setMaxFrameSize(config.maxFrameBytes()).setMaxMessageSize(64 * 1024 * 1024)));
    verifier = TokenVerifier.remote(vertx, new JwksClient(http, config.authUrl())).withRevocations(revocations);
    revocations.onRevoked(userId -> vertx.runOnContext(v -> java.util.List.copyOf(
        byUser.getOrDefault(userId, java.util.Set.of())).forEach(ws -> ws.close(CloseCodes.UNAUTHORIZED,
            "token revoked: the user was disabled or deleted; sign in again"))));
    sessions = new SessionLookup(http, config.gssUrl());
    metrics = new RelayMetrics(vertx);
    metrics.queues(channels);
    publisher = new EventPublisher(vertx, config.common().kafka(), config.common().instanceId());
    follower = new BroadcastConsumer(vertx, config.common().kafka(), config.common().instanceId(),
        Topics.SESSION_EVENTS, json -> onSessionEvent(EventCodec.decodeEvent(json)));
    verifier.startInBackground();
    HealthChecks readiness = HealthChecks.create(vertx)
        .register("auth-keys", 6_000, verifier::readiness)
        .register("session-events", p -> p.complete(follower.isAssigned() ? Status.OK() : Status.KO()))
        .register("revocations", p -> p.complete(revocations.isFollowing() ? Status.OK() : Status.KO()));
    Router router = Router.router(vertx);
    HttpHardening.install(router, config.common());
    ServiceHttp.addStandardRoutes(vertx, router, "openapi/relay.yaml", readiness);
    ErrorHandler.install(router);
    return Dependencies.awaitKafka(vertx, config.common(), config.common().startupTimeout())
        .compose(v -> follower.start())
        .compose(v -> revocations.follow(vertx, config.common().kafka(), config.common().instanceId()))
        .compose(v -> vertx.createHttpServer(tls.server(new HttpServerOptions()
            .setHost(config.common().host())
            .setPort(config.port())
            .setMaxWebSocketFrameSize(config.maxFrameBytes())
            .setMaxWebSocketMessageSize(config.maxFrameBytes())
            // No compression: a message is checked against its limit only after inflating, so one
            // small deflated frame could make the relay inflate hundreds of MiB on its event loop.
            // Front ends' JSON messages are small, and the relay forwards them at the wire's speed.
            .setPerMessageWebSocketCompressionSupported(false)
            .setPerFrameWebSocketCompressionSupported(false)
            .setWebSocketSubProtocols(List.of(SUBPROTOCOL))))
        .webSocketHandshakeHandler(hs -> {
          if (PATH.matcher(hs.path()).matches()) {
            hs.accept();
          } else {
            hs.reject(404);
          }
        })
        .webSocketHandler(this::onConnect)
        .requestHandler(router)
        .listen()
        .map(tls::track))
        .onSuccess(s -> {
          server = s;
          LOG.info("relay listening on port {}", s.actualPort());
        });
  }

  private void onConnect(ServerWebSocket ws) {
    ws.pause();
    Matcher m = PATH.matcher(ws.path());
    if (!m.matches()) {
      ws.close(CloseCodes.NOT_FOUND, "no such endpoint");
      return;
    }
    String sessionId = m.group(1);
    String token = token(ws);
    if (token == null) {
      refuse(ws, CloseCodes.UNAUTHORIZED, "a token is required");
      return;
    }
    verifier.verify(token)
        .onFailure(e -> refuse(ws, CloseCodes.UNAUTHORIZED, e.getMessage()))
        .onSuccess(user -> sessions.visible(sessionId, user)
            .onSuccess(session -> admit(ws, sessionId, user, session))
            .onFailure(e -> refuse(ws, closeCode(e), e.getMessage())));
  }

  /** The close code matching a failed session lookup. */
  private static short closeCode(Throwable e) {
    int status = e instanceof ApiException api ? api.status() : 503;
    return switch (status) {
      case 401 -> CloseCodes.UNAUTHORIZED;
      case 403 -> CloseCodes.FORBIDDEN;
      case 404 -> CloseCodes.NOT_FOUND;
      default -> CloseCodes.UNAVAILABLE;
    };
  }

  private void admit(ServerWebSocket ws, String sessionId, Principal user, JsonObject session) {
    if (ws.isClosed()) {
      return;
    }
    String state = session.getString("state");
    if (!"READY".equals(state)) {
      refuse(ws, CloseCodes.NOT_READY, "session " + sessionId + " is " + state);
      return;
    }
    Map<String, String> endpoints = new HashMap<>();
    Map<String, String> notReady = new HashMap<>();
    session.getJsonArray("services", new JsonArray()).forEach(o -> {
      JsonObject s = (JsonObject) o;
      if (s.getString("endpoint") != null && "READY".equals(s.getString("state"))) {
        endpoints.put(s.getString("name"), s.getString("endpoint"));
      } else if (s.getString("name") != null) {
        notReady.put(s.getString("name"), "is " + s.getString("state", "not ready").toLowerCase(java.util.Locale.ROOT)
            + (s.getString("reason") == null ? "" : ": " + s.getString("reason")));
      }
    });
    SessionChannel channel = channels.computeIfAbsent(sessionId, id -> new SessionChannel(vertx, wsClient, id,
        config.requestTimeout(), metrics, () -> activity(id, user)));
    channel.endpoints(endpoints, notReady);
    ws.setWriteQueueMaxSize(config.maxQueuedBytes());
    ws.exceptionHandler(e -> onSocketError(ws, sessionId, e));
    // A viewer's socket carries the services' pushes to it; its own messages are refused.
    boolean mayAct = !"viewer".equals(session.getString("access"));
    channel.join(ws, mayAct);
    metrics.connected();
    long keepalive = keepalive(ws);
    // The token was checked once, at admission: the socket lives no longer than the token.
    long expiry = vertx.setTimer(Math.max(1, user.expiresAt().toEpochMilli() - System.currentTimeMillis()),
        t -> ws.close(CloseCodes.UNAUTHORIZED, "token expired; reconnect with a fresh one"));
    byUser.computeIfAbsent(user.userId(), u -> new java.util.HashSet<>()).add(ws);
    ws.closeHandler(v -> {
      vertx.cancelTimer(keepalive);
      vertx.cancelTimer(expiry);
      byUser.computeIfPresent(user.userId(), (u, open) -> {
        open.remove(ws);
        return open.isEmpty() ? null : open;
      });
      metrics.disconnected();
      if (channel.leave(ws)) {
        channels.remove(sessionId);
        lastActivity.remove(sessionId);
        channel.close();
      }
    });
    LOG.atInfo().addKeyValue("session", sessionId).log("{} joined through the relay{}", user.username(),
        mayAct ? "" : " (viewer: watches, cannot act)");
    ws.resume();
  }

  /**
   * Keeps connected sessions' routes current: a restarted service is reached at its new endpoint
   * without the front end reconnecting; an ended session closes its front ends.
   */
  private void onSessionEvent(SessionEvent event) {
    SessionChannel channel = channels.get(event.sessionId());
    if (channel == null) {
      return;
    }
    if (event instanceof SessionEvent.ServiceReady ready) {
      channel.serviceReady(ready.service(), ready.endpoint());
    } else if (event instanceof SessionEvent.ServiceRestarting restarting) {
      channel.serviceDown(restarting.service(), "is restarting (restart " + restarting.attempt() + " of "
          + restarting.restartLimit() + ")");
    } else if (event instanceof SessionEvent.ServiceFailed failed) {
      channel.serviceDown(failed.service(), "failed: " + failed.reason());
    } else if (event instanceof SessionEvent.SessionClosed closed) {
      channel.end("session closed: " + closed.reason());
    } else if (event instanceof SessionEvent.SessionFailed failed) {
      channel.end("session failed: " + failed.reason());
    }
  }

  /** A frame over the size limit (or another protocol error) closes the connection with a reason. */
  private void onSocketError(ServerWebSocket ws, String sessionId, Throwable e) {
    if (ws.isClosed()) {
      return;
    }
    // Netty reports an oversized frame, Vert.x an oversized message of several frames.
    boolean tooBig = e instanceof io.netty.handler.codec.http.websocketx.CorruptedWebSocketFrameException c
        && c.closeStatus() != null && c.closeStatus().code() == 1009
        || String.valueOf(e.getMessage()).contains("max message size");
    LOG.atWarn().addKeyValue("session", sessionId).log("closing a front end: {}", e.getMessage());
    metrics.rejected(tooBig ? "too_big" : "protocol_error");
    ws.close(tooBig ? (short) 1009 : (short) 1002, tooBig
        ? "message too big: at most " + config.maxFrameBytes() + " bytes" : "protocol error");
  }

  private void refuse(ServerWebSocket ws, short code, String reason) {
    metrics.rejected(switch (code) {
      case CloseCodes.UNAUTHORIZED -> "unauthorized";
      case CloseCodes.FORBIDDEN -> "forbidden";
      case CloseCodes.NOT_FOUND -> "unknown_session";
      case CloseCodes.NOT_READY -> "not_ready";
      default -> "unavailable";
    });
    ws.close(code, reason);
  }

  /** Pings every interval; a front end that answered nothing for two intervals is closed. */
  private long keepalive(ServerWebSocket ws) {
    long[] lastHeard = {System.nanoTime()};
    // Browsers and WebSocket libraries answer pings by themselves.
    ws.pongHandler(b -> lastHeard[0] = System.nanoTime());
    long interval = config.ping().toMillis();
    return vertx.setPeriodic(interval, t -> {
      if (System.nanoTime() - lastHeard[0] > 2_000_000L * interval) {
        metrics.rejected("no_pong");
        ws.close(CloseCodes.NO_PONG, "no answer to pings");
      } else if (!ws.isClosed()) {
        ws.writePing(io.vertx.core.buffer.Buffer.buffer("ot"));
      }
    });
  }

  /** Tells the GSS that a session is in use, at most once per interval per session. */
  private void activity(String sessionId, Principal user) {
    long now = System.currentTimeMillis();
    Long last = lastActivity.get(sessionId);
    if (last != null && now - last < config.activityInterval().toMillis()) {
      return;
    }
    lastActivity.put(sessionId, now);
    publisher.publish(Topics.SESSION_EVENTS, SessionEvent.SessionActivity.of(sessionId, user.username()))
        .onFailure(e -> LOG.atWarn().addKeyValue("session", sessionId).log("activity not published: {}",
            e.getMessage()));
  }

  /** The token from the header, the query or the subprotocols; null when there is none. */
  static String token(ServerWebSocket ws) {
    String header = BearerAuth.bearer(ws.headers().get("Authorization"));
    if (header != null) {
      return header;
    }
    String query = ws.query();
    if (query != null) {
      for (String part : query.split("&")) {
        if (part.startsWith("access_token=") && part.length() > 13) {
          return java.net.URLDecoder.decode(part.substring(13), java.nio.charset.StandardCharsets.UTF_8);
        }
      }
    }
    String protocols = ws.headers().get("Sec-WebSocket-Protocol");
    if (protocols != null) {
      String[] parts = protocols.split(",");
      for (int i = 0; i + 1 < parts.length; i++) {
        if (parts[i].trim().equals(SUBPROTOCOL)) {
          return parts[i + 1].trim();
        }
      }
    }
    return null;
  }

  @Override
  public Future<?> stop() {
    tls.close();
    channels.values().forEach(SessionChannel::close);
    return (follower == null ? Future.<Void>succeededFuture() : follower.close())
        .eventually(revocations::close)
        .eventually(() -> server == null ? Future.succeededFuture() : server.close())
        .eventually(() -> publisher == null ? Future.succeededFuture() : publisher.close());
  }
}
