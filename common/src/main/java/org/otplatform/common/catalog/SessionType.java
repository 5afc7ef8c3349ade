package org.otplatform.common.catalog;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A kind of session a front end can open, and the compute services it runs.
 *
 * @param maxOpenPerProject how many sessions of this type one project may have open at once
 * @param openTimeout how long a session may stay OPENING before the GSS fails it, whatever the LSS
 *     does ({@code openTimeoutSeconds}; default: the longest service start timeout plus 30 s)
 * @param idleTimeout how long a READY session may go without front-end activity (as the relay
 *     reports it) before the GSS closes it with reason {@code idle} ({@code idleTimeoutSeconds};
 *     default one hour; 0 never)
 * @param profiles the variants a user may pick when opening, by name, in the catalog's order
 *     (empty: none, the services as they are)
 * @param defaultProfile the profile of an open that names none ({@code defaultProfile}, else the
 *     first listed); null when there are none
 * @param storage the volume each project keeps for this type's sessions ({@code storage}); null: none
 * @param pool the LSS pool its sessions need ({@code pool}, default {@link Pools#DEFAULT}); a
 *     profile may name another
 */
public record SessionType(String name, int maxOpenPerProject, List<ServiceSpec> services, Duration openTimeout,
    Duration idleTimeout, Map<String, Profile> profiles, String defaultProfile, Storage storage, String pool) {

  public SessionType {
    services = List.copyOf(services);
    profiles = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(profiles));
    pool = Pools.orDefault(pool);
  }

  /** The pool a session under {@code profileName} (null: the default profile) needs: the profile's, else the type's. */
  public String poolFor(String profileName) {
    return profile(profileName).map(Profile::pool).orElse(pool);
  }

  /** The idle timeout of a type that does not set one. */
  public static final Duration DEFAULT_IDLE_TIMEOUT = Duration.ofHours(1);

  /** The profile by name, or the default for null; empty when the name is unknown (or there are none). */
  public Optional<Profile> profile(String name) {
    return Optional.ofNullable(profiles.get(name == null ? defaultProfile : name));
  }

  /**
   * The type's services as they run under {@code profileName} (null: the default profile); the
   * services as listed when the type has no profiles or the profile is unknown.
   */
  public List<ServiceSpec> servicesFor(String profileName) {
    return profile(profileName).map(p -> services.stream().map(p::applyTo).toList()).orElse(services);
  }

  /**
   * The services of a session of the project of id {@code project} under {@code profileName}: as
   * {@link #servicesFor(String)}, each mounting the project's volume when the type has storage.
   */
  public List<ServiceSpec> servicesFor(String project, String profileName) {
    List<ServiceSpec> specs = servicesFor(profileName);
    return storage == null || project == null ? specs
        : specs.stream().map(s -> s.withVolume(storage.of(project))).toList();
  }

  /** Whether idle sessions of this type are closed at all. */
  public boolean culledWhenIdle() {
    return !idleTimeout.isZero();
  }
}
