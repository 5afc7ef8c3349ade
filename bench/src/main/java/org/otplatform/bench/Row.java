package org.otplatform.bench;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;

/**
 * One figure of the benchmark table: its value in each repeated run and, beside it, the reference
 * it is compared with, measured in the same run ({@code reference} null when a figure has none).
 *
 * @param section what part of the platform (open, relay, …)
 * @param figure what is measured
 * @param unit the unit of every value
 * @param runs the figure in each run
 * @param reference what it is compared with, or null
 * @param referenceRuns the reference in each run (empty without a reference)
 */
public record Row(String section, String figure, String unit, List<Double> runs, String reference,
    List<Double> referenceRuns) {

  public Row {
    runs = List.copyOf(runs);
    referenceRuns = List.copyOf(referenceRuns);
  }

  /** A figure without a reference. */
  public static Row of(String section, String figure, String unit, List<Double> runs) {
    return new Row(section, figure, unit, runs, null, List.of());
  }

  public Stats value() {
    return Stats.of(runs);
  }

  public Stats referenceValue() {
    return Stats.of(referenceRuns);
  }

  JsonObject toJson() {
    JsonObject json = new JsonObject().put("section", section).put("figure", figure).put("unit", unit)
        .put("value", summary(runs));
    if (reference != null) {
      json.put("reference", summary(referenceRuns).put("name", reference));
    }
    return json;
  }

  private static JsonObject summary(List<Double> values) {
    Stats s = Stats.of(values);
    return new JsonObject().put("median", s.p50()).put("min", s.min()).put("max", s.max())
        .put("runs", new JsonArray(List.copyOf(values)));
  }
}
