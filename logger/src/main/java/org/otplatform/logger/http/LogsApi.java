package org.otplatform.logger.http;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.time.Clock;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.otplatform.common.InFlight;
import org.otplatform.common.auth.AccessChanges;
import org.otplatform.common.auth.BearerAuth;
import org.otplatform.common.auth.Principal;
import org.otplatform.common.auth.Revocations;
import org.otplatform.common.auth.SessionLookup;
import org.otplatform.common.http.ApiException;
import org.otplatform.logger.LiveTail;
import org.otplatform.logger.LogQuery;
import org.otplatform.logger.LogStore;

/**
 * {@code /api/v1/logs}: queries of the stored logs and live tails of the log topic. An admin reads
 * every log; a user the logs of a session the GSS shows them, named in the query. A tail lasts no
 * longer than the token it was opened with, nor past its user's revocation; each user holds at
 * most {@code maxTailsPerUser} at once.
 */
public final class LogsApi {
  private final Vertx vertx;
  private final Clock clock;
  private final LogStore store;
  private final LiveTail tail;
  private final SessionLookup sessions;
  private final int maxTailsPerUser;
  /** Live tails per user, open or being opened: taken before the access check, so parallel requests count. */
  private final Map<String, Integer> held = new ConcurrentHashMap<>();
  /** Open live tails by user id (on the verticle's context). */
  private final Map<String, Set<HttpServerResponse>> open = new HashMap<>();
  /** The open tails of one session, by their response: who opened them, for checking access again. */
  private final Map<HttpServerResponse, Tail> sessionTails = new HashMap<>();
  /** Access checks at most in flight while re-checking every tail. */
  private static final int RECHECKS_IN_FLIGHT = 16;

  private record Tail(Principal caller, String session) {}

  public LogsApi(Vertx vertx, Clock clock, LogStore store, LiveTail tail, SessionLookup sessions,
      Revocations revocations, AccessChanges accessChanges, int maxTailsPerUser) {
    this.vertx = vertx;
    this.clock = clock;
    this.store = store;
    this.tail = tail;
    this.sessions = sessions;
    this.maxTailsPerUser = maxTailsPerUser;
    revocations.onRevoked(userId -> vertx.runOnContext(v -> List.copyOf(open.getOrDefault(userId, Set.of()))
        .forEach(HttpServerResponse::reset)));
    accessChanges.onChange(this::recheck);
  }

  /**
   * Checks every tail of a session again (AUTH's grants changed) and cuts those whose user may no
   * longer see it; an admin's tails need no grant. When the GSS cannot say, the tail stays.
   */
  void recheck() {
    InFlight.each(List.copyOf(sessionTails.entrySet()), RECHECKS_IN_FLIGHT, tail -> allowed(tail.getValue().caller(),
        tail.getValue().session(), sessions).onFailure(e -> {
          if (e instanceof ApiException api && (api.status() == 403 || api.status() == 404)) {
            tail.getKey().reset();
          }
        }));
  }

  public Future<JsonObject> query(RoutingContext ctx) {
    LogQuery query = LogQuery.from(ctx.queryParams());
    return allowed(BearerAuth.principal(ctx), query, sessions).compose(v -> store.query(query));
  }

  public void tail(RoutingContext ctx) {
    LogQuery query;
    try {
      query = LogQuery.from(ctx.queryParams());
    } catch (ApiException e) {
      ctx.fail(e);
      return;
    }
    Principal caller = BearerAuth.principal(ctx);
    if (held.merge(caller.userId(), 1, Integer::sum) > maxTailsPerUser) {
      release(caller.userId());
      ctx.fail(ApiException.tooManyRequests("you have " + maxTailsPerUser + " live tails open, the limit; "
          + "close one first", 5));
      return;
    }
    allowed(caller, query, sessions)
        .onFailure(e -> release(caller.userId()))
        .onSuccess(v -> {
          HttpServerResponse response = ctx.response();
          long expiry = vertx.setTimer(Math.max(1, caller.expiresAt().toEpochMilli() - clock.millis()),
              t -> response.reset());
          open.computeIfAbsent(caller.userId(), u -> new HashSet<>()).add(response);
          if (!caller.isAdmin()) {
            sessionTails.put(response, new Tail(caller, query.session()));
          }
          tail.open(response, query.matcher(), () -> {
            sessionTails.remove(response);
            vertx.cancelTimer(expiry);
            release(caller.userId());
            open.computeIfPresent(caller.userId(), (u, responses) -> {
              responses.remove(response);
              return responses.isEmpty() ? null : responses;
            });
          });
        })
        .onFailure(ctx::fail);
  }

  private void release(String userId) {
    held.computeIfPresent(userId, (u, n) -> n <= 1 ? null : n - 1);
  }

  private static Future<Void> allowed(Principal caller, LogQuery query, SessionLookup sessions) {
    return allowed(caller, query.session(), sessions);
  }

  /** An admin reads every log; a user the logs of a session the GSS shows them, named in the query. */
  static Future<Void> allowed(Principal caller, String session, SessionLookup sessions) {
    if (caller.isAdmin()) {
      return Future.succeededFuture();
    }
    if (session == null) {
      return Future.failedFuture(ApiException.forbidden("only an admin may read logs without 'session'"));
    }
    return sessions.visible(session, caller).mapEmpty();
  }
}
