package org.otplatform.embedded;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

/**
 * Logins from an address many users share: each client is counted by its own address when a
 * trusted proxy names it ({@code X-Forwarded-For}), and a user who signed in from a device before
 * passes a block that spraying put on the shared address (a device cookie) — while a blocked attempt
 * is still never evaluated.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(180)
class SharedAddressTest {
  private OwnPlatform own;

  @BeforeAll
  void start() {
    own = OwnPlatform.start(Map.of("OT_INSTANCE_ID", "shared-address", "OT_AUTH_ADDRESS_MAX_FAILURES", "5",
        "OT_AUTH_TRUSTED_PROXIES", "127.0.0.1"), "shared-address");
  }

  @AfterAll
  void stop() {
    if (own != null) {
      own.close();
    }
  }

  private HttpResponse<String> login(String user, String password, String cookie, String forwardedFor)
      throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(own.auth + "/api/v1/login"))
        .timeout(Duration.ofSeconds(30)).header("content-type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(new JsonObject().put("username", user).put("password", password)
            .encode()));
    if (cookie != null) {
      b.header("cookie", cookie);
    }
    if (forwardedFor != null) {
      b.header("X-Forwarded-For", forwardedFor);
    }
    return Api.CLIENT.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void aKnownDevicePassesASprayedAddressAndEachClientBehindAProxyCountsAlone() throws Exception {
    HttpResponse<String> first = login("admin", SharedPlatform.ADMIN_PASSWORD, null, null);
    assertEquals(200, first.statusCode(), first.body());
    String setCookie = first.headers().firstValue("set-cookie").orElse(null);
    assertNotNull(setCookie, "a sign-in from a new device gets a device cookie");
    assertTrue(setCookie.toLowerCase(java.util.Locale.ROOT).contains("httponly") && setCookie.contains("SameSite=Strict"),
        setCookie);
    String device = setCookie.substring(0, setCookie.indexOf(';'));

    // Spraying from the shared address (no proxy header: the peer, 127.0.0.1, is the client).
    for (int i = 0; i < 5; i++) {
      assertEquals(401, login("nobody-" + i, "sprayed-password", null, null).statusCode());
    }
    assertEquals(429, login("admin", SharedPlatform.ADMIN_PASSWORD, null, null).statusCode(),
        "an unknown device behind the blocked address is refused, unevaluated");
    assertEquals(200, login("admin", SharedPlatform.ADMIN_PASSWORD, device, null).statusCode(),
        "the admin's known device passes the block on its address");
    // A stolen cookie buys no more guesses than the per-user limit.
    for (int i = 0; i < 5; i++) {
      assertEquals(401, login("admin", "guess-" + i, device, null).statusCode());
    }
    assertEquals(429, login("admin", SharedPlatform.ADMIN_PASSWORD, device, null).statusCode());
    // Another user's cookie is not this user's device.
    assertEquals(429, login("nobody-0", "whatever-password", device, null).statusCode());

    // Behind the trusted proxy every client is counted by the address it names.
    for (int i = 0; i < 5; i++) {
      assertEquals(401, login("other-" + i, "sprayed-password", null, "203.0.113.9").statusCode());
    }
    assertEquals(429, login("someone", "a-password-here", null, "203.0.113.9").statusCode());
    assertEquals(401, login("someone", "a-password-here", null, "203.0.113.10").statusCode(),
        "a client at another address is evaluated");
    // What a client writes itself is not believed: the proxy appends what it saw, that counts.
    assertEquals(429, login("someone", "a-password-here", null, "198.51.100.1, 203.0.113.9").statusCode());
  }
}
