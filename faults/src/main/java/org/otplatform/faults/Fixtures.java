package org.otplatform.faults;

import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;

/**
 * What the fuzzer's requests name, made through the public APIs before it starts: a user, a group,
 * a project shared with the group, a READY session, the LSS and a signing key — so that valid
 * requests reach past the lookups, and mutations of them reach the code behind.
 */
final class Fixtures {
  static final String USER = "fuzz-user";
  static final String PASSWORD = "fuzz-user-password-1";
  static final String GROUP = "fuzz-group";
  static final String PROJECT = "fuzz-project";

  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5))
      // As browsers and curl do over plain HTTP; the JDK's default asks every connection to upgrade to h2c.
      .version(HttpClient.Version.HTTP_1_1).build();
  private final String gss;
  private final String auth;
  private final String adminPassword;
  private String adminToken;
  private Instant adminTokenAt = Instant.EPOCH;
  String userToken;
  String session;
  String lss;
  String kid;

  Fixtures(String gss, String auth, String adminPassword) {
    this.gss = gss;
    this.auth = auth;
    this.adminPassword = adminPassword;
  }

  /** Makes them; fails when the platform does not do what its walkthrough says. */
  Fixtures make() throws Exception {
    String admin = admin();
    send("POST", auth + "/api/v1/users", admin, new JsonObject().put("username", USER).put("password", PASSWORD), 201);
    userToken = login(USER, PASSWORD);
    send("POST", auth + "/api/v1/groups", admin, new JsonObject().put("name", GROUP), 201);
    send("PUT", auth + "/api/v1/groups/" + GROUP + "/members/" + USER, admin, null, 204);
    send("POST", auth + "/api/v1/projects", admin, new JsonObject().put("name", PROJECT), 201);
    session = send("POST", gss + "/api/v1/sessions", admin,
        new JsonObject().put("project", PROJECT).put("type", "echo"), 202).getString("id");
    long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
    while (!"READY".equals(send("GET", gss + "/api/v1/sessions/" + session, admin, null, 200).getString("state"))) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("the fixture session " + session + " did not become READY in 120 s");
      }
      Thread.sleep(200);
    }
    // The session ran, so an LSS exists; the registry hears of it with its next heartbeat.
    io.vertx.core.json.JsonArray registry;
    while ((registry = send("GET", gss + "/api/v1/admin/lss", admin, null, 200).getJsonArray("lss")).isEmpty()) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("no LSS in the GSS's registry after 120 s");
      }
      Thread.sleep(200);
    }
    lss = registry.getJsonObject(0).getString("id");
    kid = send("GET", auth + "/.well-known/jwks.json", null, null, 200).getJsonArray("keys").getJsonObject(0)
        .getString("kid");
    return this;
  }

  /** An admin's access token, renewed every five minutes (a run outlasts one). */
  synchronized String admin() throws Exception {
    if (Duration.between(adminTokenAt, Instant.now()).toMinutes() >= 5) {
      adminToken = login("admin", adminPassword);
      adminTokenAt = Instant.now();
    }
    return adminToken;
  }

  private String login(String user, String password) throws Exception {
    return send("POST", auth + "/api/v1/login", null, new JsonObject().put("username", user).put("password", password),
        200).getString("accessToken");
  }

  /** A path parameter's value in an operation of this platform. */
  String value(Operation op, String name) {
    return switch (name) {
      case "username", "grantee" -> USER;
      case "kind" -> "user";
      case "kid" -> kid;
      case "name" -> op.path().startsWith("/api/v1/groups") ? GROUP : PROJECT;
      case "id" -> op.path().contains("/lss/") ? lss : op.path().contains("project-ids") ? "0" : session;
      default -> "x";
    };
  }

  private JsonObject send(String method, String url, String token, JsonObject body, int expected) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30))
        .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body.encode()));
    if (body != null) {
      b.header("content-type", "application/json");
    }
    if (token != null) {
      b.header("authorization", "Bearer " + token);
    }
    HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    if (r.statusCode() != expected) {
      throw new IllegalStateException(method + " " + url + ": expected " + expected + ", got " + r.statusCode() + " "
          + r.body());
    }
    return r.body().isBlank() ? new JsonObject() : new JsonObject(r.body());
  }
}
