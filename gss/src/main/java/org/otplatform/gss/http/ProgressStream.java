package org.otplatform.gss.http;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.otplatform.common.InFlight;
import org.otplatform.common.auth.BearerAuth;
import org.otplatform.common.auth.Principal;
import org.otplatform.common.http.ApiException;
import org.otplatform.gss.access.SessionAccess;
import org.otplatform.gss.progress.Progress;
import org.otplatform.gss.session.ProgressEntry;
import org.otplatform.gss.session.SessionState;
import org.otplatform.gss.store.SessionStore;

/**
 * {@code GET /api/v1/sessions/{id}/events}: Server-Sent Events of a session's progress. Replays
 * what is stored after {@code Last-Event-ID} (or from the start), then streams live entries; each
 * has {@code id: <seq>} so a reconnect — to this replica or another — resumes without loss. Live
 * entries come from {@link Progress}; the stored log is also read every few seconds, which
 * delivers what another replica recorded without a Kafka event (a close request, a handover). The
 * stream ends after a terminal state, or with {@code ?until=ready} already at READY (so a script can
 * wait for a usable session without a timeout of its own); a comment every 15 s keeps proxies from
 * closing it.
 */
public final class ProgressStream {
  private static final long KEEPALIVE_MS = 15_000;
  private static final long RECHECK_MS = 2_000;
  /** Access checks at most in flight while re-checking every stream. */
  private static final int RECHECKS_IN_FLIGHT = 16;
  private final Vertx vertx;
  private final Clock clock;
  private final SessionAccess access;
  private final SessionStore store;
  private final Progress progress;
  /** Open streams by user id: a revocation ends that user's. */
  private final Map<String, Set<Stream>> byUser = new ConcurrentHashMap<>();
  /** Streams per user, open or being opened: taken before any lookup, so parallel requests count. */
  private final Map<String, Integer> held = new ConcurrentHashMap<>();
  private final int maxPerUser;

  public ProgressStream(GssParts parts) {
    this.vertx = parts.vertx();
    this.clock = parts.lifecycle().clock();
    this.access = parts.access();
    this.store = parts.store();
    this.progress = parts.progress();
    this.maxPerUser = parts.config().maxStreamsPerUser();
    parts.accessChanges().onChange(this::recheck);
    parts.revocations().onRevoked(userId -> Optional.ofNullable(byUser.get(userId))
        .ifPresent(streams -> List.copyOf(streams).forEach(Stream::cutOff)));
  }

  /**
   * Checks every open stream's access again (AUTH's grants changed) and ends those whose caller may
   * no longer see the session; when AUTH cannot say, the stream stays until the next change.
   */
  public void recheck() {
    List<Stream> open = new ArrayList<>();
    byUser.values().forEach(open::addAll);
    InFlight.each(open, RECHECKS_IN_FLIGHT, stream -> access.visible(stream.caller, stream.sessionId)
        .onFailure(e -> {
          if (e instanceof ApiException api && api.status() == 404) {
            stream.cutOff();
          }
        }));
  }

  public void handle(RoutingContext ctx) {
    String id = ctx.pathParam("id");
    int lastSeen = lastEventId(ctx);
    boolean untilReady = "ready".equals(ctx.queryParams().get("until"));
    Principal caller = BearerAuth.principal(ctx);
    if (held.merge(caller.userId(), 1, Integer::sum) > maxPerUser) {
      release(caller.userId());
      ctx.fail(ApiException.tooManyRequests("you have " + maxPerUser + " event streams open, the limit; "
          + "close one first", 5));
      return;
    }
    access.visible(caller, id).onFailure(e -> {
      release(caller.userId());
      ctx.fail(e);
    }).onSuccess(session -> {
      HttpServerResponse response = ctx.response()
          .setChunked(true)
          .putHeader("content-type", "text/event-stream")
          .putHeader("cache-control", "no-cache")
          .putHeader("x-accel-buffering", "no");
      Stream stream = new Stream(id, caller, response, lastSeen, untilReady);
      // Subscribe before replaying, so nothing stored in between is missed; seq dedups the overlap.
      stream.start();
      session.log().entries().forEach(stream::deliver);
      if (!stream.stopped) {
        response.write(": streaming\n\n");
      }
    });
  }

