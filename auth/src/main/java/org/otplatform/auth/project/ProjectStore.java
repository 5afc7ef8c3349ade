package org.otplatform.auth.project;

import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.mongo.FindOptions;
import io.vertx.ext.mongo.IndexOptions;
import io.vertx.ext.mongo.MongoClient;
import java.time.Instant;
import java.util.Locale;
import java.util.Optional;
import java.util.UUID;
import org.otplatform.auth.user.MongoErrors;
import org.otplatform.common.auth.Principal;
import org.otplatform.common.http.ApiException;

/**
 * Projects in MongoDB. Names are unique regardless of case (unique index). The creator owns a
 * project; {@code grants} lists further users with a role (filled by the grants API).
 */
public final class ProjectStore {
  private static final String PROJECTS = "projects";
  private final MongoClient mongo;

  public ProjectStore(MongoClient mongo) {
    this.mongo = mongo;
  }

  public Future<Void> createIndexes() {
    return mongo.createIndexWithOptions(PROJECTS, new JsonObject().put("nameLower", 1),
            new IndexOptions().unique(true).name("name_unique"))
        .compose(v -> mongo.createIndexWithOptions(PROJECTS, new JsonObject().put("owner", 1),
            new IndexOptions().name("owner")));
  }

  public Future<JsonObject> create(String name, Principal owner) {
    JsonObject doc = new JsonObject()
        .put("_id", UUID.randomUUID().toString())
        .put("name", name)
        .put("nameLower", name.toLowerCase(Locale.ROOT))
        .put("owner", owner.userId())
        .put("ownerName", owner.username())
        .put("grants", new JsonArray())
        .put("created", Instant.now().toString());
    return mongo.insert(PROJECTS, doc)
        .map(ignored -> toPublic(doc, owner))
        .recover(e -> Future.failedFuture(MongoErrors.isDuplicate(e)
            ? ApiException.conflict("a project named '" + name + "' exists") : e));
  }

  /** Projects the caller may open: owned or granted; an admin sees all. */
  public Future<JsonArray> list(Principal caller) {
    JsonObject query = caller.isAdmin() ? new JsonObject() : new JsonObject().put("$or", new JsonArray()
        .add(new JsonObject().put("owner", caller.userId()))
        .add(new JsonObject().put("grants.userId", caller.userId())));
    return mongo.findWithOptions(PROJECTS, query, new FindOptions().setSort(new JsonObject().put("nameLower", 1)))
        .map(docs -> {
          JsonArray array = new JsonArray();
          docs.forEach(d -> array.add(toPublic(d, caller)));
          return array;
        });
  }

  /** A project the caller may open: 404 when it does not exist, 403 when it is not theirs. */
  public Future<JsonObject> get(String name, Principal caller) {
    return mongo.findOne(PROJECTS, new JsonObject().put("nameLower", name.toLowerCase(Locale.ROOT)), null)
        .compose(doc -> {
          if (doc == null) {
            return Future.failedFuture(ApiException.notFound("no project named '" + name + "'"));
          }
          Optional<String> role = roleOf(doc, caller);
          if (role.isEmpty()) {
            return Future.failedFuture(ApiException.forbidden("you have no access to project '" + name + "'"));
          }
          return Future.succeededFuture(toPublic(doc, caller));
        });
  }

  private static Optional<String> roleOf(JsonObject doc, Principal caller) {
    if (caller.userId().equals(doc.getString("owner")) || caller.isAdmin()) {
      return Optional.of("owner");
    }
    return doc.getJsonArray("grants", new JsonArray()).stream()
        .map(JsonObject.class::cast)
        .filter(g -> caller.userId().equals(g.getString("userId")))
        .map(g -> g.getString("role", "viewer"))
        .findFirst();
  }

  private static JsonObject toPublic(JsonObject doc, Principal caller) {
    return new JsonObject()
        .put("id", doc.getString("_id"))
        .put("name", doc.getString("name"))
        .put("owner", doc.getString("ownerName"))
        .put("ownerId", doc.getString("owner"))
        .put("role", roleOf(doc, caller).orElse(null))
        .put("created", doc.getString("created"));
  }
}
