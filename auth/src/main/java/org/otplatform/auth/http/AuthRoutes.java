package org.otplatform.auth.http;

import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.openapi.router.OpenAPIRoute;
import io.vertx.ext.web.openapi.router.RouterBuilder;
import java.util.function.Function;
import org.otplatform.common.auth.BearerAuth;
import org.otplatform.common.auth.Principal;
import org.otplatform.common.http.ApiException;
import org.otplatform.common.http.ClientCertificates;
import org.otplatform.common.http.Responses;
import org.otplatform.common.tls.TlsSettings;

/** Binds AUTH's handlers to the operation ids of {@code openapi/auth.yaml}. */
public final class AuthRoutes {
  private AuthRoutes() {}

  /**
   * @param tls with TLS on, the key set, which only platform services fetch, needs a platform
   *     service's certificate, and cookies are secure
   */
  public static void bind(RouterBuilder b, AuthParts parts, BearerAuth auth, TlsSettings tls) {
    LoginApi login = new LoginApi(parts, tls.https());
    UsersApi users = new UsersApi(parts);
    GroupsApi groups = new GroupsApi(parts, users);
    ProjectsApi projects = new ProjectsApi(parts, users, groups);
    CurrentUser current = new CurrentUser(parts);
    // A signed-in route: a valid token, then the caller as the store holds them now.
    Function<String, OpenAPIRoute> signedIn = op -> b.getRoute(op).addHandler(auth).addHandler(current);

    b.getRoute("jwks").addHandler(ClientCertificates.require(tls)).addHandler(ctx ->
        Responses.send(ctx, 200, new JsonObject().put("keys", parts.keys().jwks())));
    b.getRoute("login").addHandler(Responses.json(login::login));
    b.getRoute("refreshToken").addHandler(Responses.json(login::refresh));
    signedIn.apply("logout").addHandler(Responses.json(204, login::logout));
    signedIn.apply("me").addHandler(Responses.json(login::me));
    signedIn.apply("changePassword").addHandler(Responses.json(204, login::changePassword));
    signedIn.apply("rotateKeys").addHandler(Responses.json(201, ctx -> {
      Principal caller = BearerAuth.principal(ctx);
      if (!caller.isAdmin()) {
        throw ApiException.forbidden("only an admin may rotate signing keys");
      }
      return parts.keys().rotate().map(key -> {
        parts.audit().record("SigningKeyRotated", caller, key.kid(), null);
        return new JsonObject().put("kid", key.kid());
      });
    }));

    signedIn.apply("createUser").addHandler(Responses.json(201, users::create));
    signedIn.apply("listUsers").addHandler(Responses.json(users::list));
    signedIn.apply("getUser").addHandler(Responses.json(users::get));
    signedIn.apply("updateUser").addHandler(Responses.json(users::update));
    signedIn.apply("deleteUser").addHandler(Responses.json(204, users::delete));
    signedIn.apply("resetPassword").addHandler(Responses.json(204, users::resetPassword));
    signedIn.apply("userGroups").addHandler(Responses.json(users::groups));

    signedIn.apply("createGroup").addHandler(Responses.json(201, groups::create));
    signedIn.apply("listGroups").addHandler(Responses.json(groups::list));
    signedIn.apply("getGroup").addHandler(Responses.json(groups::get));
    signedIn.apply("renameGroup").addHandler(Responses.json(groups::rename));
    signedIn.apply("deleteGroup").addHandler(Responses.json(204, groups::delete));
    signedIn.apply("addGroupMember").addHandler(Responses.json(204, groups::addMember));
    signedIn.apply("removeGroupMember").addHandler(Responses.json(204, groups::removeMember));

    signedIn.apply("createProject").addHandler(Responses.json(201, projects::create));
    signedIn.apply("listProjects").addHandler(Responses.json(projects::list));
    signedIn.apply("getProject").addHandler(Responses.json(projects::get));
    signedIn.apply("getProjectById").addHandler(Responses.json(projects::getById));
    signedIn.apply("renameProject").addHandler(Responses.json(projects::rename));
    signedIn.apply("deleteProject").addHandler(Responses.json(204, projects::delete));
    signedIn.apply("grantProject").addHandler(Responses.json(projects::grant));
    signedIn.apply("revokeProject").addHandler(Responses.json(204, projects::revoke));
  }
}
