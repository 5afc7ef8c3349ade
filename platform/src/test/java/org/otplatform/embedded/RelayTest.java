package org.otplatform.embedded;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonObject;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/** The relay's bounds and fan-out over real sockets, with an echo compute service. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@ExtendWith(SharedPlatform.class)
@Timeout(180)
class RelayTest {
  private static final Duration DEADLINE = Duration.ofSeconds(60);
  private SharedPlatform.Holder p;
  private String admin;
  private String session;
  private String url;

  @BeforeAll
  void openEchoSession() {
    p = SharedPlatform.get();
    admin = SharedPlatform.login("admin", SharedPlatform.ADMIN_PASSWORD);
    Api.post(p.auth + "/api/v1/projects", admin, "{\"name\":\"relay-tests\"}").expect(201);
    session = Api.post(p.gss + "/api/v1/sessions", admin, "{\"project\":\"relay-tests\",\"type\":\"echo\"}")
        .expect(202).json().getString("id");
    Api.await("echo session READY", DEADLINE, () -> "READY".equals(
        Api.get(p.gss + "/api/v1/sessions/" + session, admin).json().getString("state")));
    url = p.relay + "/ws/sessions/" + session;
  }

  @AfterAll
  void close() {
    Api.delete(p.gss + "/api/v1/sessions/" + session, admin);
  }

  @Test
  void pushesReachEveryFrontEndAndRepliesOnlyTheSender() throws Exception {
    try (WsProbe first = WsProbe.connect(url, admin); WsProbe second = WsProbe.connect(url, admin)) {
      // The relay admits a socket after checking token and session: a reply proves it has joined.
      second.send(new JsonObject().put("to", "echo").put("id", "joined").put("action", "ping"));
      assertEquals("joined", second.next(DEADLINE).getString("re"));
      first.send(new JsonObject().put("to", "echo").put("id", 1).put("action", "push")
          .put("payload", new JsonObject().put("count", 3)));
      int firstTicks = 0;
      boolean replied = false;
      while (firstTicks < 3 || !replied) {
        JsonObject m = first.next(DEADLINE);
        assertNotNull(m, "first front end: " + firstTicks + " ticks, replied " + replied);
        if ("tick".equals(m.getString("event"))) {
          assertEquals("echo", m.getString("from"));
          firstTicks++;
        } else {
          assertEquals(1, m.getInteger("re"));
          assertEquals(3, m.getJsonObject("result").getInteger("sent"));
          replied = true;
        }
      }
      for (int i = 0; i < 3; i++) {
        JsonObject m = second.next(DEADLINE);
        assertNotNull(m);
        assertEquals("tick", m.getString("event"), "the second front end gets pushes, not the reply: " + m);
        assertEquals(i, m.getJsonObject("payload").getInteger("n"), "in order");
      }
    }
  }

  @Test
  void aViewerWatchesButCannotActAndAnEditorActs() throws Exception {
    Api.post(p.auth + "/api/v1/users", admin, "{\"username\":\"viewer-vic\",\"password\":\"vics-long-password\"}")
        .expect(201);
    String vic = SharedPlatform.login("viewer-vic", "vics-long-password");
    Api.get(p.gss + "/api/v1/sessions/" + session, vic).expect(404);
    try (WsProbe ws = WsProbe.connect(url, vic)) {
      assertEquals(4404, ws.closeCode(DEADLINE));
    }
    Api.send("PUT", p.auth + "/api/v1/projects/relay-tests/grants", admin,
        "{\"user\":\"viewer-vic\",\"role\":\"viewer\"}").expect(200);
    JsonObject seen = Api.get(p.gss + "/api/v1/sessions/" + session, vic).expect(200).json();
    assertEquals("READY", seen.getString("state"));
    assertEquals("viewer", seen.getString("access"));
    assertEquals("admin", Api.get(p.gss + "/api/v1/sessions/" + session, admin).json().getString("access"));
    try (WsProbe ws = WsProbe.connect(url, vic); WsProbe actor = WsProbe.connect(url, admin)) {
      // A viewer's message never reaches the service: no action, not even ping.
      ws.send(new JsonObject().put("to", "echo").put("id", "v").put("action", "ping"));
      JsonObject refused = ws.next(DEADLINE);
      assertNotNull(refused);
      assertEquals("v", refused.getString("re"));
      assertEquals("forbidden", refused.getJsonObject("error").getString("code"), refused.encode());
      // It still watches: pushes of the session reach it.
      actor.send(new JsonObject().put("to", "echo").put("id", 1).put("action", "push")
          .put("payload", new JsonObject().put("count", 1)));
      JsonObject tick = ws.next(DEADLINE);
      assertNotNull(tick);
      assertEquals("tick", tick.getString("event"), tick.encode());
    }
    Api.get(p.logger + "/api/v1/logs?session=" + session, vic).expect(200);
    Api.delete(p.gss + "/api/v1/sessions/" + session, vic).expect(403);
    Api.send("PUT", p.auth + "/api/v1/projects/relay-tests/grants", admin,
        "{\"user\":\"viewer-vic\",\"role\":\"editor\"}").expect(200);
    assertEquals("editor", Api.get(p.gss + "/api/v1/sessions/" + session, vic).json().getString("access"));
    try (WsProbe ws = WsProbe.connect(url, vic)) {
      ws.send(new JsonObject().put("to", "echo").put("id", "e").put("action", "ping"));
      JsonObject reply = ws.next(DEADLINE);
      assertNotNull(reply);
      assertEquals("e", reply.getString("re"));
      assertNotNull(reply.getValue("result"), "an editor acts: " + reply.encode());
    }
  }

  @Test
  void compressionIsNeverNegotiatedSoNoMessageInflatesPastItsLimit() throws Exception {
    java.net.URI relay = java.net.URI.create(p.relay);
    try (java.net.Socket socket = new java.net.Socket(relay.getHost(), relay.getPort())) {
      socket.setSoTimeout(10_000);
      String key = java.util.Base64.getEncoder().encodeToString(new byte[16]);
      socket.getOutputStream().write(("GET /ws/sessions/" + session + " HTTP/1.1\r\nHost: " + relay.getAuthority()
          + "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: " + key
          + "\r\nSec-WebSocket-Extensions: permessage-deflate; client_max_window_bits\r\nAuthorization: Bearer "
          + admin + "\r\n\r\n").getBytes(java.nio.charset.StandardCharsets.US_ASCII));
      java.io.BufferedReader reader = new java.io.BufferedReader(new java.io.InputStreamReader(
          socket.getInputStream(), java.nio.charset.StandardCharsets.US_ASCII));
      String status = reader.readLine();
      assertTrue(status.contains(" 101 "), status);
      for (String line = reader.readLine(); line != null && !line.isEmpty(); line = reader.readLine()) {
        assertTrue(!line.toLowerCase(java.util.Locale.ROOT).startsWith("sec-websocket-extensions"),
            "the relay offered compression: " + line);
      }
    }
  }

  @Test
  void anOversizedMessageClosesTheConnection() throws Exception {
    try (WsProbe ws = WsProbe.connect(url, admin)) {
      ws.send(new JsonObject().put("to", "echo").put("id", 1).put("action", "echo")
          .put("payload", new JsonObject().put("blob", "y".repeat(70_000))));
      assertEquals(1009, ws.closeCode(DEADLINE), "1009: message too big");
    }
  }

  private static final int PUSHES = 3000;

  @Test
  void aFrontEndThatDoesNotReadIsClosedWhileOthersCarryOn() throws Exception {
    try (WsProbe slow = WsProbe.stalled(url, admin); WsProbe healthy = WsProbe.connect(url, admin)) {
      // Both admitted before the flood; the stalled one reads this reply and nothing after it.
      slow.send(new JsonObject().put("to", "echo").put("id", "s").put("action", "ping"));
      assertEquals("s", slow.next(DEADLINE).getString("re"));
      healthy.send(new JsonObject().put("to", "echo").put("id", "h").put("action", "ping"));
      assertEquals("h", healthy.next(DEADLINE).getString("re"));
      // 3,000 pushes of 4 KiB: far more than the socket buffers and the relay's 256 KiB queue hold.
      // Paced at 600 a second: the queue then holds ~100 ms of the healthy front end's pushes, so a
      // pause of its reader (GC, a loaded CI machine: at 2,000/s a 32 ms one closed it) is no stall.
      healthy.send(new JsonObject().put("to", "echo").put("id", "flood").put("action", "push")
          .put("payload", new JsonObject().put("count", PUSHES).put("size", 4096).put("perSecond", 600)));
      Api.await("the relay to close the slow front end", DEADLINE, () ->
          Api.get(p.platform.url(p.platform.ports().relay()) + "/metrics", null).body()
              .contains("ot_relay_rejected_total{reason=\"too_slow\"}"));
      int ticks = 0;
      while (ticks < PUSHES) {
        JsonObject m = healthy.next(DEADLINE);
        assertNotNull(m, "the healthy front end got only " + ticks + " ticks");
        if ("tick".equals(m.getString("event"))) {
          ticks++;
        }
      }
    }
  }

  @Test
  void trafficIsCountedAndActivityReachesTheGss() throws Exception {
    try (WsProbe ws = WsProbe.connect(url, admin)) {
      ws.send(new JsonObject().put("to", "echo").put("id", 5).put("action", "ping"));
      assertNotNull(ws.next(DEADLINE));
    }
    String metrics = Api.get(p.platform.url(p.platform.ports().relay()) + "/metrics", null).expect(200).body();
    assertTrue(metrics.contains("ot_relay_messages_total{direction=\"in\",type=\"echo\"}"),
        "message counters, by session type: " + metrics.lines().filter(l -> l.startsWith("ot_relay_")).toList());
    assertTrue(metrics.contains("ot_relay_connections{type=\"echo\"}"), "connection gauge, by session type");
    assertTrue(metrics.contains("ot_relay_pending_requests"), "queue depth: requests awaiting replies");
    assertTrue(metrics.contains("ot_relay_paused_front_ends"), "queue depth: front ends held back");
    Api.await("lastActivityAt on the session", DEADLINE, () ->
        Api.get(p.gss + "/api/v1/sessions/" + session, admin).json().getString("lastActivityAt") != null);
  }
}
