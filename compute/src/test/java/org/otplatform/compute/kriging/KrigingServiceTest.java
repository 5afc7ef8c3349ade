package org.otplatform.compute.kriging;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.otplatform.compute.sdk.ActionException;

class KrigingServiceTest {
  private static final JsonArray POINTS = new JsonArray("[[0,0],[10,0],[0,10],[10,10],[5,5],[2,7],[8,3]]");
  private static final JsonArray VALUES = new JsonArray("[1.0,3.0,2.0,5.0,3.5,2.2,3.9]");

  @Test
  void krigeWithGivenVariogramMatchesReference() {
    JsonObject result = KrigingService.krige(new JsonObject()
        .put("points", POINTS).put("values", VALUES).put("query", new JsonArray("[[5,0]]"))
        .put("variogram", new JsonObject().put("model", "spherical").put("nugget", 0.1).put("sill", 2.0)
            .put("range", 12.0)), null);
    assertEquals(2.511112586349, result.getJsonArray("estimates").getDouble(0), 1e-9);
    assertEquals(1.234454875268, result.getJsonArray("variances").getDouble(0), 1e-9);
    assertEquals("spherical", result.getJsonObject("variogram").getString("model"));
  }

  @Test
  void krigeFitsAVariogramByDefault() {
    JsonObject result = KrigingService.krige(new JsonObject()
        .put("points", POINTS).put("values", VALUES).put("query", new JsonArray("[[5,0],[1,1]]")), null);
    assertEquals(2, result.getJsonArray("estimates").size());
    assertTrue(result.getJsonObject("variogram").getDouble("range") > 0);
  }

  @Test
  void aRequestAskingForTooMuchWorkIsRefusedWithWhatWouldFit() {
    JsonArray samples = new JsonArray();
    JsonArray values = new JsonArray();
    for (int i = 0; i < 2_000; i++) {
      samples.add(new JsonArray().add(i % 50).add(i / 50));
      values.add(i % 7);
    }
    JsonArray grid = new JsonArray();
    for (int i = 0; i < 100_000; i++) {
      grid.add(new JsonArray().add(i % 300 / 6.0).add(i / 300 / 8.0));
    }
    ActionException e = assertThrows(ActionException.class, () -> KrigingService.krige(new JsonObject()
        .put("points", samples).put("values", values).put("query", grid), null));
    assertEquals("too_much_work", e.code());
    assertTrue(e.getMessage().contains("at most 333 query points with 2000 samples"), e.getMessage());
  }

  @Test
  void binsAreBounded() {
    for (Object bins : new Object[] {1, 1_001, 2_000_000_000, 12.5, "12"}) {
      ActionException e = assertThrows(ActionException.class, () -> KrigingService.fitVariogram(new JsonObject()
          .put("points", POINTS).put("values", VALUES).put("bins", bins), null));
      assertTrue(e.getMessage().contains("'bins'"), e.getMessage());
    }
  }

  @Test
  void badPayloadsNameTheProblem() {
    ActionException e = assertThrows(ActionException.class,
        () -> KrigingService.krige(new JsonObject().put("values", VALUES), null));
    assertTrue(e.getMessage().contains("'points'"), e.getMessage());
    e = assertThrows(ActionException.class, () -> KrigingService.krige(new JsonObject()
        .put("points", POINTS).put("values", new JsonArray("[1,2]")).put("query", new JsonArray("[[1,1]]")), null));
    assertTrue(e.getMessage().contains("'values'"), e.getMessage());
    e = assertThrows(ActionException.class, () -> KrigingService.krige(new JsonObject()
        .put("points", POINTS).put("values", VALUES).put("query", new JsonArray("[[1,1,1]]")), null));
    assertTrue(e.getMessage().contains("coordinates"), e.getMessage());
    e = assertThrows(ActionException.class, () -> KrigingService.krige(new JsonObject()
        .put("points", POINTS).put("values", VALUES).put("query", new JsonArray("[[1,1]]"))
        .put("variogram", new JsonObject().put("model", "cubic").put("sill", 1).put("range", 1)), null));
    assertTrue(e.getMessage().contains("spherical"), e.getMessage());
  }
}
