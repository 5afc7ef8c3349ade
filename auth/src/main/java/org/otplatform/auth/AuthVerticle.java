package org.otplatform.auth;

import io.vertx.core.Future;
import io.vertx.core.http.HttpServer;
import io.vertx.ext.healthchecks.HealthChecks;
import io.vertx.ext.healthchecks.Status;
import io.vertx.ext.mongo.MongoClient;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Optional;
import java.util.Set;
import java.time.Clock;
import java.time.Duration;
import org.otplatform.auth.group.GroupStore;
import org.otplatform.auth.http.Audit;
import org.otplatform.auth.http.AuthParts;
import org.otplatform.auth.http.AuthRoutes;
import org.otplatform.auth.login.KnownDevices;
import org.otplatform.auth.login.LoginThrottle;
import org.otplatform.auth.password.HashingPool;
import org.otplatform.auth.password.PasswordHasher;
import org.otplatform.auth.project.ProjectStore;
import org.otplatform.auth.token.RefreshTokens;
import org.otplatform.auth.token.SigningKeys;
import org.otplatform.auth.token.TokenIssuer;
import org.otplatform.auth.user.UserStore;
import org.otplatform.common.auth.BearerAuth;
import org.otplatform.common.auth.Principal;
import org.otplatform.common.auth.Revocations;
import org.otplatform.common.auth.TokenVerifier;
import org.otplatform.common.http.ServiceHttp;
import org.otplatform.common.kafka.EventPublisher;
import org.otplatform.common.http.ApiException;
import org.otplatform.common.service.Dependencies;
import org.otplatform.common.service.ServiceVerticle;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** AUTH: users, projects, login and tokens. Wires the stores and serves {@code openapi/auth.yaml}. */
public final class AuthVerticle extends ServiceVerticle {
  private static final Logger LOG = LoggerFactory.getLogger(AuthVerticle.class);
  private static final String CONTRACT = "openapi/auth.yaml";

  /** How often expired refresh tokens and stale login counters are swept. */
  private static final Duration SWEEP_INTERVAL = Duration.ofMinutes(10);
  private final AuthConfig config;
  private volatile String generatedAdminPassword;

  public AuthVerticle(AuthConfig config) {
    super("AUTH", config.common());
    this.config = config;
  }

  /** The bootstrap admin's password if this start generated it (show it once), else empty. */
  public Optional<String> generatedAdminPassword() {
    return Optional.ofNullable(generatedAdminPassword);
  }

  @Override
  protected Future<HttpServer> startService() {
    MongoClient mongo = closeAtStop(Dependencies.mongo(vertx, config.common(), config.database()), MongoClient::close);
    EventPublisher publisher = closeAtStop(new EventPublisher(vertx, config.common().kafka(),
        config.common().instanceId()), EventPublisher::close);
    // Revoked users, as every service reads them (AUTH checks its store on its own routes as well).
    Revocations revocations = closeAtStop(new Revocations(), Revocations::close);
    SigningKeys keys = new SigningKeys(mongo, config.keyEncryption(), Clock.systemUTC());
    PasswordHasher hasher = new PasswordHasher(config.hashIterations());
    HashingPool hashing = closeAtStop(new HashingPool(vertx, config.hashThreads(), config.hashQueue()),
        HashingPool::close);
    AuthParts parts = new AuthParts(vertx, new UserStore(mongo), new GroupStore(mongo), new ProjectStore(mongo),
        new RefreshTokens(mongo, config.refreshTokenTtl(), Clock.systemUTC()), keys, new TokenIssuer(vertx, keys, config.accessTokenTtl()),
        hasher, hashing, new LoginThrottle(mongo, config.userThrottle(), config.addressThrottle(), Clock.systemUTC()),
        new KnownDevices(mongo, Clock.systemUTC()), config.trustedProxies(), new Audit(publisher,
            org.otplatform.common.service.ServiceLauncher.meterRegistry(vertx)));
    TokenVerifier verifier = new TokenVerifier(vertx, () -> Future.succeededFuture(keys.jwks()))
        .withRevocations(revocations);
    BearerAuth auth = new BearerAuth(verifier);
    HealthChecks readiness = HealthChecks.create(vertx)
        .register("mongo", 2_000, p -> Dependencies.mongoCheck(mongo, p))
        .register("signing-keys", p -> p.complete(keys.jwks().isEmpty() ? Status.KO() : Status.OK()));

    return Dependencies.awaitMongo(vertx, mongo, config.common(), config.common().startupTimeout())
        .compose(v -> Dependencies.awaitKafka(vertx, config.common(), config.common().startupTimeout()))
        .compose(v -> revocations.follow(vertx, config.common().kafka(), config.common().instanceId()))
        .compose(v -> parts.users().createIndexes())
        .compose(v -> parts.groups().createIndexes())
        .compose(v -> parts.projects().createIndexes())
        .compose(v -> keys.load())
        .compose(v -> keys.retire(tokenLife()))
        .compose(v -> bootstrapAdmin(parts.users(), hasher, hashing))
        .compose(v -> ServiceHttp.router(vertx, CONTRACT, readiness, config.common(), auth,
            b -> AuthRoutes.bind(b, parts, auth, tls.settings())))
        .compose(router -> ServiceHttp.listen(vertx, router, config.common(), config.port(), tls))
        .onSuccess(s -> every(SWEEP_INTERVAL, () -> sweep(parts)));
  }

  /** How long after a key stopped signing a token it signed may still be presented (with clock skew). */
  private Duration tokenLife() {
    return config.accessTokenTtl().plus(Duration.ofMinutes(2));
  }

  /** Expired refresh tokens and stale login counters go (the embedded store has no TTL indexes). */
  private void sweep(AuthParts parts) {
    parts.keys().retire(tokenLife())
        .onFailure(e -> LOG.warn("retiring signing keys failed: {}", e.getMessage()));
    parts.refreshTokens().sweep()
        .onSuccess(n -> LOG.debug("swept {} expired refresh tokens", n))
        .onFailure(e -> LOG.warn("sweeping refresh tokens failed: {}", e.getMessage()));
    parts.throttle().sweep()
        .onSuccess(n -> LOG.debug("swept {} stale login counters", n))
        .onFailure(e -> LOG.warn("sweeping login counters failed: {}", e.getMessage()));
    parts.devices().sweep()
        .onSuccess(n -> LOG.debug("swept {} expired known devices", n))
        .onFailure(e -> LOG.warn("sweeping known devices failed: {}", e.getMessage()));
  }

  private Future<Void> bootstrapAdmin(UserStore users, PasswordHasher hasher, HashingPool hashing) {
    return users.byUsername(config.adminUser()).compose(existing -> {
      if (existing.isPresent()) {
        return Future.succeededFuture();
      }
      String password = config.adminPassword().orElseGet(AuthVerticle::randomPassword);
      return hashing.run(HashingPool.Use.ACCOUNT, () -> hasher.hash(password))
          .compose(hash -> users.create(config.adminUser(), hash, Set.of(Principal.ADMIN, "user")))
          .map(user -> {
            LOG.info("created bootstrap admin '{}'", user.username());
            if (config.adminPassword().isEmpty()) {
              generatedAdminPassword = password;
            }
            return (Void) null;
          })
          // A replica created the admin at the same moment: fine.
          .recover(e -> e instanceof ApiException api && api.status() == 409
              ? Future.succeededFuture() : Future.failedFuture(e));
    });
  }

  private static String randomPassword() {
    byte[] bytes = new byte[18];
    new SecureRandom().nextBytes(bytes);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }
}
