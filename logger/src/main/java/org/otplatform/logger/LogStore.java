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
import org.otplatform.common.logging.Masking;

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
      doc.put("bytes", doc.encode().length());
      return BulkOperation.createReplace(new JsonObject().put("_id", doc.getString("_id")), doc, true);
    }).toList();
    return mongo.bulkWrite(LOGS, ops).mapEmpty();
  }

  /** Removes records older than {@code ts} (epoch ms); yields how many. */
  public Future<Long> removeOlderThan(long ts) {
    return mongo.removeDocuments(LOGS, new JsonObject().put("ts", new JsonObject().put("$lt", ts)))
        .map(r -> r == null ? 0L : r.getRemovedCount());
  }

  /** The stored size of all records, as counted in their {@code bytes}. */
  public Future<Long> totalBytes() {
    io.vertx.core.Promise<Long> total = io.vertx.core.Promise.promise();
    long[] sum = {0};
    // End and failure handlers first: setting the data handler starts the stream, which may end at once.
    mongo.aggregate(LOGS, new JsonArray().add(new JsonObject().put("$group", new JsonObject().putNull("_id")
            .put("total", new JsonObject().put("$sum", "$bytes")))))
        .exceptionHandler(total::tryFail)
        .endHandler(v -> total.tryComplete(sum[0]))
        .handler(doc -> sum[0] += ((Number) doc.getValue("total", 0)).longValue());
    return total.future();
  }

  /**
   * Removes the oldest records until at least {@code bytes} are freed, looking at up to
   * {@code page} records; yields how many were removed.
   */
  public Future<Long> removeOldest(long bytes, int page) {
    return mongo.findWithOptions(LOGS, new JsonObject(), new FindOptions()
            .setSort(new JsonObject().put("ts", 1).put("_id", 1)).setLimit(page)
            .setFields(new JsonObject().put("ts", 1).put("bytes", 1)))
        .compose(oldest -> {
          long freed = 0;
          JsonObject last = null;
          for (JsonObject d : oldest) {
            last = d;
            freed += d.getLong("bytes", 0L);
            if (freed >= bytes) {
              break;
            }
          }
          if (last == null) {
            return Future.succeededFuture(0L);
          }
          long ts = last.getLong("ts");
          return mongo.removeDocuments(LOGS, new JsonObject().put("$or", new JsonArray()
                  .add(new JsonObject().put("ts", new JsonObject().put("$lt", ts)))
                  .add(new JsonObject().put("ts", ts).put("_id", new JsonObject().put("$lte", last.getString("_id"))))))
              .map(r -> r == null ? 0L : r.getRemovedCount());
        });
  }

  /**
   * One page of records matching the query, in its order: {@code {records, next}}, {@code next}
   * being the cursor of the following page, or null after the last.
   */
  public Future<JsonObject> query(LogQuery query) {
    return mongo.findWithOptions(LOGS, query.filter(), new FindOptions()
            .setSort(query.sort())
            .setLimit(query.limit())
            .setFields(new JsonObject().put("levelNum", 0).put("bytes", 0)))
        .map(docs -> {
          JsonArray out = new JsonArray();
          LogQuery.Cursor last = null;
          for (JsonObject d : docs) {
            last = new LogQuery.Cursor(d.getLong("ts"), d.getString("_id"));
            d.remove("ts");
            d.put("id", d.remove("_id"));
            out.add(d);
          }
          String next = docs.size() == query.limit() && last != null ? last.encode() : null;
          return new JsonObject().put("records", out).put("next", next);
        });
  }
}
