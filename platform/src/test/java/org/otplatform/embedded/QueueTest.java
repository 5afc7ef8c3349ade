package org.otplatform.embedded;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

/**
 * The new-session queue, with one LSS of capacity 1: a second and third session wait with their
 * place and the reason, the second goes ahead when the first closes, the third fails at the
 * queue's deadline; a fourth is refused by the platform-wide limit of 3. Nothing is silently
 * dropped.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(180)
class QueueTest {
  private static final Duration DEADLINE = Duration.ofSeconds(60);
  private OwnPlatform own;
  private String gss;
  private String token;

  @BeforeAll
  void start() {
    own = OwnPlatform.start(Map.of("OT_INSTANCE_ID", "queue", "OT_LSS_CAPACITY", "1", "OT_LSS_HEARTBEAT_SECONDS", "1",
        "OT_GSS_LSS_LOST_SECONDS", "3", "OT_GSS_SWEEP_SECONDS", "1", "OT_GSS_QUEUE_TIMEOUT_SECONDS", "15",
        "OT_GSS_MAX_SESSIONS", "3"), "queue");
    gss = own.gss;
    token = own.token;
    Api.await("the GSS to know its LSS", DEADLINE, () -> {
      JsonObject view = Api.get(gss + "/api/v1/admin/lss", token).expect(200).json();
      return view.getBoolean("complete") && view.getJsonArray("lss").size() == 1;
    });
  }

  @AfterAll
  void stop() {
    if (own != null) {
      own.close();
    }
  }

  private String open() {
    return Api.post(gss + "/api/v1/sessions", token, "{\"project\":\"queue\",\"type\":\"echo\"}").expect(202)
        .json().getString("id");
  }

  private JsonObject session(String id) {
    return Api.get(gss + "/api/v1/sessions/" + id, token).expect(200).json();
  }

  @Test
  void sessionsWaitForAFreeSlotInOrderAndFailAtTheDeadline() throws Exception {
    String first = open();
    Api.await("the first session READY", DEADLINE, () -> "READY".equals(session(first).getString("state")));

    JsonObject second = Api.post(gss + "/api/v1/sessions", token, "{\"project\":\"queue\",\"type\":\"echo\"}")
        .expect(202).json();
    assertEquals("OPENING", second.getString("state"));
    assertEquals(1, second.getJsonObject("queue").getInteger("position"), second.encode());
    assertTrue(second.getJsonObject("queue").getString("reason").contains("all 1 session slots"), second.encode());
    String third = open();
    assertEquals(2, session(third).getJsonObject("queue").getInteger("position"));
    Api.Reply full = Api.post(gss + "/api/v1/sessions", token, "{\"project\":\"queue\",\"type\":\"echo\"}")
        .expect(429);
    assertTrue(full.json().getString("message").contains("the platform holds 3 open sessions"), full.body());
    List<String[]> events = Api.readSse(gss + "/api/v1/sessions/" + second.getString("id") + "/events", token,
        null, "SessionQueued");
    assertTrue(events.get(events.size() - 1)[2].contains("session slots"), events.get(events.size() - 1)[2]);

    Api.delete(gss + "/api/v1/sessions/" + first, token).expect(202);
    Api.await("the second session dispatched and READY", DEADLINE,
        () -> "READY".equals(session(second.getString("id")).getString("state")));
    assertTrue(!session(second.getString("id")).containsKey("queue"));
    JsonObject waiting = session(third);
    assertEquals("OPENING", waiting.getString("state"));
    assertEquals(1, waiting.getJsonObject("queue").getInteger("position"), "moved up: " + waiting.encode());

    Api.await("the third session failed at the queue's deadline", DEADLINE,
        () -> "FAILED".equals(session(third).getString("state")));
    assertTrue(session(third).getString("reason").startsWith("waited 15 s in the queue: "), session(third).encode());
    // Its project slot is free again.
    Api.delete(gss + "/api/v1/sessions/" + second.getString("id"), token).expect(202);
  }
}
