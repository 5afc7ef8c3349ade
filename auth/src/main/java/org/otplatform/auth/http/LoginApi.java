package org.otplatform.auth.http;

import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.http.Cookie;
import io.vertx.core.http.CookieSameSite;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import org.otplatform.auth.PasswordPolicy;
import org.otplatform.auth.login.KnownDevices;
import org.otplatform.auth.login.LoginThrottle;
import org.otplatform.auth.password.HashingPool;
import org.otplatform.auth.token.RefreshTokens;
import org.otplatform.auth.user.User;
import org.otplatform.common.auth.BearerAuth;
import org.otplatform.common.auth.Principal;
import org.otplatform.common.http.ApiException;
import org.otplatform.common.http.Responses;

/** Login, token refresh, logout, and the caller's own account. */
public final class LoginApi {
  private static final String BAD_CREDENTIALS = "invalid username or password";
  private final AuthParts parts;
  /** Device cookies only over TLS when the platform runs on it. */
  private final boolean secureCookies;

  public LoginApi(AuthParts parts, boolean secureCookies) {
    this.parts = parts;
    this.secureCookies = secureCookies;
  }

  /** The client's address: the peer's, or what a trusted proxy says it is ({@code X-Forwarded-For}). */
  String source(RoutingContext ctx) {
    String peer = ctx.request().remoteAddress() == null ? "unknown" : ctx.request().remoteAddress().hostAddress();
    return parts.proxies().client(peer, ctx.request().getHeader("X-Forwarded-For"));
  }

  /**
   * The throttle's counters for this attempt: those of its known device when it presents a device
   * cookie of this user, else the username at its address and the address.
   */
  private Future<LoginThrottle.Attempt> attempt(RoutingContext ctx, String username, String source) {
    Cookie cookie = ctx.request().getCookie(KnownDevices.COOKIE);
    if (cookie == null) {
      return Future.succeededFuture(LoginThrottle.Attempt.from(username, source));
    }
    return parts.devices().device(cookie.getValue(), username).map(device -> device
        .map(LoginThrottle.Attempt::fromDevice).orElseGet(() -> LoginThrottle.Attempt.from(username, source)));
  }

  /** After a sign-in from an unknown device: its cookie, so a block on its address passes it by later. */
  private Future<Void> rememberDevice(RoutingContext ctx, LoginThrottle.Attempt attempt, User user) {
    if (attempt.addressKey() == null) {
      return Future.succeededFuture(); // known already
    }
    return parts.devices().remember(user.id(), user.username()).map(value -> {
      ctx.response().addCookie(Cookie.cookie(KnownDevices.COOKIE, value).setPath("/api/v1/login")
          .setHttpOnly(true).setSecure(secureCookies).setSameSite(CookieSameSite.STRICT)
          .setMaxAge(KnownDevices.TTL.toSeconds()));
      return (Void) null;
    }).recover(e -> Future.succeededFuture()); // a sign-in never fails for want of a cookie
  }

  /**
   * Checks the password (on a worker: the hash is slow on purpose); unknown users cost the same
   * time as known ones. Each attempt is reserved against the throttle before any hashing, so
   * parallel attempts past the limit are refused without being evaluated.
   */
  public Future<JsonObject> login(RoutingContext ctx) {
    JsonObject body = Responses.body(ctx);
    String username = Responses.requiredString(body, "username");
    String password = body.getValue("password") instanceof String p ? p : "";
    if (password.isEmpty()) {
      throw ApiException.badRequest("field 'password' is required and must be a non-empty string");
    }
    String source = source(ctx);
    return attempt(ctx, username, source).compose(attempt -> parts.throttle().reserve(attempt).compose(wait -> {
      if (wait.isPresent()) {
        parts.audit().record("LoginThrottled", username, username, source, null);
        return Future.failedFuture(ApiException.tooManyRequests("too many failed logins; try again later",
            (wait.get().toMillis() + 999) / 1000));
      }
      return parts.users().byUsername(username)
          .compose(user -> parts.hashing().run(HashingPool.Use.LOGIN, () -> {
            if (user.isEmpty()) {
              parts.hasher().verifyDummy(password);
              return null;
            }
            return parts.hasher().verify(password, user.get().passwordHash()) ? user.get() : null;
          }))
          .compose(user -> {
            if (user == null || user.disabled()) {
              parts.audit().record("LoginFailed", username, username, source,
                  new JsonObject().put("reason", user == null ? "bad credentials" : "disabled"));
              return parts.throttle().failed(attempt)
                  .transform(v -> Future.failedFuture(ApiException.unauthorized(BAD_CREDENTIALS)));
            }
            parts.audit().record("LoginSucceeded", user.username(), user.id(), source, null);
            return parts.throttle().succeeded(attempt)
                .compose(v -> rememberDevice(ctx, attempt, user))
                .compose(v -> issueTokens(user, RefreshTokens.newFamily()));
          });
    }));
  }

