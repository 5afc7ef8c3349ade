package org.otplatform.logger;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.mongo.IndexOptions;
import io.vertx.ext.mongo.MongoClient;
import io.vertx.ext.mongo.UpdateOptions;
import org.otplatform.common.events.DeadLetter;
import org.otplatform.common.logging.Masking;

/**
 * The dead letters of every service (records their consumers gave up on), for administrators:
 * stored by id — the same dead letter read twice is stored once — newest first, values masked as
 * log records are.
 */
public final class DeadLetterStore {
  private static final String DEAD_LETTERS = "dead_letters";
  private final MongoClient mongo;

  public DeadLetterStore(MongoClient mongo) {
    this.mongo = mongo;
  }

  public Future<Void> createIndexes() {
    return mongo.createIndexWithOptions(DEAD_LETTERS, new JsonObject().put("topic", 1).put("ts", -1),
            new IndexOptions().name("topic_ts"))
        .compose(v -> mongo.createIndexWithOptions(DEAD_LETTERS, new JsonObject().put("ts", -1),
            new IndexOptions().name("ts")));
  }

  public Future<Void> save(DeadLetter letter) {
    JsonObject doc = letter.fields().put("time", letter.time().toString()).put("ts", letter.time().toEpochMilli())
        .put("value", Masking.mask(letter.value()));
    return mongo.replaceDocumentsWithOptions(DEAD_LETTERS, new JsonObject().put("_id", letter.id()), doc,
        new UpdateOptions().setUpsert(true)).mapEmpty();
  }

  /** One page, newest first, of one topic (or all when null): {@code {deadLetters, total, next}} ({@link NewestFirst}). */
  public Future<JsonObject> list(String topic, LogQuery.Cursor cursor, int limit) {
    JsonObject matching = topic == null ? new JsonObject() : new JsonObject().put("topic", topic);
    return NewestFirst.page(mongo, DEAD_LETTERS, matching, cursor, limit, "deadLetters");
  }
}
