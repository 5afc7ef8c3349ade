package org.otplatform.relay;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArraySet;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.otplatform.compute.contract.ComputeContract;

/**
 * One session's routing on this relay: its front ends, and one upstream WebSocket per compute
 * service (shared by the front ends). Requests get a relay-wide id upstream so replies return to
 * the sender with the sender's own id; pushes go to every front end of the session.
 */
final class SessionChannel {
  private static final Logger LOG = LoggerFactory.getLogger(SessionChannel.class);
  private static final AtomicLong IDS = new AtomicLong();

  private final Vertx vertx;
  private final WebSocketClient client;
  private final String sessionId;
  private final Duration timeout;
  private final Set<ServerWebSocket> frontEnds = new CopyOnWriteArraySet<>();
  private final Map<String, String> endpoints = new HashMap<>();
  /** Services of the session that cannot be reached now, with why (restarting, failed). */
  private final Map<String, String> unavailable = new HashMap<>();
  private final Map<String, Future<WebSocket>> upstreams = new HashMap<>();
  private final Map<Long, Pending> pending = new HashMap<>();
  /** Front ends not read from until a service's upstream queue drains (back-pressure). */
  private final Set<ServerWebSocket> paused = new java.util.HashSet<>();
  private final RelayMetrics metrics;
  private final Runnable onActivity;

  private record Pending(ServerWebSocket from, Object clientId, String service, long timer) {}

  SessionChannel(Vertx vertx, WebSocketClient client, String sessionId, Duration timeout, RelayMetrics metrics,
      Runnable onActivity) {
    this.vertx = vertx;
    this.client = client;
    this.sessionId = sessionId;
    this.timeout = timeout;
    this.metrics = metrics;
    this.onActivity = onActivity;
  }

  /**
   * Sets where the session's services are, from the GSS's view of the session: the ready ones'
   * endpoints, and why each other one cannot be reached.
   */
  void endpoints(Map<String, String> ready, Map<String, String> notReady) {
    endpoints.clear();
    endpoints.putAll(ready);
    unavailable.clear();
    unavailable.putAll(notReady);
  }

  /** A service is (again) ready, maybe at a new endpoint: later requests go there. */
  void serviceReady(String service, String endpoint) {
    unavailable.remove(service);
    String before = endpoints.put(service, endpoint);
    if (before != null && !before.equals(endpoint)) {
      dropUpstream(service, service + " moved to a new instance");
    }
    LOG.atInfo().addKeyValue("session", sessionId).log("{} is ready at {}", service, endpoint);
  }

  /**
   * The GSS's view of the session, read after a service's move: a service the GSS holds at another
   * endpoint than this relay goes there. A second LSS acting on one open request publishes
   * {@code ServiceReady} for a copy the GSS does not take (and that copy is let go of); the GSS's
   * view is the one that counts.
   */
  void confirm(Map<String, String> ready) {
    ready.forEach((service, endpoint) -> {
      String here = endpoints.get(service);
      if (here != null && !here.equals(endpoint)) {
        LOG.atWarn().addKeyValue("session", sessionId).log("{}: the GSS holds it at {}, not {}; going there", service,
            endpoint, here);
        endpoints.put(service, endpoint);
        dropUpstream(service, service + " moved to the instance the GSS holds");
      }
    });
  }

  /** A service died or is restarting: requests to it get an error naming why until it is back. */
  void serviceDown(String service, String why) {
    endpoints.remove(service);
    unavailable.put(service, why);
    dropUpstream(service, service + " " + why);
  }

  /** The session ended: every front end is told with {@link CloseCodes#SESSION_ENDED}. */
  void end(String reason) {
    frontEnds.forEach(ws -> ws.close(CloseCodes.SESSION_ENDED, reason.length() > 120 ? reason.substring(0, 120)
        : reason));
    close();
  }

