package org.otplatform.common.catalog;

import java.time.Duration;
import java.util.List;

/**
 * A kind of session a front end can open, and the compute services it runs.
 *
 * @param maxOpenPerProject how many sessions of this type one project may have open at once
 * @param openTimeout how long a session may stay OPENING before the GSS fails it, whatever the LSS
 *     does ({@code openTimeoutSeconds}; default: the longest service start timeout plus 30 s)
 * @param idleTimeout how long a READY session may go without front-end activity (as the relay
 *     reports it) before the GSS closes it with reason {@code idle} ({@code idleTimeoutSeconds};
 *     default one hour; 0 never)
 */
public record SessionType(String name, int maxOpenPerProject, List<ServiceSpec> services, Duration openTimeout,
    Duration idleTimeout) {

  /** The idle timeout of a type that does not set one. */
  public static final Duration DEFAULT_IDLE_TIMEOUT = Duration.ofHours(1);

  /** Whether idle sessions of this type are closed at all. */
  public boolean culledWhenIdle() {
    return !idleTimeout.isZero();
  }
}
