package org.otplatform.embedded;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The whole user flow against real components started here: a Kafka broker process, the
 * Mongo-wire store, the five services, and kriging compute processes — over real HTTP, SSE and
 * WebSocket connections.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(180)
@ExtendWith(SharedPlatform.class)
class EndToEndTest {
  private static final Duration DEADLINE = Duration.ofSeconds(90);
  private static final String ADMIN_PASSWORD = SharedPlatform.ADMIN_PASSWORD;

  private EmbeddedPlatform platform;
  private String gss;
  private String auth;
  private String logger;
  private String relay;
  private String adminToken;
  private String sessionId;
  private String endpoint;

  @BeforeAll
  void addresses() {
    SharedPlatform.Holder shared = SharedPlatform.get();
    platform = shared.platform;
    gss = shared.gss;
    auth = shared.auth;
    logger = shared.logger;
    relay = shared.relay;
  }

  @Test
  @Order(1)
  void infoTellsWhereEverythingIs() {
    JsonObject info = Api.get(gss + "/api/v1/info", null).expect(200).json();
    assertEquals(auth, info.getString("authUrl"));
    assertEquals(relay, info.getString("relayUrl"));
    assertEquals(logger, info.getString("loggerUrl"));
    assertEquals("0.1.0", info.getString("version"));
    assertEquals("kriging", info.getString("defaultSessionType"));
  }

  @Test
  @Order(2)
  void everyServiceHasHealthMetricsAndContract() {
    EmbeddedPlatform.Ports p = platform.ports();
    for (int port : new int[] {p.gss(), p.auth(), p.lss(), p.relay(), p.logger()}) {
      String base = platform.url(port);
      Api.get(base + "/health/live", null).expect(200);
      Api.await("readiness of " + base, DEADLINE, () -> Api.get(base + "/health/ready", null).status() == 200);
      Api.Reply metrics = Api.get(base + "/metrics", null).expect(200);
      assertTrue(metrics.body().contains("# TYPE"), "Prometheus text from " + base);
    }
    for (String base : List.of(gss, auth, logger)) {
      assertTrue(Api.get(base + "/openapi.yaml", null).expect(200).body().startsWith("openapi: 3"));
    }
  }

  @Test
  @Order(3)
  void loginAndProjects() {
    JsonObject tokens = Api.post(auth + "/api/v1/login", null,
        "{\"username\":\"admin\",\"password\":\"" + ADMIN_PASSWORD + "\"}").expect(200).json();
    adminToken = tokens.getString("accessToken");
    assertEquals(3, adminToken.split("\\.").length, "a JWT");
    assertNotNull(tokens.getString("refreshToken"));
    assertEquals("admin", Api.get(auth + "/api/v1/me", adminToken).expect(200).json().getString("username"));

    JsonObject project = Api.post(auth + "/api/v1/projects", adminToken, "{\"name\":\"wind-farm\"}").expect(201).json();
    assertEquals("wind-farm", project.getString("name"));
    JsonArray list = Api.get(auth + "/api/v1/projects", adminToken).expect(200).json().getJsonArray("projects");
    assertTrue(list.stream().anyMatch(o -> "wind-farm".equals(((JsonObject) o).getString("name"))));

    // A refresh token works once.
    String refresh = tokens.getString("refreshToken");
    Api.post(auth + "/api/v1/token/refresh", null, new JsonObject().put("refreshToken", refresh).encode()).expect(200);
    Api.post(auth + "/api/v1/token/refresh", null, new JsonObject().put("refreshToken", refresh).encode()).expect(401);
  }

  @Test
  @Order(4)
  void openSessionStreamsProgressUntilReady() throws Exception {
    JsonObject opened = Api.post(gss + "/api/v1/sessions", adminToken, "{\"project\":\"wind-farm\"}")
        .expect(202).json();
    sessionId = opened.getString("id");
    assertEquals("OPENING", opened.getString("state"));
    assertEquals("kriging", opened.getString("type"));

    List<String[]> events = Api.readSse(gss + "/api/v1/sessions/" + sessionId + "/events", adminToken, null, "SessionReady");
    List<String> types = events.stream().map(e -> e[1]).toList();
    assertEquals("SessionOpenRequested", types.get(0));
    assertTrue(types.contains("ServiceStarting"), types.toString());
    assertTrue(types.contains("ServiceReady"), types.toString());
    assertEquals("SessionReady", types.get(types.size() - 1));
    for (int i = 0; i < events.size(); i++) {
      assertEquals(String.valueOf(i + 1), events.get(i)[0], "SSE ids count up");
    }

    JsonObject session = Api.get(gss + "/api/v1/sessions/" + sessionId, adminToken).expect(200).json();
    assertEquals("READY", session.getString("state"));
    JsonObject service = session.getJsonArray("services").getJsonObject(0);
    assertEquals("kriging", service.getString("name"));
    assertEquals("READY", service.getString("state"));
    endpoint = service.getString("endpoint");
    assertNotNull(endpoint);

    // Resume: after Last-Event-ID 2 the stream starts at 3.
    List<String[]> resumed = Api.readSse(gss + "/api/v1/sessions/" + sessionId + "/events", adminToken, "2", "SessionReady");
    assertEquals("3", resumed.get(0)[0]);

    // ?until=ready ends the stream by itself at READY: what a script (the README) waits on.
    HttpResponse<String> whole = Api.CLIENT.send(HttpRequest.newBuilder(
            URI.create(gss + "/api/v1/sessions/" + sessionId + "/events?until=ready"))
        .timeout(Duration.ofSeconds(30)).header("authorization", "Bearer " + adminToken).build(),
        HttpResponse.BodyHandlers.ofString());
    assertEquals(200, whole.statusCode());
    assertTrue(whole.body().strip().endsWith("\"state\":\"READY\"}"), whole.body());
    assertTrue(whole.body().contains("event: SessionReady"), whole.body());
    Api.get(gss + "/api/v1/sessions/" + sessionId + "/events?until=forever", adminToken).expect(400);
  }

