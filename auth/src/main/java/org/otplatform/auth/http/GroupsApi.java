package org.otplatform.auth.http;

import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.ArrayList;
import java.util.List;
import org.otplatform.common.auth.BearerAuth;
import org.otplatform.common.auth.Principal;
import org.otplatform.common.http.ApiException;
import org.otplatform.common.http.Responses;

/** Groups: any user creates one and owns it; the owner or an admin renames, deletes, manages members. */
public final class GroupsApi {
  static final String NAME_PATTERN = "[A-Za-z0-9][A-Za-z0-9 ._-]{0,63}";
  private final AuthParts parts;
  private final UsersApi users;

  public GroupsApi(AuthParts parts, UsersApi users) {
    this.parts = parts;
    this.users = users;
  }

  static JsonObject view(JsonObject group) {
    return new JsonObject().put("id", group.getString("_id")).put("name", group.getString("name"))
        .put("ownerId", group.getString("owner")).put("created", group.getString("created"));
  }

  private static String name(JsonObject body) {
    String name = Responses.requiredString(body, "name");
    if (!name.matches(NAME_PATTERN)) {
      throw ApiException.badRequest("field 'name' must be 1-64 letters, digits, spaces, '.', '-' or '_'");
    }
    return name;
  }

  Future<JsonObject> existing(String name) {
    return parts.groups().byName(name).compose(g -> g.map(Future::succeededFuture)
        .orElseGet(() -> Future.failedFuture(ApiException.notFound("no group '" + name + "'"))));
  }

  private Future<JsonObject> managed(RoutingContext ctx) {
    Principal caller = BearerAuth.principal(ctx);
    return existing(ctx.pathParam("name")).compose(g -> caller.isAdmin() || caller.userId().equals(g.getString("owner"))
        ? Future.succeededFuture(g)
        : Future.failedFuture(ApiException.forbidden("only the group's owner or an admin may change it")));
  }

  public Future<JsonObject> create(RoutingContext ctx) {
    Principal caller = BearerAuth.principal(ctx);
    String name = name(Responses.body(ctx));
    return parts.groups().create(name, caller.userId()).map(g -> {
      parts.audit().record("GroupCreated", caller, g.getString("_id"), new JsonObject().put("name", name));
      return view(g);
    });
  }

  /** The caller's groups; an admin sees all. */
  public Future<JsonObject> list(RoutingContext ctx) {
    Principal caller = BearerAuth.principal(ctx);
    return (caller.isAdmin() ? parts.groups().all() : parts.groups().ofMember(caller.userId())).map(groups -> {
      JsonArray list = new JsonArray();
      groups.forEach(g -> list.add(view(g)));
      return new JsonObject().put("groups", list);
    });
  }

  /** A group with its members' names; for its members and admins. */
  public Future<JsonObject> get(RoutingContext ctx) {
    Principal caller = BearerAuth.principal(ctx);
    return existing(ctx.pathParam("name")).compose(g -> {
      JsonArray members = g.getJsonArray("members", new JsonArray());
      if (!caller.isAdmin() && !members.contains(caller.userId())) {
        return Future.failedFuture(ApiException.notFound("no group '" + ctx.pathParam("name") + "'"));
      }
      List<Future<String>> names = new ArrayList<>();
      members.forEach(id -> names.add(parts.users().byId((String) id)
          .map(u -> u.map(x -> x.username()).orElse(null))));
      return Future.all(names).map(all -> {
        JsonArray list = new JsonArray();
        names.forEach(n -> {
          if (n.result() != null) {
            list.add(n.result());
          }
        });
        return view(g).put("members", list);
      });
    });
  }

  public Future<JsonObject> rename(RoutingContext ctx) {
    String newName = name(Responses.body(ctx));
    return managed(ctx).compose(g -> parts.groups().rename(g.getString("_id"), newName)
        .compose(v -> {
          parts.audit().record("GroupRenamed", BearerAuth.principal(ctx), g.getString("_id"),
              new JsonObject().put("from", g.getString("name")).put("to", newName));
          return existing(newName);
        }))
        .map(GroupsApi::view);
  }

  /** Deletes a group and every project grant to it. */
  public Future<Void> delete(RoutingContext ctx) {
    return managed(ctx).compose(g -> parts.groups().delete(g.getString("_id"))
        .compose(v -> parts.projects().revokeEverywhere(g.getString("_id")))
        .onSuccess(v -> parts.audit().record("GroupDeleted", BearerAuth.principal(ctx), g.getString("_id"),
            new JsonObject().put("name", g.getString("name")))));
  }

  public Future<Void> addMember(RoutingContext ctx) {
    return managed(ctx).compose(g -> users.existing(ctx.pathParam("username"))
        .compose(u -> parts.groups().addMember(g.getString("_id"), u.id())
            .onSuccess(v -> parts.audit().record("GroupMemberAdded", BearerAuth.principal(ctx), g.getString("_id"),
                new JsonObject().put("user", u.username())))));
  }

  public Future<Void> removeMember(RoutingContext ctx) {
    return managed(ctx).compose(g -> users.existing(ctx.pathParam("username"))
        .compose(u -> parts.groups().removeMember(g.getString("_id"), u.id())
            .onSuccess(v -> parts.audit().record("GroupMemberRemoved", BearerAuth.principal(ctx),
                g.getString("_id"), new JsonObject().put("user", u.username())))));
  }
}
