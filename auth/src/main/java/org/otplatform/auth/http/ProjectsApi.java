package org.otplatform.auth.http;

import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.List;
import java.util.Optional;
import org.otplatform.auth.project.ProjectAccess;
import org.otplatform.auth.project.Role;
import org.otplatform.common.auth.BearerAuth;
import org.otplatform.common.auth.Principal;
import org.otplatform.common.http.ApiException;
import org.otplatform.common.http.Responses;

/**
 * Projects and who may open them. {@code GET /api/v1/projects/{name}?role=R} is the access check
 * the GSS uses: 200 when the caller holds at least R, 403 when not, 404 when there is no project.
 */
public final class ProjectsApi {
  private final AuthParts parts;
  private final UsersApi users;
  private final GroupsApi groups;

  public ProjectsApi(AuthParts parts, UsersApi users, GroupsApi groups) {
    this.parts = parts;
    this.users = users;
    this.groups = groups;
  }

  private static String name(JsonObject body) {
    String name = Responses.requiredString(body, "name");
    if (!name.matches(GroupsApi.NAME_PATTERN)) {
      throw ApiException.badRequest("field 'name' must be 1-64 letters, digits, spaces, '.', '-' or '_'");
    }
    return name;
  }

  private Future<List<String>> groupIds(Principal caller) {
    return parts.groups().ofMember(caller.userId()).map(gs -> gs.stream().map(g -> g.getString("_id")).toList());
  }

  /** The project and the caller's role on it; 404 if there is none, 403 below {@code needed}. */
  private Future<Access> access(Principal caller, String name, Role needed) {
    return parts.projects().byName(name).compose(found -> found.isEmpty()
        ? Future.failedFuture(ApiException.notFound("no project named '" + name + "'"))
        : roleCheck(caller, found.get(), needed));
  }

  /** The caller's role on {@code project}: 403 with none, or one below {@code needed}. */
  private Future<Access> roleCheck(Principal caller, JsonObject project, Role needed) {
    String name = project.getString("name");
    return groupIds(caller).compose(ids -> {
      Optional<Role> role = ProjectAccess.roleOf(project, caller.userId(), caller.isAdmin(), ids);
      if (role.isEmpty()) {
        return Future.failedFuture(ApiException.forbidden("you have no access to project '" + name + "'"));
      }
      if (!role.get().includes(needed)) {
        return Future.failedFuture(ApiException.forbidden("you are " + role.get().wireName() + " of project '"
            + name + "'; this needs " + needed.wireName()));
      }
      return Future.succeededFuture(new Access(project, role.get()));
    });
  }

  private record Access(JsonObject project, Role role) {
    String id() {
      return project.getString("_id");
    }
  }

  public Future<JsonObject> create(RoutingContext ctx) {
    Principal caller = BearerAuth.principal(ctx);
    String name = name(Responses.body(ctx));
    return parts.projects().create(name, caller.userId(), caller.username()).map(project -> {
      parts.audit().record("ProjectCreated", caller, project.getString("_id"), new JsonObject().put("name", name));
      return ProjectAccess.view(project, Role.OWNER);
    });
  }

  public Future<JsonObject> list(RoutingContext ctx) {
    Principal caller = BearerAuth.principal(ctx);
    return groupIds(caller).compose(ids -> parts.projects().visibleTo(caller.userId(), ids, caller.isAdmin())
        .map(projects -> {
          JsonArray list = new JsonArray();
          projects.forEach(p -> ProjectAccess.roleOf(p, caller.userId(), caller.isAdmin(), ids)
              .ifPresent(role -> list.add(ProjectAccess.view(p, role))));
          return new JsonObject().put("projects", list);
        }));
  }

  public Future<JsonObject> get(RoutingContext ctx) {
    String wanted = ctx.queryParams().get("role");
    Role needed = wanted == null ? Role.VIEWER : Role.parse(wanted).orElseThrow(() ->
        ApiException.badRequest("'role' must be viewer, editor or owner"));
    return access(BearerAuth.principal(ctx), ctx.pathParam("name"), needed)
        .map(a -> ProjectAccess.view(a.project(), a.role()));
  }

