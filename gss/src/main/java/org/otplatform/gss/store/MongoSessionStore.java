package org.otplatform.gss.store;

import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.mongo.FindOptions;
import io.vertx.ext.mongo.IndexOptions;
import io.vertx.ext.mongo.MongoClient;
import java.time.Clock;
import java.time.Instant;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.UnaryOperator;
import org.otplatform.common.catalog.Pools;
import org.otplatform.common.mongo.MongoErrors;
import org.otplatform.gss.session.Session;
import org.otplatform.gss.session.SessionCodec;
import org.otplatform.gss.session.SessionState;

/**
 * Sessions in the {@code sessions} collection ({@link SessionCodec}'s documents) and slots in
 * {@code project_locks}, one document per slot ({@code _id} {@code <key>#<n>}), so the unique
 * {@code _id} makes a slot impossible to take twice. An update writes back only if the
 * {@code version} is unchanged, else reads again and retries.
 */
public final class MongoSessionStore implements SessionStore {
  private static final String SESSIONS = "sessions";
  private static final String SLOTS = "project_locks";
  private static final int MAX_RETRIES = 10;
  /** What summaries leave out: the parts that grow with a session's life. */
  private static final JsonObject WITHOUT_LOG = new JsonObject().put("events", 0).put("eventIds", 0);
  private final MongoClient mongo;
  private final Clock clock;

  public MongoSessionStore(MongoClient mongo, Clock clock) {
    this.mongo = mongo;
    this.clock = clock;
  }

  @Override
  public Future<Void> createIndexes() {
    return mongo.createIndexWithOptions(SESSIONS, new JsonObject().put("owner", 1).put("state", 1),
            new IndexOptions().name("owner_state"))
        .compose(v -> mongo.createIndexWithOptions(SLOTS, new JsonObject().put("sessionId", 1),
            new IndexOptions().name("session")));
  }

  @Override
  public Future<Void> insert(Session session) {
    return mongo.insert(SESSIONS, SessionCodec.toDocument(session)).mapEmpty();
  }

  @Override
  public Future<Optional<Session>> get(String id) {
    return mongo.findOne(SESSIONS, new JsonObject().put("_id", id), null)
        .map(doc -> Optional.ofNullable(doc).map(SessionCodec::fromDocument));
  }

  @Override
  public Future<List<Session>> summaries(Set<SessionState> states) {
    return mongo.findWithOptions(SESSIONS, new JsonObject().put("state", in(states)),
        new FindOptions().setFields(WITHOUT_LOG)).map(MongoSessionStore::decode);
  }

  @Override
  public Future<Map<String, Placement>> placements(Collection<String> ids) {
    return mongo.findWithOptions(SESSIONS, new JsonObject().put("_id", new JsonObject().put("$in",
            new JsonArray(List.copyOf(ids)))), new FindOptions().setFields(new JsonObject().put("state", 1).put("lss", 1)))
        .map(docs -> {
          Map<String, Placement> placements = new HashMap<>();
          docs.forEach(d -> placements.put(d.getString("_id"), new Placement(SessionState.valueOf(d.getString("state")),
              d.getString("lss"))));
          return placements;
        });
  }

  @Override
  public Future<Long> countHoldingSlots(String pool) {
    return mongo.count(SESSIONS, ofPool(pool).put("state", in(ACTIVE))
        .put("queued", new JsonObject().put("$ne", true)));
  }

  /** A query on sessions of {@code pool}; those stored before pools are of the default one. */
  private static JsonObject ofPool(String pool) {
    return Pools.DEFAULT.equals(pool)
        ? new JsonObject().put("$or", new JsonArray().add(new JsonObject().put("pool", pool))
            .add(new JsonObject().put("pool", new JsonObject().put("$exists", false))))
        : new JsonObject().put("pool", pool);
  }

  @Override
  public Future<Long> countActive() {
    return mongo.count(SESSIONS, new JsonObject().put("state", in(ACTIVE)));
  }

  @Override
  public Future<List<Session>> queued() {
    return mongo.findWithOptions(SESSIONS, new JsonObject().put("queued", true),
        new FindOptions().setSort(new JsonObject().put("queuedAtMillis", 1))).map(MongoSessionStore::decode);
  }

  @Override
  public Future<Long> countQueued(String pool) {
    return mongo.count(SESSIONS, ofPool(pool).put("queued", true));
  }

  @Override
  public Future<Long> countQueuedBefore(String pool, Instant since) {
    return mongo.count(SESSIONS, ofPool(pool).put("queued", true)
        .put("queuedAtMillis", new JsonObject().put("$lt", since.toEpochMilli())));
  }

