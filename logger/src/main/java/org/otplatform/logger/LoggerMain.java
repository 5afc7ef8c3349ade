package org.otplatform.logger;

import org.otplatform.common.service.ServiceLauncher;

/** Runs the logger on its own; configuration from {@code OT_*} environment variables. */
public final class LoggerMain {
  private LoggerMain() {}

  public static void main(String[] args) {
    ServiceLauncher.main(new ServiceLauncher.Recipe<>("logger", LoggerConfig::from, LoggerConfig::common, LoggerVerticle::new));
  }
}