  private void dropUpstream(String service, String why) {
    Future<WebSocket> up = upstreams.remove(service);
    if (up != null) {
      up.onSuccess(WebSocket::close);
    }
    failPending(service, why);
  }

  /** Adds a front end; one that may not act (a viewer) gets pushes, and an error for each message. */
  void join(ServerWebSocket ws, boolean mayAct) {
    frontEnds.add(ws);
    ws.textMessageHandler(text -> {
      if (mayAct) {
        onFrontEnd(ws, text);
      } else {
        refuseViewer(ws, text);
      }
    });
    ws.binaryMessageHandler(b -> reply(ws, error(null, "relay", "bad_request", "send JSON text messages")));
  }

  /** Requests sent to services and not yet answered (a queue-depth metric). */
  int pendingRequests() {
    return pending.size();
  }

  /** Front ends held back until a service catches up (a queue-depth metric). */
  int pausedFrontEnds() {
    return paused.size();
  }

  /** Removes a front end; true when none is left. */
  boolean leave(ServerWebSocket ws) {
    frontEnds.remove(ws);
    paused.remove(ws);
    pending.entrySet().removeIf(e -> {
      if (e.getValue().from() == ws) {
        vertx.cancelTimer(e.getValue().timer());
        return true;
      }
      return false;
    });
    return frontEnds.isEmpty();
  }

  void close() {
    upstreams.values().forEach(f -> f.onSuccess(WebSocket::close));
    upstreams.clear();
    pending.values().forEach(p -> vertx.cancelTimer(p.timer()));
    pending.clear();
  }

  private void refuseViewer(ServerWebSocket ws, String text) {
    metrics.in(text.length());
    Object clientId;
    try {
      clientId = new JsonObject(text).getValue("id");
    } catch (RuntimeException e) {
      clientId = null;
    }
    reply(ws, error(clientId, "relay", "forbidden",
        "viewers watch this session; acting on its services needs the editor or owner role on its project"));
  }

  private void onFrontEnd(ServerWebSocket ws, String text) {
    metrics.in(text.length());
    onActivity.run();
    JsonObject msg;
    try {
      msg = new JsonObject(text);
    } catch (RuntimeException e) {
      reply(ws, error(null, "relay", "bad_request", "message is not a JSON object"));
      return;
    }
    Object clientId = msg.getValue("id");
    String to = msg.getValue("to") instanceof String s ? s : null;
    String action = msg.getValue("action") instanceof String s ? s : null;
    if (to == null || action == null) {
      reply(ws, error(clientId, "relay", "bad_request", "a message needs 'to' (a service) and 'action'"));
      return;
    }
    String endpoint = endpoints.get(to);
    if (endpoint == null && unavailable.containsKey(to)) {
      reply(ws, error(clientId, "relay", "service_unavailable", to + " " + unavailable.get(to)));
      return;
    }
    if (endpoint == null) {
      reply(ws, error(clientId, "relay", "unknown_service", "session " + sessionId + " has no service '" + to
          + "'; it has: " + String.join(", ", new java.util.TreeSet<>(endpoints.keySet()))));
      return;
    }
    long relayId = IDS.incrementAndGet();
    long timer = vertx.setTimer(timeout.toMillis(), t -> {
      Pending p = pending.remove(relayId);
      if (p != null) {
        reply(p.from(), error(p.clientId(), to, "timeout", to + " did not reply within " + timeout.toSeconds()
            + " s"));
      }
    });
    pending.put(relayId, new Pending(ws, clientId, to, timer));
    JsonObject upstreamMsg = new JsonObject().put("id", relayId).put("action", action)
        .put("payload", msg.getValue("payload"));
    upstream(to, endpoint)
        .onSuccess(up -> {
          up.writeTextMessage(upstreamMsg.encode());
          if (up.writeQueueFull()) {
            // Back-pressure: read no more from this front end until the service has caught up.
            ws.pause();
            paused.add(ws);
            up.drainHandler(v -> {
              paused.forEach(ServerWebSocket::resume);
              paused.clear();
            });
          }
        })
        .onFailure(e -> {
          Pending p = pending.remove(relayId);
          if (p != null) {
            vertx.cancelTimer(p.timer());
            reply(ws, error(clientId, to, "service_unavailable", to + " cannot be reached: " + e.getMessage()));
          }
        });
  }

