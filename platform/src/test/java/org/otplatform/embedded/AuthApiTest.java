package org.otplatform.embedded;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.otplatform.common.events.Topics;

/** AUTH's rules over real HTTP against the running platform (real store, real broker). */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@ExtendWith(SharedPlatform.class)
@Timeout(180)
class AuthApiTest {
  private SharedPlatform.Holder p;
  private String admin;

  @BeforeAll
  void setUp() {
    p = SharedPlatform.get();
    admin = SharedPlatform.login("admin", SharedPlatform.ADMIN_PASSWORD);
  }

  private String url(String path) {
    return p.auth + path;
  }

  private void createUser(String name, String password) {
    Api.post(url("/api/v1/users"), admin, new JsonObject().put("username", name).put("password", password).encode())
        .expect(201);
  }

  private Api.Reply login(String name, String password) {
    return Api.post(url("/api/v1/login"), null,
        new JsonObject().put("username", name).put("password", password).encode());
  }

  @Test
  void usersArePagedDisabledReenabledResetAndDeleted() {
    for (String n : List.of("page-a", "page-b", "page-c")) {
      createUser(n, "a-long-password-" + n);
    }
    List<String> seen = new ArrayList<>();
    String after = null;
    do {
      JsonObject page = Api.get(url("/api/v1/users?limit=2" + (after == null ? "" : "&after=" + after)), admin)
          .expect(200).json();
      assertTrue(page.getJsonArray("users").size() <= 2);
      page.getJsonArray("users").forEach(u -> seen.add(((JsonObject) u).getString("username")));
      page.getJsonArray("users").forEach(u -> assertFalse(((JsonObject) u).containsKey("passwordHash")));
      after = page.getString("next");
    } while (after != null);
    assertTrue(seen.containsAll(List.of("admin", "page-a", "page-b", "page-c")), seen.toString());
    assertEquals(seen.stream().sorted(String.CASE_INSENSITIVE_ORDER).toList(), seen, "username order");

    JsonObject tokens = login("page-a", "a-long-password-page-a").expect(200).json();
    Api.send("PATCH", url("/api/v1/users/page-a"), admin, "{\"disabled\":true}").expect(200);
    login("page-a", "a-long-password-page-a").expect(401);
    refresh(tokens.getString("refreshToken")).expect(401);
    Api.send("PATCH", url("/api/v1/users/page-a"), admin, "{\"disabled\":false}").expect(200);
    JsonObject again = login("page-a", "a-long-password-page-a").expect(200).json();

    Api.post(url("/api/v1/users/page-a/password"), admin, "{\"password\":\"reset-by-the-admin\"}").expect(204);
    refresh(again.getString("refreshToken")).expect(401);
    login("page-a", "a-long-password-page-a").expect(401);
    login("page-a", "reset-by-the-admin").expect(200);

    Api.delete(url("/api/v1/users/page-b"), admin).expect(204);
    login("page-b", "a-long-password-page-b").expect(401);
    Api.get(url("/api/v1/users/page-b"), admin).expect(404);
    Api.delete(url("/api/v1/users/admin"), admin).expect(409);

    String user = login("page-c", "a-long-password-page-c").expect(200).json().getString("accessToken");
    Api.get(url("/api/v1/users"), user).expect(403);
    Api.send("PATCH", url("/api/v1/users/page-a"), user, "{\"disabled\":true}").expect(403);
    Api.send("PATCH", url("/api/v1/users/page-a"), admin, "{\"disabled\":\"yes\"}").expect(400);
  }

  private Api.Reply refresh(String token) {
    return Api.post(url("/api/v1/token/refresh"), null, new JsonObject().put("refreshToken", token).encode());
  }

  @Test
  void changingYourOwnPasswordNeedsTheOldOneAndRevokesRefreshTokens() {
    createUser("changer", "the-first-password");
    JsonObject tokens = login("changer", "the-first-password").expect(200).json();
    String access = tokens.getString("accessToken");
    Api.post(url("/api/v1/me/password"), access,
        "{\"oldPassword\":\"not-the-password\",\"newPassword\":\"the-second-password\"}").expect(403);
    Api.post(url("/api/v1/me/password"), access,
        "{\"oldPassword\":\"the-first-password\",\"newPassword\":\"short\"}").expect(400);
    Api.post(url("/api/v1/me/password"), access,
        "{\"oldPassword\":\"the-first-password\",\"newPassword\":\"the-second-password\"}").expect(204);
    refresh(tokens.getString("refreshToken")).expect(401);
    login("changer", "the-first-password").expect(401);
    String fresh = login("changer", "the-second-password").expect(200).json().getString("refreshToken");
    Api.post(url("/api/v1/logout"), access, null).expect(204);
    refresh(fresh).expect(401);
  }

