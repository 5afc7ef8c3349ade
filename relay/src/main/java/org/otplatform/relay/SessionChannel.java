package org.otplatform.relay;

import io.opentelemetry.api.trace.Span;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketConnectOptions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.otplatform.common.service.ServiceLauncher;
import org.otplatform.compute.contract.ComputeContract;

/**
 * One session's routing on this relay: its front ends, and one upstream WebSocket per compute
 * service (shared by the front ends). Requests get a relay-wide id upstream so replies return to
 * the sender with the sender's own id; pushes go to every front end of the session. Messages are
 * read only as far as their envelope ({@link Envelope}): payloads, results and events are
 * forwarded as the text they came in.
 */
final class SessionChannel {
  private static final Logger LOG = LoggerFactory.getLogger(SessionChannel.class);
  private static final AtomicLong IDS = new AtomicLong();

  private final Vertx vertx;
  private final WebSocketClient client;
  private final String sessionId;
  private final Duration timeout;
  /** On the relay's context only; iterated over copies, as sending may drop a front end. */
  private final Set<ServerWebSocket> frontEnds = new java.util.LinkedHashSet<>();
  private final Map<String, String> endpoints = new HashMap<>();
  /** Services of the session that cannot be reached now, with why (restarting, failed). */
  private final Map<String, String> unavailable = new HashMap<>();
  private final Map<String, Future<WebSocket>> upstreams = new HashMap<>();
  /**
   * Requests awaiting their reply, oldest first: every request has the same timeout, so deadlines
   * come in order and one periodic sweep from the head finds the expired ones — no timer per request.
   */
  private final LinkedHashMap<Long, Pending> pending = new LinkedHashMap<>();
  private final long sweepTimer;
  /** Front ends not read from until a service's upstream queue drains (back-pressure). */
  private final Set<ServerWebSocket> paused = new java.util.HashSet<>();
  private final RelayMetrics metrics;
  /** This session's type's figures. */
  private final RelayMetrics.OfType figures;
  private final Runnable onActivity;

  /** A request awaiting its reply, with the span of the call when the front end asked for a trace (else null). */
  private record Pending(ServerWebSocket from, String clientIdJson, String service, long deadline, Span span) {}

  private final CallSpans spans;

  SessionChannel(Vertx vertx, WebSocketClient client, String sessionId, Duration timeout, RelayMetrics metrics,
      Runnable onActivity) {
    this(vertx, client, sessionId, null, timeout, metrics, onActivity);
  }

  /** A session of {@code type} (its traffic counted under it). */
  SessionChannel(Vertx vertx, WebSocketClient client, String sessionId, String type, Duration timeout,
      RelayMetrics metrics, Runnable onActivity) {
    this.vertx = vertx;
    this.client = client;
    this.sessionId = sessionId;
    this.timeout = timeout;
    this.metrics = metrics;
    this.figures = metrics.of(type);
    this.onActivity = onActivity;
    this.spans = new CallSpans(ServiceLauncher.openTelemetry(vertx).getTracer("org.otplatform.relay"), sessionId);
    this.sweepTimer = vertx.setPeriodic(sweepInterval(timeout), t -> expire(System.nanoTime()));
  }

  /** How often expired requests are looked for: a tenth of the timeout, between 50 ms and 1 s. */
  static long sweepInterval(Duration timeout) {
    return Math.max(50, Math.min(1_000, timeout.toMillis() / 10));
  }

