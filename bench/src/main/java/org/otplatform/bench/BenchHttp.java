package org.otplatform.bench;

import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * The benchmarks' blocking HTTP client (JDK) and the set-up steps they share. Every request has a
 * timeout: a server that accepts a connection and never answers must not stop the run.
 */
final class BenchHttp {
  /** The bootstrap admin's password in the benchmarks' platforms. */
  static final String PASSWORD = "bench-admin-password-1";
  /** Replaced by one trusting the platform CA when the benchmark's platform runs on TLS. */
  static volatile HttpClient HTTP = client(null);


  /**
   * With {@code on}: a CA for the platform's certificates, trusted by this client, and the settings
   * that put the embedded platform on mutual TLS with it. Without: a plain client and no settings.
   */
  static java.util.Map<String, String> tls(boolean on) throws Exception {
    if (!on) {
      HTTP = client(null);
      return java.util.Map.of();
    }
    java.nio.file.Path dir = java.nio.file.Files.createTempDirectory("ot-bench-tls");
    org.otplatform.embedded.tls.CertificateAuthority ca =
        org.otplatform.embedded.tls.CertificateAuthority.create("bench CA", Duration.ofDays(1));
    ca.write(dir);
    HTTP = client(ca.trustingContext());
    return java.util.Map.of("OT_EMBEDDED_TLS", "true", "OT_EMBEDDED_TLS_DIR", dir.toString());
  }

  private BenchHttp() {}

  /**
   * HTTP/1.1 throughout, so that runs with and without TLS compare TLS alone (over TLS the JDK
   * client would negotiate HTTP/2 and put every request on one connection).
   */
  private static HttpClient client(javax.net.ssl.SSLContext context) {
    HttpClient.Builder builder = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5))
        .version(HttpClient.Version.HTTP_1_1);
    return context == null ? builder.build() : builder.sslContext(context).build();
  }

  /** A GET's status, or -1 when nothing answers. */
  static int status(String url) {
    try {
      return HTTP.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(5)).build(),
              HttpResponse.BodyHandlers.discarding())
          .statusCode();
    } catch (Exception e) {
      return -1;
    }
  }

  /** A GET's body as JSON, with the token; an empty object when it fails. */
  static JsonObject getJson(String url, String token) {
    try {
      return new JsonObject(HTTP.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30))
          .header("authorization", "Bearer " + token).build(), HttpResponse.BodyHandlers.ofString()).body());
    } catch (Exception e) {
      return new JsonObject();
    }
  }

  /** A GET's body as text (a Prometheus page, say). */
  static String text(String url) throws Exception {
    return HTTP.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30)).build(),
        HttpResponse.BodyHandlers.ofString()).body();
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
    HTTP.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30)).DELETE()
        .header("authorization", "Bearer " + token).build(), HttpResponse.BodyHandlers.discarding());
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