  @Test
  void aRefreshTokenPresentedTwiceRevokesItsWholeFamily() {
    createUser("ruth-refresh", "ruths-long-password");
    String first = login("ruth-refresh", "ruths-long-password").expect(200).json().getString("refreshToken");
    String other = login("ruth-refresh", "ruths-long-password").expect(200).json().getString("refreshToken");
    String second = refresh(first).expect(200).json().getString("refreshToken");
    String third = refresh(second).expect(200).json().getString("refreshToken");
    // The first token, already used, comes back: someone copied it. Its family goes, current token included.
    refresh(first).expect(401);
    refresh(third).expect(401);
    // Another sign-in is another family: untouched.
    refresh(other).expect(200);
  }

  @Test
  void wrongOldPasswordsAreThrottledLikeLogins() {
    createUser("olga-change", "olgas-long-password");
    String access = login("olga-change", "olgas-long-password").expect(200).json().getString("accessToken");
    for (int i = 0; i < 5; i++) {
      Api.post(url("/api/v1/me/password"), access,
          "{\"oldPassword\":\"guess-number-" + i + "\",\"newPassword\":\"olgas-new-password\"}").expect(403);
    }
    Api.Reply blocked = Api.post(url("/api/v1/me/password"), access,
        "{\"oldPassword\":\"olgas-long-password\",\"newPassword\":\"olgas-new-password\"}").expect(429);
    assertTrue(blocked.json().getString("message").contains("try again"), blocked.body());
  }

