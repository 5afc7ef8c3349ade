package org.otplatform.otctl;

import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import javax.net.ssl.SSLException;

/**
 * The platform as one context sees it: the GSS, AUTH and logger addresses and the caller's tokens.
 * Every request carries the access token; one that expired (or is about to) is refreshed first with
 * the refresh token, and a 401 is tried once more after a refresh, the new tokens saved. Answers
 * other than 2xx become a {@link Exit.Failure} with the platform's own message and the exit code of
 * their class.
 */
final class Platform {
  static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(30);
  private static final Duration REFRESH_AHEAD = Duration.ofSeconds(30);

  private final HttpClient http;
  private final Contexts contexts;
  private final String name;
  private final JsonObject context;

  Platform(Contexts contexts, String name) {
    this.contexts = contexts;
    this.name = name;
    this.context = contexts.require(name);
    String ca = context.getString("ca");
    this.http = client(ca == null ? null : Path.of(ca));
  }

  /**
   * The HTTP client of a context: HTTP/1.1, host names verified, and for {@code https://} the
   * platform CA's certificates in {@code ca} (PEM) as the only trust anchors, else the JVM's.
   */
  static HttpClient client(Path ca) {
    HttpClient.Builder b = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
        .connectTimeout(Duration.ofSeconds(10));
    if (ca != null) {
      b.sslContext(TrustedCa.sslContext(ca));
    }
    return b.build();
  }

  /** For a context not saved yet (login): only unauthenticated requests. */
  static JsonObject unauthenticated(HttpClient http, String method, URI uri, JsonObject body) {
    return send(http, request(method, uri, body, null), uri);
  }

  /** A path segment: a name with spaces or slashes stays one segment. */
  static String encoded(String value) {
    return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
  }

  JsonObject context() {
    return context;
  }

  URI gss(String path) {
    return URI.create(strip(context.getString("server")) + path);
  }

  URI auth(String path) {
    return URI.create(strip(context.getString("auth")) + path);
  }

  /** The relay's WebSocket of {@code session} ({@code ws://} or {@code wss://}, as the GSS's info names it). */
  URI relay(String session) {
    return URI.create(strip(context.getString("relay")) + "/ws/sessions/" + session);
  }

  /** The HTTP client every request of this context goes through (the relay's WebSocket too). */
  HttpClient http() {
    return http;
  }

  URI logger(String path) {
    return URI.create(strip(context.getString("logger")) + path);
  }

  JsonObject get(URI uri) {
    return call("GET", uri, null);
  }

  JsonObject post(URI uri, JsonObject body) {
    return call("POST", uri, body);
  }

  JsonObject delete(URI uri) {
    return call("DELETE", uri, null);
  }

  /** A request with the access token; refreshed before when expiring, and after a 401 once. */
  JsonObject call(String method, URI uri, JsonObject body) {
    String token = accessToken();
    try {
      return send(http, request(method, uri, body, token), uri);
    } catch (Exit.Failure f) {
      if (f.status() == 401 && context.containsKey("refreshToken")) {
        refresh();
        return send(http, request(method, uri, body, accessToken()), uri);
      }
      throw f;
    }
  }

  /** A streamed GET (Server-Sent Events) with the access token; the caller closes the stream. */
  InputStream stream(URI uri, String lastEventId) {
    HttpRequest.Builder b = HttpRequest.newBuilder(uri).GET().header("accept", "text/event-stream")
        .header("authorization", "Bearer " + accessToken());
    if (lastEventId != null) {
      b.header("last-event-id", lastEventId);
    }
    HttpResponse<InputStream> response = exchange(http, b.build(), HttpResponse.BodyHandlers.ofInputStream(), uri);
    if (response.statusCode() / 100 != 2) {
      String text;
      try (InputStream in = response.body()) {
        text = new String(in.readNBytes(64 * 1024), java.nio.charset.StandardCharsets.UTF_8);
      } catch (IOException e) {
        text = "";
      }
      throw failure(uri, response.statusCode(), text);
    }
    return response.body();
  }

  String accessToken() {
    String token = context.getString("accessToken");
    if (token == null) {
      throw new Exit.Failure(Exit.AUTH, "not logged in (context '" + name + "'); run: otctl login");
    }
    long expiresAt = context.getLong("expiresAt", 0L);
    if (Instant.now().plus(REFRESH_AHEAD).isAfter(Instant.ofEpochMilli(expiresAt))
        && context.containsKey("refreshToken")) {
      refresh();
      token = context.getString("accessToken");
    }
    return token;
  }

