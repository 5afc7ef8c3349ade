package org.otplatform.logger;

import io.vertx.core.Deployable;
import org.otplatform.common.config.CommonConfig;
import org.otplatform.common.config.Env;
import org.otplatform.common.service.ServiceLauncher;

/** Runs the logger on its own; configuration from {@code OT_*} environment variables. */
public final class LoggerMain implements ServiceLauncher.Recipe<LoggerConfig> {
  public static void main(String[] args) {
    ServiceLauncher.main(new LoggerMain());
  }

  @Override
  public String name() {
    return "logger";
  }

  @Override
  public LoggerConfig config(Env env) {
    return LoggerConfig.from(env);
  }

  @Override
  public CommonConfig common(LoggerConfig config) {
    return config.common();
  }

  @Override
  public Deployable verticle(LoggerConfig config) {
    return new LoggerVerticle(config);
  }
}
