package org.otplatform.common.catalog;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.otplatform.compute.contract.ComputeContract;

/**
 * One compute service of a session type.
 *
 * @param name unique within its session type; the relay's {@code to}
 * @param command local mode: the command line; {@code ${java}} and {@code ${classpath}} are
 *     replaced by the LSS
 * @param image cluster mode: the container image
 * @param env extra environment for the service
 * @param mandatory whether the session fails when this service cannot start
 * @param startTimeout how long the service may take to become ready
 * @param port cluster mode: the container port the service listens on (default 8080)
 * @param resources cluster mode: CPU/memory {@code requests} and {@code limits}, e.g.
 *     {@code {"requests": {"cpu": "250m", "memory": "256Mi"}, "limits": {...}}}
 * @param restartLimit how often the service is restarted after it died once ready, over the
 *     session's life (OpenTwin's MaxCrashRestarts); one more death fails the session, or ends an
 *     optional service
 * @param readinessPath the HTTP path that answers 200 once the service is ready (default
 *     {@code /health/ready}): probed by the local spawner, the pod's readiness probe in a cluster
 * @param schedulingGrace cluster mode: how long the pod may wait for a node ({@code Unschedulable},
 *     as while a cluster autoscaler adds one) or retry pulling its image ({@code ErrImagePull},
 *     {@code ImagePullBackOff}) before the start fails with the last reason; the start timeout
 *     does not run meanwhile
 * @param placement cluster mode: node selector, tolerations, affinity, pull secrets (from the
 *     profile a session was opened with; {@link Placement#NONE} without one)
 * @param volume the session's project's volume it mounts (its type's {@link Storage}); null: none
 */
public record ServiceSpec(String name, List<String> command, String image, Map<String, String> env,
    boolean mandatory, Duration startTimeout, int port, Resources resources, int restartLimit,
    String readinessPath, Duration schedulingGrace, Placement placement, Storage.ProjectVolume volume) {

  /** A service that mounts no project volume. */
  public ServiceSpec(String name, List<String> command, String image, Map<String, String> env,
      boolean mandatory, Duration startTimeout, int port, Resources resources, int restartLimit,
      String readinessPath, Duration schedulingGrace, Placement placement) {
    this(name, command, image, env, mandatory, startTimeout, port, resources, restartLimit, readinessPath,
        schedulingGrace, placement, null);
  }

  /** The restart limit of a service that does not set one. */
  public static final int DEFAULT_RESTART_LIMIT = 3;
  public static final String DEFAULT_READINESS_PATH = ComputeContract.READY_PATH;
  /**
   * The scheduling grace of a session type that does not set one: long enough for a cluster
   * autoscaler to add a node (typically one to three minutes) or a registry to come back.
   */
  public static final Duration DEFAULT_SCHEDULING_GRACE = Duration.ofMinutes(5);

  /** A mandatory cluster-mode service with the defaults and no restarts (tests, benchmarks). */
  public static ServiceSpec ofImage(String name, String image, Duration startTimeout) {
    return new ServiceSpec(name, List.of(), image, Map.of(), true, startTimeout, 8080, Resources.DEFAULT, 0,
        DEFAULT_READINESS_PATH, DEFAULT_SCHEDULING_GRACE, Placement.NONE);
  }

  /** This service with another scheduling grace. */
  public ServiceSpec withSchedulingGrace(Duration grace) {
    return new ServiceSpec(name, command, image, env, mandatory, startTimeout, port, resources, restartLimit,
        readinessPath, grace, placement, volume);
  }

  /** This service with other resources, environment and placement (a {@link Profile}'s). */
  public ServiceSpec with(Resources newResources, Map<String, String> newEnv, Placement newPlacement) {
    return new ServiceSpec(name, command, image, newEnv, mandatory, startTimeout, port, newResources, restartLimit,
        readinessPath, schedulingGrace, newPlacement, volume);
  }

  /** This service mounting a project's volume. */
  public ServiceSpec withVolume(Storage.ProjectVolume newVolume) {
    return new ServiceSpec(name, command, image, env, mandatory, startTimeout, port, resources, restartLimit,
        readinessPath, schedulingGrace, placement, newVolume);
  }

  /** Kubernetes resource quantities by resource name ({@code cpu}, {@code memory}). */
  public record Resources(Map<String, String> requests, Map<String, String> limits) {
    public static final Resources DEFAULT = new Resources(Map.of("cpu", "100m", "memory", "256Mi"),
        Map.of("cpu", "1", "memory", "512Mi"));
  }
}
