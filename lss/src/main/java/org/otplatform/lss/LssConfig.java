package org.otplatform.lss;

import java.time.Duration;
import org.otplatform.common.catalog.Catalog;
import org.otplatform.common.config.CommonConfig;
import org.otplatform.common.config.Env;

/**
 * LSS configuration, from {@code OT_*} environment variables.
 *
 * @param port health/metrics port ({@code OT_LSS_PORT}, default 8093)
 * @param mode how compute services run ({@code OT_LSS_MODE}: {@code local})
 * @param capacity sessions this instance runs at once ({@code OT_LSS_CAPACITY}, default 20)
 * @param computeClasspath {@code ${classpath}} in catalog commands ({@code OT_LSS_COMPUTE_CLASSPATH},
 *     default this JVM's class path)
 * @param computeHost the address compute services bind to and are reached at
 *     ({@code OT_LSS_COMPUTE_HOST}, default 127.0.0.1)
 * @param heartbeat how often the LSS announces itself on the registry topic
 *     ({@code OT_LSS_HEARTBEAT_SECONDS}, default 5)
 * @param catalog the service catalog ({@code OT_CATALOG})
 */
public record LssConfig(CommonConfig common, int port, String mode, int capacity, String computeClasspath,
    String computeHost, Duration heartbeat, Catalog catalog) {

  public static LssConfig from(Env env) {
    CommonConfig common = CommonConfig.from(env, "lss");
    int port = env.port("OT_LSS_PORT", 8093);
    String mode = env.string("OT_LSS_MODE", "local");
    if (!mode.equals("local")) {
      env.problem("OT_LSS_MODE must be 'local' (the Kubernetes spawner is not built yet), got '" + mode + "'");
    }
    int capacity = env.positive("OT_LSS_CAPACITY", 20);
    String classpath = env.string("OT_LSS_COMPUTE_CLASSPATH", System.getProperty("java.class.path"));
    String host = env.string("OT_LSS_COMPUTE_HOST", "127.0.0.1");
    Duration heartbeat = env.seconds("OT_LSS_HEARTBEAT_SECONDS", Duration.ofSeconds(5));
    Catalog catalog = Catalog.fromEnv(env);
    env.validate();
    return new LssConfig(common, port, mode, capacity, classpath, host, heartbeat, catalog);
  }
}
