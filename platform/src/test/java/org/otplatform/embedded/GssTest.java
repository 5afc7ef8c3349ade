package org.otplatform.embedded;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/** GSS rules against the running platform. */
@ExtendWith(SharedPlatform.class)
@Timeout(120)
class GssTest {

  @Test
  void aSessionStuckOpeningFailsWithTheStepThatHungAndFreesItsProject() {
    SharedPlatform.Holder p = SharedPlatform.get();
    String admin = SharedPlatform.login("admin", SharedPlatform.ADMIN_PASSWORD);
    String id = SharedPlatform.newSession(admin, "stuck-project", "stuck");
    Api.post(p.gss + "/api/v1/sessions", admin, "{\"project\":\"stuck-project\",\"type\":\"stuck\"}").expect(409);
    Api.await("the session to fail", Duration.ofSeconds(60), () -> "FAILED".equals(
        Api.get(p.gss + "/api/v1/sessions/" + id, admin).json().getString("state")));
    JsonObject failed = Api.get(p.gss + "/api/v1/sessions/" + id, admin).expect(200).json();
    assertEquals("did not open within 3 s; still waiting for: sleeper STARTING", failed.getString("reason"));
    assertTrue(failed.containsKey("failedAt"));
    // The lock is released with the failure: the project can be opened again.
    String again = Api.post(p.gss + "/api/v1/sessions", admin, "{\"project\":\"stuck-project\",\"type\":\"echo\"}")
        .expect(202).json().getString("id");
    Api.delete(p.gss + "/api/v1/sessions/" + again, admin).expect(202);
  }

  @Test
  void theSessionLimitPerUserHoldsUnderParallelOpens() {
    SharedPlatform.Holder p = SharedPlatform.get();
    String admin = SharedPlatform.login("admin", SharedPlatform.ADMIN_PASSWORD);
    Api.post(p.auth + "/api/v1/users", admin, "{\"username\":\"rita\",\"password\":\"ritas-long-password\"}")
        .expect(201);
    String rita = SharedPlatform.login("rita", "ritas-long-password");
    int projects = 20;
    for (int i = 0; i < projects; i++) {
      Api.post(p.auth + "/api/v1/projects", rita, "{\"name\":\"rita-" + i + "\"}").expect(201);
    }
    List<java.util.concurrent.CompletableFuture<java.net.http.HttpResponse<String>>> opens = new java.util.ArrayList<>();
    for (int i = 0; i < projects; i++) {
      opens.add(Api.CLIENT.sendAsync(java.net.http.HttpRequest.newBuilder(java.net.URI.create(p.gss + "/api/v1/sessions"))
          .header("content-type", "application/json").header("authorization", "Bearer " + rita)
          .timeout(Duration.ofSeconds(60))
          .POST(java.net.http.HttpRequest.BodyPublishers.ofString("{\"project\":\"rita-" + i + "\",\"type\":\"echo\"}"))
          .build(), java.net.http.HttpResponse.BodyHandlers.ofString()));
    }
    List<String> accepted = new java.util.ArrayList<>();
    int refused = 0;
    for (var f : opens) {
      java.net.http.HttpResponse<String> r = f.join();
      if (r.statusCode() == 202) {
        accepted.add(new JsonObject(r.body()).getString("id"));
      } else {
        assertEquals(429, r.statusCode(), r.body());
        assertEquals("too_many_sessions", new JsonObject(r.body()).getString("error"));
        refused++;
      }
    }
    // The default limit is 5 open sessions per user, sent at once as well as one by one.
    assertEquals(5, accepted.size(), "accepted " + accepted.size() + ", refused " + refused);
    // A closed session gives its slot back.
    Api.delete(p.gss + "/api/v1/sessions/" + accepted.get(0), rita).expect(202);
    Api.await("the closed session's slot free", Duration.ofSeconds(60), () -> Api.post(p.gss + "/api/v1/sessions", rita,
        "{\"project\":\"rita-19\",\"type\":\"echo\"}").status() == 202);
    for (JsonObject s : Api.get(p.gss + "/api/v1/sessions", rita).expect(200).json().getJsonArray("sessions")
        .stream().map(o -> (JsonObject) o).toList()) {
      Api.delete(p.gss + "/api/v1/sessions/" + s.getString("id"), rita);
    }
  }

  @Test
  void adminsListAndFilterEverySessionOthersMayNot() {
    SharedPlatform.Holder p = SharedPlatform.get();
    String admin = SharedPlatform.login("admin", SharedPlatform.ADMIN_PASSWORD);
    String id = SharedPlatform.newSession(admin, "listed-project", "echo");
    Api.await("session READY", Duration.ofSeconds(60), () -> "READY".equals(
        Api.get(p.gss + "/api/v1/sessions/" + id, admin).json().getString("state")));
    io.vertx.core.json.JsonArray listed = Api.get(p.gss + "/api/v1/admin/sessions?state=READY&project=listed-project",
        admin).expect(200).json().getJsonArray("sessions");
    assertEquals(1, listed.size(), listed.encode());
    assertEquals(id, listed.getJsonObject(0).getString("id"));
    assertEquals("e2e", listed.getJsonObject(0).getString("lss"), "which LSS runs it");
    assertEquals(0, Api.get(p.gss + "/api/v1/admin/sessions?state=CLOSED&project=listed-project", admin)
        .expect(200).json().getJsonArray("sessions").size());
    Api.get(p.gss + "/api/v1/admin/sessions?state=SLEEPING", admin).expect(400);
    Api.get(p.gss + "/api/v1/admin/sessions?limit=0", admin).expect(400);
    Api.post(p.auth + "/api/v1/users", admin, "{\"username\":\"plain-pat\",\"password\":\"pats-long-password\"}")
        .expect(201);
    String pat = SharedPlatform.login("plain-pat", "pats-long-password");
    Api.get(p.gss + "/api/v1/admin/sessions", pat).expect(403);
    Api.get(p.gss + "/api/v1/admin/lss", pat).expect(403);
    Api.delete(p.gss + "/api/v1/sessions/" + id, admin).expect(202);
  }

