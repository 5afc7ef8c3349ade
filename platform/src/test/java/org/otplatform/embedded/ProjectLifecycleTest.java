package org.otplatform.embedded;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonObject;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A session's access follows its project's id, not its name: a rename keeps the grantees' access,
 * a new project of the old name gains nobody's sessions, and deleting the project closes them.
 */
@ExtendWith(SharedPlatform.class)
@Timeout(180)
class ProjectLifecycleTest {

  private static String user(SharedPlatform.Holder p, String admin, String name) {
    Api.post(p.auth + "/api/v1/users", admin, new JsonObject().put("username", name)
        .put("password", name + "-long-password").encode()).expect(201);
    return SharedPlatform.login(name, name + "-long-password");
  }

  @Test
  void renamesKeepGranteesAnOldNameGainsNothingAndDeletingClosesTheSessions() {
    SharedPlatform.Holder p = SharedPlatform.get();
    String admin = SharedPlatform.login("admin", SharedPlatform.ADMIN_PASSWORD);
    String alice = user(p, admin, "alice-projects");
    String bob = user(p, admin, "bob-projects");
    String mallory = user(p, admin, "mallory-projects");
    Api.post(p.auth + "/api/v1/projects", alice, "{\"name\":\"survey-2026\"}").expect(201);
    Api.send("PUT", p.auth + "/api/v1/projects/survey-2026/grants", alice,
        "{\"user\":\"bob-projects\",\"role\":\"viewer\"}").expect(200);
    String id = Api.post(p.gss + "/api/v1/sessions", alice, "{\"project\":\"survey-2026\",\"type\":\"echo\"}")
        .expect(202).json().getString("id");
    String session = p.gss + "/api/v1/sessions/" + id;
    assertEquals("viewer", Api.get(session, bob).expect(200).json().getString("access"));
    // Bob's list: alice's session among the ones shared with him, not among his own.
    assertTrue(Api.get(p.gss + "/api/v1/sessions?scope=visible", bob).expect(200).json().getJsonArray("sessions")
        .stream().anyMatch(x -> id.equals(((io.vertx.core.json.JsonObject) x).getString("id"))), "shared with bob");
    assertTrue(Api.get(p.gss + "/api/v1/sessions", bob).expect(200).json().getJsonArray("sessions").isEmpty(),
        "bob owns none");
    assertTrue(Api.get(p.gss + "/api/v1/sessions?scope=visible", mallory).expect(200).json()
        .getJsonArray("sessions").isEmpty(), "nothing is shared with mallory");
    Api.get(p.gss + "/api/v1/sessions?scope=everything", bob).expect(400);

    Api.send("PATCH", p.auth + "/api/v1/projects/survey-2026", alice, "{\"name\":\"survey-2026-final\"}")
        .expect(200);
    assertEquals("viewer", Api.get(session, bob).expect(200).json().getString("access"),
        "the grantee keeps the session across the rename");
    Api.post(p.auth + "/api/v1/projects", mallory, "{\"name\":\"survey-2026\"}").expect(201);
    Api.get(session, mallory).expect(404);

    Api.delete(p.auth + "/api/v1/projects/survey-2026-final", alice).expect(204);
    Api.await("the deleted project's session closed", Duration.ofSeconds(60), () -> {
      JsonObject s = Api.get(session, admin).expect(200).json();
      return "CLOSED".equals(s.getString("state")) && "project deleted".equals(s.getString("reason"));
    });
  }
}