  @Override
  public Future<List<Session>> find(SessionFilter filter, int limit) {
    JsonObject query = new JsonObject();
    if (!filter.states().isEmpty()) {
      query.put("state", in(filter.states()));
    }
    putIfSet(query, "owner", filter.owner());
    putIfSet(query, "ownerName", filter.ownerName());
    putIfSet(query, "project", filter.project());
    putIfSet(query, "projectId", filter.projectId());
    putIfSet(query, "type", filter.type());
    putIfSet(query, "lss", filter.lss());
    if (!filter.projectIds().isEmpty()) {
      query.put("projectId", new JsonObject().put("$in", new io.vertx.core.json.JsonArray(
          List.copyOf(filter.projectIds()))));
    }
    return mongo.findWithOptions(SESSIONS, query, new FindOptions().setSort(new JsonObject().put("created", -1))
        .setLimit(limit)).map(MongoSessionStore::decode);
  }

  /**
   * Updates of one session from this JVM, one after the other: the version check alone would do
   * on MongoDB, whose find-and-replace is atomic, but the embedded Mongo-wire store can let two
   * replaces of the same version both pass when they arrive at once (a lost update seen in
   * {@code SessionStoreContract}). JVM-wide, so GSS replicas of one embedded platform queue too.
   */
  private static final Map<String, Future<Optional<Updated>>> UPDATING = new ConcurrentHashMap<>();

  @Override
  public Future<Optional<Updated>> update(String id, UnaryOperator<Session> rule) {
    Future<Optional<Updated>> mine = UPDATING.compute(id, (key, previous) ->
        (previous == null ? Future.<Optional<Updated>>succeededFuture(Optional.empty()) : previous)
            .transform(ignored -> update(id, rule, 0)));
    mine.onComplete(r -> UPDATING.remove(id, mine));
    return mine;
  }

  private Future<Optional<Updated>> update(String id, UnaryOperator<Session> rule, int attempt) {
    return get(id).compose(found -> {
      if (found.isEmpty()) {
        return Future.succeededFuture(Optional.empty());
      }
      Session before = found.get();
      Session after = rule.apply(before);
      if (after == before) {
        return Future.succeededFuture(Optional.of(new Updated(before, before)));
      }
      Session stored = after.withVersion(before.version() + 1);
      return mongo.findOneAndReplace(SESSIONS, new JsonObject().put("_id", id).put("version", before.version()),
              SessionCodec.toDocument(stored))
          .compose(previous -> {
            if (previous != null) {
              return Future.succeededFuture(Optional.of(new Updated(before, stored)));
            }
            if (attempt >= MAX_RETRIES) {
              return Future.failedFuture(new IllegalStateException("session " + id + " changed concurrently "
                  + MAX_RETRIES + " times"));
            }
            return update(id, rule, attempt + 1);
          });
    });
  }

  @Override
  public Future<Boolean> claimSlot(String key, int slots, String sessionId, String ownerName) {
    return claimSlot(key, 0, slots, sessionId, ownerName);
  }

  private Future<Boolean> claimSlot(String key, int slot, int slots, String sessionId, String ownerName) {
    if (slot >= slots) {
      return Future.succeededFuture(false);
    }
    JsonObject lock = new JsonObject().put("_id", key + "#" + slot).put("key", key).put("sessionId", sessionId)
        .put("ownerName", ownerName).put("created", clock.instant().toString());
    return mongo.insert(SLOTS, lock).map(true).recover(e -> MongoErrors.isDuplicate(e)
        ? claimSlot(key, slot + 1, slots, sessionId, ownerName) : Future.failedFuture(e));
  }

  @Override
  public Future<Optional<SlotHolder>> slotHolder(String key) {
    return mongo.findOne(SLOTS, new JsonObject().put("key", key), null).map(lock -> Optional.ofNullable(lock)
        .map(l -> new SlotHolder(l.getString("sessionId"), l.getString("ownerName"))));
  }

  @Override
  public Future<Void> releaseSlots(String sessionId) {
    return mongo.removeDocuments(SLOTS, new JsonObject().put("sessionId", sessionId)).mapEmpty();
  }

  private static JsonObject in(Set<SessionState> states) {
    return new JsonObject().put("$in", new JsonArray(states.stream().map(Enum::name).sorted().toList()));
  }

  private static List<Session> decode(List<JsonObject> docs) {
    return docs.stream().map(SessionCodec::fromDocument).toList();
  }

  private static void putIfSet(JsonObject query, String key, String value) {
    if (value != null) {
      query.put(key, value);
    }
  }
}
