package org.otplatform.embedded;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A session type with {@code storage} in local mode: what one session of a project writes to its
 * volume the project's next session reads, another project sees none of it, nor does a new project
 * of a deleted one's name; a rename keeps it; a project deleted without its storage keeps it, and
 * one deleted with it loses it.
 */
@ExtendWith(SharedPlatform.class)
@Timeout(240)
class ProjectStorageTest {
  private static final Duration DEADLINE = Duration.ofSeconds(30);

  @Test
  void aProjectsSessionsShareItsVolumeAndDeletingTheProjectWithItsStorageRemovesIt() throws Exception {
    SharedPlatform.Holder p = SharedPlatform.get();
    String admin = SharedPlatform.login("admin", SharedPlatform.ADMIN_PASSWORD);
    Api.post(p.auth + "/api/v1/users", admin, new JsonObject().put("username", "nora-storage")
        .put("password", "nora-storage-long-password").encode()).expect(201);
    String nora = SharedPlatform.login("nora-storage", "nora-storage-long-password");

    JsonObject notesType = Api.get(p.gss + "/api/v1/info", null).expect(200).json().getJsonArray("sessionTypes")
        .stream().map(JsonObject.class::cast).filter(t -> "notes".equals(t.getString("name"))).findFirst().orElseThrow();
    assertEquals(new JsonObject().put("volume", "data").put("size", "1Gi"), notesType.getJsonObject("storage"));

    String first = SharedPlatform.newSession(nora, "dunes", "notes");
    assertEquals(new JsonArray().add("survey started"), note(p, nora, first, "survey started"));
    close(p, nora, first);
    String second = open(p, nora, "dunes");
    assertEquals(new JsonArray().add("survey started").add("second pass"), note(p, nora, second, "second pass"),
        "the next session of the project reads what the first wrote");
    String other = SharedPlatform.newSession(nora, "cliffs", "notes");
    assertEquals(new JsonArray(), note(p, nora, other, null), "another project has a volume of its own");
    close(p, nora, second);
    close(p, nora, other);

    // The volume is the project's, not its name's: a rename keeps it.
    Api.send("PATCH", p.auth + "/api/v1/projects/dunes", nora, "{\"name\":\"dunes-2026\"}").expect(200);
    String renamed = open(p, nora, "dunes-2026");
    assertEquals(new JsonArray().add("survey started").add("second pass"), note(p, nora, renamed, null),
        "a renamed project keeps its volume");
    close(p, nora, renamed);

    String dunes = projectId(p, nora, "dunes-2026");
    String cliffs = projectId(p, nora, "cliffs");
    Path dunesDir = p.platform.projectStorage().resolve(dunes).resolve("data");
    assertTrue(Files.readString(dunesDir.resolve("notes.txt")).contains("second pass"), "in " + dunesDir);
    Api.send("DELETE", p.auth + "/api/v1/projects/dunes-2026?storage=everything", nora, null).expect(400);
    Api.send("DELETE", p.auth + "/api/v1/projects/cliffs", nora, null).expect(204);
    Api.send("DELETE", p.auth + "/api/v1/projects/dunes-2026?storage=delete", nora, null).expect(204);
    Api.await("the volume of the project deleted with its storage removed", Duration.ofSeconds(60),
        () -> !Files.exists(p.platform.projectStorage().resolve(dunes)));
    assertTrue(Files.isDirectory(p.platform.projectStorage().resolve(cliffs).resolve("data")),
        "a project deleted without its storage keeps it");

    // A new project of a deleted one's name starts with nothing of it.
    String reborn = SharedPlatform.newSession(nora, "cliffs", "notes");
    Files.writeString(p.platform.projectStorage().resolve(cliffs).resolve("data").resolve("notes.txt"), "old\n");
    assertEquals(new JsonArray(), note(p, nora, reborn, null), "a new project of an old name inherits no volume");
    close(p, nora, reborn);
  }

  private static String open(SharedPlatform.Holder p, String token, String project) {
    return Api.post(p.gss + "/api/v1/sessions", token, new JsonObject().put("project", project).put("type", "notes")
        .encode()).expect(202).json().getString("id");
  }

  /** Waits for READY, then calls {@code note} through the relay; yields the notes. */
  private static JsonArray note(SharedPlatform.Holder p, String token, String session, String text) throws Exception {
    Api.await("session " + session + " READY", Duration.ofSeconds(90), () -> "READY".equals(
        Api.get(p.gss + "/api/v1/sessions/" + session, token).expect(200).json().getString("state")));
    try (WsProbe ws = WsProbe.connect(p.relay + "/ws/sessions/" + session, token)) {
      ws.send(new JsonObject().put("to", "echo").put("id", 1).put("action", "note")
          .put("payload", text == null ? new JsonObject() : new JsonObject().put("text", text)));
      JsonObject reply = ws.next(DEADLINE);
      assertEquals(1, reply.getInteger("re"), String.valueOf(reply));
      return reply.getJsonObject("result").getJsonArray("notes");
    }
  }

  private static void close(SharedPlatform.Holder p, String token, String session) {
    Api.send("DELETE", p.gss + "/api/v1/sessions/" + session, token, null).expect(202);
    Api.await("session " + session + " CLOSED", Duration.ofSeconds(60), () -> "CLOSED".equals(
        Api.get(p.gss + "/api/v1/sessions/" + session, token).expect(200).json().getString("state")));
  }

  private static String projectId(SharedPlatform.Holder p, String token, String name) {
    return Api.get(p.auth + "/api/v1/projects/" + name, token).expect(200).json().getString("id");
  }
}
