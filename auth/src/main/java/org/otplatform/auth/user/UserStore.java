package org.otplatform.auth.user;

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
import java.util.Set;
import java.util.UUID;
import org.otplatform.common.http.ApiException;
import org.otplatform.common.mongo.MongoErrors;

/**
 * Users in MongoDB. Usernames are unique regardless of case, enforced by a unique index so that
 * two concurrent creations cannot both win.
 */
public final class UserStore {
  private static final String USERS = "users";
  private final MongoClient mongo;

  public UserStore(MongoClient mongo) {
    this.mongo = mongo;
  }

  public Future<Void> createIndexes() {
    return mongo.createIndexWithOptions(USERS, new JsonObject().put("usernameLower", 1),
        new IndexOptions().unique(true).name("username_unique"));
  }

  /** Creates a user; a taken username fails with 409. */
  public Future<User> create(String username, String passwordHash, Set<String> roles) {
    String id = UUID.randomUUID().toString();
    JsonObject doc = new JsonObject()
        .put("_id", id)
        .put("username", username)
        .put("usernameLower", username.toLowerCase(Locale.ROOT))
        .put("passwordHash", passwordHash)
        .put("roles", new JsonArray(roles.stream().sorted().toList()))
        .put("disabled", false)
        .put("created", Instant.now().toString());
    return mongo.insert(USERS, doc)
        .map(ignored -> User.fromDocument(doc))
        .recover(e -> Future.failedFuture(MongoErrors.isDuplicate(e)
            ? ApiException.conflict("username '" + username + "' is taken") : e));
  }

  public Future<Optional<User>> byUsername(String username) {
    return mongo.findOne(USERS, new JsonObject().put("usernameLower", username.toLowerCase(Locale.ROOT)), null)
        .map(doc -> Optional.ofNullable(doc).map(User::fromDocument));
  }

  public Future<Optional<User>> byId(String id) {
    return mongo.findOne(USERS, new JsonObject().put("_id", id), null)
        .map(doc -> Optional.ofNullable(doc).map(User::fromDocument));
  }

  /** A page of users in username order, after {@code cursor} (a lower-cased username) if given. */
  public Future<List<User>> list(String cursor, int limit) {
    JsonObject query = cursor == null ? new JsonObject()
        : new JsonObject().put("usernameLower", new JsonObject().put("$gt", cursor.toLowerCase(Locale.ROOT)));
    return mongo.findWithOptions(USERS, query, new FindOptions()
            .setSort(new JsonObject().put("usernameLower", 1)).setLimit(limit))
        .map(docs -> docs.stream().map(User::fromDocument).toList());
  }

  /** Changes fields of a user by id; yields whether the user existed. */
  private Future<Boolean> set(String id, JsonObject fields) {
    return mongo.updateCollection(USERS, new JsonObject().put("_id", id), new JsonObject().put("$set", fields))
        .map(r -> r != null && r.getDocMatched() > 0);
  }

  public Future<Boolean> setDisabled(String id, boolean disabled) {
    return set(id, new JsonObject().put("disabled", disabled));
  }

  public Future<Boolean> setPasswordHash(String id, String hash) {
    return set(id, new JsonObject().put("passwordHash", hash).put("passwordChanged", Instant.now().toString()));
  }

  public Future<Boolean> delete(String id) {
    return mongo.removeDocuments(USERS, new JsonObject().put("_id", id)).map(r -> r != null && r.getRemovedCount() > 0);
  }
}
