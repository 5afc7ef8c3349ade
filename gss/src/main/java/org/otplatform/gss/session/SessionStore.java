package org.otplatform.gss.session;

import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.mongo.FindOptions;
import io.vertx.ext.mongo.IndexOptions;
import io.vertx.ext.mongo.MongoClient;
import java.time.Instant;
import java.util.Optional;
import java.util.function.Predicate;
import org.otplatform.common.http.ApiException;
import org.otplatform.common.mongo.MongoErrors;

/**
 * Sessions in MongoDB, and project locks. Updates are optimistic: read, change, write back only if
 * the {@code version} is unchanged, else retry, so concurrent writers (the event fold, a DELETE,
 * another replica) never lose each other's changes.
 */
public final class SessionStore {
  private static final String SESSIONS = "sessions";
  private static final String LOCKS = "project_locks";
  private static final int MAX_RETRIES = 10;
  /** What the sweeps read of a session. */
  private static final JsonObject SUMMARY = new JsonObject().put("state", 1).put("type", 1).put("lss", 1)
      .put("queued", 1).put("openingAt", 1).put("readyAt", 1).put("lastActivityAt", 1);
  private final MongoClient mongo;

  public SessionStore(MongoClient mongo) {
    this.mongo = mongo;
  }

  public Future<Void> createIndexes() {
    return mongo.createIndexWithOptions(SESSIONS, new JsonObject().put("owner", 1).put("state", 1),
            new IndexOptions().name("owner_state"))
        .compose(v -> mongo.createIndexWithOptions(LOCKS, new JsonObject().put("sessionId", 1),
            new IndexOptions().name("session")));
  }

  public Future<Void> insert(JsonObject doc) {
    return mongo.insert(SESSIONS, doc.put("version", 0)).mapEmpty();
  }

  public Future<Optional<JsonObject>> get(String id) {
    return mongo.findOne(SESSIONS, new JsonObject().put("_id", id), null).map(Optional::ofNullable);
  }

  /**
   * Every session in a state, with only the summary fields the periodic sweeps read (not the
   * progress log, which grows with each session's life).
   */
  public Future<java.util.List<JsonObject>> inState(SessionState state) {
    return mongo.findWithOptions(SESSIONS, new JsonObject().put("state", state.name()),
        new FindOptions().setFields(SUMMARY));
  }

  /** Sessions an LSS runs or should run: OPENING or READY (summary fields). */
  public Future<java.util.List<JsonObject>> live() {
    return mongo.findWithOptions(SESSIONS, new JsonObject().put("state", new JsonObject().put("$in",
        new JsonArray().add(SessionState.OPENING.name()).add(SessionState.READY.name()))),
        new FindOptions().setFields(SUMMARY));
  }

  /** The state of each of these sessions that exists, by id. */
  public Future<java.util.Map<String, SessionState>> states(java.util.Collection<String> ids) {
    return mongo.findWithOptions(SESSIONS, new JsonObject().put("_id", new JsonObject().put("$in", new JsonArray(
            java.util.List.copyOf(ids)))), new FindOptions().setFields(new JsonObject().put("state", 1)))
        .map(docs -> {
          java.util.Map<String, SessionState> states = new java.util.HashMap<>();
          docs.forEach(d -> states.put(d.getString("_id"), SessionState.valueOf(d.getString("state"))));
          return states;
        });
  }

  /** Sessions that hold an LSS slot: OPENING (not queued), READY or CLOSING. */
  public Future<Long> countHoldingSlots() {
    return mongo.count(SESSIONS, new JsonObject()
        .put("state", new JsonObject().put("$in", new JsonArray().add("OPENING").add("READY").add("CLOSING")))
        .put("queued", new JsonObject().put("$ne", true)));
  }

  /** Sessions waiting in the queue, oldest first. */
  public Future<java.util.List<JsonObject>> queued() {
    return mongo.findWithOptions(SESSIONS, new JsonObject().put("queued", true),
        new FindOptions().setSort(new JsonObject().put("queuedAtMillis", 1)));
  }

  public Future<Long> countQueued() {
    return mongo.count(SESSIONS, new JsonObject().put("queued", true));
  }

  /** Sessions that joined the queue before {@code queuedAtMillis}. */
  public Future<Long> countQueuedBefore(long queuedAtMillis) {
    return mongo.count(SESSIONS, new JsonObject().put("queued", true)
        .put("queuedAtMillis", new JsonObject().put("$lt", queuedAtMillis)));
  }

  /** The user's sessions, newest first. */
  public Future<JsonArray> listByOwner(String owner, int limit) {
    return mongo.findWithOptions(SESSIONS, new JsonObject().put("owner", owner),
            new FindOptions().setSort(new JsonObject().put("created", -1)).setLimit(limit))
        .map(JsonArray::new);
  }

