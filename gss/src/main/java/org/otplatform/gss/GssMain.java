package org.otplatform.gss;

import org.otplatform.common.service.ServiceLauncher;

/** Runs the GSS on its own; configuration from {@code OT_*} environment variables. */
public final class GssMain {
  private GssMain() {}

  public static void main(String[] args) {
    ServiceLauncher.main(new ServiceLauncher.Recipe<>("gss", GssConfig::from, GssConfig::common, GssVerticle::new));
  }
}