  /**
   * One client's stream: entries go out once each, in {@code seq} order, until a terminal state —
   * or until the token it was opened with expires or is revoked (the client reconnects with a fresh
   * one and {@code Last-Event-ID}, losing nothing).
   */
  private final class Stream {
    private final String sessionId;
    private final Principal caller;
    private long expiry;
    private final HttpServerResponse response;
    private final boolean untilReady;
    private int sent;
    private boolean stopped;
    private boolean refilling;
    private Runnable unwatch;
    private long keepalive;
    private long recheck;

    Stream(String sessionId, Principal caller, HttpServerResponse response, int lastSeen, boolean untilReady) {
      this.sessionId = sessionId;
      this.caller = caller;
      this.response = response;
      this.sent = lastSeen;
      this.untilReady = untilReady;
    }

    void start() {
      unwatch = progress.watch(sessionId, this::deliver);
      keepalive = vertx.setPeriodic(KEEPALIVE_MS, t -> response.write(": keepalive\n\n"));
      recheck = vertx.setPeriodic(RECHECK_MS, t -> refill());
      long untilExpiry = caller.expiresAt().toEpochMilli() - clock.millis();
      expiry = vertx.setTimer(Math.max(1, untilExpiry), t -> cutOff());
      byUser.computeIfAbsent(caller.userId(), u -> ConcurrentHashMap.newKeySet()).add(this);
      response.closeHandler(v -> stop());
    }

    /** Ends the stream before its session ended: the token expired or was revoked. */
    void cutOff() {
      if (!stopped) {
        stop();
        response.end();
      }
    }

    /**
     * Writes the entry unless already sent; a terminal state ends the stream. An entry past a gap
     * (one recorded on another replica, not announced here) makes the stream read the stored log
     * instead, so nothing is skipped and the order holds.
     */
    void deliver(ProgressEntry entry) {
      int seq = entry.seq();
      if (stopped || seq <= sent) {
        return;
      }
      if (seq > sent + 1) {
        refill();
        return;
      }
      sent = seq;
      JsonObject event = entry.event();
      JsonObject data = event.copy().put("state", entry.state().name());
      response.write("id: " + seq + "\nevent: " + event.getString("type") + "\ndata: " + data.encode() + "\n\n");
      SessionState state = entry.state();
      if (state.isTerminal() || untilReady && state == SessionState.READY) {
        stop();
        response.end();
      }
    }

    private void refill() {
      if (refilling || stopped) {
        return;
      }
      refilling = true;
      store.get(sessionId).onComplete(r -> {
        refilling = false;
        if (r.succeeded()) {
          r.result().ifPresent(session -> session.log().entries().forEach(this::deliver));
        }
      });
    }

    void stop() {
      if (!stopped) {
        stopped = true;
        unwatch.run();
        vertx.cancelTimer(keepalive);
        vertx.cancelTimer(recheck);
        vertx.cancelTimer(expiry);
        byUser.computeIfPresent(caller.userId(), (u, streams) -> {
          streams.remove(this);
          return streams.isEmpty() ? null : streams;
        });
        release(caller.userId());
      }
    }
  }

  private void release(String userId) {
    held.computeIfPresent(userId, (u, n) -> n <= 1 ? null : n - 1);
  }

  private static int lastEventId(RoutingContext ctx) {
    String header = ctx.request().getHeader("Last-Event-ID");
    if (header == null) {
      return 0;
    }
    try {
      return Integer.parseInt(header.trim());
    } catch (NumberFormatException e) {
      return 0;
    }
  }
}
