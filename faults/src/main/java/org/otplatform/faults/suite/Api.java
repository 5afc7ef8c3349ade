package org.otplatform.faults.suite;

import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/**
 * The public HTTP API as a front end uses it, with a deadline on every call: a call that does not
 * answer within {@link #TIMEOUT} counts as failed, never as waiting.
 */
final class Api {
  static final Duration TIMEOUT = Duration.ofSeconds(20);
  /** As browsers and curl do over plain HTTP; the JDK's default asks every connection to upgrade to h2c. */
  static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5))
      .version(HttpClient.Version.HTTP_1_1).build();

  /** A status and a JSON body (empty when there was none, or it was not JSON). */
  record Answer(int status, JsonObject body) {
    boolean is(int expected) {
      return status == expected;
    }

    String describe() {
      return status + " " + body.encode();
    }
  }

  private Api() {}

  static Answer send(String method, String url, String token, JsonObject body) throws IOException,
      InterruptedException {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).timeout(TIMEOUT)
        .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
            : HttpRequest.BodyPublishers.ofString(body.encode()));
    if (body != null) {
      b.header("content-type", "application/json");
    }
    if (token != null) {
      b.header("authorization", "Bearer " + token);
    }
    HttpResponse<String> r = HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    JsonObject json;
    try {
      json = r.body().isBlank() ? new JsonObject() : new JsonObject(r.body());
    } catch (RuntimeException e) {
      json = new JsonObject().put("text", r.body());
    }
    return new Answer(r.statusCode(), json);
  }

  /** The answer, or null when the call failed (refused, reset, timed out): the caller tries again. */
  static Answer trySend(String method, String url, String token, JsonObject body) throws InterruptedException {
    try {
      return send(method, url, token, body);
    } catch (IOException e) {
      return null;
    }
  }

  static String login(String auth, String user, String password) throws IOException, InterruptedException {
    Answer a = send("POST", auth + "/api/v1/login", null, new JsonObject().put("username", user)
        .put("password", password));
    if (!a.is(200)) {
      throw new IOException("login of " + user + " answered " + a.describe());
    }
    return a.body().getString("accessToken");
  }

  /** 200 from {@code url}/health/ready within one second. */
  static boolean ready(String url) {
    try {
      HttpResponse<Void> r = HTTP.send(HttpRequest.newBuilder(URI.create(url + "/health/ready"))
          .timeout(Duration.ofSeconds(1)).build(), HttpResponse.BodyHandlers.discarding());
      return r.statusCode() == 200;
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }
}
