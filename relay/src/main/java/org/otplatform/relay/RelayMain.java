package org.otplatform.relay;

import org.otplatform.common.service.ServiceLauncher;

/** Runs the relay on its own; configuration from {@code OT_*} environment variables. */
public final class RelayMain {
  private RelayMain() {}

  public static void main(String[] args) {
    ServiceLauncher.main(new ServiceLauncher.Recipe<>("relay", RelayConfig::from, RelayConfig::common, RelayVerticle::new));
  }
}