  @Test
  void concurrentCreationsOfOneNameHaveExactlyOneWinner() throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(8);
    try {
      List<CompletableFuture<Integer>> users = new ArrayList<>();
      List<CompletableFuture<Integer>> projects = new ArrayList<>();
      for (int i = 0; i < 8; i++) {
        String name = i % 2 == 0 ? "Racer" : "racer";
        String project = i % 2 == 0 ? "Race Track" : "race track";
        users.add(CompletableFuture.supplyAsync(() -> Api.post(url("/api/v1/users"), admin,
            "{\"username\":\"" + name + "\",\"password\":\"racing-password-1\"}").status(), pool));
        projects.add(CompletableFuture.supplyAsync(() -> Api.post(url("/api/v1/projects"), admin,
            "{\"name\":\"" + project + "\"}").status(), pool));
      }
      List<Integer> userCodes = users.stream().map(CompletableFuture::join).sorted().toList();
      List<Integer> projectCodes = projects.stream().map(CompletableFuture::join).sorted().toList();
      assertEquals(List.of(201, 409, 409, 409, 409, 409, 409, 409), userCodes);
      assertEquals(List.of(201, 409, 409, 409, 409, 409, 409, 409), projectCodes);
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void groupsGrantProjectsAndRolesAreChecked() {
    createUser("grace", "graces-long-password");
    createUser("heidi", "heidis-long-password");
    String grace = login("grace", "graces-long-password").expect(200).json().getString("accessToken");
    String heidi = login("heidi", "heidis-long-password").expect(200).json().getString("accessToken");

    Api.post(url("/api/v1/projects"), grace, "{\"name\":\"graces-model\"}").expect(201);
    Api.get(url("/api/v1/projects/graces-model"), heidi).expect(403);

    Api.post(url("/api/v1/groups"), grace, "{\"name\":\"analysts\"}").expect(201);
    Api.post(url("/api/v1/groups"), heidi, "{\"name\":\"ANALYSTS\"}").expect(409);
    Api.send("PUT", url("/api/v1/groups/analysts/members/heidi"), heidi, null).expect(403);
    Api.send("PUT", url("/api/v1/groups/analysts/members/heidi"), grace, null).expect(204);
    Api.send("PUT", url("/api/v1/groups/analysts/members/nobody-here"), grace, null).expect(404);
    JsonArray heidisGroups = Api.get(url("/api/v1/users/heidi/groups"), heidi).expect(200).json().getJsonArray("groups");
    assertEquals("analysts", heidisGroups.getJsonObject(0).getString("name"));
    Api.get(url("/api/v1/users/grace/groups"), heidi).expect(403);
    assertTrue(Api.get(url("/api/v1/groups/analysts"), heidi).expect(200).json().getJsonArray("members")
        .contains("heidi"));

    Api.send("PUT", url("/api/v1/projects/graces-model/grants"), grace,
        "{\"group\":\"analysts\",\"role\":\"viewer\"}").expect(200);
    assertEquals("viewer", Api.get(url("/api/v1/projects/graces-model"), heidi).expect(200).json().getString("role"));
    Api.get(url("/api/v1/projects/graces-model?role=editor"), heidi).expect(403);
    assertTrue(names(Api.get(url("/api/v1/projects"), heidi).expect(200).json()).contains("graces-model"));
    // A viewer may not grant, rename or delete.
    Api.send("PUT", url("/api/v1/projects/graces-model/grants"), heidi,
        "{\"user\":\"heidi\",\"role\":\"owner\"}").expect(403);
    Api.send("PATCH", url("/api/v1/projects/graces-model"), heidi, "{\"name\":\"mine-now\"}").expect(403);
    Api.delete(url("/api/v1/projects/graces-model"), heidi).expect(403);

    // A direct grant raises the role; the highest role counts.
    Api.send("PUT", url("/api/v1/projects/graces-model/grants"), grace,
        "{\"user\":\"heidi\",\"role\":\"editor\"}").expect(200);
    Api.get(url("/api/v1/projects/graces-model?role=editor"), heidi).expect(200);
    Api.delete(url("/api/v1/projects/graces-model/grants/user/heidi"), grace).expect(204);
    Api.get(url("/api/v1/projects/graces-model?role=editor"), heidi).expect(403);

    Api.send("PATCH", url("/api/v1/groups/analysts"), grace, "{\"name\":\"modellers\"}").expect(200);
    Api.get(url("/api/v1/projects/graces-model"), heidi).expect(200);
    Api.delete(url("/api/v1/groups/modellers"), grace).expect(204);
    Api.get(url("/api/v1/projects/graces-model"), heidi).expect(403);

    Api.send("PATCH", url("/api/v1/projects/graces-model"), grace, "{\"name\":\"graces-model-2\"}").expect(200);
    Api.get(url("/api/v1/projects/graces-model"), grace).expect(404);
    Api.delete(url("/api/v1/projects/graces-model-2"), grace).expect(204);
    Api.get(url("/api/v1/projects/graces-model-2"), grace).expect(404);
    Api.send("PUT", url("/api/v1/projects/x/grants"), grace, "{\"user\":\"a\",\"group\":\"b\",\"role\":\"viewer\"}")
        .expect(400);
  }

  private static Set<String> names(JsonObject projects) {
    return projects.getJsonArray("projects").stream().map(o -> ((JsonObject) o).getString("name"))
        .collect(Collectors.toSet());
  }

  @Test
  void repeatedFailuresAreThrottledWithRetryAfter() {
    createUser("ivan", "ivans-long-password");
    for (int i = 0; i < 5; i++) {
      login("ivan", "wrong-password-" + i).expect(401);
    }
    Api.Reply blocked = login("ivan", "ivans-long-password").expect(429);
    assertTrue(blocked.json().getString("message").contains("try again"));
    var response = Api.CLIENT.sendAsync(java.net.http.HttpRequest.newBuilder(java.net.URI.create(url("/api/v1/login")))
        .header("content-type", "application/json")
        .POST(java.net.http.HttpRequest.BodyPublishers.ofString("{\"username\":\"ivan\",\"password\":\"x\"}")).build(),
        java.net.http.HttpResponse.BodyHandlers.ofString()).join();
    assertEquals(429, response.statusCode());
    long retryAfter = Long.parseLong(response.headers().firstValue("Retry-After").orElseThrow());
    assertTrue(retryAfter > 0 && retryAfter <= 900, "Retry-After " + retryAfter);
    // Other users from the same address are not affected.
    login("admin", SharedPlatform.ADMIN_PASSWORD).expect(200);
  }

  @Test
  void parallelWrongPasswordsPastTheLimitAreRefusedWithoutBeingTried() {
    createUser("tess-parallel", "tess-long-password");
    List<java.util.concurrent.CompletableFuture<java.net.http.HttpResponse<String>>> attempts = new ArrayList<>();
    for (int i = 0; i < 30; i++) {
      attempts.add(Api.CLIENT.sendAsync(java.net.http.HttpRequest.newBuilder(java.net.URI.create(url("/api/v1/login")))
          .header("content-type", "application/json").timeout(java.time.Duration.ofSeconds(60))
          .POST(java.net.http.HttpRequest.BodyPublishers.ofString(
              "{\"username\":\"tess-parallel\",\"password\":\"wrong-password-" + i + "\"}")).build(),
          java.net.http.HttpResponse.BodyHandlers.ofString()));
    }
    Map<Integer, Long> byStatus = attempts.stream().map(f -> f.join().statusCode())
        .collect(Collectors.groupingBy(s -> s, Collectors.counting()));
    // The default limit is 5 failures: sent at once, the rest are refused before any hashing.
    assertEquals(5L, byStatus.getOrDefault(401, 0L), byStatus.toString());
    assertEquals(25L, byStatus.getOrDefault(429, 0L), byStatus.toString());
    login("tess-parallel", "tess-long-password").expect(429);
    login("admin", SharedPlatform.ADMIN_PASSWORD).expect(200);
  }

  @Test
  void loginTakesAsLongForUnknownUsersAsForKnownOnes() {
    createUser("judy", "judys-long-password");
    long known = medianMillis(() -> login("judy", "not-judys-password").expect(401));
    long unknown = medianMillis(() -> login("nobody-at-all", "not-a-password").expect(401));
    // Without the dummy hash an unknown user answers in a few ms; with it, like a known one.
    assertTrue(unknown * 2 >= known, "unknown " + unknown + " ms vs known " + known + " ms");
  }

  private static long medianMillis(Runnable call) {
    List<Long> times = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      long t0 = System.nanoTime();
      call.run();
      times.add((System.nanoTime() - t0) / 1_000_000);
    }
    return times.stream().sorted().toList().get(1);
  }