  /** Answers every request past its deadline with a timeout error. */
  private void expire(long now) {
    List<Pending> expired = new ArrayList<>();
    for (Iterator<Pending> it = pending.values().iterator(); it.hasNext(); ) {
      Pending p = it.next();
      if (p.deadline() - now > 0) {
        break;
      }
      it.remove();
      expired.add(p);
    }
    // Sent once the map is left alone: a send may close a front end, which drops its requests.
    expired.forEach(p -> {
      String message = p.service() + " did not reply within " + timeout.toSeconds() + " s";
      CallSpans.failed(p.span(), "timeout", message);
      send(p.from(), Envelope.error(Envelope.quote(p.service()), p.clientIdJson(), "timeout", message));
    });
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
    List.copyOf(frontEnds).forEach(ws -> ws.close(CloseCodes.SESSION_ENDED, reason.length() > 120 ? reason.substring(0, 120)
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
    Flushes.consolidate(ws);
    ws.textMessageHandler(text -> {
      if (mayAct) {
        onFrontEnd(ws, text);
      } else {
        refuseViewer(ws, text);
      }
    });
    ws.binaryMessageHandler(b -> send(ws, relayError(null, "bad_request", "send JSON text messages")));
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
    pending.values().removeIf(p -> {
      if (p.from() != ws) {
        return false;
      }
      CallSpans.failed(p.span(), "left", "the front end left before the reply");
      return true;
    });
    return frontEnds.isEmpty();
  }

  /** The figures of this session's type: its connections are counted there. */
  RelayMetrics.OfType figures() {
    return figures;
  }

  void close() {
    upstreams.values().forEach(f -> f.onSuccess(WebSocket::close));
    upstreams.clear();
    pending.values().forEach(p -> CallSpans.failed(p.span(), "session_ended", "the session ended before the reply"));
    pending.clear();
    vertx.cancelTimer(sweepTimer);
  }

  private void refuseViewer(ServerWebSocket ws, String text) {
    figures.in(text.length());
    String clientId;
    try {
      clientId = Envelope.request(text).idJson();
    } catch (Envelope.NotAnObject e) {
      clientId = null;
    }
    send(ws, relayError(clientId, "forbidden",
        "viewers watch this session; acting on its services needs the editor or owner role on its project"));
  }

  private void onFrontEnd(ServerWebSocket ws, String text) {
    figures.in(text.length());
    onActivity.run();
    Envelope.Request msg;
    try {
      msg = Envelope.request(text);
    } catch (Envelope.NotAnObject e) {
      send(ws, relayError(null, "bad_request", e.getMessage()));
      return;
    }
    String clientId = msg.idJson();
    String to = msg.to();
    if (to == null || msg.action() == null) {
      send(ws, relayError(clientId, "bad_request", "a message needs 'to' (a service) and 'action'"));
      return;
    }
    String endpoint = endpoints.get(to);
    if (endpoint == null && unavailable.containsKey(to)) {
      send(ws, relayError(clientId, "service_unavailable", to + " " + unavailable.get(to)));
      return;
    }
    if (endpoint == null) {
      send(ws, relayError(clientId, "unknown_service", "session " + sessionId + " has no service '" + to
          + "'; it has: " + String.join(", ", new java.util.TreeSet<>(endpoints.keySet()))));
      return;
    }
    long relayId = IDS.incrementAndGet();
    Span span = spans.start(msg.traceparent(), to, msg.action());
    pending.put(relayId, new Pending(ws, clientId, to, System.nanoTime() + timeout.toNanos(), span));
    upstream(to, endpoint)
        .onSuccess(up -> {
          up.writeTextMessage(span == null ? Envelope.toService(relayId, msg)
              : Envelope.toService(relayId, msg, CallSpans.traceparent(span)));
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
          if (pending.remove(relayId) != null) {
            String message = to + " cannot be reached: " + e.getMessage();
            CallSpans.failed(span, "service_unavailable", message);
            send(ws, Envelope.error(Envelope.quote(to), clientId, "service_unavailable", message));
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
          Flushes.consolidate(up);
          String fromJson = Envelope.quote(service);
          up.textMessageHandler(text -> onUpstream(service, fromJson, text));
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

  private void onUpstream(String service, String fromJson, String text) {
    Envelope.Upstream msg;
    try {
      msg = Envelope.upstream(text);
    } catch (Envelope.NotAnObject e) {
      LOG.atWarn().addKeyValue("session", sessionId).log("{} sent a non-JSON message; dropped", service);
      return;
    }
    if (msg.isEvent()) {
      String frame = Envelope.event(fromJson, msg);
      for (ServerWebSocket ws : frontEnds.toArray(new ServerWebSocket[0])) {
        send(ws, frame);
      }
      return;
    }
    Pending p = msg.re() >= 0 ? pending.remove(msg.re()) : null;
    if (p == null) {
      return; // the requester left or timed out
    }
    CallSpans.replied(p.span(), msg.errorJson() != null);
    send(p.from(), Envelope.reply(fromJson, p.clientIdJson(), msg));
  }

  private void failPending(String service, String reason) {
    List<Pending> failed = new ArrayList<>();
    pending.values().removeIf(p -> p.service().equals(service) && failed.add(p));
    String fromJson = Envelope.quote(service);
    failed.forEach(p -> {
      CallSpans.failed(p.span(), "service_unavailable", reason);
      send(p.from(), Envelope.error(fromJson, p.clientIdJson(), "service_unavailable", reason));
    });
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
    figures.out(frame.length());
    ws.writeTextMessage(frame);
  }

  private static final String RELAY = Envelope.quote("relay");

  private static String relayError(String clientIdJson, String code, String message) {
    return Envelope.error(RELAY, clientIdJson, code, message);
  }
}
