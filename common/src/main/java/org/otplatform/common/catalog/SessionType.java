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
 * @param warm how many ready, unassigned instances of each service an LSS of its pool keeps, so
 *     that an open need not wait for a start ({@code warm}, default 0); for the default profile
 *     when the type has profiles (each may set its own)
 */
public record SessionType(String name, int maxOpenPerProject, List<ServiceSpec> services, Duration openTimeout,
    Duration idleTimeout, Map<String, Profile> profiles, String defaultProfile, Storage storage, String pool,
    int warm) {

  public SessionType {
    services = List.copyOf(services);
    profiles = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(profiles));
    pool = Pools.orDefault(pool);
  }

  /** The pool a session under {@code profileName} (null: the default profile) needs: the profile's, else the type's. */
  public String poolFor(String profileName) {
    return profile(profileName).map(Profile::pool).orElse(pool);
  }

  /** How many warm instances a session under {@code profileName} (null: the default profile) has kept for it. */
  public int warmFor(String profileName) {
    Optional<Profile> chosen = profile(profileName);
    if (chosen.isEmpty()) {
      return profiles.isEmpty() ? warm : 0;
    }
    Profile p = chosen.get();
    return p.warm() != null ? p.warm() : p.name().equals(defaultProfile) ? warm : 0;
  }

  /**
   * The profiles (a null key: the type without profiles) whose sessions have warm instances kept,
   * with how many of each service.
   */
  public Map<String, Integer> warmProfiles() {
    Map<String, Integer> result = new java.util.LinkedHashMap<>();
    if (profiles.isEmpty()) {
      if (warm > 0) {
        result.put(null, warm);
      }
      return result;
    }
    profiles.keySet().forEach(p -> {
      if (warmFor(p) > 0) {
        result.put(p, warmFor(p));
      }
    });
    return result;
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
