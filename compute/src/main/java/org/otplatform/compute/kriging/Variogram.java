package org.otplatform.compute.kriging;

import java.util.Locale;

/**
 * A bounded variogram model: {@code γ(0) = 0}, {@code γ(h) = nugget + (sill - nugget) f(h/range)}.
 *
 * <p>{@code range} is the practical range: spherical reaches the sill at {@code range};
 * exponential ({@code 1 - e^(-3h/a)}) and gaussian ({@code 1 - e^(-3h²/a²)}) reach 95 % of it
 * there, the convention of GSLIB and Isaaks &amp; Srivastava.
 */
public record Variogram(Model model, double nugget, double sill, double range) {

  /** The shape of the variogram. */
  public enum Model {
    SPHERICAL, EXPONENTIAL, GAUSSIAN;

    /** The normalised shape {@code f(h)} in [0, 1] for a range {@code a}. */
    double shape(double h, double a) {
      double r = h / a;
      return switch (this) {
        case SPHERICAL -> r >= 1 ? 1 : 1.5 * r - 0.5 * r * r * r;
        case EXPONENTIAL -> 1 - Math.exp(-3 * r);
        case GAUSSIAN -> 1 - Math.exp(-3 * r * r);
      };
    }

    public static Model parse(String name) {
      try {
        return valueOf(name.toUpperCase(Locale.ROOT));
      } catch (IllegalArgumentException | NullPointerException e) {
        throw new IllegalArgumentException("variogram model must be spherical, exponential or gaussian, got '"
            + name + "'");
      }
    }

    public String wireName() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  public Variogram {
    if (!(nugget >= 0) || !(sill >= nugget) || !(range > 0)
        || !Double.isFinite(sill) || !Double.isFinite(range)) {
      throw new IllegalArgumentException(
          "variogram needs 0 <= nugget <= sill and range > 0, got nugget=" + nugget + " sill=" + sill
              + " range=" + range);
    }
  }

  /** Semivariance at lag {@code h}. */
  public double gamma(double h) {
    if (h == 0) {
      return 0;
    }
    return nugget + (sill - nugget) * model.shape(h, range);
  }
}
