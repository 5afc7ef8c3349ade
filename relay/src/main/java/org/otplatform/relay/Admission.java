package org.otplatform.relay;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
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
 * <p>Connections asking for the same session with the same token while the GSS's answer is on its
 * way share that answer: a front end reconnecting in a burst, or many of one user, cost the GSS
 * one lookup. An answer is not kept once it came: a grant changed a moment ago shows at the next
 * connection (the GSS knows it before the relay reads the change), as it did without sharing.
 */
final class Admission {
  static final Pattern PATH = Pattern.compile("/ws/sessions/([A-Za-z0-9-]{1,64})");
  static final String SUBPROTOCOL = "ot.bearer";

  private final TokenVerifier verifier;
  private final SessionLookup sessions;
  private final RelayMetrics metrics;
  /** The GSS lookups under way, by session and token. */
  private final java.util.Map<String, Future<JsonObject>> asking = new java.util.concurrent.ConcurrentHashMap<>();

  /** A front end let in: the session, its user, and what the GSS showed of it. */
  record Admitted(String sessionId, Principal user, GssSession session) {}

  Admission(TokenVerifier verifier, SessionLookup sessions, RelayMetrics metrics) {
    this.verifier = verifier;
    this.sessions = sessions;
    this.metrics = metrics;
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

  /** The GSS's answer for this session and token: the lookup under way, else a new one. */
  private Future<JsonObject> lookup(String sessionId, Principal user) {
    String key = sessionId + ' ' + user.token();
    Future<JsonObject> under = asking.get(key);
    if (under != null) {
      return under;
    }
    Future<JsonObject> answer = sessions.visible(sessionId, user);
    if (!answer.isComplete()) {
      asking.put(key, answer);
      answer.onComplete(r -> asking.remove(key, answer));
    }
    return answer;
  }

  /** Lookups under way now (a test's view). */
  int lookupsUnderWay() {
    return asking.size();
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
