package org.otplatform.embedded;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonObject;
import java.time.Duration;
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
    Api.post(p.auth + "/api/v1/projects", admin, "{\"name\":\"stuck-project\"}").expect(201);
    String id = Api.post(p.gss + "/api/v1/sessions", admin, "{\"project\":\"stuck-project\",\"type\":\"stuck\"}")
        .expect(202).json().getString("id");
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
}
