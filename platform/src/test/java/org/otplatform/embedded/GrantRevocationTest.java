package org.otplatform.embedded;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonObject;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Long-lived channels follow the project's grants, not only the token: when a user's grant on a
 * session's project is revoked, their relay socket closes (4403), their event stream and live log
 * tail end; when their role changes, the socket closes so that they come back as what they are.
 */
@ExtendWith(SharedPlatform.class)
@Timeout(180)
class GrantRevocationTest {
  /** The bound the architecture states for an access change to reach every channel. */
  private static final Duration BOUND = Duration.ofSeconds(30);

  private static String user(SharedPlatform.Holder p, String admin, String name) {
    Api.post(p.auth + "/api/v1/users", admin, new JsonObject().put("username", name)
        .put("password", name + "-long-password").encode()).expect(201);
    return SharedPlatform.login(name, name + "-long-password");
  }

  private static void grant(SharedPlatform.Holder p, String admin, String project, String user, String role) {
    Api.send("PUT", p.auth + "/api/v1/projects/" + project + "/grants", admin, new JsonObject().put("user", user)
        .put("role", role).encode()).expect(200);
  }

  private static InputStream open(String url, String token) throws Exception {
    HttpResponse<InputStream> response = Api.CLIENT.sendAsync(HttpRequest.newBuilder(URI.create(url))
        .header("authorization", "Bearer " + token).build(), HttpResponse.BodyHandlers.ofInputStream())
        .get(30, TimeUnit.SECONDS);
    assertEquals(200, response.statusCode(), url);
    return response.body();
  }

  /** A READY echo session of the admin's new {@code project}, on which {@code user} is an editor. */
  private static String editorOfReadySession(SharedPlatform.Holder p, String admin, String project, String user) {
    String session = SharedPlatform.newSession(admin, project, "echo");
    grant(p, admin, project, user, "editor");
    Api.await("session READY", Duration.ofSeconds(60), () -> "READY".equals(
        Api.get(p.gss + "/api/v1/sessions/" + session, admin).json().getString("state")));
    return session;
  }

  @Test
  void revokingAGrantClosesTheUsersChannels() throws Exception {
    SharedPlatform.Holder p = SharedPlatform.get();
    String admin = SharedPlatform.login("admin", SharedPlatform.ADMIN_PASSWORD);
    String gina = user(p, admin, "gina-grantee");
    String session = editorOfReadySession(p, admin, "grant-project", "gina-grantee");

    try (WsProbe socket = WsProbe.connect(p.relay + "/ws/sessions/" + session, gina)) {
      socket.send(new JsonObject().put("to", "echo").put("id", "joined").put("action", "ping"));
      assertEquals("joined", socket.next(Duration.ofSeconds(30)).getString("re"), "an editor may act");
      InputStream events = open(p.gss + "/api/v1/sessions/" + session + "/events", gina);
      InputStream tail = open(p.logger + "/api/v1/logs/tail?session=" + session, gina);

      Api.delete(p.auth + "/api/v1/projects/grant-project/grants/user/gina-grantee", admin).expect(204);

      assertEquals(4403, socket.closeCode(BOUND), "the relay closed the socket of the user who lost the grant");
      assertTrue(socket.closeReason.get().contains("revoked"), socket.closeReason.get());
      assertEquals(-1, readUntilEnd(events), "the GSS ended the event stream");
      assertEquals(-1, readUntilEnd(tail), "the logger ended the live tail");
    }
    try (WsProbe again = WsProbe.connect(p.relay + "/ws/sessions/" + session, gina)) {
      assertEquals(4404, again.closeCode(BOUND), "and a new socket is refused: the session is not shown to her");
    }
    Api.delete(p.gss + "/api/v1/sessions/" + session, admin).expect(202);
  }

  @Test
  void aChangedRoleClosesTheSocketSoItIsAdmittedAgainAsWhatItIs() throws Exception {
    SharedPlatform.Holder p = SharedPlatform.get();
    String admin = SharedPlatform.login("admin", SharedPlatform.ADMIN_PASSWORD);
    String vic = user(p, admin, "vic-downgraded");
    String session = editorOfReadySession(p, admin, "role-project", "vic-downgraded");
    try (WsProbe socket = WsProbe.connect(p.relay + "/ws/sessions/" + session, vic)) {
      socket.send(new JsonObject().put("to", "echo").put("id", "as-editor").put("action", "ping"));
      assertEquals("as-editor", socket.next(Duration.ofSeconds(30)).getString("re"));

      grant(p, admin, "role-project", "vic-downgraded", "viewer");

      assertEquals(4403, socket.closeCode(BOUND));
      assertTrue(socket.closeReason.get().contains("role"), socket.closeReason.get());
    }
    try (WsProbe viewer = WsProbe.connect(p.relay + "/ws/sessions/" + session, vic)) {
      viewer.send(new JsonObject().put("to", "echo").put("id", "as-viewer").put("action", "ping"));
      JsonObject refused = viewer.next(Duration.ofSeconds(30));
      assertTrue(refused.containsKey("error"), "a viewer watches but may not act: " + refused.encode());
    }
    Api.delete(p.gss + "/api/v1/sessions/" + session, admin).expect(202);
  }

  private static int readUntilEnd(InputStream in) throws Exception {
    return Api.readUntilEnd(in, BOUND);
  }
}
