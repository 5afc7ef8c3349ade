package org.otplatform.auth;

import io.vertx.core.Deployable;
import org.otplatform.common.config.CommonConfig;
import org.otplatform.common.config.Env;
import org.otplatform.common.service.ServiceLauncher;

/** Runs AUTH on its own; configuration from {@code OT_*} environment variables. */
public final class AuthMain implements ServiceLauncher.Recipe<AuthConfig> {
  private AuthVerticle verticle;

  public static void main(String[] args) {
    AuthMain recipe = new AuthMain();
    ServiceLauncher.main(recipe);
    recipe.verticle.generatedAdminPassword().ifPresent(p -> {
      // Deliberately not through the logger: the password must not reach the log pipeline.
      System.out.println("Bootstrap admin created. Log in as '" + recipe.adminUser + "' with password: " + p
          + "\n(shown once; change it after logging in)");
    });
  }

  private String adminUser;

  @Override
  public String name() {
    return "auth";
  }

  @Override
  public AuthConfig config(Env env) {
    AuthConfig config = AuthConfig.from(env);
    adminUser = config.adminUser();
    return config;
  }

  @Override
  public CommonConfig common(AuthConfig config) {
    return config.common();
  }

  @Override
  public Deployable verticle(AuthConfig config) {
    verticle = new AuthVerticle(config);
    return verticle;
  }
}
