package org.otplatform.relay;

import io.netty.handler.codec.http.websocketx.CorruptedWebSocketFrameException;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.Future;
import java.time.Clock;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.otplatform.common.InFlight;
import org.otplatform.common.auth.Principal;
import org.otplatform.common.events.SessionEvent;
import org.otplatform.common.events.Topics;
import org.otplatform.common.kafka.EventSink;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The routing on this relay: one {@link SessionChannel} per session with front ends here, each
 * front end kept alive by pings and closed when its token expires or its user is revoked; the
 * front ends' use of a session is reported to the GSS (throttled) for idle culling. All on the
 * relay verticle's context. One sweep a second pings and expires every front end, rather than
 * two timers per connection (with their handlers, ~0.4 KiB of each front end's heap).
 */
final class Channels {
  private static final Logger LOG = LoggerFactory.getLogger(Channels.class);

  private final Vertx vertx;
  private final Clock clock;
  private final RelayConfig config;
  private final WebSocketClient upstreams;
  private final RelayMetrics metrics;
  private final EventSink events;
  private final Map<String, SessionChannel> bySession = new HashMap<>();
  /** Open front-end sockets by user id, for revocations. */
  private final Map<String, Set<ServerWebSocket>> byUser = new HashMap<>();
  /** When each session's use was last reported. */
  private final Map<String, Long> lastActivity = new HashMap<>();
  /** Every front end here: what it was admitted as (for checking its access again) and its clocks. */
  private final Map<ServerWebSocket, Member> members = new HashMap<>();
  /** How often front ends are looked at for pings due, silence and expired tokens. */
  static final long SWEEP_MS = 1_000;
  private long sweepTimer = -1;

  /** A front end's state for the sweep; times from {@link System#nanoTime()} except the token's expiry. */
  private static final class Member {
    final Admission.Admitted admitted;
    final long expiresAtMillis;
    long lastHeard;
    long nextPing;

    Member(Admission.Admitted admitted, long now, long pingNanos) {
      this.admitted = admitted;
      this.expiresAtMillis = admitted.user().expiresAt().toEpochMilli();
      this.lastHeard = now;
      this.nextPing = now + pingNanos;
    }
  }
  /** Access checks at most in flight while re-checking every front end. */
  private static final int RECHECKS_IN_FLIGHT = 16;

  Channels(Vertx vertx, Clock clock, RelayConfig config, WebSocketClient upstreams, RelayMetrics metrics,
      EventSink events) {
    this.vertx = vertx;
    this.clock = clock;
    this.config = config;
    this.upstreams = upstreams;
    this.metrics = metrics;
    this.events = events;
    metrics.queues(bySession);
  }

  /** The session's channel on this relay, if a front end of it is connected here. */
  SessionChannel get(String sessionId) {
    return bySession.get(sessionId);
  }

  /** Connects an admitted front end to its session's channel, until it or its token goes. */
  void join(ServerWebSocket ws, Admission.Admitted admitted) {
    String sessionId = admitted.sessionId();
    Principal user = admitted.user();
    SessionChannel channel = bySession.computeIfAbsent(sessionId, id -> new SessionChannel(vertx, upstreams, id,
        admitted.session().type(), config.requestTimeout(), metrics, () -> activity(id, user)));
    channel.endpoints(admitted.session().endpoints(), admitted.session().notReady());
    ws.setWriteQueueMaxSize(config.maxQueuedBytes());
    ws.exceptionHandler(e -> onSocketError(ws, sessionId, e));
    // A viewer's socket carries the services' pushes to it; its own messages are refused.
    boolean mayAct = admitted.session().mayAct();
    channel.join(ws, mayAct);
    channel.figures().connected();
    long now = System.nanoTime();
    Member member = new Member(admitted, now, config.ping().toNanos());
    // Browsers and WebSocket libraries answer pings by themselves.
    ws.pongHandler(b -> member.lastHeard = System.nanoTime());
    byUser.computeIfAbsent(user.userId(), u -> new HashSet<>()).add(ws);
    members.put(ws, member);
    if (sweepTimer < 0) {
      sweepTimer = vertx.setPeriodic(SWEEP_MS, t -> sweep());
    }
    ws.closeHandler(v -> {
      members.remove(ws);
      byUser.computeIfPresent(user.userId(), (u, open) -> {
        open.remove(ws);
        return open.isEmpty() ? null : open;
      });
      channel.figures().disconnected();
      if (channel.leave(ws)) {
        bySession.remove(sessionId);
        lastActivity.remove(sessionId);
        channel.close();
      }
    });
    LOG.atInfo().addKeyValue("session", sessionId).log("{} joined through the relay{}", user.username(),
        mayAct ? "" : " (viewer: watches, cannot act)");
    ws.resume();
  }

  /** Sessions whose routes are checked against the GSS soon, with the timer that will. */
  private final Map<String, Long> confirming = new HashMap<>();
  /** How long after a service's move the GSS is asked where it holds the service (it folds the move first). */
  private static final long CONFIRM_AFTER_MS = 1_000;

  /**
   * Checks the session's routes against the GSS shortly (once per burst of moves), with one of its
   * front ends' own access: see {@link SessionChannel#confirm}.
   */
  void confirmSoon(String sessionId, Admission admission) {
    if (confirming.containsKey(sessionId) || !bySession.containsKey(sessionId)) {
      return;
    }
    confirming.put(sessionId, vertx.setTimer(CONFIRM_AFTER_MS, t -> {
      confirming.remove(sessionId);
      Admission.Admitted member = members.values().stream().map(m -> m.admitted)
          .filter(a -> a.sessionId().equals(sessionId)).findFirst().orElse(null);
      SessionChannel channel = bySession.get(sessionId);
      if (member == null || channel == null) {
        return;
      }
      admission.look(member).onSuccess(session -> {
        if (session.isReady() && bySession.get(sessionId) == channel) {
          channel.confirm(session.endpoints());
        }
      }).onFailure(e -> LOG.atInfo().addKeyValue("session", sessionId).log("could not check routes with the GSS: {}",
          e.getMessage()));
    }));
  }

  /** The user's tokens were revoked: their sockets close (4401). */
  void revoked(String userId) {
    List.copyOf(byUser.getOrDefault(userId, Set.of())).forEach(ws -> ws.close(CloseCodes.UNAUTHORIZED,
        "token revoked: the user was disabled or deleted; sign in again"));
  }

  /**
   * Checks every front end's access again (AUTH's grants changed): one the GSS no longer shows the
   * session to is closed with 4403, as is one whose role changed (a viewer who may now act, or an
   * editor who may only watch, reconnects to be admitted as what they are now). When the GSS cannot
   * answer, the front end stays: it was admitted, and the next change checks it again.
   */
  void recheck(Admission admission) {
    InFlight.each(List.copyOf(members.entrySet()), RECHECKS_IN_FLIGHT, member -> {
      ServerWebSocket ws = member.getKey();
      Admission.Admitted was = member.getValue().admitted;
      if (ws.isClosed()) {
        return Future.succeededFuture();
      }
      return admission.recheck(was).onSuccess(why -> why.ifPresent(reason -> {
        LOG.atInfo().addKeyValue("session", was.sessionId()).log("closing {}'s front end: {}",
            was.user().username(), reason);
        metrics.rejected("access_changed");
        ws.close(CloseCodes.FORBIDDEN, reason);
      }));
    });
  }

  Future<Void> closeAll() {
    List.copyOf(bySession.values()).forEach(SessionChannel::close);
    return Future.succeededFuture();
  }

  /** A frame over the size limit (or another protocol error) closes the connection with a reason. */
  private void onSocketError(ServerWebSocket ws, String sessionId, Throwable e) {
    if (ws.isClosed()) {
      return;
    }
    boolean tooBig = isTooBig(e);
    LOG.atWarn().addKeyValue("session", sessionId).log("closing a front end: {}", e.getMessage());
    metrics.rejected(tooBig ? "too_big" : "protocol_error");
    ws.close(tooBig ? (short) 1009 : (short) 1002, tooBig
        ? "message too big: at most " + config.maxFrameBytes() + " bytes" : "protocol error");
  }

  /**
   * Whether the error is an oversized frame (Netty, close status 1009) or an oversized message of
   * several frames (Vert.x, which reports it only by its message text).
   */
  static boolean isTooBig(Throwable e) {
    if (e instanceof CorruptedWebSocketFrameException c) {
      return c.closeStatus() != null && c.closeStatus().code() == 1009;
    }
    return e instanceof IllegalStateException && String.valueOf(e.getMessage()).contains("max message size");
  }

  /**
   * Closes front ends whose token expired (the token was checked once, at admission: the socket
   * lives no longer than it) or that answered nothing for two ping intervals; pings those due.
   */
  private void sweep() {
    if (members.isEmpty()) {
      vertx.cancelTimer(sweepTimer);
      sweepTimer = -1;
      return;
    }
    long now = System.nanoTime();
    long wallNow = clock.millis();
    long ping = config.ping().toNanos();
    List<Map.Entry<ServerWebSocket, CloseReason>> closing = new java.util.ArrayList<>();
    members.forEach((ws, m) -> {
      if (ws.isClosed()) {
        return;
      }
      if (wallNow >= m.expiresAtMillis) {
        closing.add(Map.entry(ws, CloseReason.EXPIRED));
      } else if (now - m.lastHeard > 2 * ping) {
        closing.add(Map.entry(ws, CloseReason.SILENT));
      } else if (now - m.nextPing >= 0) {
        m.nextPing = now + ping;
        ws.writePing(Buffer.buffer("ot"));
      }
    });
    closing.forEach(e -> {
      if (e.getValue() == CloseReason.EXPIRED) {
        e.getKey().close(CloseCodes.UNAUTHORIZED, "token expired; reconnect with a fresh one");
      } else {
        metrics.rejected("no_pong");
        e.getKey().close(CloseCodes.NO_PONG, "no answer to pings");
      }
    });
  }

  private enum CloseReason { EXPIRED, SILENT }

  /** Tells the GSS that a session is in use, at most once per interval per session. */
  private void activity(String sessionId, Principal user) {
    long now = clock.millis();
    Long last = lastActivity.get(sessionId);
    if (last != null && now - last < config.activityInterval().toMillis()) {
      return;
    }
    lastActivity.put(sessionId, now);
    events.publish(Topics.SESSION_ACTIVITY, SessionEvent.SessionActivity.of(sessionId, user.username()))
        .onFailure(e -> LOG.atWarn().addKeyValue("session", sessionId).log("activity not published: {}",
            e.getMessage()));
  }
}
