package org.otplatform.compute.kriging;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Map;
import org.otplatform.compute.sdk.Action;
import org.otplatform.compute.sdk.ActionException;
import org.otplatform.compute.sdk.ComputeService;
import org.otplatform.compute.sdk.ServiceContext;

/**
 * The reference compute service: ordinary kriging of scattered 2-D or 3-D samples.
 *
 * <p>Actions: {@code krige} (estimates and kriging variances at query points, with a given or
 * fitted variogram) and {@code fitVariogram} (the fitted model and the empirical semivariogram).
 */
public final class KrigingService {
  /** Largest number of samples one request may carry: the system is O(n³) to factorise. */
  static final int MAX_SAMPLES = 2_000;
  /** Largest number of query points one request may carry. */
  static final int MAX_QUERY = 100_000;
  /**
   * Most work one request may ask for, in multiply-adds: factorising the n×n system (n³/3) and one
   * solve per query point (n² each) — about 4 s on one core here. 2,000 samples with 100,000 query
   * points would be ~4·10¹¹.
   */
  static final long MAX_WORK = 4_000_000_000L;
  /** Lag bins of an empirical semivariogram: at least 2, at most this. */
  static final int MAX_BINS = 1_000;

  private KrigingService() {}

  public static ComputeService create(Map<String, String> env) {
    return ComputeService.create("kriging", env)
        .action(new Action("krige", "ordinary kriging: estimates and variances at query points",
            new JsonObject()
                .put("points", "[[x, y] or [x, y, z], ...] sample locations")
                .put("values", "[number, ...] one per point")
                .put("query", "[[x, y(, z)], ...] where to estimate")
                .put("variogram", "{model: spherical|exponential|gaussian, nugget, sill, range}"
                    + " or {model, fit: true, bins?}; default: fitted spherical"),
            KrigingService::krige))
        .action(new Action("fitVariogram", "fits a variogram model to samples",
            new JsonObject()
                .put("points", "[[x, y(, z)], ...]")
                .put("values", "[number, ...]")
                .put("model", "spherical|exponential|gaussian (default spherical)")
                .put("bins", "number of lag bins, 2 to " + MAX_BINS + " (default 12)"),
            KrigingService::fitVariogram));
  }

  public static void main(String[] args) {
    ComputeService.main(() -> create(System.getenv()));
  }

  static JsonObject krige(JsonObject payload, ServiceContext ctx) {
    double[][] points = points(payload, "points", MAX_SAMPLES);
    double[] values = values(payload, points.length);
    double[][] query = points(payload, "query", MAX_QUERY);
    if (query[0].length != points[0].length) {
      throw ActionException.badPayload("'query' points have " + query[0].length + " coordinates, samples have "
          + points[0].length);
    }
    long n = points.length;
    long work = n * n * n / 3 + query.length * n * n;
    if (work > MAX_WORK) {
      long fits = Math.max(0, (MAX_WORK - n * n * n / 3) / (n * n));
      throw new ActionException("too_much_work", String.format(java.util.Locale.ROOT,
          "%d samples and %d query points need about %.1e operations; one request may take %.1e: "
              + "send at most %d query points with %d samples, or split the grid into several requests",
          n, query.length, (double) work, (double) MAX_WORK, fits, n));
    }
    Variogram variogram = variogram(payload.getJsonObject("variogram", new JsonObject().put("fit", true)),
        points, values);
    OrdinaryKriging kriging;
    try {
      kriging = new OrdinaryKriging(points, values, variogram);
    } catch (IllegalArgumentException e) {
      throw ActionException.badPayload(e.getMessage());
    }
    JsonArray estimates = new JsonArray();
    JsonArray variances = new JsonArray();
    for (int i = 0; i < query.length; i++) {
      if ((i & 63) == 0) {
        ActionException.throwIfCancelled();
      }
      OrdinaryKriging.Estimate e = kriging.estimate(query[i]);
      estimates.add(e.value());
      variances.add(e.variance());
    }
    return new JsonObject().put("estimates", estimates).put("variances", variances)
        .put("variogram", toJson(variogram));
  }

