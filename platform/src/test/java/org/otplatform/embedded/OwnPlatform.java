package org.otplatform.embedded;

import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

/**
 * A platform of a test class's own, for tests that stop, add or reconfigure services (the shared
 * one must stay as the other classes expect it): started with the given environment, the GSS
 * ready, an admin token and one project.
 */
final class OwnPlatform implements AutoCloseable {
  final EmbeddedPlatform platform;
  final String gss;
  final String auth;
  final String token;

  private OwnPlatform(EmbeddedPlatform platform, String token) {
    this.platform = platform;
    this.gss = platform.url(platform.ports().gss());
    this.auth = platform.url(platform.ports().auth());
    this.token = token;
  }

  static OwnPlatform start(Map<String, String> env, String project) {
    Map<String, String> all = new HashMap<>(env);
    all.put("OT_ADMIN_PASSWORD", SharedPlatform.ADMIN_PASSWORD);
    EmbeddedPlatform.Ports ports = EmbeddedPlatform.Ports.free();
    EmbeddedPlatform platform = new EmbeddedPlatform(new EmbeddedPlatform.Settings(null,
        Path.of(System.getProperty("ot.broker.lib", "../broker/target/lib")), all, ports)).start();
    String gss = platform.url(ports.gss());
    Api.await("GSS ready", Duration.ofSeconds(90), () -> Api.get(gss + "/health/ready", null).status() == 200);
    String auth = platform.url(ports.auth());
    String token = Api.post(auth + "/api/v1/login", null,
        new JsonObject().put("username", "admin").put("password", SharedPlatform.ADMIN_PASSWORD).encode())
        .expect(200).json().getString("accessToken");
    Api.post(auth + "/api/v1/projects", token, new JsonObject().put("name", project).encode()).expect(201);
    return new OwnPlatform(platform, token);
  }

  @Override
  public void close() {
    platform.close();
  }
}
