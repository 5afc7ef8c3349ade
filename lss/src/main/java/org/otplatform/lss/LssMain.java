package org.otplatform.lss;

import org.otplatform.common.service.ServiceLauncher;

/** Runs the LSS on its own; configuration from {@code OT_*} environment variables. */
public final class LssMain {
  private LssMain() {}

  public static void main(String[] args) {
    ServiceLauncher.main(new ServiceLauncher.Recipe<>("lss", LssConfig::from, LssConfig::common, LssVerticle::new));
  }
}
