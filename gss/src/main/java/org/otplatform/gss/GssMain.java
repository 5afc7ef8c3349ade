package org.otplatform.gss;

import io.vertx.core.Deployable;
import org.otplatform.common.config.CommonConfig;
import org.otplatform.common.config.Env;
import org.otplatform.common.service.ServiceLauncher;

/** Runs the GSS on its own; configuration from {@code OT_*} environment variables. */
public final class GssMain implements ServiceLauncher.Recipe<GssConfig> {
  public static void main(String[] args) {
    ServiceLauncher.main(new GssMain());
  }

  @Override
  public String name() {
    return "gss";
  }

  @Override
  public GssConfig config(Env env) {
    return GssConfig.from(env);
  }

  @Override
  public CommonConfig common(GssConfig config) {
    return config.common();
  }

  @Override
  public Deployable verticle(GssConfig config) {
    return new GssVerticle(config);
  }
}
