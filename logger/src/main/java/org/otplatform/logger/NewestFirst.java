package org.otplatform.logger;

import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.mongo.FindOptions;
import io.vertx.ext.mongo.MongoClient;

/**
 * One page of a collection kept by time ({@code ts}, epoch millis) and id, newest first, as the
 * dead letters and the audit trail are read: after {@code cursor} (the page before's {@code next})
 * if given, {@code {<items>: [...], total, next}} — {@code total} how many match, {@code next}
 * null after the last page. Time then id, so pages neither overlap nor skip.
 */
final class NewestFirst {
  private NewestFirst() {}

  static Future<JsonObject> page(MongoClient mongo, String collection, JsonObject matching, LogQuery.Cursor cursor,
      int limit, String items) {
    JsonObject query = matching;
    if (cursor != null) {
      JsonObject after = new JsonObject().put("$or", new JsonArray()
          .add(new JsonObject().put("ts", new JsonObject().put("$lt", cursor.ts())))
          .add(new JsonObject().put("ts", cursor.ts()).put("_id", new JsonObject().put("$lt", cursor.id()))));
      query = matching.isEmpty() ? after : new JsonObject().put("$and", new JsonArray().add(matching).add(after));
    }
    FindOptions options = new FindOptions().setSort(new JsonObject().put("ts", -1).put("_id", -1)).setLimit(limit);
    return mongo.findWithOptions(collection, query, options).compose(docs -> mongo.count(collection, matching)
        .map(total -> {
          JsonArray list = new JsonArray();
          LogQuery.Cursor last = null;
          for (JsonObject d : docs) {
            last = new LogQuery.Cursor(d.getLong("ts"), d.getString("_id"));
            d.put("id", d.remove("_id"));
            d.remove("ts");
            list.add(d);
          }
          return new JsonObject().put(items, list).put("total", total)
              .put("next", docs.size() == limit && last != null ? last.encode() : null);
        }));
  }
}
