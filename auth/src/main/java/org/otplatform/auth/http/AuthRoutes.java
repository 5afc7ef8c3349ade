package org.otplatform.auth.http;

import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.openapi.router.RouterBuilder;
import org.otplatform.common.auth.BearerAuth;
import org.otplatform.common.auth.Principal;
import org.otplatform.common.http.ApiException;
import org.otplatform.common.http.ClientCertificates;
import org.otplatform.common.http.Responses;

/** Binds AUTH's handlers to the operation ids of {@code openapi/auth.yaml}. */
public final class AuthRoutes {
  private AuthRoutes() {}

  /**
   * @param certificatesRequired TLS is on: the key set, which only platform services fetch, needs
   *     a client certificate of the platform CA
   */
  public static void bind(RouterBuilder b, AuthParts parts, BearerAuth auth, boolean certificatesRequired) {
    LoginApi login = new LoginApi(parts);
    UsersApi users = new UsersApi(parts);
    GroupsApi groups = new GroupsApi(parts, users);
    ProjectsApi projects = new ProjectsApi(parts, users, groups);
    CurrentUser current = new CurrentUser(parts);

    b.getRoute("jwks").addHandler(ClientCertificates.require(certificatesRequired)).addHandler(ctx ->
        Responses.send(ctx, 200, new JsonObject().put("keys", parts.keys().jwks())));
    b.getRoute("login").addHandler(Responses.json(login::login));
    b.getRoute("refreshToken").addHandler(Responses.json(login::refresh));
    b.getRoute("logout").addHandler(auth).addHandler(current).addHandler(Responses.json(204, login::logout));
    b.getRoute("me").addHandler(auth).addHandler(current).addHandler(Responses.json(login::me));
    b.getRoute("changePassword").addHandler(auth).addHandler(current).addHandler(Responses.json(204, login::changePassword));
    b.getRoute("rotateKeys").addHandler(auth).addHandler(current).addHandler(Responses.json(201, ctx -> {
      Principal caller = BearerAuth.principal(ctx);
      if (!caller.isAdmin()) {
        throw ApiException.forbidden("only an admin may rotate signing keys");
      }
      return parts.keys().rotate().map(key -> {
        parts.audit().record("SigningKeyRotated", caller, key.kid(), null);
        return new JsonObject().put("kid", key.kid());
      });
    }));

    b.getRoute("createUser").addHandler(auth).addHandler(current).addHandler(Responses.json(201, users::create));
    b.getRoute("listUsers").addHandler(auth).addHandler(current).addHandler(Responses.json(users::list));
    b.getRoute("getUser").addHandler(auth).addHandler(current).addHandler(Responses.json(users::get));
    b.getRoute("updateUser").addHandler(auth).addHandler(current).addHandler(Responses.json(users::update));
    b.getRoute("deleteUser").addHandler(auth).addHandler(current).addHandler(Responses.json(204, users::delete));
    b.getRoute("resetPassword").addHandler(auth).addHandler(current).addHandler(Responses.json(204, users::resetPassword));
    b.getRoute("userGroups").addHandler(auth).addHandler(current).addHandler(Responses.json(users::groups));

    b.getRoute("createGroup").addHandler(auth).addHandler(current).addHandler(Responses.json(201, groups::create));
    b.getRoute("listGroups").addHandler(auth).addHandler(current).addHandler(Responses.json(groups::list));
    b.getRoute("getGroup").addHandler(auth).addHandler(current).addHandler(Responses.json(groups::get));
    b.getRoute("renameGroup").addHandler(auth).addHandler(current).addHandler(Responses.json(groups::rename));
    b.getRoute("deleteGroup").addHandler(auth).addHandler(current).addHandler(Responses.json(204, groups::delete));
    b.getRoute("addGroupMember").addHandler(auth).addHandler(current).addHandler(Responses.json(204, groups::addMember));
    b.getRoute("removeGroupMember").addHandler(auth).addHandler(current).addHandler(Responses.json(204, groups::removeMember));

    b.getRoute("createProject").addHandler(auth).addHandler(current).addHandler(Responses.json(201, projects::create));
    b.getRoute("listProjects").addHandler(auth).addHandler(current).addHandler(Responses.json(projects::list));
    b.getRoute("getProject").addHandler(auth).addHandler(current).addHandler(Responses.json(projects::get));
    b.getRoute("renameProject").addHandler(auth).addHandler(current).addHandler(Responses.json(projects::rename));
    b.getRoute("deleteProject").addHandler(auth).addHandler(current).addHandler(Responses.json(204, projects::delete));
    b.getRoute("grantProject").addHandler(auth).addHandler(current).addHandler(Responses.json(projects::grant));
    b.getRoute("revokeProject").addHandler(auth).addHandler(current).addHandler(Responses.json(204, projects::revoke));
  }
}
