package org.otplatform.auth;

import java.time.Duration;
import java.util.Optional;
import org.otplatform.auth.token.KeyEncryption;
import org.otplatform.auth.login.ThrottlePolicy;
import org.otplatform.auth.login.TrustedProxies;
import org.otplatform.common.config.CommonConfig;
import org.otplatform.common.config.Env;

/**
 * AUTH's configuration, from {@code OT_*} environment variables.
 *
 * @param port HTTP port ({@code OT_AUTH_PORT}, default 8092)
 * @param database MongoDB database ({@code OT_AUTH_DB}, default {@code ot_auth})
 * @param hashIterations PBKDF2-HMAC-SHA256 iterations ({@code OT_AUTH_PBKDF2_ITERATIONS}, default
 *     600,000: OWASP's 2023 recommendation)
 * @param accessTokenTtl lifetime of access tokens ({@code OT_AUTH_ACCESS_TTL_SECONDS}, default 900)
 * @param refreshTokenTtl lifetime of refresh tokens ({@code OT_AUTH_REFRESH_TTL_SECONDS}, default 7 days)
 * @param adminUser the bootstrap admin's name ({@code OT_ADMIN_USER}, default {@code admin})
 * @param adminPassword the bootstrap admin's password ({@code OT_ADMIN_PASSWORD}); generated once
 *     and shown once when absent
 * @param userThrottle failed logins of one username from one address
 *     ({@code OT_AUTH_LOGIN_MAX_FAILURES}, default 5, in {@code OT_AUTH_LOGIN_WINDOW_SECONDS}, default 900)
 * @param addressThrottle failed logins from one address, any username
 *     ({@code OT_AUTH_ADDRESS_MAX_FAILURES}, default 50, same window)
 * @param trustedProxies peers whose {@code X-Forwarded-For} names the client
 *     ({@code OT_AUTH_TRUSTED_PROXIES}: addresses and CIDR blocks, comma-separated; default none)
 * @param hashThreads password hashes computed at once, on a pool of their own
 *     ({@code OT_AUTH_HASH_THREADS}, default the cores, at least 2); account work (password change,
 *     reset, new user) takes at most half, so sign-ins keep a share
 * @param hashQueue hashes that may wait for a thread ({@code OT_AUTH_HASH_QUEUE}, default 64);
 *     more are refused with 503 and Retry-After
 * @param keyEncryption seals the signing keys' private halves at rest
 *     ({@code OT_AUTH_KEY_ENCRYPTION_KEY}: the base64 of 32 random bytes, from a Secret; without it
 *     they are stored in the clear, with a warning at start)
 */
public record AuthConfig(CommonConfig common, int port, String database, int hashIterations,
    Duration accessTokenTtl, Duration refreshTokenTtl, String adminUser, Optional<String> adminPassword,
    ThrottlePolicy userThrottle, ThrottlePolicy addressThrottle, TrustedProxies trustedProxies, int hashThreads,
    int hashQueue, KeyEncryption keyEncryption) {

  public static AuthConfig from(Env env) {
    CommonConfig common = CommonConfig.from(env, "auth");
    int port = env.port("OT_AUTH_PORT", 8092);
    String db = env.string("OT_AUTH_DB", "ot_auth");
    int iterations = env.positive("OT_AUTH_PBKDF2_ITERATIONS", 600_000);
    Duration access = env.seconds("OT_AUTH_ACCESS_TTL_SECONDS", Duration.ofMinutes(15));
    Duration refresh = env.seconds("OT_AUTH_REFRESH_TTL_SECONDS", Duration.ofDays(7));
    String admin = env.string("OT_ADMIN_USER", "admin");
    if (!admin.matches(UsernameRules.PATTERN)) {
      env.problem("OT_ADMIN_USER must match " + UsernameRules.PATTERN + ", got '" + admin + "'");
    }
    Optional<String> password = env.optional("OT_ADMIN_PASSWORD");
    password.flatMap(PasswordPolicy::problem)
        .ifPresent(p -> env.problem("OT_ADMIN_PASSWORD is too weak: " + p));
    Duration window = env.seconds("OT_AUTH_LOGIN_WINDOW_SECONDS", Duration.ofMinutes(15));
    ThrottlePolicy perUser = new ThrottlePolicy(env.positive("OT_AUTH_LOGIN_MAX_FAILURES", 5), window,
        Duration.ofSeconds(30), Duration.ofMinutes(15));
    ThrottlePolicy perAddress = new ThrottlePolicy(env.positive("OT_AUTH_ADDRESS_MAX_FAILURES", 50), window,
        Duration.ofSeconds(30), Duration.ofMinutes(15));
    TrustedProxies proxies = TrustedProxies.NONE;
    try {
      proxies = TrustedProxies.parse(env.string("OT_AUTH_TRUSTED_PROXIES", ""));
    } catch (IllegalArgumentException e) {
      env.problem("OT_AUTH_TRUSTED_PROXIES: " + e.getMessage());
    }
    int hashThreads = env.positive("OT_AUTH_HASH_THREADS", Math.max(2, Runtime.getRuntime().availableProcessors()));
    int hashQueue = env.positive("OT_AUTH_HASH_QUEUE", 64);
    KeyEncryption keyEncryption = KeyEncryption.NONE;
    try {
      keyEncryption = env.optional("OT_AUTH_KEY_ENCRYPTION_KEY").map(KeyEncryption::fromBase64)
          .orElse(KeyEncryption.NONE);
    } catch (IllegalArgumentException e) {
      env.problem("OT_AUTH_KEY_ENCRYPTION_KEY " + e.getMessage());
    }
    env.validate();
    return new AuthConfig(common, port, db, iterations, access, refresh, admin, password, perUser, perAddress,
        proxies, hashThreads, hashQueue, keyEncryption);
  }

  @Override
  public String toString() {
    return "AuthConfig[port=" + port + ", db=" + database + ", iterations=" + hashIterations
        + ", accessTtl=" + accessTokenTtl + ", adminUser=" + adminUser + ", adminPassword="
        + (adminPassword.isPresent() ? "***" : "<generated>") + "]";
  }
}