  /** How many active (not CLOSED or FAILED) sessions a user holds, or everyone when {@code owner} is null. */
  public Future<Long> countActive(String owner) {
    JsonObject query = new JsonObject()
        .put("state", new JsonObject().put("$in", new JsonArray().add("OPENING").add("READY").add("CLOSING")));
    if (owner != null) {
      query.put("owner", owner);
    }
    return mongo.count(SESSIONS, query);
  }

  /** Sessions matching {@code query}, newest first. */
  public Future<java.util.List<JsonObject>> find(JsonObject query, int limit) {
    return mongo.findWithOptions(SESSIONS, query, new FindOptions().setSort(new JsonObject().put("created", -1))
        .setLimit(limit));
  }

  /**
   * Applies {@code change} to the session and stores it; {@code change} returns false to leave it
   * as it is. Yields the stored document, or empty when there is no such session.
   */
  public Future<Optional<JsonObject>> update(String id, Predicate<JsonObject> change) {
    return update(id, change, 0);
  }

  private Future<Optional<JsonObject>> update(String id, Predicate<JsonObject> change, int attempt) {
    return get(id).compose(found -> {
      if (found.isEmpty()) {
        return Future.succeededFuture(Optional.empty());
      }
      JsonObject doc = found.get();
      int version = doc.getInteger("version", 0);
      if (!change.test(doc)) {
        return Future.succeededFuture(Optional.of(doc));
      }
      doc.put("version", version + 1);
      return mongo.findOneAndReplace(SESSIONS, new JsonObject().put("_id", id).put("version", version), doc)
          .compose(previous -> {
            if (previous != null) {
              return Future.succeededFuture(Optional.of(doc));
            }
            if (attempt >= MAX_RETRIES) {
              return Future.failedFuture(new IllegalStateException("session " + id + " changed concurrently "
                  + MAX_RETRIES + " times"));
            }
            return update(id, change, attempt + 1);
          });
    });
  }

  /**
   * Takes one of {@code slots} locks on a project for a session; a 409 when all are taken, naming
   * the holding session only to its own owner ({@code caller}). Unique {@code _id}s make two
   * concurrent opens unable to take the same slot.
   */
  public Future<Void> lockProject(String projectId, String projectName, int slots, String sessionId,
      String ownerName) {
    JsonObject lock = new JsonObject().put("projectId", projectId).put("ownerName", ownerName);
    return claimSlot(projectId, 0, slots, sessionId, lock).recover(e -> !(e instanceof SlotsTaken)
        ? Future.failedFuture(e)
        : mongo.findOne(LOCKS, new JsonObject().put("projectId", projectId), null).compose(holder ->
            Future.failedFuture(ApiException.conflict("project '" + projectName + "' already has "
                + (slots == 1 ? "an open session" : slots + " open sessions")
                + (holder == null || !ownerName.equals(holder.getString("ownerName")) ? ""
                    : " (your session " + holder.getString("sessionId") + ")")))));
  }

  /**
   * Takes one of a user's {@code slots} session slots for a session, atomically like the project
   * lock, so parallel opens cannot all pass a count made before any of them was stored; a 429 when
   * all are taken. Released with the project lock ({@link #releaseProject}).
   */
  public Future<Void> lockUserSlot(String userId, int slots, String sessionId) {
    return claimSlot("user:" + userId, 0, slots, sessionId, new JsonObject().put("userId", userId))
        .recover(e -> e instanceof SlotsTaken
            ? Future.failedFuture(new ApiException(429, "too_many_sessions",
                "you have " + slots + " open sessions; the limit is " + slots))
            : Future.failedFuture(e));
  }

  /** Every slot of a key is taken (no stack trace: an expected outcome). */
  private static final class SlotsTaken extends RuntimeException {
    SlotsTaken() {
      super(null, null, false, false);
    }
  }

  private Future<Void> claimSlot(String key, int slot, int slots, String sessionId, JsonObject fields) {
    if (slot >= slots) {
      return Future.failedFuture(new SlotsTaken());
    }
    JsonObject lock = fields.copy().put("_id", key + "#" + slot).put("sessionId", sessionId)
        .put("created", Instant.now().toString());
    return mongo.insert(LOCKS, lock).<Void>mapEmpty().recover(e ->
        MongoErrors.isDuplicate(e) ? claimSlot(key, slot + 1, slots, sessionId, fields) : Future.failedFuture(e));
  }

  /** Releases every lock a session holds: its project slot and its owner's session slot. */
  public Future<Void> releaseProject(String sessionId) {
    return mongo.removeDocuments(LOCKS, new JsonObject().put("sessionId", sessionId)).mapEmpty();
  }
}