  /**
   * Swaps a refresh token for new tokens of the same family; a token presented a second time
   * revokes its family (the user signs in again) and is audited.
   */
  public Future<JsonObject> refresh(RoutingContext ctx) {
    String token = Responses.requiredString(Responses.body(ctx), "refreshToken");
    ApiException invalid = ApiException.unauthorized("refresh token invalid, used, revoked or expired");
    return parts.refreshTokens().consume(token).compose(outcome -> {
      if (outcome instanceof RefreshTokens.Consumed c) {
        return parts.users().byId(c.userId()).compose(user -> user.isEmpty() || user.get().disabled()
            ? Future.failedFuture(invalid) : issueTokens(user.get(), c.family()));
      }
      if (outcome instanceof RefreshTokens.Reused r) {
        parts.audit().record("RefreshTokenReused", "anonymous", r.userId(), source(ctx),
            new JsonObject().put("family", r.family()));
      }
      return Future.failedFuture(invalid);
    });
  }

  public Future<Void> logout(RoutingContext ctx) {
    Principal caller = BearerAuth.principal(ctx);
    parts.audit().record("Logout", caller, caller.userId(), null);
    return parts.refreshTokens().revokeAll(caller.userId());
  }

  public Future<JsonObject> me(RoutingContext ctx) {
    Principal caller = BearerAuth.principal(ctx);
    return parts.users().byId(caller.userId())
        .compose(user -> user.map(Future::succeededFuture)
            .orElseGet(() -> Future.failedFuture(ApiException.notFound("your user no longer exists"))))
        .compose(user -> parts.groups().ofMember(user.id()).map(groups -> {
          JsonArray names = new JsonArray();
          groups.forEach(g -> names.add(g.getString("name")));
          return user.toPublicJson().put("groups", names);
        }));
  }

  /**
   * A user changes their own password: the old one is required, and each try is throttled like a
   * login (a stolen access token must not become an unlimited password-guessing oracle); every
   * refresh token is revoked.
   */
  public Future<Void> changePassword(RoutingContext ctx) {
    Principal caller = BearerAuth.principal(ctx);
    JsonObject body = Responses.body(ctx);
    String old = Responses.requiredString(body, "oldPassword");
    String fresh = body.getValue("newPassword") instanceof String s ? s : null;
    PasswordPolicy.problem(fresh).ifPresent(p -> {
      throw ApiException.badRequest("field 'newPassword': " + p);
    });
    String source = source(ctx);
    return parts.throttle().reserve(caller.username(), source)
        .compose(wait -> wait.isEmpty() ? parts.users().byId(caller.userId())
            : Future.<java.util.Optional<User>>failedFuture(ApiException.tooManyRequests("too many wrong passwords; try again later",
                (wait.get().toMillis() + 999) / 1000)))
        .compose(user -> user.map(Future::succeededFuture)
            .orElseGet(() -> Future.failedFuture(ApiException.notFound("your user no longer exists"))))
        .compose(user -> parts.hashing().run(HashingPool.Use.ACCOUNT,
            () -> parts.hasher().verify(old, user.passwordHash()) ? parts.hasher().hash(fresh) : null))
        .compose(hash -> hash == null
            ? parts.throttle().failed(caller.username(), source)
                .transform(v -> Future.<String>failedFuture(ApiException.forbidden("the old password is wrong")))
            : parts.throttle().succeeded(caller.username(), source).map(hash))
        .compose(hash -> parts.users().setPasswordHash(caller.userId(), hash))
        .compose(v -> parts.refreshTokens().revokeAll(caller.userId()))
        .onSuccess(v -> parts.audit().record("PasswordChanged", caller, caller.userId(), null));
  }

  Future<JsonObject> issueTokens(User user, String family) {
    String access = parts.issuer().accessToken(user.id(), user.username(), user.roles());
    String refresh = parts.issuer().refreshToken();
    return parts.refreshTokens().store(refresh, user.id(), family).map(v -> new JsonObject()
        .put("accessToken", access)
        .put("refreshToken", refresh)
        .put("tokenType", "Bearer")
        .put("expiresIn", parts.issuer().accessTtl().toSeconds()));
  }
}
