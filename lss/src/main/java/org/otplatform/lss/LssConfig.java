package org.otplatform.lss;

import java.time.Duration;
import org.otplatform.common.catalog.Catalog;
import org.otplatform.common.config.CommonConfig;
import org.otplatform.common.config.Env;
import org.otplatform.common.catalog.Pools;
import org.otplatform.lss.local.ComputeIdentity;
import java.util.Arrays;
import java.util.Locale;
import org.otplatform.lss.k8s.ApiLimits;

/**
 * LSS configuration, from {@code OT_*} environment variables.
 *
 * @param port health/metrics port ({@code OT_LSS_PORT}, default 8093)
 * @param mode how compute services run ({@code OT_LSS_MODE}: {@code local} processes, or
 *     {@code kubernetes} pods through the API, configured from the service account or kubeconfig)
 * @param capacity sessions this instance runs at once ({@code OT_LSS_CAPACITY}, default 20)
 * @param computeClasspath {@code ${classpath}} in catalog commands ({@code OT_LSS_COMPUTE_CLASSPATH},
 *     default this JVM's class path)
 * @param computeHost the address compute services bind to and are reached at
 *     ({@code OT_LSS_COMPUTE_HOST}, default 127.0.0.1)
 * @param heartbeat how often the LSS announces itself on the registry topic
 *     ({@code OT_LSS_HEARTBEAT_SECONDS}, default 5)
 * @param catalog the service catalog ({@code OT_CATALOG})
 * @param namespace kubernetes mode: where compute pods go ({@code OT_LSS_NAMESPACE}, default {@code ot-compute})
 * @param podDeadline kubernetes mode: {@code activeDeadlineSeconds} of every pod, a backstop against
 *     leaks ({@code OT_LSS_POD_DEADLINE_SECONDS}, default one day)
 * @param apiLimits kubernetes mode: pods starting at once ({@code OT_LSS_MAX_CONCURRENT_SPAWNS}, 10)
 *     and API writes per second ({@code OT_LSS_API_QPS}, 20; bursts of {@code OT_LSS_API_BURST}, 40)
 * @param restartBackoff wait before the first restart of a crashed compute service, doubled for
 *     each further one ({@code OT_LSS_RESTART_BACKOFF_MILLIS}, default 1000)
 * @param maxRestartBackoff the longest such wait ({@code OT_LSS_MAX_RESTART_BACKOFF_SECONDS}, default 60)
 * @param computeTlsSecret kubernetes mode: the Secret ({@code tls.crt}, {@code tls.key}, {@code ca.crt})
 *     mounted into every compute pod so that it serves TLS ({@code OT_LSS_COMPUTE_TLS_SECRET_NAME}; none by default)
 * @param computeIdentity local mode with TLS on: the certificate compute processes get, no platform
 *     identity ({@code OT_LSS_COMPUTE_TLS_CERT}, {@code OT_LSS_COMPUTE_TLS_KEY}; required then)
 * @param followPodLogs kubernetes mode: follow compute pods' logs through the API into the log
 *     pipeline ({@code OT_LSS_FOLLOW_POD_LOGS}, default true; false where a cluster log collector
 *     ships container logs instead, and the LSS then holds no log stream per pod)
 * @param spoolDir local mode: where compute processes' output is written before it is shipped, so
 *     that lines survive the LSS's death and its next start on the same directory ships them
 *     ({@code OT_LSS_SPOOL_DIR}, default {@code <temp dir>/ot-lss-spool-<instance id>})
 * @param storageDir local mode: where projects keep the volumes of session types with
 *     {@code storage}, a directory per project and volume ({@code OT_LSS_STORAGE_DIR}, default
 *     {@code <temp dir>/ot-project-storage}; the embedded platform's {@code <data>/project-storage})
 * @param pool the LSS pool this instance serves ({@code OT_LSS_POOL}, default {@code default}): it
 *     acts only on opens of sessions whose type or profile needs it, as a member of that pool's
 *     consumer group ({@code lss}, or {@code lss-<pool>})
 */
