package org.otplatform.lss.k8s;

import io.fabric8.kubernetes.api.model.ContainerStatusBuilder;
import io.fabric8.kubernetes.api.model.EventBuilder;
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
 * story: {@code ok} or any tag not named here (ready), {@code pull-fail} (never pulled),
 * {@code crashloop}, {@code unschedulable} (never scheduled), {@code scale-up} (unschedulable until
 * a node is added 4 s later, then ready), {@code pull-flaky} (the pull fails, then succeeds 1.5 s
 * later), {@code oom} (ready, then OOM-killed), {@code late} (ready after 3 s), {@code slow} (never
 * ready), {@code sdk} (the container runs for real: an SDK echo service in this JVM with the pod's
 * environment, on a loopback address of its own — the pod's IP — and the pod's port, stopped with
 * the pod). Where the story waits or fails, the kubelet (and the scheduler and autoscaler) write the
 * Kubernetes events a cluster would: {@code FailedScheduling}, {@code TriggeredScaleUp},
 * {@code Scheduled}, {@code Failed}, {@code BackOff}, {@code Pulled}. Ready pods get the IP 10.1.2.3. With a {@link PodLogDispatcher}, the containers that run also write a log: a
 * start line, a line with a secret in it (for the logger's masking) and, for {@code oom}, the error.
 */
public final class FakeKubelet implements AutoCloseable {
  private final KubernetesClient client;
  private final String namespace;
  private final ScheduledExecutorService worker = Executors.newSingleThreadScheduledExecutor();
  private final PodLogDispatcher logs;
  private SharedIndexInformer<Pod> informer;
  /** The containers of {@code sdk} pods that run, by pod name. */
  private final java.util.Map<String, org.otplatform.compute.sdk.ComputeService> containers =
      new java.util.concurrent.ConcurrentHashMap<>();
  private final java.util.concurrent.atomic.AtomicInteger addresses = new java.util.concurrent.atomic.AtomicInteger(1);

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
      public void onDelete(Pod pod, boolean unknown) {
        worker.execute(() -> {
          org.otplatform.compute.sdk.ComputeService running = containers.remove(pod.getMetadata().getName());
          if (running != null) {
            running.stop();
          }
        });
      }
    }, 0);
    return this;
  }

  private void run(Pod pod) {
    String image = pod.getSpec().getContainers().get(0).getImage();
    String story = image.substring(image.lastIndexOf(':') + 1);
    String name = pod.getMetadata().getName();
    switch (story) {
      case "slow" -> status(name, p -> new PodBuilder(p).editOrNewStatus().withPhase("Pending").endStatus().build());
      case "pull-fail" -> pullFails(name, image);
      case "pull-flaky" -> {
        pullFails(name, image);
        worker.schedule(() -> {
          event(name, "Pulled", "Successfully pulled image \"" + image + "\" in 1.4s");
          status(name, FakeKubelet::running);
        }, 1500, TimeUnit.MILLISECONDS);
      }
      case "scale-up" -> {
        unschedulable(name);
        worker.schedule(() -> event(name, "TriggeredScaleUp",
            "pod triggered scale-up: [{ot-compute-pool 2->3 (max: 10)}]"), 300, TimeUnit.MILLISECONDS);
        worker.schedule(() -> {
          event(name, "Scheduled", "Successfully assigned " + namespace + "/" + name + " to node-3");
          status(name, FakeKubelet::running);
        }, 4000, TimeUnit.MILLISECONDS);
      }
      case "late" -> {
        status(name, p -> new PodBuilder(p).editOrNewStatus().withPhase("Pending").endStatus().build());
        worker.schedule(() -> status(name, FakeKubelet::running), 3, TimeUnit.SECONDS);
      }
      case "sdk" -> runSdk(pod);
      case "crashloop" -> status(name, p -> waiting(p, "CrashLoopBackOff", "back-off 10s restarting failed container"));
      case "unschedulable" -> unschedulable(name);
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

  /** Runs the pod's container as an SDK echo service on 127.0.0.N, the pod's IP, then marks it ready. */
  private void runSdk(Pod pod) {
    java.util.Map<String, String> env = new java.util.HashMap<>();
    pod.getSpec().getContainers().get(0).getEnv().forEach(e -> env.put(e.getName(), e.getValue()));
    int n = addresses.incrementAndGet();
    String ip = "127.0." + (n / 250) + "." + (n % 250 + 2);
    int port = pod.getSpec().getContainers().get(0).getPorts().get(0).getContainerPort();
    org.otplatform.compute.sdk.ComputeService service = org.otplatform.compute.sdk.ComputeService.create("echo", env)
        .action(new org.otplatform.compute.sdk.Action("echo", "returns the payload", new io.vertx.core.json.JsonObject(),
            (payload, context) -> payload));
    try {
      service.start(ip, port).toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    } catch (Exception e) {
      status(pod.getMetadata().getName(), p -> waiting(p, "CreateContainerError", "cannot start: " + e.getMessage()));
      return;
    }
    containers.put(pod.getMetadata().getName(), service);
    status(pod.getMetadata().getName(), p -> new PodBuilder(running(p)).editStatus().withPodIP(ip).endStatus().build());
  }

  /** How many {@code sdk} containers run now. */
  public int containersRunning() {
    return containers.size();
  }

  private void unschedulable(String name) {
    String why = "0/3 nodes are available: 3 Insufficient memory.";
    status(name, p -> new PodBuilder(p).editOrNewStatus().withPhase("Pending")
        .withConditions(new PodConditionBuilder().withType("PodScheduled").withStatus("False")
            .withReason("Unschedulable").withMessage(why).build())
        .endStatus().build());
    event(name, "FailedScheduling", why);
  }

  private void pullFails(String name, String image) {
    status(name, p -> waiting(p, "ErrImagePull", "rpc error: pull access denied for " + image));
    event(name, "Failed", "Failed to pull image \"" + image + "\": rpc error: pull access denied");
    worker.schedule(() -> {
      status(name, p -> waiting(p, "ImagePullBackOff", "Back-off pulling image"));
      event(name, "BackOff", "Back-off pulling image \"" + image + "\"");
    }, 100, TimeUnit.MILLISECONDS);
  }

  /** A core/v1 event about the pod, as the scheduler, an autoscaler or the kubelet writes it. */
  private void event(String pod, String reason, String message) {
    String type = switch (reason) {
      case "FailedScheduling", "Failed", "BackOff" -> "Warning";
      default -> "Normal";
    };
    try {
      client.v1().events().inNamespace(namespace).resource(new EventBuilder()
          .withNewMetadata().withName(pod + "." + Long.toHexString(System.nanoTime())).withNamespace(namespace)
          .endMetadata()
          .withNewInvolvedObject().withKind("Pod").withName(pod).withNamespace(namespace).endInvolvedObject()
          .withReason(reason).withMessage(message).withType(type).withCount(1).build()).create();
    } catch (RuntimeException e) {
      // The namespace is going away with the test: nothing to report.
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
    containers.values().forEach(org.otplatform.compute.sdk.ComputeService::stop);
    containers.clear();
  }
}
