package org.otplatform.logger;

import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.mongo.BulkOperation;
import io.vertx.ext.mongo.FindOptions;
import io.vertx.ext.mongo.IndexOptions;
import io.vertx.ext.mongo.MongoClient;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * Log records in MongoDB, keyed by their id: writing a batch twice (after a restart or a
 * rebalance) stores each record once.
 */
public final class LogStore {
  private static final String LOGS = "logs";
  /** Numeric levels, so "level and above" is a range query. */
  static final Map<String, Integer> LEVELS = Map.of("TRACE", 0, "DEBUG", 1, "INFO", 2, "WARN", 3, "ERROR", 4);
  private final MongoClient mongo;

  public LogStore(MongoClient mongo) {
    this.mongo = mongo;
  }

  public Future<Void> createIndexes() {
    return mongo.createIndexWithOptions(LOGS, new JsonObject().put("session", 1).put("ts", -1),
            new IndexOptions().name("session_ts"))
        .compose(v -> mongo.createIndexWithOptions(LOGS, new JsonObject().put("service", 1).put("ts", -1),
            new IndexOptions().name("service_ts")))
        .compose(v -> mongo.createIndexWithOptions(LOGS, new JsonObject().put("ts", -1),
            new IndexOptions().name("ts")));
  }

  /** Upserts records by id, secrets masked. Records without an id or time are dropped by the caller. */
  public Future<Void> write(List<JsonObject> records) {
    if (records.isEmpty()) {
      return Future.succeededFuture();
    }
    List<BulkOperation> ops = records.stream().map(r -> {
      JsonObject doc = Masking.mask(r);
      doc.put("_id", doc.remove("id"));
      doc.put("ts", Instant.parse(doc.getString("time")).toEpochMilli());
      doc.put("levelNum", LEVELS.getOrDefault(doc.getString("level", "INFO"), 2));
      return BulkOperation.createReplace(new JsonObject().put("_id", doc.getString("_id")), doc, true);
    }).toList();
    return mongo.bulkWrite(LOGS, ops).mapEmpty();
  }

  /** Records matching the filter, newest first. */
  public Future<JsonArray> query(JsonObject filter, int limit) {
    return mongo.findWithOptions(LOGS, filter, new FindOptions()
            .setSort(new JsonObject().put("ts", -1))
            .setLimit(limit)
            .setFields(new JsonObject().put("ts", 0).put("levelNum", 0)))
        .map(docs -> {
          JsonArray out = new JsonArray();
          docs.forEach(d -> {
            d.put("id", d.remove("_id"));
            out.add(d);
          });
          return out;
        });
  }
}
