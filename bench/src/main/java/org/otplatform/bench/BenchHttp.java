package org.otplatform.bench;

import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/** The benchmarks' blocking HTTP client (JDK) and the set-up steps they share. */
final class BenchHttp {
  /** The bootstrap admin's password in the benchmarks' platforms. */
  static final String PASSWORD = "bench-admin-password-1";
  static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  private BenchHttp() {}

  /** A GET's status, or -1 when nothing answers. */
  static int status(String url) {
    try {
      return HTTP.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.discarding())
          .statusCode();
    } catch (Exception e) {
      return -1;
    }
  }

  /** A GET's body as JSON, with the token; an empty object when it fails. */
  static JsonObject getJson(String url, String token) {
    try {
      return new JsonObject(HTTP.send(HttpRequest.newBuilder(URI.create(url))
          .header("authorization", "Bearer " + token).build(), HttpResponse.BodyHandlers.ofString()).body());
    } catch (Exception e) {
      return new JsonObject();
    }
  }

  /** A POST of JSON; the response body. */
  static String post(String url, String token, String body) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30))
        .header("content-type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body));
    if (token != null) {
      b.header("authorization", "Bearer " + token);
    }
    return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString()).body();
  }

  static void delete(String url, String token) throws Exception {
    HTTP.send(HttpRequest.newBuilder(URI.create(url)).DELETE().header("authorization", "Bearer " + token).build(),
        HttpResponse.BodyHandlers.discarding());
  }

  /** Waits for the GSS to be ready, logs the admin in and creates project {@code bench}; the token. */
  static String adminWithProject(String gss, String auth) throws Exception {
    await(() -> status(gss + "/health/ready") == 200, "GSS ready");
    String token = new JsonObject(post(auth + "/api/v1/login", null,
        new JsonObject().put("username", "admin").put("password", PASSWORD).encode())).getString("accessToken");
    post(auth + "/api/v1/projects", token, "{\"name\":\"bench\"}");
    return token;
  }

  static void await(BooleanSupplier condition, String what) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("timed out waiting for " + what);
      }
      Thread.sleep(100);
    }
  }
}
