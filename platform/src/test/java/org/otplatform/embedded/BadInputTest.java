package org.otplatform.embedded;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.Base64;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.otplatform.relay.CloseCodes;

/**
 * Bad input on every public endpoint gets the right 4xx with a JSON {@code {error, message}} body
 * (or, on the relay's WebSocket, the matching close code) — never a 500 or a hang.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@ExtendWith(SharedPlatform.class)
@Timeout(120)
class BadInputTest {
  private static final String MALFORMED = "{\"name\": ";
  private static final String UNKNOWN_SESSION = UUID.randomUUID().toString();
  private SharedPlatform.Holder p;
  private String admin;
  private String bob;
  private String wrongToken;

  @BeforeAll
  void users() {
    p = SharedPlatform.get();
    admin = SharedPlatform.login("admin", SharedPlatform.ADMIN_PASSWORD);
    Api.post(p.auth + "/api/v1/users", admin,
        "{\"username\":\"bob\",\"password\":\"bobs-long-password-1\"}").expect(201);
    bob = SharedPlatform.login("bob", "bobs-long-password-1");
    Api.post(p.auth + "/api/v1/projects", admin, "{\"name\":\"admins-project\"}").expect(201);
    // A token with a tampered payload: the signature no longer matches.
    String[] parts = admin.split("\\.");
    String payload = new String(Base64.getUrlDecoder().decode(parts[1])).replace("\"admin\"", "\"bobby\"");
    wrongToken = parts[0] + "." + Base64.getUrlEncoder().withoutPadding().encodeToString(payload.getBytes()) + "."
        + parts[2];
  }

  @Test
  void login() {
    Api.post(p.auth + "/api/v1/login", null, MALFORMED).expect(400);
    Api.post(p.auth + "/api/v1/login", null, "{\"username\":\"admin\"}").expect(400);
    Api.post(p.auth + "/api/v1/login", null, "[1,2]").expect(400);
    Api.post(p.auth + "/api/v1/login", null, null).expect(400);
    Api.post(p.auth + "/api/v1/login", null, "{\"username\":\"admin\",\"password\":\"wrong-password\"}").expect(401);
    Api.Reply unknown = Api.post(p.auth + "/api/v1/login", null,
        "{\"username\":\"nobody\",\"password\":\"wrong-password\"}").expect(401);
    assertEquals("invalid username or password", unknown.json().getString("message"),
        "unknown users and wrong passwords look alike");
    Api.post(p.auth + "/api/v1/token/refresh", null, "{\"refreshToken\":\"made-up\"}").expect(401);
  }

  @Test
  void authProjectsAndUsers() {
    Api.get(p.auth + "/api/v1/projects", null).expect(401);
    Api.get(p.auth + "/api/v1/projects", wrongToken).expect(401);
    Api.get(p.auth + "/api/v1/projects", "not-a-jwt").expect(401);
    Api.get(p.auth + "/api/v1/me", null).expect(401);
    Api.post(p.auth + "/api/v1/projects", admin, MALFORMED).expect(400);
    Api.post(p.auth + "/api/v1/projects", admin, "{}").expect(400);
    Api.post(p.auth + "/api/v1/projects", admin, "{\"name\":\"../etc\"}").expect(400);
    Api.post(p.auth + "/api/v1/projects", admin, "{\"name\":\"ADMINS-PROJECT\"}").expect(409);
    Api.get(p.auth + "/api/v1/projects/no-such-project", admin).expect(404);
    Api.get(p.auth + "/api/v1/projects/admins-project", bob).expect(403);
    Api.post(p.auth + "/api/v1/users", bob, "{\"username\":\"eve\",\"password\":\"eves-long-password\"}")
        .expect(403);
    Api.post(p.auth + "/api/v1/users", admin, "{\"username\":\"eve\",\"password\":\"short\"}").expect(400);
    Api.post(p.auth + "/api/v1/users", admin, "{\"username\":\"BOB\",\"password\":\"bobs-long-password-2\"}")
        .expect(409);
  }

  @Test
  void gssSessions() {
    String sessions = p.gss + "/api/v1/sessions";
    Api.post(sessions, null, "{\"project\":\"admins-project\"}").expect(401);
    Api.post(sessions, wrongToken, "{\"project\":\"admins-project\"}").expect(401);
    Api.post(sessions, admin, MALFORMED).expect(400);
    Api.post(sessions, admin, "{}").expect(400);
    Api.post(sessions, admin, "{\"project\":42}").expect(400);
    Api.post(sessions, admin, "{\"project\":\"admins-project\",\"type\":\"no-such-type\"}").expect(400);
    Api.post(sessions, admin, "{\"project\":\"no-such-project\"}").expect(404);
    Api.post(sessions, bob, "{\"project\":\"admins-project\"}").expect(403);
    Api.get(sessions + "/" + UNKNOWN_SESSION, admin).expect(404);
    Api.delete(sessions + "/" + UNKNOWN_SESSION, admin).expect(404);
    Api.get(sessions + "/" + UNKNOWN_SESSION + "/events", admin).expect(404);
    Api.get(sessions + "/" + UNKNOWN_SESSION, null).expect(401);
    Api.get(p.gss + "/api/v1/nothing-here", admin).expect(404);
    Api.send("PUT", p.gss + "/api/v1/info", null, "{}").expect(405);
  }

  @Test
  void aUserNeverSeesAnotherUsersSession() {
    Api.post(p.auth + "/api/v1/projects", admin, "{\"name\":\"private-work\"}").expect(201);
    String id = Api.post(p.gss + "/api/v1/sessions", admin, "{\"project\":\"private-work\",\"type\":\"echo\"}")
        .expect(202).json().getString("id");
    Api.get(p.gss + "/api/v1/sessions/" + id, bob).expect(404);
    Api.delete(p.gss + "/api/v1/sessions/" + id, bob).expect(404);
    Api.get(p.logger + "/api/v1/logs?session=" + id, bob).expect(404);
    assertTrue(Api.get(p.gss + "/api/v1/sessions", bob).expect(200).json().getJsonArray("sessions").isEmpty());
    Api.delete(p.gss + "/api/v1/sessions/" + id, admin).expect(202);
  }

  @Test
  void logger() {
    String logs = p.logger + "/api/v1/logs";
    Api.get(logs, null).expect(401);
    Api.get(logs, wrongToken).expect(401);
    Api.get(logs, bob).expect(403);
    Api.get(logs + "?session=" + UNKNOWN_SESSION, bob).expect(404);
    Api.get(logs + "?level=LOUD", admin).expect(400);
    Api.get(logs + "?limit=0", admin).expect(400);
    Api.get(logs + "?limit=many", admin).expect(400);
    // A crafted session id never reaches another route of the GSS (it got 200 from /api/v1/info).
    Api.get(logs + "?session=../info", bob).expect(400);
    Api.get(logs + "?session=..%2Finfo", bob).expect(400);
    Api.get(logs + "?session=x%3Fy%3Dz", admin).expect(400);
    Api.get(logs + "/tail?session=../info", bob).expect(400);
  }

  @Test
  void aHalfSentBodyIsAnswered408AndItsConnectionClosed() throws Exception {
    java.net.URI auth = java.net.URI.create(p.auth);
    try (java.net.Socket socket = new java.net.Socket(auth.getHost(), auth.getPort())) {
      socket.setSoTimeout(30_000);
      socket.getOutputStream().write(("POST /api/v1/login HTTP/1.1\r\nHost: " + auth.getAuthority()
          + "\r\nContent-Type: application/json\r\nContent-Length: 100000\r\n\r\n{\"username\":\"adm")
          .getBytes(java.nio.charset.StandardCharsets.US_ASCII));
      long t0 = System.nanoTime();
      String answer = new String(socket.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
      long seconds = (System.nanoTime() - t0) / 1_000_000_000L;
      assertTrue(answer.startsWith("HTTP/1.1 408"), answer);
      assertTrue(answer.contains("\"request_timeout\""), answer);
      assertTrue(seconds >= 5 && seconds < 25, "closed after the 10 s read deadline, not at once: " + seconds + " s");
    }
    Api.get(p.auth + "/health/live", null).expect(200);
  }

  /** Raw HTTP/1.1 on a socket: the whole answer, up to the server's close (or 30 s). */
  private static String raw(String base, String head, byte[] body) throws Exception {
    java.net.URI uri = java.net.URI.create(base);
    try (java.net.Socket socket = new java.net.Socket(uri.getHost(), uri.getPort())) {
      socket.setSoTimeout(30_000);
      java.io.OutputStream out = socket.getOutputStream();
      out.write((head + "Host: " + uri.getAuthority() + "\r\n\r\n").getBytes(java.nio.charset.StandardCharsets.UTF_8));
      try {
        out.write(body);
      } catch (java.io.IOException e) {
        // the server may stop reading once it has answered
      }
      return new String(socket.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
    }
  }

  /**
   * Found by bin/ot-fuzz: a body past the limit was answered 413 and its connection kept, so the
   * rest of the body stayed on it and a client reusing it waited for ever. Now the answer ends it.
   */
  @Test
  void aBodyPastTheLimitIsAnswered413AndItsConnectionClosed() throws Exception {
    byte[] body = ("{\"name\":\"" + "x".repeat(3 * 1024 * 1024) + "\"}").getBytes(java.nio.charset.StandardCharsets.UTF_8);
    String answer = raw(p.auth, "POST /api/v1/projects HTTP/1.1\r\nAuthorization: Bearer " + admin
        + "\r\nContent-Type: application/json\r\nContent-Length: " + body.length + "\r\n", body);
    assertTrue(answer.startsWith("HTTP/1.1 413"), answer);
    assertTrue(answer.toLowerCase(java.util.Locale.ROOT).contains("connection: close"), answer);
    assertTrue(answer.contains("\"error\""), answer);
  }

  /** Found by bin/ot-fuzz: a request line past the codec's limit got a bare 414, not the JSON every error is. */
  @Test
  void aRequestLineTooLongIsAnswered414WithJson() throws Exception {
    for (String base : java.util.List.of(p.gss, p.auth, p.logger, p.relay.replace("ws://", "http://"))) {
      String answer = raw(base, "GET /api/v1/info?q=" + "z".repeat(9000) + " HTTP/1.1\r\n", new byte[0]);
      assertTrue(answer.matches("(?s)HTTP/1.[01] 414 .*"), base + ": " + answer);
      assertTrue(answer.contains("\"error\":\"uri_too_long\""), base + ": " + answer);
    }
  }

  /** Found by bin/ot-fuzz: a GET with a form or multipart body made the body handler fail with a 500. */
  @Test
  void aFormBodyIsRefused415NotA500() {
    for (String type : java.util.List.of("multipart/form-data; boundary=x", "application/x-www-form-urlencoded")) {
      var response = Api.raw("GET", p.logger + "/api/v1/logs", java.util.Map.of("authorization", "Bearer " + admin,
          "content-type", type));
      assertEquals(415, response.statusCode(), type + ": " + response.body());
      assertEquals("unsupported_media_type", new JsonObject(response.body()).getString("error"));
    }
  }

  @Test
  void relayRefusesWithCloseCodes() throws Exception {
    String url = p.relay + "/ws/sessions/" + UNKNOWN_SESSION;
    try (WsProbe ws = WsProbe.connect(url, null)) {
      assertEquals(CloseCodes.UNAUTHORIZED, ws.closeCode(Duration.ofSeconds(30)));
    }
    try (WsProbe ws = WsProbe.connect(url, wrongToken)) {
      assertEquals(CloseCodes.UNAUTHORIZED, ws.closeCode(Duration.ofSeconds(30)));
    }
    try (WsProbe ws = WsProbe.connect(url, admin)) {
      assertEquals(CloseCodes.NOT_FOUND, ws.closeCode(Duration.ofSeconds(30)));
      assertTrue(ws.closeReason.get().contains(UNKNOWN_SESSION));
    }
  }

  @Test
  void errorsAreJsonEvenForUnknownRoutes() {
    JsonObject body = Api.get(p.auth + "/nope", null).expect(404).json();
    assertEquals("not_found", body.getString("error"));
  }

  /** Every service's responses carry the hardening headers; no origin gets cross-origin access by default. */
  @Test
  void responsesAreHardenedAndCrossOriginAccessIsClosedByDefault() {
    for (String base : java.util.List.of(p.gss + "/api/v1/info", p.auth + "/health/live", p.logger + "/health/ready",
        p.platform.url(p.platform.ports().lss()) + "/health/live", p.platform.url(p.platform.ports().relay()) + "/metrics")) {
      var response = Api.raw("GET", base, java.util.Map.of("Origin", "https://evil.example"));
      var headers = response.headers();
      assertEquals("nosniff", headers.firstValue("X-Content-Type-Options").orElse(""), base);
      assertEquals("DENY", headers.firstValue("X-Frame-Options").orElse(""), base);
      assertTrue(headers.firstValue("Content-Security-Policy").orElse("").contains("default-src 'none'"), base);
      assertEquals("no-referrer", headers.firstValue("Referrer-Policy").orElse(""), base);
      assertEquals("no-store", headers.firstValue("Cache-Control").orElse(""), base);
      assertTrue(headers.firstValue("Strict-Transport-Security").isEmpty(), base + ": HSTS only over TLS");
      assertTrue(headers.firstValue("Access-Control-Allow-Origin").isEmpty(), base + ": no CORS by default");
    }
    var preflight = Api.raw("OPTIONS", p.gss + "/api/v1/sessions", java.util.Map.of("Origin", "https://evil.example",
        "Access-Control-Request-Method", "POST"));
    assertTrue(preflight.headers().firstValue("Access-Control-Allow-Origin").isEmpty(), "preflight refused");
  }
}
