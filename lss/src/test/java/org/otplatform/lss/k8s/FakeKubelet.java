package org.otplatform.lss.k8s;

import io.fabric8.kubernetes.api.model.ContainerStatusBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodConditionBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;

/**
 * A test-side kubelet for the fabric8 API mock, which stores pods but runs nothing: it moves each
 * new pod through its phases by writing the status, as a node would. The image's tag picks the
 * story: {@code ok} or any tag not named here (ready), {@code pull-fail}, {@code crashloop}, {@code unschedulable}, {@code oom}
 * (ready, then OOM-killed), {@code late} (ready after 3 s), {@code slow} (never ready). Ready pods get
 * the IP 10.1.2.3. With a {@link PodLogDispatcher}, the containers that run also write a log: a
 * start line, a line with a secret in it (for the logger's masking) and, for {@code oom}, the error.
 */
public final class FakeKubelet implements AutoCloseable {
  private final KubernetesClient client;
  private final String namespace;
  private final ScheduledExecutorService worker = Executors.newSingleThreadScheduledExecutor();
  private final PodLogDispatcher logs;
  private SharedIndexInformer<Pod> informer;

  public FakeKubelet(KubernetesClient client, String namespace) {
    this(client, namespace, null);
  }

  public FakeKubelet(KubernetesClient client, String namespace, PodLogDispatcher logs) {
    this.client = client;
    this.namespace = namespace;
    this.logs = logs;
  }

  public FakeKubelet start() {
    informer = client.pods().inNamespace(namespace).inform(new ResourceEventHandler<>() {
      @Override
      public void onAdd(Pod pod) {
        // Never block the informer's thread with API calls.
        worker.execute(() -> run(pod));
      }

      @Override
      public void onUpdate(Pod old, Pod pod) {}

      @Override
      public void onDelete(Pod pod, boolean unknown) {}
    }, 0);
    return this;
  }

  private void run(Pod pod) {
    String image = pod.getSpec().getContainers().get(0).getImage();
    String story = image.substring(image.lastIndexOf(':') + 1);
    String name = pod.getMetadata().getName();
    switch (story) {
      case "slow" -> status(name, p -> new PodBuilder(p).editOrNewStatus().withPhase("Pending").endStatus().build());
      case "pull-fail" -> {
        status(name, p -> waiting(p, "ErrImagePull", "rpc error: pull access denied for " + image));
        worker.schedule(() -> status(name, p -> waiting(p, "ImagePullBackOff", "Back-off pulling image")), 100,
            TimeUnit.MILLISECONDS);
      }
      case "late" -> {
        status(name, p -> new PodBuilder(p).editOrNewStatus().withPhase("Pending").endStatus().build());
        worker.schedule(() -> status(name, FakeKubelet::running), 3, TimeUnit.SECONDS);
      }
      case "crashloop" -> status(name, p -> waiting(p, "CrashLoopBackOff", "back-off 10s restarting failed container"));
      case "unschedulable" -> status(name, p -> new PodBuilder(p).editOrNewStatus().withPhase("Pending")
          .withConditions(new PodConditionBuilder().withType("PodScheduled").withStatus("False")
              .withReason("Unschedulable").withMessage("0/3 nodes are available: 3 Insufficient memory.").build())
          .endStatus().build());
      case "oom" -> {
        log(name, "compute service " + name + " starting");
        status(name, FakeKubelet::running);
        worker.schedule(() -> log(name, "java.lang.OutOfMemoryError: Java heap space"), 250, TimeUnit.MILLISECONDS);
        worker.schedule(() -> status(name, p -> new PodBuilder(p).editOrNewStatus().withPhase("Failed")
            .withConditions(new PodConditionBuilder().withType("Ready").withStatus("False").build())
            .withContainerStatuses(new ContainerStatusBuilder().withName(p.getSpec().getContainers().get(0).getName())
                .withReady(false).withNewState().withNewTerminated().withExitCode(137).withReason("OOMKilled")
                .endTerminated().endState().build())
            .endStatus().build()), 300, TimeUnit.MILLISECONDS);
      }
      default -> {
        log(name, "compute service " + name + " starting");
        log(name, "connecting to the model store with password=hunter2");
        status(name, FakeKubelet::running);
        worker.schedule(() -> log(name, "listening on 8080"), 200, TimeUnit.MILLISECONDS);
      }
    }
  }

  private void log(String pod, String text) {
    if (logs != null) {
      logs.write(pod, text);
    }
  }

  private void status(String name, UnaryOperator<Pod> change) {
    try {
      client.pods().inNamespace(namespace).withName(name).editStatus(change);
    } catch (RuntimeException e) {
      // The pod was deleted meanwhile: nothing to report for it.
    }
  }

  static Pod running(Pod p) {
    return new PodBuilder(p).editOrNewStatus().withPhase("Running").withPodIP("10.1.2.3")
        .withConditions(
            new PodConditionBuilder().withType("PodScheduled").withStatus("True").build(),
            new PodConditionBuilder().withType("Ready").withStatus("True").build())
        .withContainerStatuses(new ContainerStatusBuilder().withName(p.getSpec().getContainers().get(0).getName())
            .withReady(true).withNewState().withNewRunning().endRunning().endState().build())
        .endStatus().build();
  }

  static Pod waiting(Pod p, String reason, String message) {
    return new PodBuilder(p).editOrNewStatus().withPhase("Pending")
        .withContainerStatuses(new ContainerStatusBuilder().withName(p.getSpec().getContainers().get(0).getName())
            .withReady(false).withNewState().withNewWaiting().withReason(reason).withMessage(message).endWaiting()
            .endState().build())
        .endStatus().build();
  }

  @Override
  public void close() {
    if (informer != null) {
      informer.stop();
    }
    worker.shutdownNow();
  }
}
