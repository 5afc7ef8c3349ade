package org.otplatform.compute.kriging;

/**
 * Ordinary kriging of scattered samples in two or three dimensions.
 *
 * <p>For each query point {@code x0} it solves {@code [Γ 1; 1ᵀ 0] [w; μ] = [γ0; 1]} where
 * {@code Γij = γ(|xi - xj|)} and {@code γ0i = γ(|xi - x0|)}; the estimate is {@code Σ wi zi}
 * and the kriging variance {@code Σ wi γ0i + μ}. The matrix is factorised once and reused for
 * every query point.
 */
public final class OrdinaryKriging {
  private final double[][] points;
  private final double[] values;
  private final Variogram variogram;
  private final Lu lu;

  /**
   * @param points sample coordinates, all of one dimension (2 or 3)
   * @param values sample values, one per point
   * @throws IllegalArgumentException for mismatched sizes, too few samples or duplicate points
   */
  public OrdinaryKriging(double[][] points, double[] values, Variogram variogram) {
    if (points.length != values.length) {
      throw new IllegalArgumentException(points.length + " points but " + values.length + " values");
    }
    if (points.length < 2) {
      throw new IllegalArgumentException("ordinary kriging needs at least 2 samples");
    }
    this.points = points;
    this.values = values;
    this.variogram = variogram;
    int n = points.length;
    double[][] a = new double[n + 1][n + 1];
    for (int i = 0; i < n; i++) {
      for (int j = i + 1; j < n; j++) {
        double g = variogram.gamma(distance(points[i], points[j]));
        a[i][j] = g;
        a[j][i] = g;
      }
      a[i][n] = 1;
      a[n][i] = 1;
    }
    try {
      this.lu = new Lu(a);
    } catch (ArithmeticException e) {
      throw new IllegalArgumentException("kriging system is singular: are two samples at the same location?");
    }
  }

  /** An estimate and its kriging variance. */
  public record Estimate(double value, double variance) {}

  public Estimate estimate(double[] x0) {
    int n = points.length;
    double[] b = new double[n + 1];
    for (int i = 0; i < n; i++) {
      b[i] = variogram.gamma(distance(points[i], x0));
    }
    b[n] = 1;
    double[] w = lu.solve(b);
    double value = 0;
    double variance = w[n];
    for (int i = 0; i < n; i++) {
      value += w[i] * values[i];
      variance += w[i] * b[i];
    }
    // Round-off can push an exact zero slightly below it at a sample point.
    return new Estimate(value, Math.max(0, variance));
  }

  static double distance(double[] p, double[] q) {
    if (p.length != q.length) {
      throw new IllegalArgumentException("points of different dimensions: " + p.length + " and " + q.length);
    }
    double s = 0;
    for (int k = 0; k < p.length; k++) {
      double d = p[k] - q[k];
      s += d * d;
    }
    return Math.sqrt(s);
  }

  /** LU factorisation with partial pivoting of a square matrix. */
  static final class Lu {
    private final double[][] lu;
    private final int[] pivot;

    Lu(double[][] matrix) {
      int n = matrix.length;
      lu = new double[n][];
      for (int i = 0; i < n; i++) {
        lu[i] = matrix[i].clone();
      }
      pivot = new int[n];
      double scale = 0;
      for (double[] row : matrix) {
        for (double v : row) {
          scale = Math.max(scale, Math.abs(v));
        }
      }
      double tiny = 1e-12 * Math.max(scale, 1e-300);
      for (int k = 0; k < n; k++) {
        if ((k & 15) == 0 && Thread.currentThread().isInterrupted()) {
          // Seconds of work for large systems: a cancelled action stops here, not at the end.
          throw new java.util.concurrent.CancellationException("cancelled while factorising");
        }
        int p = k;
        for (int i = k + 1; i < n; i++) {
          if (Math.abs(lu[i][k]) > Math.abs(lu[p][k])) {
            p = i;
          }
        }
        if (Math.abs(lu[p][k]) <= tiny) {
          throw new ArithmeticException("singular matrix");
        }
        double[] tmp = lu[p];
        lu[p] = lu[k];
        lu[k] = tmp;
        pivot[k] = p;
        for (int i = k + 1; i < n; i++) {
          double f = lu[i][k] / lu[k][k];
          lu[i][k] = f;
          for (int j = k + 1; j < n; j++) {
            lu[i][j] -= f * lu[k][j];
          }
        }
      }
    }

    double[] solve(double[] b) {
      int n = lu.length;
      double[] x = b.clone();
      for (int k = 0; k < n; k++) {
        double t = x[pivot[k]];
        x[pivot[k]] = x[k];
        x[k] = t;
      }
      for (int i = 1; i < n; i++) {
        for (int j = 0; j < i; j++) {
          x[i] -= lu[i][j] * x[j];
        }
      }
      for (int i = n - 1; i >= 0; i--) {
        for (int j = i + 1; j < n; j++) {
          x[i] -= lu[i][j] * x[j];
        }
        x[i] /= lu[i][i];
      }
      return x;
    }
  }
}
