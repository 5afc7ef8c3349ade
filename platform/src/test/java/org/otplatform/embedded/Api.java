package org.otplatform.embedded;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.fail;

import io.vertx.core.json.JsonObject;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.function.BooleanSupplier;

/** A small blocking HTTP client for the tests, over real sockets (JDK HttpClient). */
final class Api {
  static final HttpClient CLIENT = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  /** For https and wss: trusts the CA of the test platform that runs on TLS (see {@link #trust}). */
  private static volatile HttpClient tlsClient;

  /** From now on, https and wss URLs are trusted when their certificate comes from {@code ca}. */
  static void trust(org.otplatform.embedded.tls.CertificateAuthority ca) throws Exception {
    tlsClient = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).sslContext(ca.trustingContext()).build();
  }

  /** The client for a URL: the plain one, or for https/wss the one trusting the test CA. */
  static HttpClient client(String url) {
    HttpClient tls = tlsClient;
    return tls != null && (url.startsWith("https:") || url.startsWith("wss:")) ? tls : CLIENT;
  }

  /** A response with its body parsed as JSON when it is JSON. */
  record Reply(int status, String body, String contentType) {
    JsonObject json() {
      return new JsonObject(body);
    }

    /** Asserts a status and, for errors, the {@code {error, message}} body. */
    Reply expect(int expected) {
      assertEquals(expected, status, () -> "unexpected status; body: " + body);
      if (expected >= 400) {
        assertEquals("application/json", contentType, "error content type");
        JsonObject error = json();
        assertNotNull(error.getString("error"), () -> "error without 'error': " + body);
        assertNotNull(error.getString("message"), () -> "error without 'message': " + body);
      }
      return this;
    }
  }

  /** A request with the given headers and no body; the whole response, headers included. */
  static HttpResponse<String> raw(String method, String url, java.util.Map<String, String> headers) {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30))
        .method(method, HttpRequest.BodyPublishers.noBody());
    headers.forEach(b::header);
    try {
      return client(url).send(b.build(), HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new AssertionError(method + " " + url + " failed: " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  static Reply send(String method, String url, String token, String body) {
    return send(method, url, token, body, java.util.Map.of());
  }

  /** {@link #send(String, String, String, String)} with more headers (a {@code traceparent}). */
  static Reply send(String method, String url, String token, String body, java.util.Map<String, String> headers) {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30))
        .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
            : HttpRequest.BodyPublishers.ofString(body));
    headers.forEach(b::header);
    if (body != null) {
      b.header("content-type", "application/json");
    }
    if (token != null) {
      b.header("authorization", "Bearer " + token);
    }
    try {
      HttpResponse<String> r = client(url).send(b.build(), HttpResponse.BodyHandlers.ofString());
      return new Reply(r.statusCode(), r.body(), r.headers().firstValue("content-type").orElse(""));
    } catch (IOException e) {
      throw new AssertionError(method + " " + url + " failed: " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  static Reply get(String url, String token) {
    return send("GET", url, token, null);
  }

  static Reply post(String url, String token, String body) {
    return send("POST", url, token, body);
  }

  static Reply delete(String url, String token) {
    return send("DELETE", url, token, null);
  }

  /** Waits for a condition, polling, until the deadline; fails with {@code what} when it passes. */
  /** Reads a stream (an event stream, a live tail) to its end, for at most {@code bound}; -1 once it ended. */
  static int readUntilEnd(InputStream in, Duration bound) throws Exception {
    return java.util.concurrent.CompletableFuture.supplyAsync(() -> {
      byte[] buffer = new byte[8192];
      try {
        while (in.read(buffer) >= 0) {
          // entries and keepalives, until the server ends the stream
        }
        return -1;
      } catch (IOException e) {
        return -1; // cut off: ended too
      }
    }).get(bound.toSeconds(), java.util.concurrent.TimeUnit.SECONDS);
  }

  static void await(String what, Duration timeout, BooleanSupplier condition) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        fail("timed out after " + timeout.toSeconds() + " s waiting for " + what);
      }
      try {
        Thread.sleep(100);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError(e);
      }
    }
  }

  private Api() {}

  /**
   * Reads a Server-Sent Events stream until an event of type {@code until}: each as
   * {@code [id, type, data]}.
   */
  static List<String[]> readSse(String url, String token, String lastEventId, String until) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(60))
        .header("authorization", "Bearer " + token).header("accept", "text/event-stream");
    if (lastEventId != null) {
      b.header("Last-Event-ID", lastEventId);
    }
    HttpResponse<InputStream> response = Api.CLIENT.send(b.build(), HttpResponse.BodyHandlers.ofInputStream());
    assertEquals(200, response.statusCode());
    assertTrue(response.headers().firstValue("content-type").orElse("").startsWith("text/event-stream"));
    List<String[]> events = new ArrayList<>();
    try (BufferedReader reader = new BufferedReader(new InputStreamReader(response.body(), StandardCharsets.UTF_8))) {
      String id = null;
      String type = null;
      String line;
      while ((line = reader.readLine()) != null) {
        if (line.startsWith("id: ")) {
          id = line.substring(4);
        } else if (line.startsWith("event: ")) {
          type = line.substring(7);
        } else if (line.startsWith("data: ")) {
          JsonObject data = new JsonObject(line.substring(6));
          assertEquals(type, data.getString("type"));
          events.add(new String[] {id, type, line.substring(6)});
          if (until.equals(type)) {
            return events;
          }
        }
      }
    }
    assertFalse(events.isEmpty(), "no events");
    throw new AssertionError("stream ended before " + until + ": " + events.size() + " events");
  }
}