  /** Exchanges the refresh token (used once) for new tokens and saves them. */
  void refresh() {
    JsonObject tokens;
    try {
      tokens = send(http, request("POST", auth("/api/v1/token/refresh"),
          new JsonObject().put("refreshToken", context.getString("refreshToken")), null), auth("/api/v1/token/refresh"));
    } catch (Exit.Failure f) {
      if (f.code() == Exit.AUTH) {
        context.remove("accessToken");
        context.remove("refreshToken");
        contexts.save();
        throw new Exit.Failure(Exit.AUTH, "the login of context '" + name + "' expired (" + f.getMessage()
            + "); run: otctl login");
      }
      throw f;
    }
    store(context, tokens);
    contexts.save();
  }

  /** Puts an answer's tokens into a context, with the access token's expiry as a time. */
  static void store(JsonObject context, JsonObject tokens) {
    context.put("accessToken", tokens.getString("accessToken"));
    if (tokens.getString("refreshToken") != null) {
      context.put("refreshToken", tokens.getString("refreshToken"));
    }
    long expiresIn = tokens.getLong("expiresIn", 300L);
    context.put("expiresAt", Instant.now().plusSeconds(expiresIn).toEpochMilli());
  }

  private static HttpRequest request(String method, URI uri, JsonObject body, String token) {
    HttpRequest.Builder b = HttpRequest.newBuilder(uri).timeout(REQUEST_TIMEOUT).header("accept", "application/json");
    if (token != null) {
      b.header("authorization", "Bearer " + token);
    }
    if (body != null) {
      b.header("content-type", "application/json").method(method, HttpRequest.BodyPublishers.ofString(body.encode()));
    } else {
      b.method(method, HttpRequest.BodyPublishers.noBody());
    }
    return b.build();
  }

  private static JsonObject send(HttpClient http, HttpRequest request, URI uri) {
    HttpResponse<String> response = exchange(http, request, HttpResponse.BodyHandlers.ofString(), uri);
    if (response.statusCode() / 100 != 2) {
      throw failure(uri, response.statusCode(), response.body());
    }
    String text = response.body();
    if (text == null || text.isBlank()) {
      return new JsonObject();
    }
    try {
      return new JsonObject(text);
    } catch (DecodeException e) {
      throw new Exit.Failure(Exit.UNAVAILABLE, origin(uri) + " answered HTTP " + response.statusCode()
          + " with a body that is not a JSON object");
    }
  }

  /** Sends; a connection that fails or times out is UNAVAILABLE, naming where and why. */
  private static <T> HttpResponse<T> exchange(HttpClient http, HttpRequest request, HttpResponse.BodyHandler<T> body,
      URI uri) {
    try {
      return http.send(request, body);
    } catch (IOException e) {
      throw unreachable(uri, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new Exit.Failure(Exit.UNAVAILABLE, "interrupted");
    }
  }

  static Exit.Failure failure(URI uri, int status, String body) {
    String message = null;
    try {
      JsonObject error = new JsonObject(body);
      message = error.getString("message", error.getString("error"));
    } catch (RuntimeException e) {
      // not our JSON error: a proxy's page, say
    }
    return new Exit.Failure(Exit.forStatus(status), status, (message == null ? "request refused" : message)
        + " (HTTP " + status + " from " + origin(uri) + ")");
  }

  static Exit.Failure unreachable(URI uri, IOException e) {
    if (e instanceof SSLException tls) {
      return new Exit.Failure(Exit.UNAVAILABLE, "TLS with " + origin(uri) + " failed: " + tls.getMessage()
          + " (a platform whose certificates its own CA signed needs that CA: otctl login --ca FILE)");
    }
    String why = e instanceof HttpConnectTimeoutException ? "connection timed out"
        : e instanceof HttpTimeoutException ? "no answer within " + REQUEST_TIMEOUT.toSeconds() + " s"
        : e instanceof ConnectException ? "connection refused"
        : e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    return new Exit.Failure(Exit.UNAVAILABLE, "cannot reach " + origin(uri) + ": " + why);
  }

  private static String origin(URI uri) {
    return uri.getScheme() + "://" + uri.getAuthority();
  }

  static String strip(String url) {
    if (url == null) {
      throw new Exit.Failure(Exit.USAGE, "the context has no address for this service; run: otctl login");
    }
    return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
  }
}