  /**
   * The access check by id, which a rename does not change: what the GSS asks for a session's
   * project, so grantees keep their sessions across a rename and a new project of an old name
   * gains nobody's.
   */
  public Future<JsonObject> getById(RoutingContext ctx) {
    String wanted = ctx.queryParams().get("role");
    Role needed = wanted == null ? Role.VIEWER : Role.parse(wanted).orElseThrow(() ->
        ApiException.badRequest("'role' must be viewer, editor or owner"));
    String id = ctx.pathParam("id");
    Principal caller = BearerAuth.principal(ctx);
    return parts.projects().byId(id).compose(found -> found.isEmpty()
            ? Future.failedFuture(ApiException.notFound("no project with id " + id))
            : roleCheck(caller, found.get(), needed))
        .map(a -> ProjectAccess.view(a.project(), a.role()));
  }

  public Future<JsonObject> rename(RoutingContext ctx) {
    Principal caller = BearerAuth.principal(ctx);
    String newName = name(Responses.body(ctx));
    return access(caller, ctx.pathParam("name"), Role.OWNER)
        .compose(a -> parts.projects().rename(a.id(), newName).map(a))
        .compose(a -> {
          parts.audit().record("ProjectRenamed", caller, a.id(),
              new JsonObject().put("from", a.project().getString("name")).put("to", newName));
          return access(caller, newName, Role.OWNER);
        })
        .map(a -> ProjectAccess.view(a.project(), a.role()));
  }

  /**
   * Deletes a project; {@code ?storage=delete} removes the volumes its sessions kept too (the LSS acts
   * on the audit record), {@code keep} (the default) leaves them for an operator.
   */
  public Future<Void> delete(RoutingContext ctx) {
    Principal caller = BearerAuth.principal(ctx);
    String storage = ctx.queryParams().get("storage");
    if (storage != null && !storage.equals("delete") && !storage.equals("keep")) {
      throw ApiException.badRequest("'storage' must be delete or keep");
    }
    return access(caller, ctx.pathParam("name"), Role.OWNER)
        .compose(a -> parts.projects().delete(a.id()).onSuccess(v -> parts.audit().record("ProjectDeleted", caller,
            a.id(), new JsonObject().put("name", a.project().getString("name"))
                .put("storage", storage == null ? "keep" : storage))));
  }

  /** Grants a user or a group a role: {@code {user: name, role}} or {@code {group: name, role}}. */
  public Future<JsonObject> grant(RoutingContext ctx) {
    Principal caller = BearerAuth.principal(ctx);
    JsonObject body = Responses.body(ctx);
    Role role = Role.parse(body.getValue("role") instanceof String s ? s : null).orElseThrow(() ->
        ApiException.badRequest("field 'role' must be viewer, editor or owner"));
    Object user = body.getValue("user");
    Object group = body.getValue("group");
    if ((user == null) == (group == null) || !(user == null ? group : user).getClass().equals(String.class)) {
      throw ApiException.badRequest("give exactly one of 'user' or 'group', as a name");
    }
    Future<JsonObject> grantee = user != null
        ? users.existing((String) user).map(u -> new JsonObject().put("kind", "user").put("id", u.id())
            .put("name", u.username()))
        : groups.existing((String) group).map(g -> new JsonObject().put("kind", "group").put("id", g.getString("_id"))
            .put("name", g.getString("name")));
    return access(caller, ctx.pathParam("name"), Role.OWNER).compose(a -> grantee.compose(g -> {
      JsonObject grant = g.put("role", role.wireName());
      return parts.projects().grant(a.id(), grant).map(v -> {
        parts.audit().record("ProjectGranted", caller, a.id(), grant.copy());
        return grant;
      });
    }));
  }

  /** Revokes the grant of {@code /grants/user/{name}} or {@code /grants/group/{name}}. */
  public Future<Void> revoke(RoutingContext ctx) {
    Principal caller = BearerAuth.principal(ctx);
    String kind = ctx.pathParam("kind");
    String grantee = ctx.pathParam("grantee");
    Future<String> id = switch (kind) {
      case "user" -> users.existing(grantee).map(u -> u.id());
      case "group" -> groups.existing(grantee).map(g -> g.getString("_id"));
      default -> Future.failedFuture(ApiException.badRequest("grants are to a 'user' or a 'group'"));
    };
    return access(caller, ctx.pathParam("name"), Role.OWNER).compose(a -> id.compose(granteeId ->
        parts.projects().revoke(a.id(), granteeId).onSuccess(v -> parts.audit().record("ProjectRevoked", caller,
            a.id(), new JsonObject().put("kind", kind).put("name", grantee)))));
  }
}
