package org.otplatform.relay;

import io.vertx.core.Future;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.ext.healthchecks.HealthChecks;
import io.vertx.ext.healthchecks.Status;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.client.WebClient;
import java.time.Clock;
import java.util.List;
import org.otplatform.common.auth.AccessChanges;
import org.otplatform.common.auth.JwksClient;
import org.otplatform.common.auth.Revocations;
import org.otplatform.common.auth.SessionLookup;
import org.otplatform.common.auth.TokenVerifier;
import org.otplatform.common.events.EventCodec;
import org.otplatform.common.events.Topics;
import org.otplatform.common.http.ConnectionCap;
import org.otplatform.common.http.ErrorHandler;
import org.otplatform.common.http.HttpHardening;
import org.otplatform.common.http.ServiceHttp;
import org.otplatform.common.kafka.BroadcastConsumer;
import org.otplatform.common.kafka.EventPublisher;
import org.otplatform.common.service.Dependencies;
import org.otplatform.common.service.ServiceVerticle;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The relay: {@code WS /ws/sessions/{id}} for front ends, wired from {@link Admission} (who may
 * join), {@link Channels} (routing to the compute services) and {@link EventFollower} (routes
 * following the session events); HTTP is health and metrics only.
 */
public final class RelayVerticle extends ServiceVerticle {
  /** Largest message from a compute service to front ends (results may be large). */
  private static final int MAX_UPSTREAM_MESSAGE_BYTES = 64 * 1024 * 1024;
  private static final Logger LOG = LoggerFactory.getLogger(RelayVerticle.class);
  private final RelayConfig config;

  public RelayVerticle(RelayConfig config) {
    super("relay", config.common());
    this.config = config;
  }

  @Override
  protected Future<HttpServer> startService() {
    WebClient http = tls.webClient();
    WebSocketClient upstreams = vertx.createWebSocketClient(config.common().tls().computeClient(
        new WebSocketClientOptions().setMaxFrameSize(config.maxFrameBytes())
            .setMaxMessageSize(MAX_UPSTREAM_MESSAGE_BYTES)));
    EventPublisher publisher = closeAtStop(new EventPublisher(vertx, config.common().kafka(),
        config.common().instanceId()), EventPublisher::close);
    // Users whose tokens were revoked: refused at admission, their open sockets closed (4401).
    Revocations revocations = new Revocations();
    TokenVerifier verifier = TokenVerifier.remote(vertx, new JwksClient(http, config.authUrl()))
        .withRevocations(revocations);
    RelayMetrics metrics = new RelayMetrics(vertx);
    Channels channels = new Channels(vertx, Clock.systemUTC(), config, upstreams, metrics, publisher);
    revocations.onRevoked(userId -> vertx.runOnContext(v -> channels.revoked(userId)));
    Admission admission = new Admission(verifier, new SessionLookup(http, config.gssUrl()), metrics);
    // Grants revoked or changed: every front end's access is checked again.
    AccessChanges accessChanges = new AccessChanges();
    accessChanges.onChange(() -> channels.recheck(admission));
    EventFollower follower = new EventFollower(channels, admission);
    BroadcastConsumer events = new BroadcastConsumer(vertx, config.common().kafka(), config.common().instanceId(),
        Topics.SESSION_EVENTS, json -> follower.onEvent(EventCodec.decodeEvent(json)));
    closeTogetherAtStop(events::close, revocations::close, accessChanges::close);
    closeAtStop(channels, Channels::closeAll);
    verifier.startInBackground();

    HealthChecks readiness = HealthChecks.create(vertx)
        .register("auth-keys", 6_000, verifier::readiness)
        .register("session-events", p -> p.complete(events.isAssigned() ? Status.OK() : Status.KO()))
        .register("revocations", p -> p.complete(revocations.isFollowing() ? Status.OK() : Status.KO()))
        .register("access-changes", p -> p.complete(accessChanges.isFollowing() ? Status.OK() : Status.KO()));
    Router router = Router.router(vertx);
    HttpHardening.install(router, config.common());
    ServiceHttp.addStandardRoutes(vertx, router, "openapi/relay.yaml", readiness);
    ErrorHandler.install(router);
    return Dependencies.awaitKafka(vertx, config.common(), config.common().startupTimeout())
        .compose(v -> events.start())
        .compose(v -> revocations.follow(vertx, config.common().kafka(), config.common().instanceId()))
        .compose(v -> accessChanges.follow(vertx, config.common().kafka(), config.common().instanceId()))
        .compose(v -> server(tls.server(serverOptions()))
            .webSocketHandshakeHandler(hs -> {
              if (Admission.PATH.matcher(hs.path()).matches()) {
                hs.accept();
              } else {
                hs.reject(404);
              }
            })
            .webSocketHandler(ws -> onConnect(ws, admission, channels))
            .requestHandler(router)
            .listen()
            .map(tls::track));
  }

  /** The server, with at most so many connections per client address (the platform-wide cap). */
  private HttpServer server(HttpServerOptions options) {
    HttpServer server = vertx.createHttpServer(options)
        .invalidRequestHandler(org.otplatform.common.http.HttpHardening::invalidRequest);
    if (config.common().maxConnectionsPerAddress() > 0) {
      server.connectionHandler(new ConnectionCap(config.common().maxConnectionsPerAddress()));
    }
    return server;
  }

  private HttpServerOptions serverOptions() {
    return new HttpServerOptions()
        .setHost(config.common().host())
        .setPort(config.port())
        // A connection silent this long is closed: one that never finished its upgrade, or whose
        // front end stopped answering (joined sockets are pinged far more often than this).
        .setIdleTimeout((int) Math.max(120, 3 * config.ping().toSeconds()))
        .setMaxWebSocketFrameSize(config.maxFrameBytes())
        .setMaxWebSocketMessageSize(config.maxFrameBytes())
        // No compression: a message is checked against its limit only after inflating, so one
        // small deflated frame could make the relay inflate hundreds of MiB on its event loop.
        // Front ends' JSON messages are small, and the relay forwards them at the wire's speed.
        .setPerMessageWebSocketCompressionSupported(false)
        .setPerFrameWebSocketCompressionSupported(false)
        .setWebSocketSubProtocols(List.of(Admission.SUBPROTOCOL));
  }

  /** Nothing is read from a front end until it is admitted and joined. */
  private static void onConnect(ServerWebSocket ws, Admission admission, Channels channels) {
    ws.pause();
    admission.admit(ws)
        .onSuccess(admitted -> admitted.ifPresent(a -> channels.join(ws, a)))
        .onFailure(e -> {
          LOG.warn("admitting a front end failed: {}", e.toString());
          ws.close(CloseCodes.UNAVAILABLE, "the relay could not admit the connection; try again");
        });
  }
}