  private Future<WebSocket> upstream(String service, String endpoint) {
    Future<WebSocket> existing = upstreams.get(service);
    if (existing != null && !existing.failed()) {
      return existing;
    }
    int colon = endpoint.lastIndexOf(':');
    Future<WebSocket> connecting = client.connect(new WebSocketConnectOptions()
            .setHost(endpoint.substring(0, colon))
            .setPort(Integer.parseInt(endpoint.substring(colon + 1)))
            .setURI(ComputeContract.WEBSOCKET_PATH)
            .setTimeout(5_000))
        .onSuccess(up -> {
          up.textMessageHandler(text -> onUpstream(service, text));
          up.closeHandler(v -> {
            // Only if it is still the current connection: a replaced one's requests were failed already.
            Future<WebSocket> current = upstreams.get(service);
            if (current != null && current.result() == up) {
              upstreams.remove(service);
              failPending(service, "connection to " + service + " closed");
            }
          });
          up.exceptionHandler(e -> LOG.atWarn().addKeyValue("session", sessionId)
              .log("connection to {} failed: {}", service, e.getMessage()));
        });
    upstreams.put(service, connecting);
    return connecting;
  }

  private void onUpstream(String service, String text) {
    JsonObject msg;
    try {
      msg = new JsonObject(text);
    } catch (RuntimeException e) {
      LOG.atWarn().addKeyValue("session", sessionId).log("{} sent a non-JSON message; dropped", service);
      return;
    }
    if (msg.containsKey("event")) {
      String frame = new JsonObject().put("from", service).put("event", msg.getValue("event"))
          .put("payload", msg.getValue("payload")).encode();
      frontEnds.forEach(ws -> send(ws, frame));
      return;
    }
    Object re = msg.getValue("re");
    Pending p = re instanceof Number n ? pending.remove(n.longValue()) : null;
    if (p == null) {
      return; // the requester left or timed out
    }
    vertx.cancelTimer(p.timer());
    JsonObject out = new JsonObject().put("from", service).put("re", p.clientId());
    if (msg.containsKey("error")) {
      out.put("error", msg.getValue("error"));
    } else {
      out.put("result", msg.getValue("result"));
    }
    reply(p.from(), out);
  }

  private void failPending(String service, String reason) {
    pending.entrySet().removeIf(e -> {
      Pending p = e.getValue();
      if (p.service().equals(service)) {
        vertx.cancelTimer(p.timer());
        reply(p.from(), error(p.clientId(), service, "service_unavailable", reason));
        return true;
      }
      return false;
    });
  }

  private void reply(ServerWebSocket ws, JsonObject msg) {
    send(ws, msg.encode());
  }

  /**
   * Sends to one front end unless its queue is full: a front end that does not read is closed
   * with {@link CloseCodes#TOO_SLOW} rather than buffered for without bound.
   */
  private void send(ServerWebSocket ws, String frame) {
    if (ws.isClosed()) {
      return;
    }
    if (ws.writeQueueFull()) {
      if (!frontEnds.remove(ws)) {
        return; // already being closed
      }
      LOG.atWarn().addKeyValue("session", sessionId).log("closing a front end that does not keep up");
      metrics.rejected("too_slow");
      ws.close(CloseCodes.TOO_SLOW, "too slow: the relay's send queue for this connection is full");
      return;
    }
    metrics.out(frame.length());
    ws.writeTextMessage(frame);
  }

  private static JsonObject error(Object re, String from, String code, String message) {
    return new JsonObject().put("from", from).put("re", re)
        .put("error", new JsonObject().put("code", code).put("message", message));
  }
}
