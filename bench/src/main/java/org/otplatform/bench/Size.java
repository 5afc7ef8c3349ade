package org.otplatform.bench;

import java.time.Duration;
import java.util.Map;

/**
 * How much each section measures. {@code full} gives the figures that are reported; {@code tiny}
 * runs every section once with small counts and short windows, in a few minutes for all of them —
 * a check that the benchmark still works (CI runs it), not figures to quote. An {@code OT_BENCH_*}
 * variable overrides one count at either size.
 */
final class Size {
  private final boolean tiny;
  private final Map<String, String> env;

  private Size(boolean tiny, Map<String, String> env) {
    this.tiny = tiny;
    this.env = env;
  }

  /** {@code full} or {@code tiny}; anything else is refused. */
  static Size of(String name, Map<String, String> env) {
    return switch (name) {
      case "full" -> new Size(false, env);
      case "tiny" -> new Size(true, env);
      default -> throw new IllegalArgumentException("--size must be full or tiny, got '" + name + "'");
    };
  }

  boolean tiny() {
    return tiny;
  }

  /** Repetitions of one measurement: {@code full} at full size, once at tiny. */
  int runs(int full) {
    return tiny ? 1 : full;
  }

  /** A measuring window: {@code full}, or half a second at tiny. */
  Duration window(Duration full) {
    return tiny ? Duration.ofMillis(500) : full;
  }

  /** Whole seconds of a measuring window: {@code full}, or 1 at tiny. */
  int seconds(int full) {
    return tiny ? 1 : full;
  }

  /** A count: {@code variable} when set, else {@code full} or {@code tinyValue}. */
  int count(String variable, int full, int tinyValue) {
    String set = env.get(variable);
    if (set != null) {
      try {
        return Integer.parseInt(set.trim());
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException(variable + " must be a whole number, got '" + set + "'");
      }
    }
    return tiny ? tinyValue : full;
  }
}
