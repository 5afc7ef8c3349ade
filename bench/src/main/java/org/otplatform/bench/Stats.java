package org.otplatform.bench;

import java.util.Arrays;
import java.util.List;

/**
 * Median, 99th percentile (nearest rank) and spread of repeated measurements; the median of an
 * even number of values is the mean of the middle two.
 */
public record Stats(double p50, double p99, double mean, double min, double max, int n) {

  public static Stats of(List<Double> samples) {
    double[] v = samples.stream().mapToDouble(Double::doubleValue).sorted().toArray();
    if (v.length == 0) {
      return new Stats(Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN, 0);
    }
    double median = v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
    return new Stats(median, percentile(v, 99), Arrays.stream(v).average().orElse(Double.NaN), v[0],
        v[v.length - 1], v.length);
  }

  static double percentile(double[] sorted, double p) {
    int index = (int) Math.ceil(p / 100.0 * sorted.length) - 1;
    return sorted[Math.max(0, Math.min(sorted.length - 1, index))];
  }
}