  @Test
  void aSessionWithoutActivityIsClosedAsIdleWhileAUsedOneStaysOpen() throws Exception {
    SharedPlatform.Holder p = SharedPlatform.get();
    String admin = SharedPlatform.login("admin", SharedPlatform.ADMIN_PASSWORD);
    String id = SharedPlatform.newSession(admin, "idle-project", "idle");
    String url = p.gss + "/api/v1/sessions/" + id;
    Api.await("session READY", Duration.ofSeconds(60), () -> "READY".equals(Api.get(url, admin).json().getString("state")));
    // In use for twice its idle timeout (3 s): the relay reports activity, the GSS keeps it open.
    try (WsProbe ws = WsProbe.connect(p.relay + "/ws/sessions/" + id, admin)) {
      long until = System.nanoTime() + Duration.ofSeconds(6).toNanos();
      int n = 0;
      while (System.nanoTime() < until) {
        ws.send(new JsonObject().put("to", "echo").put("id", n).put("action", "ping"));
        assertEquals(n, ws.next(Duration.ofSeconds(30)).getInteger("re"));
        assertEquals("READY", Api.get(url, admin).json().getString("state"), "closed although in use");
        n++;
      }
      Api.await("the idle session closed", Duration.ofSeconds(60),
          () -> "CLOSED".equals(Api.get(url, admin).json().getString("state")));
      assertEquals(4410, ws.closeCode(Duration.ofSeconds(30)), "its front end told the session ended");
    }
    assertEquals("idle", Api.get(url, admin).json().getString("reason"));
    List<String[]> events = Api.readSse(url + "/events", admin, null, "SessionClosed");
    assertTrue(events.get(events.size() - 1)[2].contains("\"reason\":\"idle\""), events.get(events.size() - 1)[2]);

    // The sweep's close is a trace of its own, down to the LSS handling the close.
    Api.await("the idle close's trace", Duration.ofSeconds(30), () -> Api.get(p.gss + "/api/v1/admin/sessions/" + id
        + "/traces", admin).expect(200).json().getJsonArray("traces").stream().map(JsonObject.class::cast)
        .anyMatch(t -> {
          List<JsonObject> spans = t.getJsonArray("spans").stream().map(JsonObject.class::cast).toList();
          return spans.stream().anyMatch(sp -> "sweep close-idle".equals(sp.getString("name"))
                  && sp.getString("parentSpanId") == null && "ot-gss".equals(sp.getString("service")))
              && spans.stream().anyMatch(sp -> "process ot.session.commands".equals(sp.getString("name"))
                  && "ot-lss".equals(sp.getString("service")));
        }));
  }

  /**
   * Found by bin/ot-fuzz: drains and undrains sent back to back overlapped in the LSS, which then
   * closed a consumer twice (a NullPointerException) and could be left without its consumer of new
   * sessions. Each change now waits for the one before: the LSS ends up taking sessions again.
   */
  @Test
  void drainsAndUndrainsBackToBackLeaveTheLssTakingSessions() {
    SharedPlatform.Holder p = SharedPlatform.get();
    String admin = SharedPlatform.login("admin", SharedPlatform.ADMIN_PASSWORD);
    String lss = SharedPlatform.lss(admin).getString("id");
    String since = java.time.Instant.now().minusSeconds(1).toString();
    try {
      for (int i = 0; i < 4; i++) {
        Api.post(p.gss + "/api/v1/admin/lss/" + lss + "/drain", admin, "").expect(202);
        Api.delete(p.gss + "/api/v1/admin/lss/" + lss + "/drain", admin).expect(202);
      }
    } finally {
      Api.delete(p.gss + "/api/v1/admin/lss/" + lss + "/drain", admin);
    }
    Api.await("the LSS up, not draining", java.time.Duration.ofSeconds(30),
        () -> "up".equals(SharedPlatform.lss(admin).getString("status")));
    String id = SharedPlatform.newSession(admin, "drain-toggles", "echo");
    Api.await("a new session READY on it", java.time.Duration.ofSeconds(90), () -> "READY".equals(
        Api.get(p.gss + "/api/v1/sessions/" + id, admin).json().getString("state")));
    Api.delete(p.gss + "/api/v1/sessions/" + id, admin).expect(202);
    // The LSS's own account: once its last "takes new sessions again" is stored, so is any error
    // before it (one shipper, in order) — and there must be none about draining.
    String logs = p.logger + "/api/v1/logs?service=lss&from=" + since + "&limit=1000&q=";
    Api.await("the LSS's drain lines in the logger", java.time.Duration.ofSeconds(30), () ->
        Api.get(logs + "takes%20new%20sessions%20again", admin).json().getJsonArray("records").size() >= 4);
    assertEquals(List.of(), Api.get(logs + "drain&level=ERROR", admin).expect(200).json().getJsonArray("records")
        .stream().map(r -> ((JsonObject) r).getString("message")).toList(), "errors of the LSS while draining");
  }
}
