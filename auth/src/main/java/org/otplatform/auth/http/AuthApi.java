package org.otplatform.auth.http;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.HashSet;
import java.util.Set;
import org.otplatform.auth.PasswordPolicy;
import org.otplatform.auth.UsernameRules;
import org.otplatform.auth.password.PasswordHasher;
import org.otplatform.auth.project.ProjectStore;
import org.otplatform.auth.token.RefreshTokens;
import org.otplatform.auth.token.TokenIssuer;
import org.otplatform.auth.user.User;
import org.otplatform.auth.user.UserStore;
import org.otplatform.common.auth.BearerAuth;
import org.otplatform.common.auth.Principal;
import org.otplatform.common.events.AuditEvent;
import org.otplatform.common.events.Topics;
import org.otplatform.common.http.ApiException;
import org.otplatform.common.http.Responses;
import org.otplatform.common.kafka.EventPublisher;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** AUTH's REST operations; each method answers one operation id of {@code openapi/auth.yaml}. */
public final class AuthApi {
  private static final Logger LOG = LoggerFactory.getLogger(AuthApi.class);
  private static final String BAD_CREDENTIALS = "invalid username or password";

  private final Vertx vertx;
  private final UserStore users;
  private final ProjectStore projects;
  private final RefreshTokens refreshTokens;
  private final TokenIssuer issuer;
  private final PasswordHasher hasher;
  private final EventPublisher audit;

  /** Collaborators of the API, wired in {@code AuthVerticle}. */
  public record Parts(Vertx vertx, UserStore users, ProjectStore projects, RefreshTokens refreshTokens,
      TokenIssuer issuer, PasswordHasher hasher, EventPublisher audit) {}

  public AuthApi(Parts parts) {
    this.vertx = parts.vertx();
    this.users = parts.users();
    this.projects = parts.projects();
    this.refreshTokens = parts.refreshTokens();
    this.issuer = parts.issuer();
    this.hasher = parts.hasher();
    this.audit = parts.audit();
  }

  public Future<JsonObject> login(RoutingContext ctx) {
    JsonObject body = Responses.body(ctx);
    String username = Responses.requiredString(body, "username");
    String password = body.getValue("password") instanceof String p ? p : "";
    if (password.isEmpty()) {
      throw ApiException.badRequest("field 'password' is required and must be a non-empty string");
    }
    String source = ctx.request().remoteAddress() == null ? "?" : ctx.request().remoteAddress().hostAddress();
    return users.byUsername(username)
        .compose(user -> vertx.executeBlocking(() -> {
          if (user.isEmpty()) {
            hasher.verifyDummy(password);
            return null;
          }
          return hasher.verify(password, user.get().passwordHash()) ? user.get() : null;
        }, false))
        .compose(user -> {
          if (user == null || user.disabled()) {
            publishAudit(AuditEvent.of("LoginFailed", username, username, source,
                new JsonObject().put("reason", user == null ? "bad credentials" : "disabled")));
            return Future.failedFuture(ApiException.unauthorized(BAD_CREDENTIALS));
          }
          publishAudit(AuditEvent.of("LoginSucceeded", user.username(), user.id(), source, null));
          return issueTokens(user);
        });
  }

  public Future<JsonObject> refresh(RoutingContext ctx) {
    String token = Responses.requiredString(Responses.body(ctx), "refreshToken");
    return refreshTokens.consume(token)
        .compose(userId -> userId.isEmpty()
            ? Future.failedFuture(ApiException.unauthorized("refresh token invalid, used or expired"))
            : users.byId(userId.get()))
        .compose(user -> user.isEmpty() || user.get().disabled()
            ? Future.failedFuture(ApiException.unauthorized("refresh token invalid, used or expired"))
            : issueTokens(user.get()));
  }

  public Future<Void> logout(RoutingContext ctx) {
    Principal caller = BearerAuth.principal(ctx);
    publishAudit(AuditEvent.of("Logout", caller.username(), caller.userId(), null, null));
    return refreshTokens.revokeAll(caller.userId());
  }

  public Future<JsonObject> me(RoutingContext ctx) {
    Principal caller = BearerAuth.principal(ctx);
    return users.byId(caller.userId()).compose(user -> user
        .map(u -> Future.succeededFuture(u.toPublicJson()))
        .orElseGet(() -> Future.failedFuture(ApiException.notFound("your user no longer exists"))));
  }

  public Future<JsonObject> createUser(RoutingContext ctx) {
    Principal caller = BearerAuth.principal(ctx);
    if (!caller.isAdmin()) {
      throw ApiException.forbidden("only an admin may create users");
    }
    JsonObject body = Responses.body(ctx);
    String username = Responses.requiredString(body, "username");
    if (!username.matches(UsernameRules.PATTERN)) {
      throw ApiException.badRequest("field 'username' must be 3-32 letters, digits, '.', '-' or '_', starting "
          + "with a letter");
    }
    String password = body.getValue("password") instanceof String p ? p : null;
    PasswordPolicy.problem(password).ifPresent(p -> {
      throw ApiException.badRequest("field 'password': " + p);
    });
    Set<String> roles = new HashSet<>();
    body.getJsonArray("roles", new JsonArray()).forEach(r -> roles.add(String.valueOf(r)));
    roles.removeIf(r -> !r.equals(Principal.ADMIN) && !r.equals("user"));
    roles.add("user");
    return vertx.executeBlocking(() -> hasher.hash(password), false)
        .compose(hash -> users.create(username, hash, roles))
        .map(user -> {
          publishAudit(AuditEvent.of("UserCreated", caller.username(), user.id(), null,
              new JsonObject().put("username", user.username())));
          return user.toPublicJson();
        });
  }

  public Future<JsonObject> createProject(RoutingContext ctx) {
    Principal caller = BearerAuth.principal(ctx);
    String name = Responses.requiredString(Responses.body(ctx), "name");
    if (!name.matches("[A-Za-z0-9][A-Za-z0-9 ._-]{0,63}")) {
      throw ApiException.badRequest("field 'name' must be 1-64 letters, digits, spaces, '.', '-' or '_'");
    }
    return projects.create(name, caller).map(project -> {
      publishAudit(AuditEvent.of("ProjectCreated", caller.username(), project.getString("id"), null,
          new JsonObject().put("name", name)));
      return project;
    });
  }

  public Future<JsonObject> listProjects(RoutingContext ctx) {
    return projects.list(BearerAuth.principal(ctx)).map(list -> new JsonObject().put("projects", list));
  }

  public Future<JsonObject> getProject(RoutingContext ctx) {
    return projects.get(ctx.pathParam("name"), BearerAuth.principal(ctx));
  }

  private Future<JsonObject> issueTokens(User user) {
    String access = issuer.accessToken(user.id(), user.username(), user.roles());
    String refresh = issuer.refreshToken();
    return refreshTokens.store(refresh, user.id()).map(v -> new JsonObject()
        .put("accessToken", access)
        .put("refreshToken", refresh)
        .put("tokenType", "Bearer")
        .put("expiresIn", issuer.accessTtl().toSeconds()));
  }

  private void publishAudit(AuditEvent event) {
    audit.publish(Topics.AUDIT, event).onFailure(e ->
        LOG.warn("audit event {} for {} not published: {}", event.action(), event.subject(), e.getMessage()));
  }
}
