package org.otplatform.auth;

import java.util.concurrent.atomic.AtomicReference;
import org.otplatform.common.service.ServiceLauncher;

/** Runs AUTH on its own; configuration from {@code OT_*} environment variables. */
public final class AuthMain {
  private AuthMain() {}

  public static void main(String[] args) {
    AtomicReference<AuthVerticle> verticle = new AtomicReference<>();
    AtomicReference<String> adminUser = new AtomicReference<>();
    ServiceLauncher.main(new ServiceLauncher.Recipe<>("auth", env -> {
      AuthConfig config = AuthConfig.from(env);
      adminUser.set(config.adminUser());
      return config;
    }, AuthConfig::common, config -> {
      verticle.set(new AuthVerticle(config));
      return verticle.get();
    }));
    verticle.get().generatedAdminPassword().ifPresent(p ->
        // Deliberately not through the logger: the password must not reach the log pipeline.
        System.out.println("Bootstrap admin created. Log in as '" + adminUser.get() + "' with password: " + p
            + "\n(shown once; change it after logging in)"));
  }
}
