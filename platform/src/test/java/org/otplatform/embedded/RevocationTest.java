package org.otplatform.embedded;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonObject;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A disabled or deleted user's access tokens stop working everywhere at once — not at their expiry —
 * and long-lived channels opened with a token end when it is revoked or expires.
 */
@ExtendWith(SharedPlatform.class)
@Timeout(180)
class RevocationTest {
  /** The bound the architecture states for a revocation to reach every service. */
  private static final Duration BOUND = Duration.ofSeconds(30);

  private static String createAdmin(SharedPlatform.Holder p, String admin, String name) {
    Api.post(p.auth + "/api/v1/users", admin, new JsonObject().put("username", name)
        .put("password", name + "-long-password").put("roles", new io.vertx.core.json.JsonArray().add("admin"))
        .encode()).expect(201);
    return SharedPlatform.login(name, name + "-long-password");
  }

  @Test
  void aDisabledAdminsTokenStopsWorkingEverywhereAndItsChannelsClose() throws Exception {
    SharedPlatform.Holder p = SharedPlatform.get();
    String admin = SharedPlatform.login("admin", SharedPlatform.ADMIN_PASSWORD);
    String bella = createAdmin(p, admin, "bella-admin");
    String session = SharedPlatform.newSession(admin, "revocation-project", "echo");
    Api.await("session READY", Duration.ofSeconds(60), () -> "READY".equals(
        Api.get(p.gss + "/api/v1/sessions/" + session, admin).json().getString("state")));

    try (WsProbe socket = WsProbe.connect(p.relay + "/ws/sessions/" + session, bella)) {
      socket.send(new JsonObject().put("to", "echo").put("id", "joined").put("action", "ping"));
      assertEquals("joined", socket.next(Duration.ofSeconds(30)).getString("re"));
      CompletableFuture<HttpResponse<InputStream>> events = Api.CLIENT.sendAsync(HttpRequest.newBuilder(
              URI.create(p.gss + "/api/v1/sessions/" + session + "/events"))
          .header("authorization", "Bearer " + bella).build(), HttpResponse.BodyHandlers.ofInputStream());
      InputStream stream = events.get(30, TimeUnit.SECONDS).body();

      Api.send("PATCH", p.auth + "/api/v1/users/bella-admin", admin, "{\"disabled\":true}").expect(200);

      // AUTH reads its own store: at once, bella can no longer undo it or act as an admin.
      Api.send("PATCH", p.auth + "/api/v1/users/bella-admin", bella, "{\"disabled\":false}").expect(401);
      Api.post(p.auth + "/api/v1/users", bella, "{\"username\":\"bellas-friend\",\"password\":\"friends-long-password\"}")
          .expect(401);
      // The others hear it through the revocations topic, within the bound.
      Api.await("GSS refuses the revoked token", BOUND,
          () -> Api.get(p.gss + "/api/v1/admin/sessions", bella).status() == 401);
      Api.await("logger refuses the revoked token", BOUND,
          () -> Api.get(p.logger + "/api/v1/logs", bella).status() == 401);
      assertEquals(4401, socket.closeCode(BOUND), "the relay closed the revoked user's socket");
      assertTrue(socket.closeReason.get().contains("revoked"), socket.closeReason.get());
      assertEquals(-1, readUntilEnd(stream), "the GSS ended the revoked user's event stream");
    }
    try (WsProbe again = WsProbe.connect(p.relay + "/ws/sessions/" + session, bella)) {
      assertEquals(4401, again.closeCode(BOUND), "and refuses it a new one");
    }
    assertTrue(Api.get(p.gss + "/api/v1/sessions/" + session, bella).body().contains("revoked"));

    // Enabled again, a new sign-in works: only tokens issued before the revocation are dead.
    Api.send("PATCH", p.auth + "/api/v1/users/bella-admin", admin, "{\"disabled\":false}").expect(200);
    Api.await("a fresh sign-in (a second after the revocation) works", BOUND, () -> {
      String fresh = Api.post(p.auth + "/api/v1/login", null, new JsonObject().put("username", "bella-admin")
          .put("password", "bella-admin-long-password").encode()).json().getString("accessToken");
      return Api.get(p.gss + "/api/v1/admin/sessions", fresh).status() == 200;
    });
    Api.delete(p.gss + "/api/v1/sessions/" + session, admin).expect(202);
  }

  @Test
  void aDeletedAdminsTokenCannotCreateAdmins() {
    SharedPlatform.Holder p = SharedPlatform.get();
    String admin = SharedPlatform.login("admin", SharedPlatform.ADMIN_PASSWORD);
    String carl = createAdmin(p, admin, "carl-admin");
    Api.delete(p.auth + "/api/v1/users/carl-admin", admin).expect(204);
    Api.post(p.auth + "/api/v1/users", carl, "{\"username\":\"carls-heir\",\"password\":\"heirs-long-password\","
        + "\"roles\":[\"admin\"]}").expect(401);
    Api.await("GSS refuses the deleted user's token", BOUND,
        () -> Api.get(p.gss + "/api/v1/sessions", carl).status() == 401);
  }

  @Test
  void channelsEndWhenTheirTokenExpires() throws Exception {
    try (OwnPlatform own = OwnPlatform.start(Map.of("OT_INSTANCE_ID", "expiry", "OT_AUTH_ACCESS_TTL_SECONDS", "4"),
        "expiry-project")) {
      String session = Api.post(own.gss + "/api/v1/sessions", own.token,
          "{\"project\":\"expiry-project\",\"type\":\"echo\"}").expect(202).json().getString("id");
      String token = freshToken(own);
      Api.await("session READY", Duration.ofSeconds(60), () -> "READY".equals(
          Api.get(own.gss + "/api/v1/sessions/" + session, freshToken(own)).json().getString("state")));
      token = freshToken(own);
      String relay = "ws://127.0.0.1:" + own.platform.ports().relay();
      long t0 = System.nanoTime();
      try (WsProbe socket = WsProbe.connect(relay + "/ws/sessions/" + session, token)) {
        assertEquals(4401, socket.closeCode(Duration.ofSeconds(30)));
        assertTrue(socket.closeReason.get().contains("expired"), socket.closeReason.get());
      }
      assertTrue(System.nanoTime() - t0 < Duration.ofSeconds(20).toNanos(), "closed at the token's expiry");
      HttpResponse<InputStream> events = Api.CLIENT.send(HttpRequest.newBuilder(
              URI.create(own.gss + "/api/v1/sessions/" + session + "/events"))
          .header("authorization", "Bearer " + freshToken(own)).build(), HttpResponse.BodyHandlers.ofInputStream());
      assertEquals(200, events.statusCode());
      assertEquals(-1, readUntilEnd(events.body()), "the event stream ended at the token's expiry");
    }
  }

  private static String freshToken(OwnPlatform own) {
    return Api.post(own.auth + "/api/v1/login", null, new JsonObject().put("username", "admin")
        .put("password", SharedPlatform.ADMIN_PASSWORD).encode()).expect(200).json().getString("accessToken");
  }

  private static int readUntilEnd(InputStream in) throws Exception {
    return Api.readUntilEnd(in, BOUND);
  }
}
