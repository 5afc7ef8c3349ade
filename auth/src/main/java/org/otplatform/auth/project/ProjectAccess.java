package org.otplatform.auth.project;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.Collection;
import java.util.Optional;

/**
 * The access rule, pure: a user's role on a project is the highest of owner (the creator, or any
 * admin), their own grant, and the grants of their groups; no role means no access.
 */
public final class ProjectAccess {
  private ProjectAccess() {}

  public static Optional<Role> roleOf(JsonObject project, String userId, boolean admin, Collection<String> groupIds) {
    if (admin || userId.equals(project.getString("owner"))) {
      return Optional.of(Role.OWNER);
    }
    Role best = null;
    for (Object o : project.getJsonArray("grants", new JsonArray())) {
      JsonObject grant = (JsonObject) o;
      String id = grant.getString("id");
      boolean applies = "user".equals(grant.getString("kind")) ? userId.equals(id)
          : "group".equals(grant.getString("kind")) && groupIds.contains(id);
      Optional<Role> role = Role.parse(grant.getString("role"));
      if (applies && role.isPresent() && (best == null || role.get().includes(best))) {
        best = role.get();
      }
    }
    return Optional.ofNullable(best);
  }

  /** What clients see of a project, with the caller's role. */
  public static JsonObject view(JsonObject project, Role role) {
    JsonObject view = new JsonObject()
        .put("id", project.getString("_id"))
        .put("name", project.getString("name"))
        .put("owner", project.getString("ownerName"))
        .put("ownerId", project.getString("owner"))
        .put("role", role.wireName())
        .put("created", project.getString("created"));
    if (role == Role.OWNER) {
      JsonArray grants = new JsonArray();
      project.getJsonArray("grants", new JsonArray()).forEach(g -> grants.add(((JsonObject) g).copy()));
      view.put("grants", grants);
    }
    return view;
  }
}
