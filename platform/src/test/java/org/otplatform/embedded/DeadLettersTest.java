package org.otplatform.embedded;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.otplatform.common.events.Topics;

/**
 * A record the GSS cannot read, on the session events topic: the GSS gives it up to the dead
 * letters, counts it in its metrics, the logger stores it, and an administrator — only an
 * administrator — finds it with what it was and why it failed.
 */
@ExtendWith(SharedPlatform.class)
@Timeout(120)
class DeadLettersTest {

  @Test
  void aRecordTheGssCannotReadReachesTheAdminsDeadLetters() throws Exception {
    SharedPlatform.Holder platform = SharedPlatform.get();
    String key = UUID.randomUUID().toString();
    String garbage = "{\"type\":\"SessionReady\",\"sessionId\":\"" + key + "\", \"no-time-no-id\": true";
    SharedPlatform.publishRaw(Topics.SESSION_EVENTS, key, garbage);

    String admin = SharedPlatform.login("admin", SharedPlatform.ADMIN_PASSWORD);
    String url = platform.logger + "/api/v1/dead-letters?topic=" + Topics.SESSION_EVENTS;
    java.util.concurrent.atomic.AtomicReference<JsonObject> found = new java.util.concurrent.atomic.AtomicReference<>();
    Api.await("the dead letter in the logger", Duration.ofSeconds(60), () -> {
      JsonArray letters = Api.get(url, admin).expect(200).json().getJsonArray("deadLetters");
      for (int i = 0; i < letters.size(); i++) {
        if (key.equals(letters.getJsonObject(i).getString("key"))) {
          found.set(letters.getJsonObject(i));
          return true;
        }
      }
      return false;
    });
    JsonObject letter = found.get();
    assertEquals(garbage, letter.getString("value"));
    assertEquals("gss", letter.getString("service"));
    assertEquals("gss", letter.getString("group"));
    assertEquals(1, letter.getInteger("attempts"), "an unreadable record is not tried again");
    assertTrue(letter.getString("error").startsWith("IllegalArgumentException: undecodable session event"),
        letter.getString("error"));

    String metrics = Api.get(platform.gss + "/metrics", null).expect(200).body();
    assertTrue(metrics.lines().anyMatch(l -> l.startsWith("ot_dead_letters_total{")
        && l.contains("topic=\"" + Topics.SESSION_EVENTS + "\"")), "the GSS counts its dead letters");

    Api.post(platform.auth + "/api/v1/users", admin, new JsonObject().put("username", "dora-dead-letters")
        .put("password", "doras-long-password").encode()).expect(201);
    String user = SharedPlatform.login("dora-dead-letters", "doras-long-password");
    assertEquals("forbidden", Api.get(url, user).expect(403).json().getString("error"));
    Api.get(platform.logger + "/api/v1/dead-letters?limit=0", admin).expect(400);
  }

  /** Pages of one letter each, followed by their cursors: every letter once, newest first, the total right. */
  @Test
  void pagesNeitherOverlapNorSkip() throws Exception {
    SharedPlatform.Holder platform = SharedPlatform.get();
    String admin = SharedPlatform.login("admin", SharedPlatform.ADMIN_PASSWORD);
    java.util.List<String> keys = new java.util.ArrayList<>();
    for (int i = 0; i < 3; i++) {
      keys.add(UUID.randomUUID().toString());
      SharedPlatform.publishRaw(Topics.SESSION_ACTIVITY, keys.get(i), "garbage " + i);
    }
    String url = platform.logger + "/api/v1/dead-letters?topic=" + Topics.SESSION_ACTIVITY + "&limit=1";
    Api.await("three dead letters of the activity topic", Duration.ofSeconds(60), () ->
        Api.get(url, admin).json().getLong("total") >= 3);
    java.util.List<String> seen = new java.util.ArrayList<>();
    long total = -1;
    String next = null;
    do {
      JsonObject page = Api.get(url + (next == null ? "" : "&cursor=" + next), admin).expect(200).json();
      total = page.getLong("total");
      page.getJsonArray("deadLetters").forEach(l -> seen.add(((JsonObject) l).getString("key")));
      next = page.getString("next");
    } while (next != null && seen.size() <= total);
    assertEquals(total, seen.size(), "each letter once: " + seen);
    assertEquals(total, seen.stream().distinct().count(), "no letter twice: " + seen);
    assertTrue(seen.containsAll(keys), seen + " holds " + keys);
    Api.get(platform.logger + "/api/v1/dead-letters?cursor=not-one", admin).expect(400);
  }
}
