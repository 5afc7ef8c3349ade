package org.otplatform.auth.http;

import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.otplatform.auth.PasswordPolicy;
import org.otplatform.auth.UsernameRules;
import org.otplatform.auth.user.User;
import org.otplatform.auth.password.HashingPool;
import org.otplatform.common.auth.BearerAuth;
import org.otplatform.common.auth.Principal;
import org.otplatform.common.http.ApiException;
import org.otplatform.common.http.Responses;

/** User administration (admins), and a user's groups (admins and the user). */
public final class UsersApi {
  private static final int MAX_PAGE = 200;
  private final AuthParts parts;

  public UsersApi(AuthParts parts) {
    this.parts = parts;
  }

  private static Principal admin(RoutingContext ctx) {
    Principal caller = BearerAuth.principal(ctx);
    if (!caller.isAdmin()) {
      throw ApiException.forbidden("only an admin may manage users");
    }
    return caller;
  }

  Future<User> existing(String username) {
    return parts.users().byUsername(username).compose(u -> u.map(Future::succeededFuture)
        .orElseGet(() -> Future.failedFuture(ApiException.notFound("no user '" + username + "'"))));
  }

  public Future<JsonObject> create(RoutingContext ctx) {
    Principal caller = admin(ctx);
    JsonObject body = Responses.body(ctx);
    String username = Responses.requiredString(body, "username");
    if (!username.matches(UsernameRules.PATTERN)) {
      throw ApiException.badRequest("field 'username' must be 3-32 letters, digits, '.', '-' or '_', starting "
          + "with a letter");
    }
    String password = password(body, "password");
    Set<String> roles = new HashSet<>();
    body.getJsonArray("roles", new JsonArray()).forEach(r -> roles.add(String.valueOf(r)));
    roles.removeIf(r -> !r.equals(Principal.ADMIN) && !r.equals("user"));
    roles.add("user");
    return parts.hashing().run(HashingPool.Use.ACCOUNT, () -> parts.hasher().hash(password))
        .compose(hash -> parts.users().create(username, hash, roles))
        .map(user -> {
          parts.audit().record("UserCreated", caller, user.id(), new JsonObject().put("username", user.username())
              .put("roles", new JsonArray(List.copyOf(roles))));
          return user.toPublicJson();
        });
  }

  public Future<JsonObject> list(RoutingContext ctx) {
    admin(ctx);
    String cursor = ctx.queryParams().get("after");
    int limit = limit(ctx.queryParams().get("limit"));
    return parts.users().list(cursor, limit).map(users -> {
      JsonArray page = new JsonArray();
      users.forEach(u -> page.add(u.toPublicJson()));
      JsonObject result = new JsonObject().put("users", page);
      if (users.size() == limit) {
        result.put("next", users.get(users.size() - 1).username());
      }
      return result;
    });
  }

  public Future<JsonObject> get(RoutingContext ctx) {
    admin(ctx);
    return existing(ctx.pathParam("username")).map(User::toPublicJson);
  }

  /**
   * Disables or re-enables a user; disabling revokes their refresh tokens and, on every service,
   * the access tokens they hold.
   */
  public Future<JsonObject> update(RoutingContext ctx) {
    Principal caller = admin(ctx);
    JsonObject body = Responses.body(ctx);
    if (!(body.getValue("disabled") instanceof Boolean disabled)) {
      throw ApiException.badRequest("field 'disabled' is required and must be true or false");
    }
    return existing(ctx.pathParam("username")).compose(user -> {
      if (disabled && user.id().equals(caller.userId())) {
        return Future.failedFuture(ApiException.conflict("you cannot disable yourself"));
      }
      return (disabled ? parts.audit().revokeTokens(user.id(), user.username(), "disabled") : Future.<Void>succeededFuture())
          .compose(v -> parts.users().setDisabled(user.id(), disabled))
          .compose(v -> disabled ? parts.refreshTokens().revokeAll(user.id()) : Future.succeededFuture())
          .compose(v -> disabled ? parts.devices().forget(user.id()) : Future.succeededFuture())
          .compose(v -> {
            parts.audit().record(disabled ? "UserDisabled" : "UserEnabled", caller, user.id(), null);
            return existing(user.username());
          })
          .map(User::toPublicJson);
    });
  }

  /** Deletes a user, their refresh tokens, group memberships and project grants. */
  public Future<Void> delete(RoutingContext ctx) {
    Principal caller = admin(ctx);
    return existing(ctx.pathParam("username")).compose(user -> {
      if (user.id().equals(caller.userId())) {
        return Future.failedFuture(ApiException.conflict("you cannot delete yourself"));
      }
      return parts.audit().revokeTokens(user.id(), user.username(), "deleted")
          .compose(v -> parts.users().delete(user.id()))
          .compose(v -> parts.refreshTokens().revokeAll(user.id()))
          .compose(v -> parts.devices().forget(user.id()))
          .compose(v -> parts.groups().removeEverywhere(user.id()))
          .compose(v -> parts.projects().revokeEverywhere(user.id()))
          .onSuccess(v -> parts.audit().record("UserDeleted", caller, user.id(),
              new JsonObject().put("username", user.username())));
    });
  }

  /** An admin sets a new password; the user's refresh tokens are revoked. */
  public Future<Void> resetPassword(RoutingContext ctx) {
    Principal caller = admin(ctx);
    String password = password(Responses.body(ctx), "password");
    return existing(ctx.pathParam("username")).compose(user ->
        parts.hashing().run(HashingPool.Use.ACCOUNT, () -> parts.hasher().hash(password))
            .compose(hash -> parts.audit().revokeTokens(user.id(), user.username(), "password-reset").map(hash))
            .compose(hash -> parts.users().setPasswordHash(user.id(), hash))
            .compose(v -> parts.refreshTokens().revokeAll(user.id()))
            .compose(v -> parts.devices().forget(user.id()))
            .onSuccess(v -> parts.audit().record("PasswordReset", caller, user.id(), null)));
  }

  /** A user's groups: for admins, or the user themself. */
  public Future<JsonObject> groups(RoutingContext ctx) {
    Principal caller = BearerAuth.principal(ctx);
    String username = ctx.pathParam("username");
    if (!caller.isAdmin() && !caller.username().equalsIgnoreCase(username)) {
      throw ApiException.forbidden("you may list only your own groups");
    }
    return existing(username).compose(user -> parts.groups().ofMember(user.id())).map(groups -> {
      JsonArray list = new JsonArray();
      groups.forEach(g -> list.add(GroupsApi.view(g)));
      return new JsonObject().put("groups", list);
    });
  }

  private static String password(JsonObject body, String field) {
    String password = body.getValue(field) instanceof String p ? p : null;
    PasswordPolicy.problem(password).ifPresent(p -> {
      throw ApiException.badRequest("field '" + field + "': " + p);
    });
    return password;
  }

  private static int limit(String value) {
    if (value == null) {
      return 50;
    }
    try {
      int n = Integer.parseInt(value);
      if (n >= 1 && n <= MAX_PAGE) {
        return n;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw ApiException.badRequest("'limit' must be an integer from 1 to " + MAX_PAGE);
  }
}
