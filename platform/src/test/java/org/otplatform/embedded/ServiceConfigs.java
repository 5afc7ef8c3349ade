package org.otplatform.embedded;

import org.otplatform.auth.AuthConfig;
import org.otplatform.common.config.Env;
import org.otplatform.gss.GssConfig;
import org.otplatform.logger.LoggerConfig;
import org.otplatform.lss.LssConfig;
import org.otplatform.relay.RelayConfig;

/** The deployment checks' view of a service: what its own configuration makes of an environment. */
final class ServiceConfigs {
  private ServiceConfigs() {}

  /**
   * The port {@code service} listens on with {@code env}, after its configuration class read and
   * validated it (a bad value fails here as it would at the service's start).
   */
  static int port(String service, Env env) {
    int port = switch (service) {
      case "gss" -> GssConfig.from(env).port();
      case "auth" -> AuthConfig.from(env).port();
      case "lss" -> LssConfig.from(env).port();
      case "relay" -> RelayConfig.from(env).port();
      case "logger" -> LoggerConfig.from(env).port();
      default -> throw new IllegalArgumentException("not a platform service: " + service);
    };
    env.validate();
    return port;
  }
}
