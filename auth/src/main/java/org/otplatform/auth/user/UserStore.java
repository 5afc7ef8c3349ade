package org.otplatform.auth.user;

import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.mongo.IndexOptions;
import io.vertx.ext.mongo.MongoClient;
import java.time.Instant;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.otplatform.common.http.ApiException;

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
}
