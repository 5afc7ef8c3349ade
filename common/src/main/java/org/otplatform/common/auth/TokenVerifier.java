package org.otplatform.common.auth;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.JWTOptions;
import io.vertx.ext.auth.NoSuchKeyIdException;
import io.vertx.ext.auth.User;
import io.vertx.ext.auth.authentication.TokenCredentials;
import io.vertx.ext.auth.jwt.JWTAuth;
import io.vertx.ext.auth.jwt.JWTAuthOptions;
import io.vertx.ext.healthchecks.Status;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Supplier;
import org.otplatform.common.service.ServiceLauncher;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Verifies AUTH's access tokens locally: signature against AUTH's published keys (JWKS, cached and
 * refetched when a token names an unknown {@code kid}), expiry with clock skew, audience and issuer.
 * One implementation, used by GSS, relay, logger and AUTH itself.
 *
 * <p>A front end sends the same token with every request until it refreshes it, so tokens verified
 * once are kept (a bounded cache, {@value #DEFAULT_CACHE_SIZE} by default) until their expiry: a
 * repeated token costs a map lookup instead of an RSA signature check. A kept token is still
 * checked against the revocations on every use, and the cache is emptied when the keys are
 * reloaded. Only tokens that verified are kept, so forged ones cannot fill it.
 */
public final class TokenVerifier {
  /** Audience of access tokens for the platform's APIs. */
  public static final String AUDIENCE = "ot-platform";
  /** Issuer of access tokens. */
  public static final String ISSUER = "ot-auth";
  private static final Logger LOG = LoggerFactory.getLogger(TokenVerifier.class);
  /** Unknown {@code kid}s refetch the keys at most this often, so forged tokens cannot flood AUTH. */
  private static final long DEFAULT_MIN_REFRESH_MS = 5_000;
  private static final int DEFAULT_CLOCK_SKEW_SECONDS = 30;
  /** Verified tokens kept; a few thousand front ends' worth, about 2 KiB each. */
  public static final int DEFAULT_CACHE_SIZE = 8_192;

  private final Vertx vertx;
  private final Supplier<Future<JsonArray>> jwksSource;
  private final long minRefreshMs;
  private final int clockSkewSeconds;
  private volatile JWTAuth jwt;
  private volatile Revocations revocations = Revocations.NONE;
  private volatile long lastRefresh;
  private volatile Future<JWTAuth> refreshing;
  /** Tokens verified with the current keys, until they expire; null when not kept. */
  private final Cache<String, Principal> verified;
  private final Counter accepted;
  private final Counter rejected;
  private final Counter revoked;

  /** {@code jwksSource} yields the {@code keys} array of a JWKS document. */
  public TokenVerifier(Vertx vertx, Supplier<Future<JsonArray>> jwksSource) {
    this(vertx, jwksSource, DEFAULT_MIN_REFRESH_MS, DEFAULT_CLOCK_SKEW_SECONDS);
  }

  /**
   * As above, refetching keys for an unknown {@code kid} at most every {@code minRefreshMs} and
   * accepting {@code clockSkewSeconds} of difference between AUTH's clock and ours.
   */
  public TokenVerifier(Vertx vertx, Supplier<Future<JsonArray>> jwksSource, long minRefreshMs,
      int clockSkewSeconds) {
    this(vertx, jwksSource, minRefreshMs, clockSkewSeconds, DEFAULT_CACHE_SIZE);
  }

  /** As above, keeping at most {@code cacheSize} verified tokens (0: every token is checked anew). */
  public TokenVerifier(Vertx vertx, Supplier<Future<JsonArray>> jwksSource, long minRefreshMs,
      int clockSkewSeconds, int cacheSize) {
    this.vertx = vertx;
    this.jwksSource = jwksSource;
    this.minRefreshMs = minRefreshMs;
    this.clockSkewSeconds = clockSkewSeconds;
    MeterRegistry meters = ServiceLauncher.meterRegistry(vertx);
    this.accepted = tokens(meters, "accepted");
    this.rejected = tokens(meters, "rejected");
    this.revoked = tokens(meters, "revoked");
    this.verified = cacheSize <= 0 ? null : Caffeine.newBuilder()
        .maximumSize(cacheSize)
        .expireAfter(Expiry.<String, Principal>creating((token, p) -> java.time.Duration.ofMillis(
            Math.max(0, lastValidMillis(p) - System.currentTimeMillis()))))
        .build();
  }

  /** {@code ot_tokens_verified_total{outcome}}: every token checked by this service, cached or not. */
  private static Counter tokens(MeterRegistry meters,
      String outcome) {
    return Counter.builder("ot_tokens_verified")
        .description("bearer tokens checked: accepted, rejected (bad, expired, unknown key), revoked")
        .tag("outcome", outcome).register(meters);
  }

  /** The last moment a token is accepted: its expiry plus the clock skew allowed. */
  private long lastValidMillis(Principal p) {
    return p.expiresAt().toEpochMilli() + clockSkewSeconds * 1000L;
  }

  /** A verifier fetching keys from AUTH's {@code /.well-known/jwks.json}. */
  public static TokenVerifier remote(Vertx vertx, JwksClient client) {
    return new TokenVerifier(vertx, client::fetch);
  }

  /** Refuses tokens of users revoked after the token was issued (disabled, deleted). */
  public TokenVerifier withRevocations(Revocations list) {
    this.revocations = list;
    return this;
  }

  /** Loads the keys; the future fails when they cannot be fetched. */
  public Future<Void> start() {
    return refresh().mapEmpty();
  }

  /** Whether keys have been loaded. */
  public boolean hasKeys() {
    return jwt != null;
  }

  /** Loads the keys without waiting: AUTH may start after this service; {@link #readiness} reports them. */
  public void startInBackground() {
    start().onFailure(e -> LOG.warn("AUTH's keys not loaded yet: {}", e.getMessage()));
  }

  /**
   * A readiness check: ready once keys are loaded. While they are not, each check tries to load
   * them, so a service started before AUTH becomes ready without any token to verify.
   */
  public void readiness(Promise<Status> promise) {
    if (hasKeys()) {
      promise.complete(Status.OK());
      return;
    }
    refresh().onComplete(r -> promise.complete(r.succeeded() ? Status.OK()
        : Status.KO(new JsonObject().put("error", String.valueOf(r.cause().getMessage())))));
  }

  /** Verifies a token; fails with an {@link InvalidTokenException} saying why. */
  public Future<Principal> verify(String token) {
    if (token == null || token.isBlank()) {
      return Future.failedFuture(new InvalidTokenException("no token")); // no token, nothing verified
    }
    return check(token).andThen(r -> (r.succeeded() ? accepted : r.cause() instanceof Revoked ? revoked : rejected)
        .increment());
  }

  private Future<Principal> check(String token) {
    Principal known = verified == null ? null : verified.getIfPresent(token);
    if (known != null && System.currentTimeMillis() <= lastValidMillis(known)) {
      return notRevoked(known);
    }
    Future<JWTAuth> auth = jwt != null ? Future.succeededFuture(jwt) : refresh();
    return auth.compose(a -> authenticate(a, token))
        .recover(e -> {
          if (e instanceof NoSuchKeyIdException || isUnknownKey(e)) {
            // A fetch already under way (a new key: many requests at once) is waited for, not refused.
            Future<JWTAuth> inFlight = refreshing;
            if (inFlight != null) {
              return inFlight.compose(a -> authenticate(a, token));
            }
            if (System.currentTimeMillis() - lastRefresh >= minRefreshMs) {
              return refresh().compose(a -> authenticate(a, token));
            }
          }
          return Future.failedFuture(e);
        })
        .recover(e -> {
          LOG.debug("token rejected: {}", e.toString());
          return Future.failedFuture(e instanceof InvalidTokenException ? e : new InvalidTokenException(describe(e)));
        })
        .map(user -> toPrincipal(user, token))
        .onSuccess(p -> {
          if (verified != null) {
            verified.put(token, p);
          }
        })
        .compose(this::notRevoked);
  }

  private Future<Principal> notRevoked(Principal p) {
    return revocations.revoked(p) ? Future.failedFuture(new Revoked()) : Future.succeededFuture(p);
  }

  /** A good token of a user revoked since (counted apart from bad tokens). */
  private static final class Revoked extends InvalidTokenException {
    Revoked() {
      super("token revoked: the user was disabled or deleted, or their password reset; sign in again");
    }
  }

  /** Tokens kept as verified now (a metric and a test's view). */
  public long cachedTokens() {
    if (verified == null) {
      return 0;
    }
    verified.cleanUp();
    return verified.estimatedSize();
  }

  private static Future<User> authenticate(JWTAuth auth, String token) {
    return auth.authenticate(new TokenCredentials(token));
  }

  private static boolean isUnknownKey(Throwable e) {
    String m = String.valueOf(e.getMessage()).toLowerCase();
    return m.contains("kid") || m.contains("no key");
  }

  private static String describe(Throwable e) {
    String m = String.valueOf(e.getMessage()).toLowerCase();
    if (m.contains("expired")) {
      return "token expired";
    }
    if (m.contains("audience") || m.contains("aud")) {
      return "token is not for this audience";
    }
    if (m.contains("signature")) {
      return "token signature invalid";
    }
    if (m.contains("kid") || m.contains("no key")) {
      return "token signed by an unknown key";
    }
    return "token invalid";
  }

  private synchronized Future<JWTAuth> refresh() {
    if (refreshing != null) {
      return refreshing;
    }
    lastRefresh = System.currentTimeMillis();
    Future<JWTAuth> f = jwksSource.get().map(keys -> {
      JWTAuthOptions options = new JWTAuthOptions()
          .setJWTOptions(new JWTOptions()
              .setAudience(List.of(AUDIENCE))
              .setIssuer(ISSUER)
              .setLeeway(clockSkewSeconds));
      keys.stream().map(JsonObject.class::cast).forEach(options::addJwk);
      JWTAuth auth = JWTAuth.create(vertx, options);
      jwt = auth;
      if (verified != null) {
        // What the old keys verified is checked again with the new ones.
        verified.invalidateAll();
      }
      LOG.debug("loaded {} token verification key(s)", keys.size());
      return auth;
    });
    refreshing = f;
    f.onComplete(r -> {
      synchronized (this) {
        refreshing = null;
      }
      if (r.failed()) {
        LOG.warn("could not load token verification keys: {}", r.cause().getMessage());
      }
    });
    return f;
  }

  private static Principal toPrincipal(User user, String token) {
    JsonObject claims = user.principal();
    Set<String> roles = new HashSet<>();
    JsonArray array = claims.getJsonArray("roles", new JsonArray());
    array.forEach(r -> roles.add(String.valueOf(r)));
    return new Principal(claims.getString("sub"), claims.getString("name", claims.getString("sub")),
        Set.copyOf(roles), token, Instant.ofEpochSecond(seconds(user, "iat")),
        Instant.ofEpochSecond(seconds(user, "exp")));
  }

  /** A time claim: vertx-auth-jwt moves {@code exp} and {@code iat} to the user's attributes. */
  private static long seconds(User user, String claim) {
    Object value = user.get(claim);
    if (!(value instanceof Number n)) {
      throw new IllegalStateException("a verified token without '" + claim + "'");
    }
    return n.longValue();
  }
}
