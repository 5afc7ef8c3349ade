package org.otplatform.auth.user;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.HashSet;
import java.util.Set;

/** A user as stored; {@link #toPublicJson()} is what clients see (never the hash). */
public record User(String id, String username, String passwordHash, Set<String> roles, boolean disabled,
    String created) {

  public static User fromDocument(JsonObject doc) {
    Set<String> roles = new HashSet<>();
    doc.getJsonArray("roles", new JsonArray()).forEach(r -> roles.add(String.valueOf(r)));
    return new User(doc.getString("_id"), doc.getString("username"), doc.getString("passwordHash"),
        Set.copyOf(roles), doc.getBoolean("disabled", false), doc.getString("created"));
  }

  public JsonObject toPublicJson() {
    return new JsonObject().put("id", id).put("username", username)
        .put("roles", new JsonArray(roles.stream().sorted().toList())).put("disabled", disabled)
        .put("created", created);
  }
}