  @Test
  void rotatedKeysKeepOldTokensValidAndNewOnesWorkEverywhere() {
    String before = SharedPlatform.login("admin", SharedPlatform.ADMIN_PASSWORD);
    String kid = Api.post(url("/api/v1/admin/keys/rotate"), admin, null).expect(201).json().getString("kid");
    assertNotNull(kid);
    JsonArray keys = Api.get(url("/.well-known/jwks.json"), null).expect(200).json().getJsonArray("keys");
    assertTrue(keys.size() >= 2);
    String after = SharedPlatform.login("admin", SharedPlatform.ADMIN_PASSWORD);
    assertTrue(new String(java.util.Base64.getUrlDecoder().decode(after.split("\\.")[0])).contains(kid));
    // GSS verifies with its own cached copy of the keys: the old token still works, the new key is fetched.
    Api.get(p.gss + "/api/v1/sessions", before).expect(200);
    Api.get(p.gss + "/api/v1/sessions", after).expect(200);
    Api.get(url("/api/v1/me"), after).expect(200);
  }

  @Test
  void auditRecordsChangesAndLoginsButNeverPasswords() {
    String secret = "audit-secret-password";
    createUser("kate", secret);
    login("kate", "wrong-but-also-secret").expect(401);
    String kate = login("kate", secret).expect(200).json().getString("accessToken");
    Api.post(url("/api/v1/projects"), kate, "{\"name\":\"kates-project\"}").expect(201);

    Properties props = LogRecords.properties(p.platform);
    props.put("group.id", "audit-test-" + System.nanoTime());
    props.put("auto.offset.reset", "earliest");
    List<JsonObject> seen = new ArrayList<>();
    try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(props, new StringDeserializer(),
        new StringDeserializer())) {
      consumer.subscribe(List.of(Topics.AUDIT));
      Api.await("audit events for kate", Duration.ofSeconds(60), () -> {
        for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(500))) {
          assertFalse(r.value().contains(secret) || r.value().contains("wrong-but-also-secret"), r.value());
          seen.add(new JsonObject(r.value()));
        }
        Set<String> types = seen.stream()
            .filter(e -> e.encode().contains("kate"))
            .map(e -> e.getString("type")).collect(Collectors.toSet());
        return types.containsAll(Set.of("UserCreated", "LoginFailed", "LoginSucceeded", "ProjectCreated"));
      });
    }
    JsonObject failed = seen.stream().filter(e -> "LoginFailed".equals(e.getString("type"))
        && "kate".equals(e.getString("actor"))).findFirst().orElseThrow();
    assertEquals("127.0.0.1", failed.getString("address"), "the address is recorded: " + failed.encode());
    assertNotNull(failed.getString("id"));
    assertNotNull(failed.getString("time"));
  }
}
