package org.otplatform.auth.group;

import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.mongo.FindOptions;
import io.vertx.ext.mongo.IndexOptions;
import io.vertx.ext.mongo.MongoClient;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.UUID;
import org.otplatform.common.mongo.MongoErrors;
import org.otplatform.common.http.ApiException;

/**
 * Groups in MongoDB: a name unique regardless of case, an owner (the creator) and members (user
 * ids). Projects are granted to groups; a member has the group's role.
 */
public final class GroupStore {
  private static final String GROUPS = "groups";
  private final MongoClient mongo;

  public GroupStore(MongoClient mongo) {
    this.mongo = mongo;
  }

  public Future<Void> createIndexes() {
    return mongo.createIndexWithOptions(GROUPS, new JsonObject().put("nameLower", 1),
            new IndexOptions().unique(true).name("name_unique"))
        .compose(v -> mongo.createIndexWithOptions(GROUPS, new JsonObject().put("members", 1),
            new IndexOptions().name("members")));
  }

  public Future<JsonObject> create(String name, String ownerId) {
    JsonObject doc = new JsonObject()
        .put("_id", UUID.randomUUID().toString())
        .put("name", name)
        .put("nameLower", name.toLowerCase(Locale.ROOT))
        .put("owner", ownerId)
        .put("members", new JsonArray().add(ownerId))
        .put("created", Instant.now().toString());
    return mongo.insert(GROUPS, doc).map(doc)
        .recover(e -> Future.failedFuture(MongoErrors.isDuplicate(e)
            ? ApiException.conflict("a group named '" + name + "' exists") : e));
  }

  public Future<Optional<JsonObject>> byName(String name) {
    return mongo.findOne(GROUPS, new JsonObject().put("nameLower", name.toLowerCase(Locale.ROOT)), null)
        .map(Optional::ofNullable);
  }

  /** Groups a user belongs to, by name. */
  public Future<List<JsonObject>> ofMember(String userId) {
    return mongo.findWithOptions(GROUPS, new JsonObject().put("members", userId),
        new FindOptions().setSort(new JsonObject().put("nameLower", 1)));
  }

  public Future<List<JsonObject>> all() {
    return mongo.findWithOptions(GROUPS, new JsonObject(),
        new FindOptions().setSort(new JsonObject().put("nameLower", 1)));
  }

  public Future<Void> rename(String id, String newName) {
    return mongo.updateCollection(GROUPS, new JsonObject().put("_id", id), new JsonObject().put("$set",
            new JsonObject().put("name", newName).put("nameLower", newName.toLowerCase(Locale.ROOT))))
        .<Void>mapEmpty()
        .recover(e -> Future.failedFuture(MongoErrors.isDuplicate(e)
            ? ApiException.conflict("a group named '" + newName + "' exists") : e));
  }

  public Future<Void> addMember(String id, String userId) {
    return mongo.updateCollection(GROUPS, new JsonObject().put("_id", id),
        new JsonObject().put("$addToSet", new JsonObject().put("members", userId))).mapEmpty();
  }

  public Future<Void> removeMember(String id, String userId) {
    return mongo.updateCollection(GROUPS, new JsonObject().put("_id", id),
        new JsonObject().put("$pull", new JsonObject().put("members", userId))).mapEmpty();
  }

  /** Removes a user from every group (the user is being deleted). */
  public Future<Void> removeEverywhere(String userId) {
    return mongo.updateCollectionWithOptions(GROUPS, new JsonObject().put("members", userId),
        new JsonObject().put("$pull", new JsonObject().put("members", userId)),
        new io.vertx.ext.mongo.UpdateOptions().setMulti(true)).mapEmpty();
  }

  public Future<Void> delete(String id) {
    return mongo.removeDocument(GROUPS, new JsonObject().put("_id", id)).mapEmpty();
  }
}
