package org.otplatform.lss.k8s;

import io.fabric8.kubernetes.api.model.Affinity;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.LocalObjectReference;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceRequirementsBuilder;
import io.fabric8.kubernetes.api.model.Toleration;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.otplatform.common.catalog.Placement;
import org.otplatform.common.catalog.ServiceSpec;
import org.otplatform.common.catalog.Storage;
import org.otplatform.compute.contract.ComputeContract;

/**
 * The desired pod of one compute service: pure, no I/O. Its name is a function of session and
 * service, so handling the same open twice cannot create a second pod; labels tie it to its
 * session, service and owning LSS; it runs non-root with a read-only root file system, no
 * privilege escalation and no capabilities, has resources, probes, and a deadline as a backstop.
 */
public final class PodModel {
  public static final String MANAGED_BY = "app.kubernetes.io/managed-by";
  public static final String MANAGER = "ot-lss";
  public static final String SESSION = "ot-platform.org/session";
  public static final String SERVICE = "ot-platform.org/service";
  public static final String LSS = "ot-platform.org/lss";
  /** Label of a warm pod (no session yet): the hash of what it runs, so that a claim takes only an equal one. */
  public static final String WARM = "ot-platform.org/warm";
  /** Label of a warm pod: the LSS pool that keeps it. */
  public static final String POOL = "ot-platform.org/pool";
  /** Annotation: which restart of its service the pod is (0: the first start). */
  public static final String ATTEMPT = "ot-platform.org/attempt";
  private static final int MAX_NAME = 63;
  /** The group of the platform's images' user (deploy/images): a project volume is made writable for it. */
  static final long IMAGE_GROUP = 10001;

  private PodModel() {}

  /**
   * What the pod is for, and where it goes.
   *
   * @param tlsSecret a Secret with {@code tls.crt}, {@code tls.key} and {@code ca.crt} to mount, so
   *     that the compute service serves TLS to the relay; null: plain text
   */
  public record Target(String namespace, String lssId, long activeDeadlineSeconds, String tlsSecret, String pool) {
    public Target(String namespace, String lssId, long activeDeadlineSeconds) {
      this(namespace, lssId, activeDeadlineSeconds, null);
    }

    public Target(String namespace, String lssId, long activeDeadlineSeconds, String tlsSecret) {
      this(namespace, lssId, activeDeadlineSeconds, tlsSecret, org.otplatform.common.catalog.Pools.DEFAULT);
    }
  }

  /** Where a compute pod finds its TLS files. */
  static final String TLS_DIR = "/etc/ot/tls";

  /** {@code ot-<service>-<hash of session and service>}: a DNS label, at most 63 characters. */
  public static String podName(String sessionId, String service) {
    return podName(sessionId, service, 0);
  }