  @Test
  @Order(5)
  void projectLockRefusesASecondSession() {
    Api.Reply second = Api.post(gss + "/api/v1/sessions", adminToken, "{\"project\":\"wind-farm\"}").expect(409);
    assertTrue(second.json().getString("message").contains(sessionId), second.body());
  }

  @Test
  @Order(6)
  void relayRoutesToTheComputeService() throws Exception {
    try (WsProbe ws = WsProbe.connect(relay + "/ws/sessions/" + sessionId, adminToken)) {
      ws.send(new JsonObject().put("to", "kriging").put("id", "p1").put("action", "ping"));
      JsonObject pong = ws.next(DEADLINE);
      assertNotNull(pong, "a reply to ping");
      assertEquals("kriging", pong.getString("from"));
      assertEquals("p1", pong.getString("re"));
      assertTrue(pong.getJsonObject("result").getBoolean("pong"));

      ws.send(new JsonObject().put("to", "kriging").put("id", 7).put("action", "krige").put("payload",
          new JsonObject()
              .put("points", new JsonArray("[[0,0],[10,0],[0,10],[10,10],[5,5],[2,7],[8,3]]"))
              .put("values", new JsonArray("[1.0,3.0,2.0,5.0,3.5,2.2,3.9]"))
              .put("query", new JsonArray("[[5,0],[1,1]]"))
              .put("variogram", new JsonObject().put("model", "spherical").put("nugget", 0.1).put("sill", 2.0)
                  .put("range", 12.0))));
      JsonObject kriged = ws.next(DEADLINE);
      assertEquals(7, kriged.getInteger("re"));
      // Reference values from numpy (compute/src/test/resources/kriging/reference.py).
      assertEquals(2.511112586349, kriged.getJsonObject("result").getJsonArray("estimates").getDouble(0), 1e-9);
      assertEquals(1.467835849982, kriged.getJsonObject("result").getJsonArray("estimates").getDouble(1), 1e-9);
      assertEquals(0.705518560498, kriged.getJsonObject("result").getJsonArray("variances").getDouble(1), 1e-9);

      ws.send(new JsonObject().put("to", "kriging").put("id", 8).put("action", "krige")
          .put("payload", new JsonObject()));
      JsonObject bad = ws.next(DEADLINE);
      assertEquals("bad_payload", bad.getJsonObject("error").getString("code"), bad.encode());

      ws.send(new JsonObject().put("to", "mesher").put("id", 9).put("action", "ping"));
      JsonObject unknown = ws.next(DEADLINE);
      assertEquals("relay", unknown.getString("from"));
      assertEquals("unknown_service", unknown.getJsonObject("error").getString("code"));

      ws.send(new JsonObject().put("id", 10));
      assertEquals("bad_request", ws.next(DEADLINE).getJsonObject("error").getString("code"));
    }
  }

  @Test
  @Order(7)
  void logsOfTheSessionReachTheLogger() {
    String url = logger + "/api/v1/logs?session=" + sessionId + "&limit=200";
    Api.await("the session's log lines from LSS, relay and the compute service", DEADLINE, () -> {
      JsonArray records = Api.get(url, adminToken).expect(200).json().getJsonArray("records");
      List<String> services = records.stream().map(o -> ((JsonObject) o).getString("service")).distinct().toList();
      return services.containsAll(List.of("lss", "relay", "kriging"));
    });
    Api.get(logger + "/api/v1/logs?session=" + sessionId + "&level=ERROR", adminToken).expect(200);
  }

  @Test
  @Order(8)
  void closeRemovesTheComputeProcess() {
    JsonObject closing = Api.delete(gss + "/api/v1/sessions/" + sessionId, adminToken).expect(202).json();
    assertTrue(List.of("CLOSING", "CLOSED").contains(closing.getString("state")));
    Api.await("session CLOSED", DEADLINE, () -> "CLOSED".equals(
        Api.get(gss + "/api/v1/sessions/" + sessionId, adminToken).json().getString("state")));
    Api.await("the compute process to be gone", DEADLINE, () -> !accepts(endpoint));
    // Closing again changes nothing; the project is free again.
    assertEquals("CLOSED", Api.delete(gss + "/api/v1/sessions/" + sessionId, adminToken).expect(202).json()
        .getString("state"));
    JsonObject again = Api.post(gss + "/api/v1/sessions", adminToken, "{\"project\":\"wind-farm\",\"type\":\"echo\"}")
        .expect(202).json();
    Api.await("second session READY", DEADLINE, () -> "READY".equals(
        Api.get(gss + "/api/v1/sessions/" + again.getString("id"), adminToken).json().getString("state")));
    Api.delete(gss + "/api/v1/sessions/" + again.getString("id"), adminToken).expect(202);
  }

  private static boolean accepts(String hostPort) {
    int colon = hostPort.lastIndexOf(':');
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress(hostPort.substring(0, colon), Integer.parseInt(hostPort.substring(colon + 1))),
          500);
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  /** Reads an SSE stream until an event of type {@code until}; returns [id, type, data] per event. */
}
