package org.otplatform.lss.k8s;

import io.fabric8.kubernetes.api.model.ContainerStateTerminated;
import io.fabric8.kubernetes.api.model.ContainerStateWaiting;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodCondition;
import io.fabric8.kubernetes.api.model.PodStatus;
import java.util.List;
import java.util.Set;

/**
 * What the cluster says about a compute pod, pure: ready (with its endpoint), failed (with exit
 * code and reason — at once for states that never heal by themselves), waiting on something that
 * may still come (a node, its image), or pending.
 */
public sealed interface PodState {
  /** Waiting reasons that mean the container will not start without someone changing something. */
  Set<String> FATAL_WAITING = Set.of("InvalidImageName", "CrashLoopBackOff", "CreateContainerConfigError",
      "CreateContainerError", "ErrImageNeverPull", "RunContainerError");
  /**
   * Waiting reasons that often heal by themselves: a registry briefly away, a pull rate limit, a
   * credential being rotated. The kubelet retries the pull with back-off.
   */
  Set<String> TRANSIENT_WAITING = Set.of("ErrImagePull", "ImagePullBackOff");

  /** Scheduled or starting; nothing to report yet. */
  record Pending() implements PodState {}

  /**
   * Not starting yet for a reason that may pass: no node fits ({@code Unschedulable} — the normal
   * first step on an autoscaled cluster) or the image cannot be pulled yet. The spawner gives it
   * the session type's scheduling grace.
   */
  record Waiting(String reason, boolean forNode) implements PodState {}

  /** Ready at {@code endpoint} (pod IP and container port). */
  record Ready(String endpoint) implements PodState {}

  /**
   * Will not run (again): {@code exitCode} null when the container never ran; {@code badImage} when
   * its image name cannot be used.
   */
  record Failed(Integer exitCode, String reason, boolean badImage) implements PodState {
    Failed(Integer exitCode, String reason) {
      this(exitCode, reason, false);
    }
  }

  /** Fatal waiting reasons about the image. */
  Set<String> IMAGE_WAITING = Set.of("InvalidImageName", "ErrImageNeverPull");

  static PodState of(Pod pod, int port) {
    PodStatus status = pod.getStatus();
    if (status == null) {
      return new Pending();
    }
    for (ContainerStatus c : list(status.getContainerStatuses())) {
      ContainerStateTerminated terminated = c.getState() == null ? null : c.getState().getTerminated();
      if (terminated != null) {
        return new Failed(terminated.getExitCode(), reason(terminated.getReason(), terminated.getMessage(),
            "exited with code " + terminated.getExitCode()));
      }
      ContainerStateWaiting waiting = c.getState() == null ? null : c.getState().getWaiting();
      if (waiting != null && FATAL_WAITING.contains(waiting.getReason())) {
        return new Failed(null, reason(waiting.getReason(), waiting.getMessage(), waiting.getReason()),
            IMAGE_WAITING.contains(waiting.getReason()));
      }
      if (waiting != null && TRANSIENT_WAITING.contains(waiting.getReason())) {
        return new Waiting(reason(waiting.getReason(), waiting.getMessage(), waiting.getReason()), false);
      }
    }
    if ("Failed".equals(status.getPhase()) || "Succeeded".equals(status.getPhase())) {
      return new Failed(null, reason(status.getReason(), status.getMessage(), "pod " + status.getPhase()));
    }
    for (PodCondition condition : list(status.getConditions())) {
      if ("PodScheduled".equals(condition.getType()) && "False".equals(condition.getStatus())
          && "Unschedulable".equals(condition.getReason())) {
        return new Waiting(reason("Unschedulable", condition.getMessage(), "Unschedulable"), true);
      }
    }
    boolean ready = list(status.getConditions()).stream()
        .anyMatch(c -> "Ready".equals(c.getType()) && "True".equals(c.getStatus()));
    if (ready && status.getPodIP() != null && !status.getPodIP().isBlank()) {
      return new Ready(status.getPodIP() + ":" + port);
    }
    return new Pending();
  }

  /** Whether a container of the pod has run (is running or has terminated), so it has a log. */
  static boolean started(Pod pod) {
    PodStatus status = pod.getStatus();
    return status != null && list(status.getContainerStatuses()).stream()
        .anyMatch(c -> c.getState() != null && (c.getState().getRunning() != null || c.getState().getTerminated() != null));
  }

  private static String reason(String reason, String message, String fallback) {
    if (reason == null || reason.isBlank()) {
      return fallback;
    }
    return message == null || message.isBlank() ? reason : reason + ": " + message;
  }

  private static <T> List<T> list(List<T> values) {
    return values == null ? List.of() : values;
  }
}
