package org.otplatform.relay;

import io.vertx.core.Deployable;
import org.otplatform.common.config.CommonConfig;
import org.otplatform.common.config.Env;
import org.otplatform.common.service.ServiceLauncher;

/** Runs the relay on its own; configuration from {@code OT_*} environment variables. */
public final class RelayMain implements ServiceLauncher.Recipe<RelayConfig> {
  public static void main(String[] args) {
    ServiceLauncher.main(new RelayMain());
  }

  @Override
  public String name() {
    return "relay";
  }

  @Override
  public RelayConfig config(Env env) {
    return RelayConfig.from(env);
  }

  @Override
  public CommonConfig common(RelayConfig config) {
    return config.common();
  }

  @Override
  public Deployable verticle(RelayConfig config) {
    return new RelayVerticle(config);
  }
}
