package org.otplatform.logger;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.mongo.IndexOptions;
import io.vertx.ext.mongo.MongoClient;
import io.vertx.ext.mongo.UpdateOptions;
import java.time.Duration;
import java.time.Instant;
import org.otplatform.common.events.EventCodec;

/**
 * The audit trail: every security-relevant action AUTH records on {@code ot.audit} (logins, users,
 * groups, projects, grants, key rotations), stored by its id — read twice, stored once — for
 * administrators to ask who did what, when, from where. Kept for {@link #KEPT} (removed by the
 * logger's retention run, like log records).
 */
public final class AuditStore {
  /** How long audit records are kept. */
  public static final Duration KEPT = Duration.ofDays(90);
  private static final String AUDIT = "audit";
  private final MongoClient mongo;

  public AuditStore(MongoClient mongo) {
    this.mongo = mongo;
  }

  public Future<Void> createIndexes() {
    return mongo.createIndexWithOptions(AUDIT, new JsonObject().put("ts", -1), new IndexOptions().name("ts"))
        .compose(v -> mongo.createIndexWithOptions(AUDIT, new JsonObject().put("actor", 1).put("ts", -1),
            new IndexOptions().name("actor_ts")))
        .compose(v -> mongo.createIndexWithOptions(AUDIT, new JsonObject().put("action", 1).put("ts", -1),
            new IndexOptions().name("action_ts")));
  }

  /** Stores one event as AUTH published it; one without id, time or action is refused. */
  public Future<Void> save(JsonObject event) {
    String id = event.getString("id");
    String action = event.getString("type");
    Instant time;
    try {
      time = Instant.parse(event.getString("time"));
    } catch (RuntimeException e) {
      return Future.failedFuture(new IllegalArgumentException("audit event without a valid time: " + e.getMessage()));
    }
    if (id == null || action == null) {
      return Future.failedFuture(new IllegalArgumentException("audit event without id or type"));
    }
    JsonObject doc = new JsonObject().put("time", time.toString()).put("ts", time.toEpochMilli())
        .put("action", action).put("actor", event.getString("actor")).put("subject", event.getString("subject"))
        .put("address", event.getString("address")).put("source", event.getString(EventCodec.SOURCE))
        .put("details", event.getJsonObject("details", new JsonObject()));
    return mongo.replaceDocumentsWithOptions(AUDIT, new JsonObject().put("_id", id), doc,
        new UpdateOptions().setUpsert(true)).mapEmpty();
  }

  /** What to look for: each field null when not asked for. */
  public record Filter(String actor, String action, String subject, Instant since, Instant until) {
    JsonObject query() {
      JsonObject q = new JsonObject();
      if (actor != null) {
        q.put("actor", actor);
      }
      if (action != null) {
        q.put("action", action);
      }
      if (subject != null) {
        q.put("subject", subject);
      }
      JsonObject ts = new JsonObject();
      if (since != null) {
        ts.put("$gte", since.toEpochMilli());
      }
      if (until != null) {
        ts.put("$lt", until.toEpochMilli());
      }
      return ts.isEmpty() ? q : q.put("ts", ts);
    }
  }

  /** One page, newest first, after {@code cursor} if given: {@code {events, total, next}}. */
  public Future<JsonObject> list(Filter filter, LogQuery.Cursor cursor, int limit) {
    return NewestFirst.page(mongo, AUDIT, filter.query(), cursor, limit, "events");
  }

  /** Removes what is older than {@link #KEPT} at {@code now}; yields how many. */
  public Future<Long> removeOld(Instant now) {
    return mongo.removeDocuments(AUDIT, new JsonObject().put("ts", new JsonObject().put("$lt",
        now.minus(KEPT).toEpochMilli()))).map(r -> r == null ? 0L : r.getRemovedCount());
  }
}
