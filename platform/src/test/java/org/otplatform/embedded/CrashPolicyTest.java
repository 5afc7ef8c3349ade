package org.otplatform.embedded;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A compute service that dies after READY, with real processes: the LSS restarts it (restart limit
 * 1 in the test catalog), the front end is told through SSE and keeps its relay connection, which
 * reaches the new process; the next death is past the limit and fails the session.
 */
@ExtendWith(SharedPlatform.class)
@Timeout(180)
class CrashPolicyTest {
  private static final Duration DEADLINE = Duration.ofSeconds(60);

  @Test
  void aCrashedServiceIsRestartedOnceThenTheSessionFails() throws Exception {
    SharedPlatform.Holder p = SharedPlatform.get();
    String admin = SharedPlatform.login("admin", SharedPlatform.ADMIN_PASSWORD);
    String id = SharedPlatform.newSession(admin, "crash-tests", "crashy");
    String sessionUrl = p.gss + "/api/v1/sessions/" + id;
    Api.await("session READY", DEADLINE, () -> "READY".equals(Api.get(sessionUrl, admin).json().getString("state")));
    String firstEndpoint = service(sessionUrl, admin).getString("endpoint");

    try (WsProbe ws = WsProbe.connect(p.relay + "/ws/sessions/" + id, admin)) {
      ws.send(new JsonObject().put("to", "echo").put("id", "before").put("action", "ping"));
      assertEquals("before", ws.next(DEADLINE).getString("re"));

      ws.send(new JsonObject().put("to", "echo").put("id", "die").put("action", "exit")
          .put("payload", new JsonObject().put("code", 3)));
      assertEquals(3, ws.next(DEADLINE).getJsonObject("result").getInteger("exiting"));

      Api.await("the service restarted at a new endpoint", DEADLINE, () -> {
        JsonObject s = service(sessionUrl, admin);
        return "READY".equals(s.getString("state")) && s.getInteger("restarts", 0) == 1
            && !firstEndpoint.equals(s.getString("endpoint"));
      });
      assertEquals("READY", Api.get(sessionUrl, admin).json().getString("state"), "the session stayed usable");

      // The same connection reaches the new process; until the relay has heard of it, requests
      // get an error that says the service is restarting — never silence.
      Api.await("a reply from the restarted service over the same connection", DEADLINE, () -> {
        ws.send(new JsonObject().put("to", "echo").put("id", "after").put("action", "ping"));
        JsonObject reply = next(ws);
        if (reply.containsKey("error")) {
          assertEquals("service_unavailable", reply.getJsonObject("error").getString("code"), reply.encode());
          return false;
        }
        return "after".equals(reply.getString("re"));
      });

      List<String[]> events = Api.readSse(sessionUrl + "/events", admin, null, "ServiceReady");
      List<String[]> all = Api.readSse(sessionUrl + "/events", admin, events.get(events.size() - 1)[0],
          "ServiceReady");
      String failed = all.stream().filter(e -> e[1].equals("ServiceFailed")).findFirst().orElseThrow()[2];
      assertEquals(3, new JsonObject(failed).getInteger("exitCode"), failed);
      String restarting = all.stream().filter(e -> e[1].equals("ServiceRestarting")).findFirst().orElseThrow()[2];
      assertEquals(1, new JsonObject(restarting).getInteger("attempt"));
      assertEquals(1, new JsonObject(restarting).getInteger("restartLimit"));

      ws.send(new JsonObject().put("to", "echo").put("id", "die-again").put("action", "exit")
          .put("payload", new JsonObject().put("code", 4)));
      Api.await("session FAILED past the restart limit", DEADLINE,
          () -> "FAILED".equals(Api.get(sessionUrl, admin).json().getString("state")));
      String reason = Api.get(sessionUrl, admin).json().getString("reason");
      assertTrue(reason.contains("exited with code 4") && reason.contains("1 restart(s)"), reason);
      assertEquals(4410, ws.closeCode(DEADLINE), "the relay tells the front end the session ended");
    }
  }

  private static JsonObject service(String sessionUrl, String token) {
    return Api.get(sessionUrl, token).expect(200).json().getJsonArray("services").getJsonObject(0);
  }

  /** The next message that is not a push. */
  private static JsonObject next(WsProbe ws) {
    try {
      JsonObject m = ws.next(DEADLINE);
      assertNotNull(m, "no reply");
      assertNotEquals(null, m.getValue("re"), m.encode());
      return m;
    } catch (InterruptedException e) {
      throw new IllegalStateException(e);
    }
  }
}
