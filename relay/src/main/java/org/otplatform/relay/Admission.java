package org.otplatform.relay;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import io.vertx.core.http.ServerWebSocket;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.otplatform.common.auth.BearerAuth;
import org.otplatform.common.auth.Principal;
import org.otplatform.common.auth.SessionLookup;
import org.otplatform.common.auth.TokenVerifier;
import org.otplatform.common.http.ApiException;

/**
 * Who may join a session through the relay. The token comes from the {@code Authorization}
 * header, the {@code access_token} query parameter, or the subprotocols {@code ot.bearer, <token>}
 * (browsers cannot set headers); it is never logged. The session must be visible to the user (the
 * GSS says) and READY; a refusal closes the socket with a {@link CloseCodes} code and the reason.
 *
 * <p>The GSS's answer for a session and a token is kept for {@link #ANSWER_TTL} and shared by the
 * connections asking meanwhile: a front end reconnecting, or thousands of them after a relay
 * restart, cost the GSS one lookup per token rather than one per connection. Only answers that let
 * a front end in are kept; any event of the session, a change of grants and a revocation forget
 * them, and the admitted sockets themselves are checked again on such changes as before.
 */
final class Admission {
  static final Pattern PATH = Pattern.compile("/ws/sessions/([A-Za-z0-9-]{1,64})");
  static final String SUBPROTOCOL = "ot.bearer";

  private final TokenVerifier verifier;
  private final SessionLookup sessions;
  private final RelayMetrics metrics;
  /** How long the GSS's answer for a session and token is used for new connections. */
  static final Duration ANSWER_TTL = Duration.ofSeconds(2);
  private static final int ANSWERS_KEPT = 10_000;
  /** The GSS's answers (or the lookup under way) by session and token. */
  private final Cache<String, Future<JsonObject>> answers;

  /** A front end let in: the session, its user, and what the GSS showed of it. */
  record Admitted(String sessionId, Principal user, GssSession session) {}

  Admission(TokenVerifier verifier, SessionLookup sessions, RelayMetrics metrics) {
    this(verifier, sessions, metrics, ANSWER_TTL);
  }

  /** As above, keeping the GSS's answers for {@code answerTtl}. */
  Admission(TokenVerifier verifier, SessionLookup sessions, RelayMetrics metrics, Duration answerTtl) {
    this.verifier = verifier;
    this.sessions = sessions;
    this.metrics = metrics;
    this.answers = Caffeine.newBuilder().maximumSize(ANSWERS_KEPT).expireAfterWrite(answerTtl).build();
  }

  /** The admitted front end, or empty when it was refused (and its socket closed). */
  Future<Optional<Admitted>> admit(ServerWebSocket ws) {
    Matcher m = PATH.matcher(ws.path());
    if (!m.matches()) {
      ws.close(CloseCodes.NOT_FOUND, "no such endpoint");
      return Future.succeededFuture(Optional.empty());
    }
    String sessionId = m.group(1);
    String token = token(ws);
    if (token == null) {
      return refused(ws, CloseCodes.UNAUTHORIZED, "a token is required");
    }
    return verifier.verify(token).transform(verified -> {
      if (verified.failed()) {
        return refused(ws, CloseCodes.UNAUTHORIZED, verified.cause().getMessage());
      }
      Principal user = verified.result();
      return lookup(sessionId, user).transform(looked -> {
        if (looked.failed()) {
          return refused(ws, closeCode(looked.cause()), looked.cause().getMessage());
        }
        if (ws.isClosed()) {
          return Future.succeededFuture(Optional.empty()); // the front end left meanwhile
        }
        GssSession session = GssSession.from(looked.result());
        if (!session.isReady()) {
          return refused(ws, CloseCodes.NOT_READY, "session " + sessionId + " is " + session.state());
        }
        return Future.succeededFuture(Optional.of(new Admitted(sessionId, user, session)));
      });
    });
  }

  /** The GSS's answer for this session and token: one kept or under way, else a new lookup. */
  private Future<JsonObject> lookup(String sessionId, Principal user) {
    String key = sessionId + ' ' + user.token();
    Future<JsonObject> answer = answers.get(key, k -> sessions.visible(sessionId, user));
    answer.onComplete(r -> {
      if (r.failed() || !GssSession.from(r.result()).isReady()) {
        answers.asMap().remove(key, answer); // refusals are asked again
      }
    });
    return answer;
  }

  /** Something happened to the session: what the GSS said of it is asked again. */
  void forget(String sessionId) {
    String prefix = sessionId + ' ';
    answers.asMap().keySet().removeIf(k -> k.startsWith(prefix));
  }

  /** Grants changed or a user was revoked: every kept answer is asked again. */
  void forgetAll() {
    answers.invalidateAll();
  }

  /**
   * Why an admitted front end may no longer stay (the GSS no longer shows it the session, or its
   * role changed), or empty when it may; a failed future when the GSS cannot say.
   */
  Future<Optional<String>> recheck(Admitted admitted) {
    return sessions.visible(admitted.sessionId(), admitted.user()).transform(looked -> {
      if (looked.succeeded()) {
        boolean mayAct = GssSession.from(looked.result()).mayAct();
        return Future.succeededFuture(mayAct == admitted.session().mayAct() ? Optional.<String>empty()
            : Optional.of("your role on the session's project changed; reconnect"));
      }
      int status = looked.cause() instanceof ApiException api ? api.status() : 503;
      return status == 403 || status == 404 || status == 401
          ? Future.succeededFuture(Optional.of("your access to session " + admitted.sessionId() + " was revoked"))
          : Future.failedFuture(looked.cause());
    });
  }

  /** What the GSS shows of an admitted front end's session now. */
  Future<GssSession> look(Admitted admitted) {
    return sessions.visible(admitted.sessionId(), admitted.user()).map(GssSession::from);
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

  private Future<Optional<Admitted>> refused(ServerWebSocket ws, short code, String reason) {
    metrics.rejected(switch (code) {
      case CloseCodes.UNAUTHORIZED -> "unauthorized";
      case CloseCodes.FORBIDDEN -> "forbidden";
      case CloseCodes.NOT_FOUND -> "unknown_session";
      case CloseCodes.NOT_READY -> "not_ready";
      default -> "unavailable";
    });
    ws.close(code, reason);
    return Future.succeededFuture(Optional.empty());
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
          return URLDecoder.decode(part.substring(13), StandardCharsets.UTF_8);
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
}
