package org.otplatform.compute.kriging;

import java.util.ArrayList;
import java.util.List;

/**
 * Fits a variogram model to samples: an empirical semivariogram in equal-width lag bins up to half
 * the largest distance, then weighted least squares (weights: pairs per bin). For each candidate
 * range the model is linear in nugget and partial sill, so those are solved exactly (kept
 * non-negative); the range with the smallest weighted error wins.
 */
public final class VariogramFitter {
  private static final int RANGE_CANDIDATES = 200;

  private VariogramFitter() {}

  /** One bin of the empirical semivariogram. */
  public record Bin(double lag, double semivariance, int pairs) {}

  public static List<Bin> empirical(double[][] points, double[] values, int bins) {
    if (bins < 2) {
      throw new IllegalArgumentException("need at least 2 lag bins");
    }
    int n = points.length;
    double maxDistance = 0;
    for (int i = 0; i < n; i++) {
      for (int j = i + 1; j < n; j++) {
        maxDistance = Math.max(maxDistance, OrdinaryKriging.distance(points[i], points[j]));
      }
    }
    double cutoff = maxDistance / 2;
    double width = cutoff / bins;
    double[] lagSum = new double[bins];
    double[] gammaSum = new double[bins];
    int[] count = new int[bins];
    for (int i = 0; i < n; i++) {
      for (int j = i + 1; j < n; j++) {
        double h = OrdinaryKriging.distance(points[i], points[j]);
        if (h > cutoff || h == 0) {
          continue;
        }
        int b = Math.min(bins - 1, (int) (h / width));
        double d = values[i] - values[j];
        lagSum[b] += h;
        gammaSum[b] += 0.5 * d * d;
        count[b]++;
      }
    }
    List<Bin> result = new ArrayList<>();
    for (int b = 0; b < bins; b++) {
      if (count[b] > 0) {
        result.add(new Bin(lagSum[b] / count[b], gammaSum[b] / count[b], count[b]));
      }
    }
    return result;
  }

  public static Variogram fit(double[][] points, double[] values, Variogram.Model model, int bins) {
    List<Bin> empirical = empirical(points, values, bins);
    if (empirical.size() < 2) {
      throw new IllegalArgumentException("too few sample pairs to fit a variogram; give one instead");
    }
    double maxLag = empirical.get(empirical.size() - 1).lag();
    double minLag = empirical.get(0).lag();
    Variogram best = null;
    double bestError = Double.POSITIVE_INFINITY;
    for (int k = 0; k < RANGE_CANDIDATES; k++) {
      double range = minLag + (2 * maxLag - minLag) * (k + 1) / RANGE_CANDIDATES;
      double[] fit = solveNuggetAndPartialSill(empirical, model, range);
      Variogram candidate = new Variogram(model, fit[0], fit[0] + fit[1], range);
      double error = weightedError(empirical, candidate);
      if (error < bestError) {
        bestError = error;
        best = candidate;
      }
    }
    return best;
  }

  /** Weighted least squares for γ = c0 + c·f(h), with c0, c ≥ 0. */
  private static double[] solveNuggetAndPartialSill(List<Bin> bins, Variogram.Model model, double range) {
    double sw = 0;
    double swf = 0;
    double swff = 0;
    double swg = 0;
    double swfg = 0;
    for (Bin b : bins) {
      double w = b.pairs();
      double f = model.shape(b.lag(), range);
      sw += w;
      swf += w * f;
      swff += w * f * f;
      swg += w * b.semivariance();
      swfg += w * f * b.semivariance();
    }
    double det = sw * swff - swf * swf;
    double c0 = det == 0 ? 0 : (swg * swff - swf * swfg) / det;
    double c = det == 0 ? 0 : (sw * swfg - swf * swg) / det;
    if (c0 < 0) {
      c0 = 0;
      c = swff == 0 ? 0 : swfg / swff;
    }
    if (c < 0) {
      c = 0;
      c0 = swg / sw;
    }
    if (c == 0 && c0 == 0) {
      c = 1e-12;
    }
    return new double[] {c0, c};
  }

  private static double weightedError(List<Bin> bins, Variogram v) {
    double e = 0;
    for (Bin b : bins) {
      double d = v.gamma(b.lag()) - b.semivariance();
      e += b.pairs() * d * d;
    }
    return e;
  }
}
