package org.otplatform.otctl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.InputStream;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.otplatform.embedded.EmbeddedPlatform;
import org.otplatform.otctl.OtctlProcess.Run;

/**
 * otctl as a user runs it — a process of its own, its configuration file, its stdin, its exit codes —
 * against the real embedded platform (broker process, store, every service, local compute
 * processes): a wrong password, login, whoami, a session opened with --wait and used, listed,
 * closed; one that FAILED; an unknown session; a platform that is not there; usage errors.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(300)
class OtctlTest {
  private static final String PASSWORD = "correct-horse-battery-9";

  @TempDir static Path dir;
  private EmbeddedPlatform platform;
  private String gss;
  private Path config;

  @BeforeAll
  void start() throws Exception {
    EmbeddedPlatform.Ports ports = EmbeddedPlatform.Ports.free();
    platform = new EmbeddedPlatform(new EmbeddedPlatform.Settings(dir.resolve("data"),
        Path.of(System.getProperty("ot.broker.lib", "../broker/target/lib")),
        Map.of("OT_ADMIN_PASSWORD", PASSWORD, "OT_INSTANCE_ID", "otctl", "OT_CATALOG", catalog().toString()), ports)).start();
    gss = platform.url(ports.gss());
    await("the GSS ready", () -> status(gss + "/health/ready") == 200);
    config = dir.resolve("home/.config/otctl/config.json");
  }

  @AfterAll
  void stop() {
    if (platform != null) {
      platform.close();
    }
  }

  /** The built-in catalog plus {@code broken}: a service that says why on stderr and exits with 3. */
  private Path catalog() throws IOException {
    JsonObject catalog;
    try (InputStream in = EmbeddedPlatform.class.getResourceAsStream("/catalog.json")) {
      catalog = new JsonObject(new String(in.readAllBytes(), StandardCharsets.UTF_8));
    }
    catalog.getJsonObject("types").put("broken", new JsonObject().put("maxOpenPerProject", 5)
        .put("services", new JsonArray().add(new JsonObject().put("name", "solver")
            .put("command", new JsonArray().add("sh").add("-c").add("echo 'no licence for the solver' >&2; exit 3"))
            .put("restartLimit", 0))));
    Path file = dir.resolve("catalog.json");
    Files.writeString(file, catalog.encodePrettily());
    return file;
  }

  @Test
  void aUserLogsInOpensUsesAndClosesASessionAndEveryFailureHasItsExitCode() throws Exception {
    Run notLoggedIn = otctl(null, "whoami");
    assertEquals(Exit.AUTH, notLoggedIn.code, notLoggedIn.toString());
    assertTrue(notLoggedIn.err.contains("otctl login"), notLoggedIn.toString());

    Run wrong = otctl("not-the-password\n", "login", "--server", gss, "--username", "admin", "--password-stdin");
    assertEquals(Exit.AUTH, wrong.code, wrong.toString());
    assertTrue(wrong.err.startsWith("otctl: ") && wrong.err.contains("HTTP 401"), wrong.toString());
    assertEquals(1, wrong.err.strip().lines().count(), "one line naming the problem: " + wrong);

    Run login = otctl(PASSWORD + "\n", "login", "--server", gss, "--username", "admin", "--password-stdin");
    assertEquals(Exit.OK, login.code, login.toString());
    assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(config)));
    assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(config.getParent())));
    JsonObject saved = new JsonObject(Files.readString(config)).getJsonObject("contexts").getJsonObject("default");
    assertTrue(saved.getString("auth").startsWith("http://127.0.0.1:"), saved.encode());
    assertTrue(saved.containsKey("accessToken") && saved.containsKey("refreshToken"));

    Run whoami = otctl(null, "whoami");
    assertEquals(Exit.OK, whoami.code, whoami.toString());
    assertTrue(whoami.out.contains("username:") && whoami.out.contains("admin"), whoami.toString());

    String token = saved.getString("accessToken");
    http("POST", saved.getString("auth") + "/api/v1/projects", token, new JsonObject().put("name", "terrain"));

    Run open = otctl(null, "sessions", "open", "terrain", "--type", "echo", "--wait", "-q");
    assertEquals(Exit.OK, open.code, open.toString());
    String id = open.out.strip();
    assertTrue(id.matches("[A-Za-z0-9_-]+"), "only the id with -q: " + open);

    Run get = otctl(null, "sessions", "get", id, "-o", "json");
    assertEquals(Exit.OK, get.code, get.toString());
    JsonObject session = new JsonObject(get.out);
    assertEquals("READY", session.getString("state"));
    assertEquals("echo", session.getJsonArray("services").getJsonObject(0).getString("name"));

    Run trace = otctl(null, "admin", "trace", id);
    assertEquals(Exit.OK, trace.code, trace.toString());
    assertTrue(trace.out.startsWith("trace ") && trace.out.lines().anyMatch(l -> l.endsWith("POST /api/v1/sessions"))
        && trace.out.lines().anyMatch(l -> l.contains("ot-lss") && l.contains("  start echo")), trace.toString());

    Run list = otctl(null, "sessions", "list");
    assertEquals(Exit.OK, list.code, list.toString());
    assertTrue(list.out.startsWith("ID") && list.out.contains(id) && list.out.contains("echo=READY"), list.toString());

    // Its compute service, through the relay: one call, a payload from a file, errors by class, a traced call.
    Run echo = otctl(null, "call", id, "echo", "echo", "--payload", "{\"x\":1}");
    assertEquals(Exit.OK, echo.code, echo.toString());
    assertEquals(new JsonObject().put("x", 1), new JsonObject(echo.out), echo.toString());
    Path payloadFile = Files.writeString(dir.resolve("payload.json"), "{\"y\":[1,2]}");
    Run fromFile = otctl(null, "call", id, "echo", "echo", "--payload", "@" + payloadFile, "-o", "json");
    assertEquals(Exit.OK, fromFile.code, fromFile.toString());
    assertEquals(new JsonObject().put("from", "echo").put("re", 1).put("result", new JsonObject().put("y",
        new io.vertx.core.json.JsonArray().add(1).add(2))), new JsonObject(fromFile.out), "the whole reply with -o json");
    Run noAction = otctl(null, "call", id, "echo", "no-such-action");
    assertEquals(Exit.NOT_FOUND, noAction.code, noAction.toString());
    assertTrue(noAction.err.contains("echo: unknown_action"), noAction.toString());
    Run noService = otctl(null, "call", id, "no-such-service", "ping");
    assertEquals(Exit.NOT_FOUND, noService.code, noService.toString());
    assertTrue(noService.err.contains("relay: unknown_service"), noService.toString());
    Run badPayload = otctl(null, "call", id, "echo", "push", "--payload", "{\"count\":0}");
    assertEquals(Exit.USAGE, badPayload.code, "the service's bad_payload: " + badPayload);
    Run notObject = otctl(null, "call", id, "echo", "echo", "--payload", "[1]");
    assertEquals(Exit.USAGE, notObject.code, notObject.toString());
    assertTrue(notObject.err.contains("not a JSON object"), notObject.toString());
    Run noSession = otctl(null, "call", "no-such-session", "echo", "ping");
    assertEquals(Exit.NOT_FOUND, noSession.code, noSession.toString());
    Run traced = otctl(null, "call", id, "echo", "ping", "--trace");
    assertEquals(Exit.OK, traced.code, traced.toString());
    String callTrace = traced.err.lines().filter(l -> l.startsWith("trace ")).findFirst().orElseThrow().substring(6);
    Run spans = otctl(null, "admin", "trace", id);
    assertTrue(spans.out.contains("trace " + callTrace) && spans.out.lines().anyMatch(l -> l.contains("ot-relay")
        && l.endsWith("call echo")), "the call's trace at the GSS: " + spans);

    // The shell: lines in, every reply and push out as JSON lines; the input's end waits for replies due.
    Run shell = otctl("echo echo {\"z\":3}\necho push {\"count\":2}\nnot-a-request\n", "shell", id, "-q");
    assertEquals(Exit.OK, shell.code, shell.toString());
    List<JsonObject> got = shell.out.lines().map(JsonObject::new).toList();
    assertTrue(got.contains(new JsonObject().put("from", "echo").put("re", 1).put("result", new JsonObject().put("z", 3))),
        shell.toString());
    assertEquals(2, got.stream().filter(m -> "tick".equals(m.getString("event"))).count(), shell.toString());
    assertTrue(got.stream().anyMatch(m -> Integer.valueOf(2).equals(m.getValue("re"))), "the push action's reply: " + shell);
    assertTrue(shell.err.contains("a line is SERVICE ACTION"), "a bad line is named, and the shell goes on: " + shell);

    // A live tail of the session's logs, before it closes: the close's lines arrive while it runs.
    Path followed = Files.createTempFile(dir, "follow", ".txt");
    Process tail = process(List.of("logs", "--session", id, "--follow", "--limit", "1")).redirectOutput(followed.toFile())
        .redirectError(ProcessBuilder.Redirect.DISCARD).start();
    try {
      eventually(() -> !Files.readString(followed).isEmpty()); // the page's line: the tail begins after it
      Run close = otctl(null, "sessions", "close", id, "--wait", "-o", "json");
      assertEquals(Exit.OK, close.code, close.toString());
      assertEquals("CLOSED", new JsonObject(close.out).getString("state"), close.toString());
      eventually(() -> Files.readString(followed).contains("session closing"));
      assertTrue(tail.isAlive(), "--follow goes on until interrupted");
    } finally {
      tail.destroy();
      assertTrue(tail.waitFor(30, TimeUnit.SECONDS), "otctl logs --follow ends on SIGTERM");
    }

    Run watch = otctl(null, "sessions", "watch", id);
    assertEquals(Exit.OK, watch.code, watch.toString());
    assertTrue(watch.out.lines().anyMatch(l -> l.startsWith("SessionReady"))
        && watch.out.strip().lines().reduce((a, b) -> b).orElse("").startsWith("SessionClosed"),
        "the whole log, to its end: " + watch);

    // Its logs: the LSS's lines and the compute service's own, oldest first; JSON as the logger keeps them.
    eventually(() -> otctl(null, "logs", "--session", id, "--grep", "ready at").out.contains("ready at"));
    Run logs = otctl(null, "logs", "--session", id, "--since", "1h");
    assertEquals(Exit.OK, logs.code, logs.toString());
    assertTrue(logs.out.lines().anyMatch(l -> l.contains(" lss ") && l.contains("ready at"))
        && logs.out.lines().anyMatch(l -> l.contains(" echo ")), logs.toString());
    Run logsJson = otctl(null, "logs", "--session", id, "--service", "lss", "-o", "json");
    assertEquals(Exit.OK, logsJson.code, logsJson.toString());
    assertTrue(new JsonObject(logsJson.out).getJsonArray("records").stream()
        .allMatch(r -> "lss".equals(((JsonObject) r).getString("service"))), logsJson.toString());
    Run badSession = otctl(null, "logs", "--session", "../x");
    assertEquals(Exit.USAGE, badSession.code, badSession.toString());

    // The same session's events as a consumer outside the platform reads them, from Kafka.
    Path tls = dir.resolve("data/tls");
    List<String> kafka = List.of("events", "--bootstrap", "127.0.0.1:" + platform.ports().kafka(),
        "--ca", tls.resolve("ca.crt").toString(), "--cert", tls.resolve("embedded/tls.crt").toString(),
        "--key", tls.resolve("embedded/tls.key").toString(), "--from-start", "--session", id);
    Run events = otctl(null, kafka.toArray(String[]::new));
    assertEquals(Exit.OK, events.code, events.toString());
    assertTrue(events.out.lines().anyMatch(l -> l.contains("ServiceStarting") && l.contains(id))
        && events.out.lines().anyMatch(l -> l.contains("ServiceReady") && l.contains("endpoint")), events.toString());
    List<String> grouped = new ArrayList<>(kafka);
    grouped.addAll(List.of("--group", "otctl-test", "-o", "json"));
    Run first = otctl(null, grouped.toArray(String[]::new));
    assertEquals(Exit.OK, first.code, first.toString());
    assertTrue(first.out.lines().count() >= 2 && first.out.lines()
        .allMatch(l -> id.equals(new JsonObject(l).getString("sessionId"))), "records as they are: " + first);
    Run again = otctl(null, grouped.toArray(String[]::new));
    assertEquals(Exit.OK, again.code, again.toString());
    assertEquals("", again.out, "the group committed what it printed: the next run goes on from there");
    List<String> noTopic = new ArrayList<>(kafka);
    noTopic.addAll(List.of("--topic", "ot.no-such-topic"));
    Run missing = otctl(null, noTopic.toArray(String[]::new));
    assertEquals(Exit.NOT_FOUND, missing.code, missing.toString());
    assertTrue(missing.err.contains("no topic ot.no-such-topic"), missing.toString());

    // The kriging service from a script: samples from CSV, a grid in, CSV out; kriging honours the samples.
    Run kriging = otctl(null, "sessions", "open", "terrain", "--type", "kriging", "--wait", "-q");
    assertEquals(Exit.OK, kriging.code, kriging.toString());
    String krigingId = kriging.out.strip();
    Path wells = Files.writeString(dir.resolve("wells.csv"), "x,y,value\n# a 3 x 3 grid and four more\n0,0,1\n5,0,2\n"
        + "10,0,3\n0,5,1.5\n5,5,3.5\n10,5,4\n0,10,2\n5,10,3\n10,10,5\n2,7,2.2\n8,3,3.9\n3,3,2.4\n7,8,4.1\n");
    Run krige = otctl(null, "krige", krigingId, "--samples", wells.toString(), "--grid", "0:10:3,0:10:3");
    assertEquals(Exit.OK, krige.code, krige.toString());
    List<String> csv = krige.out.lines().toList();
    assertEquals("x,y,estimate,variance", csv.get(0), krige.toString());
    assertEquals(10, csv.size(), "a 3 x 3 grid: " + krige);
    for (String[] sample : List.of(new String[] {"0.0,0.0", "1"}, new String[] {"10.0,10.0", "5"},
        new String[] {"5.0,5.0", "3.5"})) {
      String[] row = csv.stream().filter(l -> l.startsWith(sample[0] + ",")).findFirst().orElseThrow().split(",");
      assertEquals(Double.parseDouble(sample[1]), Double.parseDouble(row[2]), 1e-6, "exact at a sample: " + krige);
    }
    Run large = otctl(null, "krige", krigingId, "--samples", wells.toString(), "--grid", "0:10:101,0:10:101", "-q");
    assertEquals(Exit.OK, large.code, large.toString());
    assertEquals(1 + 101 * 101, large.out.lines().count(), "10,201 points in two requests, every one answered");
    assertEquals("10.0,10.0", large.out.strip().lines().reduce((a, b) -> b).orElseThrow().substring(0, 9));
    Path sites = Files.writeString(dir.resolve("sites.csv"), "2,2\n7,5\n");
    Run given = otctl(null, "krige", krigingId, "--samples", wells.toString(), "--query", sites.toString(),
        "--model", "exponential", "--sill", "2", "--range", "12", "-o", "json");
    assertEquals(Exit.OK, given.code, given.toString());
    JsonObject json = new JsonObject(given.out);
    assertEquals(2, json.getJsonArray("rows").size(), given.toString());
    assertEquals(12.0, json.getJsonObject("variogram").getDouble("range"), "the variogram given");
    Path broken = Files.writeString(dir.resolve("broken.csv"), "x,y,value\n0,0,1\n1,one,2\n");
    Run bad = otctl(null, "krige", krigingId, "--samples", broken.toString(), "--grid", "0:1:2,0:1:2");
    assertEquals(Exit.USAGE, bad.code, bad.toString());
    assertTrue(bad.err.contains("broken.csv line 3"), "names the line: " + bad);
    Run badGrid = otctl(null, "krige", krigingId, "--samples", wells.toString(), "--grid", "0:10");
    assertEquals(Exit.USAGE, badGrid.code, badGrid.toString());
    assertEquals(Exit.OK, otctl(null, "sessions", "close", krigingId, "--wait", "-q").code);

    Run failed = otctl(null, "sessions", "open", "terrain", "--type", "broken", "--wait");
    assertEquals(Exit.FAILED, failed.code, failed.toString());
    assertTrue(failed.err.contains("FAILED") && failed.err.contains("exit code 3"), failed.toString());

    Run unknown = otctl(null, "sessions", "get", "no-such-session");
    assertEquals(Exit.NOT_FOUND, unknown.code, unknown.toString());
    assertTrue(unknown.err.contains("HTTP 404"), unknown.toString());

    Run noType = otctl(null, "sessions", "open", "terrain", "--type", "no-such-type");
    assertTrue(noType.code == Exit.USAGE || noType.code == Exit.NOT_FOUND, noType.toString());

    Run usage = otctl(null, "sessions", "get");
    assertEquals(Exit.USAGE, usage.code, usage.toString());
    Run badId = otctl(null, "sessions", "get", "../admin");
    assertEquals(Exit.USAGE, badId.code, badId.toString());

    int nothing;
    try (ServerSocket s = new ServerSocket(0)) {
      nothing = s.getLocalPort();
    }
    Run down = otctl(PASSWORD + "\n", "login", "--server", "http://127.0.0.1:" + nothing, "--username", "admin",
        "--password-stdin", "--context", "elsewhere");
    assertEquals(Exit.UNAVAILABLE, down.code, down.toString());
    assertTrue(down.err.contains("cannot reach http://127.0.0.1:" + nothing), down.toString());

    String refreshToken = new JsonObject(Files.readString(config)).getJsonObject("contexts").getJsonObject("default")
        .getString("refreshToken");
    Run logout = otctl(null, "logout");
    assertEquals(Exit.OK, logout.code, logout.toString());
    assertEquals(401, status(saved.getString("auth") + "/api/v1/token/refresh", refreshToken),
        "the refresh token is revoked at AUTH");
    Run after = otctl(null, "whoami");
    assertEquals(Exit.AUTH, after.code, after.toString());
  }

  /** Projects and grants, an admin's drain of the LSS and the audit trail, through otctl (a context file of its own). */
  @Test
  void projectsGrantsAnAdminDrainAndTheAuditTrail() throws Exception {
    String own = dir.resolve("admin-config.json").toString();
    Run login = otctl(PASSWORD + "\n", "--config", own, "login", "--server", gss, "--username", "admin", "--password-stdin");
    assertEquals(Exit.OK, login.code, login.toString());
    JsonObject saved = new JsonObject(Files.readString(Path.of(own))).getJsonObject("contexts").getJsonObject("default");
    http("POST", saved.getString("auth") + "/api/v1/users", saved.getString("accessToken"),
        new JsonObject().put("username", "bob").put("password", "bobs-long-password"));

    Run create = otctl(null, "--config", own, "projects", "create", "geology");
    assertEquals(Exit.OK, create.code, create.toString());
    assertTrue(create.out.startsWith("project geology created"), create.toString());
    Run list = otctl(null, "--config", own, "projects", "list");
    assertTrue(list.code == Exit.OK && list.out.startsWith("NAME") && list.out.lines()
        .anyMatch(l -> l.startsWith("geology") && l.contains("owner")), list.toString());
    Run grant = otctl(null, "--config", own, "projects", "grant", "geology", "--user", "bob", "--role", "viewer", "-o", "json");
    assertEquals(Exit.OK, grant.code, grant.toString());
    assertEquals("viewer", new JsonObject(grant.out).getString("role"), grant.toString());
    assertEquals(Exit.OK, otctl(null, "--config", own, "projects", "revoke", "geology", "--user", "bob").code);
    Run noRole = otctl(null, "--config", own, "projects", "grant", "geology", "--user", "bob");
    assertEquals(Exit.USAGE, noRole.code, noRole.toString());
    Run both = otctl(null, "--config", own, "projects", "grant", "geology", "--user", "bob", "--group", "g", "--role", "viewer");
    assertEquals(Exit.USAGE, both.code, "a user or a group, not both: " + both);
    Run nobody = otctl(null, "--config", own, "projects", "grant", "geology", "--user", "nobody-here", "--role", "editor");
    assertEquals(Exit.NOT_FOUND, nobody.code, nobody.toString());
    assertEquals(Exit.OK, otctl(null, "--config", own, "projects", "rename", "geology", "geo2").code);
    Run delete = otctl(null, "--config", own, "projects", "delete", "geo2", "--delete-storage", "-q");
    assertEquals(Exit.OK, delete.code, delete.toString());
    assertEquals("geo2", delete.out.strip());
    assertEquals(Exit.NOT_FOUND, otctl(null, "--config", own, "projects", "delete", "geo2").code);

    Run drain = otctl(null, "--config", own, "admin", "drain", "otctl");
    assertEquals(Exit.OK, drain.code, drain.toString());
    await("the LSS reported draining", () -> lssStatus(own).equals("draining"));
    assertEquals(Exit.OK, otctl(null, "--config", own, "admin", "undrain", "otctl").code);
    await("the LSS up again", () -> lssStatus(own).equals("up"));
    Run table = otctl(null, "--config", own, "admin", "lss");
    assertTrue(table.out.startsWith("LSS") && table.out.contains("otctl") && table.out.contains("local"), table.toString());

    java.util.concurrent.atomic.AtomicReference<Run> audit = new java.util.concurrent.atomic.AtomicReference<>();
    try {
      await("the project's creation in the audit trail", () -> {
        try {
          audit.set(otctl(null, "--config", own, "admin", "audit", "--action", "ProjectCreated", "--actor", "admin"));
          return audit.get().code == Exit.OK && audit.get().out.startsWith("TIME") && audit.get().out.contains("geology");
        } catch (Exception e) {
          throw new IllegalStateException(e);
        }
      });
    } catch (AssertionError e) {
      throw new AssertionError(e.getMessage() + "; last: " + audit.get(), e);
    }
  }

  private String lssStatus(String config) {
    try {
      Run lss = otctl(null, "--config", config, "admin", "lss", "-o", "json");
      JsonArray all = new JsonObject(lss.out).getJsonArray("lss");
      return all.stream().map(JsonObject.class::cast).filter(o -> o.getString("id").equals("otctl")).findFirst()
          .map(o -> o.getString("status")).orElse("");
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  @Test
  void usersGroupsSigningKeysAndYaml() throws Exception {
    String own = dir.resolve("users-config.json").toString();
    String dora = dir.resolve("dora-config.json").toString();
    assertEquals(Exit.OK, otctl(PASSWORD + "\n", "--config", own, "login", "--server", gss, "--username", "admin",
        "--password-stdin").code);
    Run create = otctl("doras-first-password\n", "--config", own, "admin", "users", "create", "dora", "--password-stdin");
    assertEquals(Exit.OK, create.code, create.toString());
    assertEquals("user dora created", create.out.strip());
    Run again = otctl("doras-first-password\n", "--config", own, "admin", "users", "create", "dora", "--password-stdin");
    assertEquals(Exit.CONFLICT, again.code, again.toString());
    Run noPassword = otctl("", "--config", own, "admin", "users", "create", "erin", "--password-stdin");
    assertTrue(noPassword.code == Exit.USAGE && noPassword.err.contains("stdin held no password"), noPassword.toString());
    Run users = otctl(null, "--config", own, "admin", "users", "list", "-o", "yaml");
    assertEquals(Exit.OK, users.code, users.toString());
    List<?> listed = (List<?>) yaml(users.out).get("users");
    assertTrue(listed.stream().anyMatch(u -> "dora".equals(((Map<?, ?>) u).get("username"))), users.toString());
    Run table = otctl(null, "--config", own, "admin", "users", "list");
    assertTrue(table.out.startsWith("USERNAME") && table.out.lines().anyMatch(l -> l.startsWith("dora ")), table.toString());

    assertEquals(Exit.OK, otctl(null, "--config", own, "groups", "create", "surveyors").code);
    Run add = otctl(null, "--config", own, "groups", "add", "surveyors", "dora");
    assertEquals(Exit.OK, add.code, add.toString());
    Run nobody = otctl(null, "--config", own, "groups", "add", "surveyors", "nobody-here");
    assertEquals(Exit.NOT_FOUND, nobody.code, nobody.toString());
    Run group = otctl(null, "--config", own, "groups", "get", "surveyors", "-o", "yaml");
    assertEquals(List.of("admin", "dora"), yaml(group.out).get("members"), group.toString());
    Run member = otctl(null, "--config", own, "admin", "users", "get", "dora");
    assertTrue(member.out.lines().anyMatch(l -> l.matches("groups: +surveyors")), member.toString());
    assertEquals(Exit.OK, otctl(null, "--config", own, "projects", "create", "survey").code);
    assertEquals(Exit.OK, otctl(null, "--config", own, "projects", "grant", "survey", "--group", "surveyors", "--role",
        "viewer").code);

    Run doraIn = otctl("doras-first-password\n", "--config", dora, "login", "--server", gss, "--username", "dora",
        "--password-stdin");
    assertEquals(Exit.OK, doraIn.code, doraIn.toString());
    Run doraProjects = otctl(null, "--config", dora, "projects", "list");
    assertTrue(doraProjects.out.lines().anyMatch(l -> l.startsWith("survey ") && l.contains("viewer")), doraProjects.toString());
    Run notAdmin = otctl(null, "--config", dora, "admin", "users", "list");
    assertEquals(Exit.AUTH, notAdmin.code, notAdmin.toString());
    assertEquals(Exit.AUTH, otctl(null, "--config", dora, "admin", "keys", "rotate").code);
    assertEquals(Exit.AUTH, otctl(null, "--config", dora, "admin", "sessions").code);
    Run sessions = otctl(null, "--config", own, "admin", "sessions", "--owner", "admin", "--limit", "5");
    assertTrue(sessions.code == Exit.OK && sessions.out.startsWith("ID") && sessions.out.lines().findFirst()
        .orElse("").contains("OWNER"), sessions.toString());
    Run allJson = otctl(null, "--config", own, "admin", "sessions", "--state", "CLOSED", "-o", "json");
    assertEquals(Exit.OK, allJson.code, allJson.toString());
    new JsonObject(allJson.out).getJsonArray("sessions").forEach(o -> assertEquals("CLOSED",
        ((JsonObject) o).getString("state")));
    assertEquals(Exit.USAGE, otctl(null, "--config", own, "admin", "sessions", "--state", "STUCK").code,
        "a state the platform does not know");

    assertEquals(Exit.OK, otctl(null, "--config", own, "admin", "users", "disable", "dora").code);
    Run disabled = otctl("doras-first-password\n", "--config", dora, "login", "--username", "dora", "--password-stdin");
    assertEquals(Exit.AUTH, disabled.code, disabled.toString());
    assertEquals(Exit.OK, otctl(null, "--config", own, "admin", "users", "enable", "dora").code);
    assertEquals(Exit.OK, otctl("doras-second-password\n", "--config", own, "admin", "users", "set-password", "dora",
        "--password-stdin").code);
    assertEquals(Exit.AUTH, otctl("doras-first-password\n", "--config", dora, "login", "--username", "dora",
        "--password-stdin").code);
    assertEquals(Exit.OK, otctl("doras-second-password\n", "--config", dora, "login", "--username", "dora",
        "--password-stdin").code);

    Run rotate = otctl(null, "--config", own, "admin", "keys", "rotate", "-o", "json");
    assertEquals(Exit.OK, rotate.code, rotate.toString());
    String kid = new JsonObject(rotate.out).getString("kid");
    assertTrue(kid != null && !kid.isBlank(), rotate.toString());
    Run stillIn = otctl(null, "--config", dora, "whoami");
    assertEquals(Exit.OK, stillIn.code, "a token of the earlier key stays valid: " + stillIn);

    assertEquals(Exit.OK, otctl(null, "--config", own, "groups", "rename", "surveyors", "mappers").code);
    assertEquals(Exit.OK, otctl(null, "--config", own, "groups", "remove", "mappers", "dora").code);
    Run rest = otctl(null, "--config", own, "groups", "get", "mappers", "-o", "json");
    assertEquals(new JsonArray().add("admin"), new JsonObject(rest.out).getJsonArray("members"), rest.toString());
    assertEquals(Exit.OK, otctl(null, "--config", own, "groups", "delete", "mappers").code);
    assertEquals(Exit.NOT_FOUND, otctl(null, "--config", own, "groups", "get", "mappers").code);
    assertEquals(Exit.OK, otctl(null, "--config", own, "admin", "users", "delete", "dora").code);
    assertEquals(Exit.NOT_FOUND, otctl(null, "--config", own, "admin", "users", "delete", "dora").code);
  }

  private static Map<?, ?> yaml(String text) throws IOException {
    return new com.fasterxml.jackson.dataformat.yaml.YAMLMapper().readValue(text, Map.class);
  }

  @Test
  void theCompletionScriptCompletesCommandsOptionsAndValues() throws Exception {
    Run script = otctl(null, "completion");
    assertEquals(Exit.OK, script.code, script.err);
    Path file = dir.resolve("otctl-completion.bash");
    Files.writeString(file, script.out);
    assertEquals("list get create disable enable set-password delete", completions(file, "otctl admin users "));
    assertEquals("groups", completions(file, "otctl gr"));
    assertEquals("table json yaml", completions(file, "otctl sessions list -o "));
    assertEquals("--role", completions(file, "otctl projects grant p --ro"));
  }

  /** What bash completes {@code line} to with the script sourced, as the shell calls it at a TAB. */
  private static String completions(Path script, String line) throws Exception {
    String program = "source \"$1\" 2>/dev/null; read -ra COMP_WORDS <<< \"$2\"; [[ \"$2\" == *' ' ]] && COMP_WORDS+=('');"
        + " COMP_CWORD=$(( ${#COMP_WORDS[@]} - 1 )); COMP_LINE=\"$2\"; COMP_POINT=${#2};"
        + " _complete_otctl 2>/dev/null; echo \"${COMPREPLY[*]}\"";
    Process p = new ProcessBuilder("bash", "-c", program, "complete", script.toString(), line).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
    assertTrue(p.waitFor(30, TimeUnit.SECONDS), "bash did not end");
    return out;
  }

  @Test
  void helpNamesTheExitCodes() throws Exception {
    Run help = otctl(null, "--help");
    assertEquals(Exit.OK, help.code, help.toString());
    assertTrue(help.out.contains("Usage: otctl") && help.out.contains("Exit codes:") && help.out.contains("sessions"),
        help.toString());
  }

  /** Waits, with a deadline, until {@code done} (which may run otctl): the logger stores records a moment after they are logged. */
  private static void eventually(java.util.concurrent.Callable<Boolean> done) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (!done.call()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out after 60 s");
      }
      Thread.sleep(250);
    }
  }

  /** otctl as a process of its own, with HOME in the test's directory; stdin as given (else empty). */
  private Run otctl(String stdin, String... args) throws Exception {
    return OtctlProcess.run(dir, stdin, args);
  }

  private static ProcessBuilder process(List<String> args) throws IOException {
    return OtctlProcess.builder(dir, args);
  }

  private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
      .connectTimeout(Duration.ofSeconds(5)).build();

  private static JsonObject http(String method, String url, String token, JsonObject body) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30))
        .header("authorization", "Bearer " + token).header("content-type", "application/json")
        .method(method, HttpRequest.BodyPublishers.ofString(body.encode()));
    HttpResponse<String> r = HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    assertTrue(r.statusCode() / 100 == 2, method + " " + url + " answered " + r.statusCode() + ": " + r.body());
    return new JsonObject(r.body());
  }

  private static int status(String url) {
    try {
      return HTTP.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10)).build(),
          HttpResponse.BodyHandlers.discarding()).statusCode();
    } catch (Exception e) {
      return -1;
    }
  }

  /** POSTs a refresh token and returns the status (401 once it is revoked). */
  private static int status(String url, String refreshToken) throws Exception {
    return HTTP.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10))
        .header("content-type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(new JsonObject().put("refreshToken", refreshToken).encode()))
        .build(), HttpResponse.BodyHandlers.discarding()).statusCode();
  }

  private static void await(String what, java.util.function.BooleanSupplier condition) throws InterruptedException {
    Instant deadline = Instant.now().plusSeconds(90);
    while (!condition.getAsBoolean()) {
      if (Instant.now().isAfter(deadline)) {
        throw new AssertionError("timed out waiting for " + what);
      }
      Thread.sleep(100);
    }
  }
}
