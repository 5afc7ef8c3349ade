package org.otplatform.common.catalog;

import java.util.List;

/**
 * LSS pools: an LSS serves one ({@code OT_LSS_POOL}), a session type or one of its profiles names
 * the pool its sessions need ({@code pool}), and opens reach only LSS instances of that pool — a
 * cluster, a GPU host, a user's own workstation behind one GSS.
 */
public final class Pools {
  /** The pool of an LSS, type or profile that names none. */
  public static final String DEFAULT = "default";
  /** A pool's name: short, lower case, usable in a consumer group's name. */
  public static final String NAME = "[a-z0-9]([a-z0-9-]{0,30}[a-z0-9])?";

  private Pools() {}

  /** {@code pool} as given, {@link #DEFAULT} for null. */
  public static String orDefault(String pool) {
    return pool == null ? DEFAULT : pool;
  }

  /** Whether {@code pool} is a pool's name. */
  public static boolean valid(String pool) {
    return pool != null && pool.matches(NAME);
  }

  /** The LSS consumer group of session commands for {@code pool}: {@code lss}, or {@code lss-<pool>}. */
  public static String commandGroup(String pool) {
    return DEFAULT.equals(orDefault(pool)) ? "lss" : "lss-" + pool;
  }

  /** Reads an optional {@code pool} field; a problem is named with {@code where}. */
  static String parse(Object value, String where, List<String> problems) {
    if (value == null) {
      return null;
    }
    if (!(value instanceof String s) || !valid(s)) {
      problems.add(where + ": pool must match " + NAME + ", got '" + value + "'");
      return null;
    }
    return s;
  }
}
