package org.otplatform.auth.project;

import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.mongo.FindOptions;
import io.vertx.ext.mongo.IndexOptions;
import io.vertx.ext.mongo.MongoClient;
import io.vertx.ext.mongo.UpdateOptions;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.UUID;
import org.otplatform.common.mongo.MongoErrors;
import org.otplatform.common.http.ApiException;

/**
 * Projects in MongoDB. Names are unique regardless of case (unique index). The creator owns a
 * project; {@code grants} gives users or groups a {@link Role}: {@code {kind: user|group, id, name, role}}.
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
            new IndexOptions().name("owner")))
        .compose(v -> mongo.createIndexWithOptions(PROJECTS, new JsonObject().put("grants.id", 1),
            new IndexOptions().name("grantees")));
  }

  public Future<JsonObject> create(String name, String ownerId, String ownerName) {
    JsonObject doc = new JsonObject()
        .put("_id", UUID.randomUUID().toString())
        .put("name", name)
        .put("nameLower", name.toLowerCase(Locale.ROOT))
        .put("owner", ownerId)
        .put("ownerName", ownerName)
        .put("grants", new JsonArray())
        .put("created", Instant.now().toString());
    return mongo.insert(PROJECTS, doc).map(doc)
        .recover(e -> Future.failedFuture(MongoErrors.isDuplicate(e)
            ? ApiException.conflict("a project named '" + name + "' exists") : e));
  }

  public Future<Optional<JsonObject>> byName(String name) {
    return mongo.findOne(PROJECTS, new JsonObject().put("nameLower", name.toLowerCase(Locale.ROOT)), null)
        .map(Optional::ofNullable);
  }

  /** Projects owned by the user or granted to the user or one of the groups; all when {@code all}. */
  /** The project with this id (ids never change; names can). */
  public Future<Optional<JsonObject>> byId(String id) {
    return mongo.findOne(PROJECTS, new JsonObject().put("_id", id), null).map(Optional::ofNullable);
  }

  public Future<List<JsonObject>> visibleTo(String userId, Collection<String> groupIds, boolean all) {
    JsonArray grantees = new JsonArray().add(userId);
    groupIds.forEach(grantees::add);
    JsonObject query = all ? new JsonObject() : new JsonObject().put("$or", new JsonArray()
        .add(new JsonObject().put("owner", userId))
        .add(new JsonObject().put("grants.id", new JsonObject().put("$in", grantees))));
    return mongo.findWithOptions(PROJECTS, query, new FindOptions().setSort(new JsonObject().put("nameLower", 1)));
  }

  public Future<Void> rename(String id, String newName) {
    return mongo.updateCollection(PROJECTS, new JsonObject().put("_id", id), new JsonObject().put("$set",
            new JsonObject().put("name", newName).put("nameLower", newName.toLowerCase(Locale.ROOT))))
        .<Void>mapEmpty()
        .recover(e -> Future.failedFuture(MongoErrors.isDuplicate(e)
            ? ApiException.conflict("a project named '" + newName + "' exists") : e));
  }

  public Future<Void> delete(String id) {
    return mongo.removeDocument(PROJECTS, new JsonObject().put("_id", id)).mapEmpty();
  }

  /** Gives a user or group a role on the project, replacing an earlier grant to the same grantee. */
  public Future<Void> grant(String projectId, JsonObject grant) {
    return revoke(projectId, grant.getString("id")).compose(v -> mongo.updateCollection(PROJECTS,
        new JsonObject().put("_id", projectId),
        new JsonObject().put("$push", new JsonObject().put("grants", grant)))).mapEmpty();
  }

  /** Removes the grant of a user or group; nothing when there is none. */
  public Future<Void> revoke(String projectId, String granteeId) {
    return mongo.updateCollection(PROJECTS, new JsonObject().put("_id", projectId),
        new JsonObject().put("$pull", new JsonObject().put("grants", new JsonObject().put("id", granteeId))))
        .mapEmpty();
  }

  /** Removes every grant to a user or group that is being deleted. */
  public Future<Void> revokeEverywhere(String granteeId) {
    return mongo.updateCollectionWithOptions(PROJECTS, new JsonObject().put("grants.id", granteeId),
        new JsonObject().put("$pull", new JsonObject().put("grants", new JsonObject().put("id", granteeId))),
        new UpdateOptions().setMulti(true)).mapEmpty();
  }
}