public record LssConfig(CommonConfig common, int port, Mode mode, int capacity, String computeClasspath,
    String computeHost, Duration heartbeat, Catalog catalog, String namespace, Duration podDeadline,
    ApiLimits apiLimits, Duration restartBackoff, Duration maxRestartBackoff, String computeTlsSecret,
    ComputeIdentity computeIdentity, boolean followPodLogs, java.nio.file.Path spoolDir,
    java.nio.file.Path storageDir, String pool) {

  /** How compute services run. */
  public enum Mode {
    LOCAL, KUBERNETES;

    /** As configured and reported in heartbeats: {@code local}, {@code kubernetes}. */
    public String wireName() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  public static LssConfig from(Env env) {
    CommonConfig common = CommonConfig.from(env, "lss");
    int port = env.port("OT_LSS_PORT", 8093);
    String modeName = env.string("OT_LSS_MODE", Mode.LOCAL.wireName());
    Mode mode = Arrays.stream(Mode.values()).filter(m -> m.wireName().equals(modeName)).findFirst().orElse(null);
    if (mode == null) {
      env.problem("OT_LSS_MODE must be 'local' or 'kubernetes', got '" + modeName + "'");
    }
    String namespace = env.string("OT_LSS_NAMESPACE", "ot-compute");
    if (!namespace.matches("[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?")) {
      env.problem("OT_LSS_NAMESPACE must be a Kubernetes namespace name, got '" + namespace + "'");
    }
    Duration deadline = env.seconds("OT_LSS_POD_DEADLINE_SECONDS", Duration.ofDays(1));
    ApiLimits limits = new ApiLimits(env.positive("OT_LSS_MAX_CONCURRENT_SPAWNS", 10),
        env.positive("OT_LSS_API_QPS", 20), env.positive("OT_LSS_API_BURST", 40));
    int capacity = env.positive("OT_LSS_CAPACITY", 20);
    String classpath = env.string("OT_LSS_COMPUTE_CLASSPATH", System.getProperty("java.class.path"));
    String host = env.string("OT_LSS_COMPUTE_HOST", "127.0.0.1");
    Duration heartbeat = env.seconds("OT_LSS_HEARTBEAT_SECONDS", Duration.ofSeconds(5));
    Duration restartBackoff = Duration.ofMillis(env.positive("OT_LSS_RESTART_BACKOFF_MILLIS", 1000));
    Duration maxRestartBackoff = env.seconds("OT_LSS_MAX_RESTART_BACKOFF_SECONDS", Duration.ofSeconds(60));
    String tlsSecret = env.string("OT_LSS_COMPUTE_TLS_SECRET_NAME", "");
    if (!tlsSecret.isEmpty() && !tlsSecret.matches("[a-z0-9]([-.a-z0-9]{0,251}[a-z0-9])?")) {
      env.problem("OT_LSS_COMPUTE_TLS_SECRET_NAME must be a Secret name, got '" + tlsSecret + "'");
    }
    ComputeIdentity identity = ComputeIdentity.from(env, common.tls(), mode == Mode.LOCAL);
    boolean followPodLogs = env.bool("OT_LSS_FOLLOW_POD_LOGS", true);
    String spool = env.string("OT_LSS_SPOOL_DIR", java.nio.file.Path.of(System.getProperty("java.io.tmpdir"),
        "ot-lss-spool-" + common.instanceId()).toString());
    java.nio.file.Path spoolDir = null;
    try {
      spoolDir = java.nio.file.Path.of(spool).toAbsolutePath();
    } catch (java.nio.file.InvalidPathException e) {
      env.problem("OT_LSS_SPOOL_DIR is not a path: " + e.getMessage());
    }
    java.nio.file.Path storageDir = null;
    try {
      storageDir = java.nio.file.Path.of(env.string("OT_LSS_STORAGE_DIR", java.nio.file.Path.of(
          System.getProperty("java.io.tmpdir"), "ot-project-storage").toString())).toAbsolutePath();
    } catch (java.nio.file.InvalidPathException e) {
      env.problem("OT_LSS_STORAGE_DIR is not a path: " + e.getMessage());
    }
    String pool = env.string("OT_LSS_POOL", Pools.DEFAULT);
    if (!Pools.valid(pool)) {
      env.problem("OT_LSS_POOL must match " + Pools.NAME + ", got '" + pool + "'");
    }
    Catalog catalog = Catalog.fromEnv(env);
    if (catalog != null && mode == Mode.KUBERNETES) {
      catalog.types().values().forEach(t -> t.services().stream().filter(s -> s.image() == null).forEach(s ->
          env.problem("OT_CATALOG: type '" + t.name() + "', service '" + s.name() + "' has no image for kubernetes mode")));
    }
    env.validate();
    return new LssConfig(common, port, mode, capacity, classpath, host, heartbeat, catalog, namespace, deadline,
        limits, restartBackoff, maxRestartBackoff, tlsSecret.isEmpty() ? null : tlsSecret, identity, followPodLogs,
        spoolDir, storageDir, pool);
  }
}
