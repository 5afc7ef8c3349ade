package org.otplatform.compute.kriging;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.otplatform.compute.kriging.Variogram.Model;

/**
 * Checks ordinary kriging against values computed independently: by hand for a symmetric case,
 * and by numpy's dense solver ({@code src/test/resources/kriging/reference.py}) for the rest.
 */
class OrdinaryKrigingTest {
  private static final double[][] PTS2 = {{0, 0}, {10, 0}, {0, 10}, {10, 10}, {5, 5}, {2, 7}, {8, 3}};
  private static final double[] VALS2 = {1.0, 3.0, 2.0, 5.0, 3.5, 2.2, 3.9};
  private static final double[][] Q2 = {{5, 0}, {1, 1}, {7.5, 7.5}, {20, 20}};
  private static final double[][] PTS3 = {{0, 0, 0}, {4, 0, 1}, {0, 4, 2}, {4, 4, 3}, {2, 2, 5}};
  private static final double[] VALS3 = {10.0, 12.0, 11.0, 15.0, 13.0};
  private static final double[][] Q3 = {{2, 2, 2}, {1, 3, 1}};

  @Test
  void symmetricMidpointByHand() {
    // Two samples at x=0 and x=2, query at x=1: weights 1/2 each, μ = γ(1) - γ(2)/2,
    // so σ² = 2γ(1) - γ(2)/2. Spherical, sill 1, range 10: γ(1)=0.1495, γ(2)=0.296.
    Variogram v = new Variogram(Model.SPHERICAL, 0, 1, 10);
    OrdinaryKriging k = new OrdinaryKriging(new double[][] {{0, 0}, {2, 0}}, new double[] {1, 3}, v);
    OrdinaryKriging.Estimate e = k.estimate(new double[] {1, 0});
    assertEquals(2.0, e.value(), 1e-12);
    assertEquals(2 * 0.1495 - 0.296 / 2, e.variance(), 1e-12);
  }

  @Test
  void matchesNumpyReferenceSpherical2d() {
    check(PTS2, VALS2, Q2, new Variogram(Model.SPHERICAL, 0.1, 2.0, 12.0), new double[][] {
        {2.511112586349, 1.234454875268}, {1.467835849982, 0.705518560498},
        {4.263992563701, 0.964102291778}, {2.807382210575, 2.522177666409}});
  }

  @Test
  void matchesNumpyReferenceExponential2d() {
    check(PTS2, VALS2, Q2, new Variogram(Model.EXPONENTIAL, 0.0, 1.5, 8.0), new double[][] {
        {2.835766439656, 1.457006339192}, {1.816604152972, 0.992072796781},
        {3.600696507718, 1.324937842075}, {2.912537582207, 1.806769320650}});
  }

  @Test
  void matchesNumpyReferenceGaussian2d() {
    check(PTS2, VALS2, Q2, new Variogram(Model.GAUSSIAN, 0.05, 1.0, 9.0), new double[][] {
        {2.585713355523, 0.613612044344}, {1.284927670003, 0.193010182432},
        {4.505900197574, 0.362224857136}, {2.839389962295, 1.248292209018}});
  }

  @Test
  void matchesNumpyReferenceSpherical3d() {
    check(PTS3, VALS3, Q3, new Variogram(Model.SPHERICAL, 0.0, 4.0, 10.0), new double[][] {
        {12.145591896251, 1.451170514404}, {11.391241641340, 1.375084181645}});
  }

  @Test
  void interpolatesExactlyAtSamplesWithoutNugget() {
    OrdinaryKriging k = new OrdinaryKriging(PTS2, VALS2, new Variogram(Model.EXPONENTIAL, 0, 1.5, 8));
    for (int i = 0; i < PTS2.length; i++) {
      OrdinaryKriging.Estimate e = k.estimate(PTS2[i]);
      assertEquals(VALS2[i], e.value(), 1e-9);
      assertEquals(0.0, e.variance(), 1e-9);
    }
  }

  @Test
  void duplicateSampleLocationsAreRejected() {
    assertThrows(IllegalArgumentException.class, () -> new OrdinaryKriging(
        new double[][] {{1, 1}, {1, 1}, {2, 2}}, new double[] {1, 2, 3}, new Variogram(Model.SPHERICAL, 0, 1, 5)));
  }

  @Test
  void invalidVariogramIsRejected() {
    assertThrows(IllegalArgumentException.class, () -> new Variogram(Model.SPHERICAL, 2, 1, 5));
    assertThrows(IllegalArgumentException.class, () -> new Variogram(Model.GAUSSIAN, 0, 1, 0));
  }

  @Test
  void fitRecoversTheModelOfSyntheticData() {
    // Values on a regular grid from a smooth trend: the fitted gaussian model (smooth data, parabolic near 0) must be increasing
    // over the data's lags, have a non-negative nugget and explain the empirical points closely.
    int n = 15;
    double[][] pts = new double[n * n][];
    double[] vals = new double[n * n];
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < n; j++) {
        pts[i * n + j] = new double[] {i, j};
        vals[i * n + j] = Math.sin(i / 3.0) + Math.cos(j / 4.0);
      }
    }
    Variogram fitted = VariogramFitter.fit(pts, vals, Model.GAUSSIAN, 10);
    assertTrue(fitted.nugget() >= 0);
    assertTrue(fitted.sill() > fitted.nugget());
    assertTrue(fitted.gamma(1) < fitted.gamma(5));
    for (VariogramFitter.Bin b : VariogramFitter.empirical(pts, vals, 10)) {
      assertEquals(b.semivariance(), fitted.gamma(b.lag()), 0.25 * Math.max(b.semivariance(), 0.05),
          "fit at lag " + b.lag());
    }
  }

  private static void check(double[][] pts, double[] vals, double[][] query, Variogram v, double[][] expected) {
    OrdinaryKriging k = new OrdinaryKriging(pts, vals, v);
    for (int i = 0; i < query.length; i++) {
      OrdinaryKriging.Estimate e = k.estimate(query[i]);
      assertEquals(expected[i][0], e.value(), 1e-9, "estimate at query " + i);
      assertEquals(expected[i][1], e.variance(), 1e-9, "variance at query " + i);
    }
  }
}