  /**
   * The pod of a service's {@code attempt}-th restart: the first pod's name plus {@code -r<attempt>}
   * (a restart never reuses the name of a pod that may still be terminating).
   */
  public static String podName(String sessionId, String service, int attempt) {
    String prefix = "ot-" + service.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9-]", "-");
    if (prefix.length() > 36) {
      prefix = prefix.substring(0, 36);
    }
    String name = prefix + "-" + hash(sessionId + "/" + service).substring(0, 20) + (attempt > 0 ? "-r" + attempt : "");
    return name.length() > MAX_NAME ? name.substring(0, MAX_NAME) : name;
  }

  /** A label value: at most 63 of {@code [A-Za-z0-9._-]}, starting and ending alphanumeric. */
  public static String labelValue(String value) {
    String v = value.replaceAll("[^A-Za-z0-9._-]", "-");
    if (v.length() > MAX_NAME) {
      v = v.substring(0, 50) + "-" + hash(value).substring(0, 12);
    }
    return v.replaceAll("^[^A-Za-z0-9]+", "").replaceAll("[^A-Za-z0-9]+$", "");
  }

  public static Map<String, String> labels(String sessionId, String service, String lssId) {
    return Map.of(MANAGED_BY, MANAGER, SESSION, labelValue(sessionId), SERVICE, labelValue(service),
        LSS, labelValue(lssId));
  }

  public static Pod build(String sessionId, ServiceSpec spec, Target target) {
    return build(sessionId, spec, 0, target);
  }

  public static Pod build(String sessionId, ServiceSpec spec, int attempt, Target target) {
    if (spec.image() == null) {
      throw new IllegalArgumentException("service " + spec.name() + " has no image for cluster mode");
    }
    List<EnvVar> env = new ArrayList<>();
    new TreeMap<>(spec.env()).forEach((k, v) -> env.add(new EnvVar(k, v, null)));
    env.add(new EnvVar(ComputeContract.SESSION_ID, sessionId, null));
    env.add(new EnvVar(ComputeContract.SERVICE_NAME, spec.name(), null));
    env.add(new EnvVar(ComputeContract.PORT, Integer.toString(spec.port()), null));
    env.add(new EnvVar(ComputeContract.BIND_HOST, "0.0.0.0", null));
    Pod pod = new PodBuilder()
        .withNewMetadata()
          .withName(podName(sessionId, spec.name(), attempt))
          .withNamespace(target.namespace())
          .withLabels(labels(sessionId, spec.name(), target.lssId()))
          .withAnnotations(Map.of(SESSION, sessionId, ATTEMPT, Integer.toString(attempt)))
        .endMetadata()
        .withNewSpec()
          .withRestartPolicy("Never")
          .withActiveDeadlineSeconds(target.activeDeadlineSeconds())
          .withAutomountServiceAccountToken(false)
          .withEnableServiceLinks(false)
          .withTerminationGracePeriodSeconds(10L)
          // The root file system is read-only; the JVM and netty still want a scratch /tmp.
          .addNewVolume().withName("tmp").withNewEmptyDir().withSizeLimit(new Quantity("64Mi")).endEmptyDir().endVolume()
          .withNewSecurityContext()
            .withRunAsNonRoot(true)
            .withNewSeccompProfile().withType("RuntimeDefault").endSeccompProfile()
          .endSecurityContext()
          .addNewContainer()
            .withName(spec.name())
            .withImage(spec.image())
            .withImagePullPolicy("IfNotPresent")
            .withEnv(env)
            .addNewVolumeMount().withName("tmp").withMountPath("/tmp").endVolumeMount()
            .addNewPort().withName("relay").withContainerPort(spec.port()).withProtocol("TCP").endPort()
            .withResources(new ResourceRequirementsBuilder()
                .withRequests(quantities(spec.resources().requests()))
                .withLimits(quantities(spec.resources().limits()))
                .build())
            .withNewReadinessProbe()
              .withNewHttpGet().withPath(spec.readinessPath()).withNewPort(spec.port()).endHttpGet()
              .withPeriodSeconds(2).withFailureThreshold(3)
            .endReadinessProbe()
            .withNewLivenessProbe()
              .withNewHttpGet().withPath(ComputeContract.LIVE_PATH).withNewPort(spec.port()).endHttpGet()
              .withInitialDelaySeconds(10).withPeriodSeconds(10)
            .endLivenessProbe()
            .withNewSecurityContext()
              .withAllowPrivilegeEscalation(false)
              .withReadOnlyRootFilesystem(true)
              .withRunAsNonRoot(true)
              .withNewCapabilities().withDrop("ALL").endCapabilities()
            .endSecurityContext()
          .endContainer()
        .endSpec()
        .build();
    pod = withPlacement(pod, spec.placement());
    pod = spec.volume() == null ? pod : withVolume(pod, spec.volume());
    return target.tlsSecret() == null ? pod : withTls(pod, target.tlsSecret());
  }

  /** The pod where its profile puts it: node selector, tolerations, affinity, pull secrets. */
  private static Pod withPlacement(Pod pod, Placement placement) {
    if (placement.equals(Placement.NONE)) {
      return pod;
    }
    Affinity affinity = null;
    if (!placement.affinity().isEmpty()) {
      try {
        affinity = Serialization.unmarshal(placement.affinity().encode(), Affinity.class);
      } catch (RuntimeException e) {
        throw new IllegalArgumentException("the profile's affinity is not a Kubernetes Affinity: " + e.getMessage());
      }
    }
    List<Toleration> tolerations = placement.tolerations().stream()
        .map(t -> new Toleration(t.effect(), t.key(), t.operator(), t.seconds(), t.value())).toList();
    return new PodBuilder(pod).editSpec()
        .withNodeSelector(placement.nodeSelector().isEmpty() ? null : new TreeMap<>(placement.nodeSelector()))
        .withTolerations(tolerations)
        .withAffinity(affinity)
        .withImagePullSecrets(placement.imagePullSecrets().stream().map(LocalObjectReference::new).toList())
        .endSpec()
        .build();
  }

  /**
   * The pod with its project's volume at the storage's mount path ({@code OT_STORAGE_DIR} naming it),
   * writable by the images' user through its group.
   */
  private static Pod withVolume(Pod pod, Storage.ProjectVolume volume) {
    String path = volume.storage().mountPath();
    return new PodBuilder(pod).editSpec()
        .addNewVolume().withName("storage").withNewPersistentVolumeClaim()
          .withClaimName(ProjectClaims.claimName(volume)).endPersistentVolumeClaim().endVolume()
        .editSecurityContext().withFsGroup(IMAGE_GROUP).withFsGroupChangePolicy("OnRootMismatch").endSecurityContext()
        .editFirstContainer()
          .addNewVolumeMount().withName("storage").withMountPath(path).endVolumeMount()
          .addNewEnv().withName(ComputeContract.STORAGE_DIR).withValue(path).endEnv()
        .endContainer()
        .endSpec()
        .build();
  }

  /**
   * The pod with its TLS files: the Secret mounted read-only, {@code OT_TLS_*} pointing at it (the
   * compute SDK then serves TLS and admits only platform callers to its WebSocket), probes on HTTPS.
   */
  private static Pod withTls(Pod pod, String secret) {
    return new PodBuilder(pod).editSpec()
        .addNewVolume().withName("tls").withNewSecret().withSecretName(secret).withDefaultMode(0400).endSecret()
        .endVolume()
        .editFirstContainer()
          .addNewVolumeMount().withName("tls").withMountPath(TLS_DIR).withReadOnly(true).endVolumeMount()
          .addNewEnv().withName(ComputeContract.TLS_CERT).withValue(TLS_DIR + "/tls.crt").endEnv()
          .addNewEnv().withName(ComputeContract.TLS_KEY).withValue(TLS_DIR + "/tls.key").endEnv()
          .addNewEnv().withName(ComputeContract.TLS_CA).withValue(TLS_DIR + "/ca.crt").endEnv()
          .editReadinessProbe().editHttpGet().withScheme("HTTPS").endHttpGet().endReadinessProbe()
          .editLivenessProbe().editHttpGet().withScheme("HTTPS").endHttpGet().endLivenessProbe()
        .endContainer()
        .endSpec()
        .build();
  }

  /**
   * A warm pod of {@code spec}: the pod {@link #build} makes, but of no session — no session label,
   * annotation or {@code OT_SESSION_ID}; {@code OT_ASSIGN_TOKEN} instead — labelled with its
   * {@link #warmHash} and the pool that keeps it, named by that hash and its {@code slot} (so two
   * LSSs of a pool filling the same slot create one pod: the second gets a 409).
   */
  public static Pod buildWarm(ServiceSpec spec, int slot, String assignToken, Map<String, String> extraEnv,
      Target target) {
    if (spec.volume() != null) {
      throw new IllegalArgumentException("a warm pod cannot mount a project's volume");
    }
    Pod pod = build(WARM_SESSION, withEnv(spec, extraEnv), 0, target);
    String hash = warmHash(spec, target);
    Map<String, String> labels = new TreeMap<>(pod.getMetadata().getLabels());
    labels.remove(SESSION);
    labels.put(WARM, hash);
    labels.put(POOL, labelValue(target.pool()));
    List<EnvVar> env = new ArrayList<>(pod.getSpec().getContainers().get(0).getEnv());
    env.removeIf(e -> e.getName().equals(ComputeContract.SESSION_ID));
    env.add(new EnvVar(ComputeContract.ASSIGN_TOKEN, assignToken, null));
    return new PodBuilder(pod).editMetadata()
          .withName(warmName(spec.name(), hash, slot))
          .withLabels(labels)
          .withAnnotations(Map.of(ATTEMPT, "0"))
        .endMetadata()
        .editSpec().editFirstContainer().withEnv(env).endContainer().endSpec()
        .build();
  }

  /** The placeholder a warm pod is built for before its session is known (never a session id: those are UUIDs). */
  private static final String WARM_SESSION = "_warm";

  /** {@code ot-warm-<service>-<hash>-<slot>}. */
  static String warmName(String service, String hash, int slot) {
    String prefix = "ot-warm-" + service.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9-]", "-");
    if (prefix.length() > 40) {
      prefix = prefix.substring(0, 40);
    }
    return prefix + "-" + hash + "-" + slot;
  }

  /**
   * What a warm pod of {@code spec} runs, as 12 hex digits: the hash of the pod {@link #build} makes
   * for it (its session placeholder included, so only what the catalog and target set counts).
   */
  public static String warmHash(ServiceSpec spec, Target target) {
    Pod pod = build(WARM_SESSION, spec, 0, target);
    return hash(Serialization.asJson(pod.getSpec()) + "|" + target.pool()).substring(0, 12);
  }

  private static ServiceSpec withEnv(ServiceSpec spec, Map<String, String> extraEnv) {
    if (extraEnv.isEmpty()) {
      return spec;
    }
    Map<String, String> env = new TreeMap<>(extraEnv);
    env.putAll(spec.env());
    return spec.with(spec.resources(), env, spec.placement());
  }

  private static Map<String, Quantity> quantities(Map<String, String> values) {
    Map<String, Quantity> result = new TreeMap<>();
    values.forEach((k, v) -> result.put(k, new Quantity(v)));
    return result;
  }

  static String hash(String value) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
          .digest(value.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
