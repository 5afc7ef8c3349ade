package org.otplatform.logger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.MultiMap;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.otplatform.common.http.ApiException;
import org.otplatform.common.testing.MongoFixture;

/** Queries, paging and retention of the log store, on the Mongo wire-protocol server. */
class LogStoreTest {
  private static final Instant T0 = Instant.parse("2026-11-25T12:00:00Z");
  private MongoFixture fixture;
  private LogStore store;

  @BeforeEach
  void start() throws Exception {
    fixture = new MongoFixture();
    store = new LogStore(fixture.mongo);
    MongoFixture.await(store.createIndexes());
  }

  @AfterEach
  void stop() throws Exception {
    fixture.close();
  }

  private static JsonObject record(int i, String level, String message) {
    return new JsonObject().put("id", String.format("r%03d", i)).put("time", T0.plusSeconds(i).toString())
        .put("level", level).put("service", i % 2 == 0 ? "gss" : "lss").put("session", "s1").put("message", message);
  }

  private JsonObject query(Map<String, String> params) throws Exception {
    MultiMap map = MultiMap.caseInsensitiveMultiMap();
    params.forEach(map::add);
    return MongoFixture.await(store.query(LogQuery.from(map)));
  }

  private static List<String> ids(JsonObject page) {
    List<String> ids = new ArrayList<>();
    page.getJsonArray("records").forEach(o -> ids.add(((JsonObject) o).getString("id")));
    return ids;
  }

  @Test
  void filtersByTimeTextLevelAndServiceInEitherOrder() throws Exception {
    List<JsonObject> records = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      records.add(record(i, i == 7 ? "ERROR" : "INFO", i == 4 ? "Disk a.b(c) FULL" : "all good " + i));
    }
    MongoFixture.await(store.write(records));
    assertEquals(List.of("r005", "r004", "r003"), ids(query(Map.of("from", T0.plusSeconds(3).toString(),
        "to", T0.plusSeconds(6).toString()))), "from inclusive, to exclusive, newest first");
    assertEquals(List.of("r003", "r004", "r005"), ids(query(Map.of("from", T0.plusSeconds(3).toString(),
        "to", T0.plusSeconds(6).toString(), "order", "oldest"))));
    assertEquals(List.of("r004"), ids(query(Map.of("q", "a.B(C) full"))), "literal text, any case");
    assertEquals(List.of(), ids(query(Map.of("q", "a.b(c)x"))));
    assertEquals(List.of("r007"), ids(query(Map.of("level", "warn"))), "WARN and above");
    assertEquals(5, ids(query(Map.of("service", "lss"))).size());
  }

  @Test
  void pagesFollowEachOtherWithoutGapOrOverlap() throws Exception {
    List<JsonObject> records = new ArrayList<>();
    for (int i = 0; i < 25; i++) {
      // Pairs share a time stamp, so the id must break ties.
      records.add(record(i, "INFO", "m" + i).put("time", T0.plusSeconds(i / 2).toString()));
    }
    MongoFixture.await(store.write(records));
    for (String order : List.of("newest", "oldest")) {
      Set<String> seen = new HashSet<>();
      String cursor = null;
      int pages = 0;
      do {
        Map<String, String> params = cursor == null ? Map.of("limit", "10", "order", order)
            : Map.of("limit", "10", "order", order, "cursor", cursor);
        JsonObject page = query(params);
        ids(page).forEach(id -> assertTrue(seen.add(id), "no record twice: " + id));
        cursor = page.getString("next");
        pages++;
      } while (cursor != null && pages < 10);
      assertEquals(25, seen.size(), order);
      assertEquals(3, pages, order);
    }
    assertNull(query(Map.of("limit", "100")).getString("next"), "no next page after the last");
  }

  @Test
  void badParametersAreNamed() {
    for (Map<String, String> bad : List.of(Map.of("from", "yesterday"), Map.of("limit", "0"), Map.of("order", "up"),
        Map.of("cursor", "!!"), Map.of("level", "LOUD"), Map.of("from", T0.toString(), "to", T0.minusSeconds(1)
            .toString()))) {
      ApiException e = assertThrows(ApiException.class, () -> query(bad));
      assertEquals(400, e.status());
      String name = bad.containsKey("to") ? "'to'" : "'" + bad.keySet().iterator().next() + "'";
      assertTrue(e.getMessage().contains(name), e.getMessage());
    }
  }

  @Test
  void retentionRemovesTheTooOldThenTheOldestPastTheSizeLimit() throws Exception {
    List<JsonObject> records = new ArrayList<>();
    for (int i = 0; i < 100; i++) {
      records.add(record(i, "INFO", "x".repeat(1000)).put("time", T0.plus(Duration.ofMinutes(i)).toString()));
    }
    MongoFixture.await(store.write(records));
    long total = MongoFixture.await(store.totalBytes());
    assertTrue(total > 100_000, "each record counted with its size: " + total);
    // Keep one hour back from T0 + 99 min: records 39..99; then at most a quarter of the full size.
    Retention retention = new Retention(Duration.ofHours(1), total / 4);
    long removed = MongoFixture.await(retention.enforce(store, T0.plus(Duration.ofMinutes(99))));
    JsonArray left = query(Map.of("limit", "1000", "order", "oldest")).getJsonArray("records");
    assertEquals(100 - left.size(), removed);
    assertTrue(MongoFixture.await(store.totalBytes()) <= total / 4);
    assertEquals("r099", left.getJsonObject(left.size() - 1).getString("id"), "the newest kept");
    assertTrue(left.size() >= 24 && left.size() <= 25, "about a quarter left: " + left.size());
    assertTrue(left.getJsonObject(0).getString("id").compareTo("r075") >= 0, "the oldest removed first");
  }
}