  static JsonObject fitVariogram(JsonObject payload, ServiceContext ctx) {
    double[][] points = points(payload, "points", MAX_SAMPLES);
    double[] values = values(payload, points.length);
    int bins = bins(payload);
    Variogram.Model model = model(payload.getString("model", "spherical"));
    try {
      Variogram fitted = VariogramFitter.fit(points, values, model, bins);
      JsonArray empirical = new JsonArray();
      for (VariogramFitter.Bin b : VariogramFitter.empirical(points, values, bins)) {
        empirical.add(new JsonObject().put("lag", b.lag()).put("semivariance", b.semivariance())
            .put("pairs", b.pairs()));
      }
      return toJson(fitted).put("empirical", empirical);
    } catch (IllegalArgumentException e) {
      throw ActionException.badPayload(e.getMessage());
    }
  }

  private static Variogram variogram(JsonObject json, double[][] points, double[] values) {
    Variogram.Model model = model(json.getString("model", "spherical"));
    try {
      if (json.getBoolean("fit", false)) {
        return VariogramFitter.fit(points, values, model, bins(json));
      }
      return new Variogram(model, number(json, "nugget", 0.0), number(json, "sill", null),
          number(json, "range", null));
    } catch (IllegalArgumentException | ClassCastException e) {
      throw ActionException.badPayload("variogram: " + e.getMessage());
    }
  }

  private static double number(JsonObject json, String field, Double defaultValue) {
    Object v = json.getValue(field);
    if (v instanceof Number n) {
      return n.doubleValue();
    }
    if (v == null && defaultValue != null) {
      return defaultValue;
    }
    throw ActionException.badPayload("variogram field '" + field + "' must be a number");
  }

  private static Variogram.Model model(String name) {
    try {
      return Variogram.Model.parse(name);
    } catch (IllegalArgumentException e) {
      throw ActionException.badPayload(e.getMessage());
    }
  }

  private static int bins(JsonObject payload) {
    Object bins = payload.getValue("bins", 12);
    if (!(bins instanceof Integer b) || b < 2 || b > MAX_BINS) {
      throw ActionException.badPayload("'bins' must be a whole number from 2 to " + MAX_BINS + ", got " + bins);
    }
    return b;
  }

  private static double[][] points(JsonObject payload, String field, int max) {
    Object v = payload.getValue(field);
    if (!(v instanceof JsonArray array) || array.isEmpty()) {
      throw ActionException.badPayload("'" + field + "' must be a non-empty array of coordinate arrays");
    }
    if (array.size() > max) {
      throw ActionException.badPayload("'" + field + "' has " + array.size() + " points; at most " + max);
    }
    double[][] result = new double[array.size()][];
    int dimension = -1;
    for (int i = 0; i < array.size(); i++) {
      if (!(array.getValue(i) instanceof JsonArray p) || (p.size() != 2 && p.size() != 3)) {
        throw ActionException.badPayload("'" + field + "'[" + i + "] must be [x, y] or [x, y, z]");
      }
      if (dimension == -1) {
        dimension = p.size();
      } else if (p.size() != dimension) {
        throw ActionException.badPayload("'" + field + "'[" + i + "] has " + p.size() + " coordinates, the first has "
            + dimension);
      }
      result[i] = coordinates(p, field, i);
    }
    return result;
  }

  private static double[] coordinates(JsonArray p, String field, int i) {
    double[] c = new double[p.size()];
    for (int k = 0; k < p.size(); k++) {
      if (!(p.getValue(k) instanceof Number n) || !Double.isFinite(n.doubleValue())) {
        throw ActionException.badPayload("'" + field + "'[" + i + "] must hold finite numbers");
      }
      c[k] = n.doubleValue();
    }
    return c;
  }

  private static double[] values(JsonObject payload, int expected) {
    Object v = payload.getValue("values");
    if (!(v instanceof JsonArray array) || array.size() != expected) {
      throw ActionException.badPayload("'values' must be an array of " + expected + " numbers, one per point");
    }
    double[] result = new double[expected];
    List<Object> list = array.getList();
    for (int i = 0; i < expected; i++) {
      if (!(list.get(i) instanceof Number n) || !Double.isFinite(n.doubleValue())) {
        throw ActionException.badPayload("'values'[" + i + "] must be a finite number");
      }
      result[i] = n.doubleValue();
    }
    return result;
  }

  static JsonObject toJson(Variogram v) {
    return new JsonObject().put("model", v.model().wireName()).put("nugget", v.nugget()).put("sill", v.sill())
        .put("range", v.range());
  }
}
