package org.otplatform.lss;

import io.vertx.core.Deployable;
import org.otplatform.common.config.CommonConfig;
import org.otplatform.common.config.Env;
import org.otplatform.common.service.ServiceLauncher;

/** Runs an LSS on its own; configuration from {@code OT_*} environment variables. */
public final class LssMain implements ServiceLauncher.Recipe<LssConfig> {
  public static void main(String[] args) {
    ServiceLauncher.main(new LssMain());
  }

  @Override
  public String name() {
    return "lss";
  }

  @Override
  public LssConfig config(Env env) {
    return LssConfig.from(env);
  }

  @Override
  public CommonConfig common(LssConfig config) {
    return config.common();
  }

  @Override
  public Deployable verticle(LssConfig config) {
    return new LssVerticle(config);
  }
}
