package org.otplatform.embedded;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * AUTH's audit events reach the logger's audit trail, where an admin — only an admin — asks who did
 * what, when and from where: a failed login with its address, a user created by the admin, a
 * project created by that user; filtered by actor, action and time, paged without overlap.
 */
@ExtendWith(SharedPlatform.class)
@Timeout(120)
class AuditTrailTest {

  private static List<JsonObject> events(JsonObject page) {
    return page.getJsonArray("events", new JsonArray()).stream().map(JsonObject.class::cast).toList();
  }

  @Test
  void anAdminReadsWhoDidWhatWhenAndFromWhere() {
    SharedPlatform.Holder p = SharedPlatform.get();
    Instant began = Instant.now().minusSeconds(1);
    String admin = SharedPlatform.login("admin", SharedPlatform.ADMIN_PASSWORD);
    Api.post(p.auth + "/api/v1/login", null, "{\"username\":\"erin-audit\",\"password\":\"wrong-password-1\"}")
        .expect(401);
    Api.post(p.auth + "/api/v1/users", admin, "{\"username\":\"erin-audit\",\"password\":\"erins-long-password\"}")
        .expect(201);
    String erin = SharedPlatform.login("erin-audit", "erins-long-password");
    Api.post(p.auth + "/api/v1/projects", erin, "{\"name\":\"audited-project\"}").expect(201);

    String since = URLEncoder.encode(began.toString(), StandardCharsets.UTF_8);
    String url = p.logger + "/api/v1/audit?since=" + since;
    AtomicReference<List<JsonObject>> erins = new AtomicReference<>();
    Api.await("erin's actions in the audit trail", Duration.ofSeconds(60), () -> {
      erins.set(events(Api.get(url + "&actor=erin-audit", admin).expect(200).json()));
      return erins.get().stream().map(e -> e.getString("action")).toList()
          .containsAll(List.of("LoginFailed", "LoginSucceeded", "ProjectCreated"));
    });
    List<JsonObject> seen = erins.get();
    JsonObject failed = seen.stream().filter(e -> e.getString("action").equals("LoginFailed")).findFirst().orElseThrow();
    assertEquals("127.0.0.1", failed.getString("address"), "where the attempt came from: " + failed.encode());
    assertEquals("e2e", failed.getString("source"), "the AUTH instance that recorded it");
    assertEquals("bad credentials", failed.getJsonObject("details").getString("reason"), failed.encode());
    assertTrue(Instant.parse(failed.getString("time")).isAfter(began), failed.encode());
    for (int i = 1; i < seen.size(); i++) {
      assertTrue(!Instant.parse(seen.get(i).getString("time")).isAfter(Instant.parse(seen.get(i - 1).getString("time"))),
          "newest first");
    }
    JsonObject created = events(Api.get(url + "&actor=admin&action=UserCreated", admin).expect(200).json()).stream()
        .filter(e -> e.encode().contains("erin-audit")).findFirst().orElseThrow();
    assertEquals("admin", created.getString("actor"));

    // Paged: two pages of one hold two different events, the first page's next leads on.
    JsonObject first = Api.get(url + "&actor=erin-audit&limit=1", admin).expect(200).json();
    JsonObject second = Api.get(url + "&actor=erin-audit&limit=1&cursor=" + first.getString("next"), admin)
        .expect(200).json();
    assertTrue(first.getInteger("total") >= 3, first.encode());
    assertTrue(!events(first).get(0).getString("id").equals(events(second).get(0).getString("id")));

    assertEquals("forbidden", Api.get(p.logger + "/api/v1/audit", erin).expect(403).json().getString("error"));
    JsonObject bad = Api.get(p.logger + "/api/v1/audit?since=yesterday", admin).expect(400).json();
    assertTrue(bad.getString("message").contains("'since' must be an ISO-8601 instant"), bad.encode());
  }
}
