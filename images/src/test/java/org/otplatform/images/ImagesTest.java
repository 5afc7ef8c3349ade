package org.otplatform.images;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Every image built by {@code deploy/build-images.sh} and run with podman: small, a numeric
 * non-root user, the JVM as PID 1; a bad setting stops a service with exit code 78 and names it;
 * the five services reach {@code /health/ready} against a broker and a store that are containers
 * themselves (their images built from the broker's and the store's modules), each container with a
 * read-only root file system, no capabilities and its own network namespace on a network of its
 * own; then a session opens, answers kriging through the relay (the compute process runs in the
 * LSS's container) and closes.
 *
 * <p>Without podman the tests are skipped with a message, except under {@code CI=true}, where
 * {@code bin/ot-test} installs podman and a skip would hide that the images were never run.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(value = 10, unit = TimeUnit.MINUTES)
class ImagesTest {
  private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
  private static final String TAG = "0.1.0";
  private static final List<String> SERVICES = List.of("auth", "gss", "lss", "relay", "logger");
  private static final Map<String, Integer> PORTS = Map.of("gss", 8091, "auth", 8092, "lss", 8093,
      "relay", 8094, "logger", 8095);
  /** The bound for a service's or the compute service's image, as podman counts (10^6 bytes). */
  private static final long MAX_IMAGE_BYTES = 100_000_000;
  private static final String ADMIN_PASSWORD = "images-test-" + UUID.randomUUID();

  private final String run = "ot-images-" + UUID.randomUUID().toString().substring(0, 8);
  private final List<String> containers = new ArrayList<>();
  private final Map<String, String> hostPorts = new LinkedHashMap<>();
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private Podman podman;
  private Path logs;
  private boolean networkMade;
  private final Map<String, String> composeEnv = new LinkedHashMap<>();
  private boolean composeUp;
  /** The host's network is this class's while it starts containers (see {@link Podman#holdHostNetwork}). */
  private AutoCloseable hostNetwork;

  @BeforeAll
  void buildImages() throws Exception {
    podman = Podman.find(ROOT);
    if (podman == null) {
      String why = "podman is not installed: the image tests need it (bin/ot-test installs podman, runc and"
          + " mmdebstrap when run as root)";
      if ("true".equals(System.getenv("CI"))) {
        throw new AssertionError(why + "; under CI=true that is a failure, not a skip");
      }
      Assumptions.abort(why);
    }
    logs = Files.createDirectories(Path.of("target", "images").toAbsolutePath());
    for (String module : List.of("auth", "gss", "lss", "relay", "logger", "compute", "store")) {
      assertTrue(Files.isDirectory(ROOT.resolve(module + "/target/lib")),
          module + " is not packaged (mvn package builds what the images copy)");
    }
    // The jars are built (this module comes after them in the reactor): the script builds only images.
    Podman.Result built = podman.exec(List.of("env", "OT_SKIP_BUILD=1", ROOT.resolve("deploy/build-images.sh").toString(),
        TAG), Duration.ofMinutes(8), logs.resolve("build-images.log"));
    built.orFail("deploy/build-images.sh");
    System.out.println(built.output().strip());
    hostNetwork = Podman.holdHostNetwork(ROOT);
  }

  @AfterAll
  void removeContainers() throws Exception {
    try {
      removeContainersAndNetworks();
    } finally {
      if (hostNetwork != null) {
        hostNetwork.close();
      }
    }
  }

  private void removeContainersAndNetworks() {
    if (podman == null) {
      return;
    }
    for (String name : containers) {
      keepLog(name, name.substring(run.length() + 1) + ".log");
    }
    if (!containers.isEmpty()) {
      List<String> args = new ArrayList<>(List.of("rm", "-f", "-v", "-t", "5"));
      args.addAll(containers);
      podman.podman(Duration.ofMinutes(2), args.toArray(String[]::new));
    }
    if (composeUp) {
      for (String name : List.of("kafka", "mongodb", "auth", "gss", "lss", "relay", "logger")) {
        keepLog(composeContainer(name), "compose-" + name + ".log");
      }
      compose(Duration.ofMinutes(3), "compose-down.log", "down", "-v");
      // podman-compose 1.0.3 leaves the project's network behind.
      podman.podman(Duration.ofMinutes(1), "network", "rm", "-f", composeProject() + "_default");
    }
    if (networkMade) {
      podman.podman(Duration.ofMinutes(1), "network", "rm", "-f", run);
    }
  }

  private void keepLog(String container, String file) {
    Podman.Result log = podman.podman(Duration.ofSeconds(30), "logs", container);
    try {
      Files.writeString(logs.resolve(file), log.output());
    } catch (java.io.IOException e) {
      System.err.println("cannot keep the log of " + container + ": " + e);
    }
  }

  @Test
  @Order(1)
  void everyImageRunsJavaAsANumericNonRootUserAndTheServicesAreSmall() {
    for (String name : List.of("auth", "gss", "lss", "relay", "logger", "compute", "broker", "store")) {
      JsonObject config = inspect("ot-platform/" + name + ":" + TAG);
      JsonObject c = config.getJsonObject("Config");
      assertEquals("10001:10001", c.getString("User"), name + ": the user");
      JsonArray entrypoint = c.getJsonArray("Entrypoint");
      assertEquals("java", entrypoint.getString(0), name + ": the JVM is the entrypoint, no shell: " + entrypoint);
      if (!name.equals("broker") && !name.equals("store")) {
        long size = config.getLong("Size");
        assertTrue(size <= MAX_IMAGE_BYTES, name + " is " + size / 1_000_000 + " MB, over 100 MB");
      }
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"auth", "gss", "lss", "relay", "logger"})
  @Order(2)
  void aBadSettingStopsTheServiceWithExitCode78(String service) {
    Podman.Result result = podman.podman(Duration.ofMinutes(2), "run", "--rm", "--read-only", "--cap-drop", "ALL",
        "--network", "none", "-e", "OT_KAFKA_BOOTSTRAP=not-a-bootstrap", "-e", "OT_LOG_TO_KAFKA=false",
        "ot-platform/" + service + ":" + TAG);
    assertEquals(78, result.exitCode(), service + ":\n" + result.output());
    assertTrue(result.output().contains("OT_KAFKA_BOOTSTRAP"), "the setting is named: " + result.output());
    for (String line : result.output().split("\n")) {
      if (!line.isBlank()) {
        new JsonObject(line); // a log collector reads JSON lines; nothing else may be on the output
      }
    }
  }

  /** The kriging service's image: a bad port stops it with 78; started as a pod would, it is ready. */
  @Test
  @Order(2)
  void theComputeImageRefusesABadPortAndRunsAsPid1() throws Exception {
    Podman.Result bad = podman.podman(Duration.ofMinutes(2), "run", "--rm", "--read-only", "--cap-drop", "ALL",
        "--network", "none", "-e", "OT_PORT=not-a-port", "ot-platform/compute:" + TAG);
    assertEquals(78, bad.exitCode(), bad.output());
    assertTrue(bad.output().contains("OT_PORT"), "the setting is named: " + bad.output());

    String name = run + "-compute";
    containers.add(name);
    podman.podman(Duration.ofMinutes(1), "run", "-d", "--name", name, "--read-only", "--tmpfs", "/tmp",
        "--cap-drop", "ALL", "--security-opt", "no-new-privileges", "-p", "127.0.0.1::8080",
        "-e", "OT_PORT=8080", "-e", "OT_BIND_HOST=0.0.0.0", "-e", "OT_SERVICE_NAME=kriging",
        "-e", "OT_SESSION_ID=" + UUID.randomUUID(), "ot-platform/compute:" + TAG).orFail("podman run compute");
    String port = podman.podman(Duration.ofSeconds(30), "port", name, "8080/tcp").orFail("podman port").output().strip();
    String url = "http://127.0.0.1:" + port.substring(port.lastIndexOf(':') + 1) + "/health/ready";
    await(Duration.ofMinutes(2), "the kriging service ready", () -> http.send(HttpRequest.newBuilder(URI.create(url))
        .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString()).statusCode() == 200);
    assertPid1AsTheServicesUser(name.substring(run.length() + 1));
  }

  @Test
  @Order(3)
  void thePlatformRunsFromItsImagesAndASessionAnswersThroughTheRelay() throws Exception {
    podman.podman(Duration.ofMinutes(1), "network", "create", run).orFail("podman network create");
    networkMade = true;
    // Data in an anonymous volume each (removed with the container): it takes the image's
    // /var/lib/ot, owned by the services' user, as compose's named volumes do.
    start("broker", List.of("-e", "OT_BROKER_ADVERTISED_HOST=broker", "-v", "/var/lib/ot"));
    start("store", List.of("-v", "/var/lib/ot"));
    String kek = Base64.getEncoder().encodeToString(UUID.randomUUID().toString().substring(0, 32).getBytes());
    List<String> common = List.of("-e", "OT_KAFKA_BOOTSTRAP=broker:9092", "-e", "OT_AUTH_URL=http://auth:8092",
        "-e", "OT_GSS_URL=http://gss:8091", "-e", "OT_STARTUP_TIMEOUT_SECONDS=180");
    String catalog = ROOT.resolve("deploy/compose/catalog.json") + ":/etc/ot/catalog.json:ro";
    Path computeJar = Files.list(ROOT.resolve("compute/target"))
        .filter(p -> p.getFileName().toString().matches("ot-compute-.*[^s]\\.jar")).findFirst().orElseThrow();
    Map<String, List<String>> settings = Map.of(
        "auth", List.of("-e", "OT_MONGO_URI=mongodb://store:27017/ot_auth", "-e", "OT_ADMIN_PASSWORD=" + ADMIN_PASSWORD,
            "-e", "OT_AUTH_KEY_ENCRYPTION_KEY=" + kek),
        "gss", List.of("-e", "OT_MONGO_URI=mongodb://store:27017/ot_gss", "-e", "OT_CATALOG=/etc/ot/catalog.json",
            "-v", catalog),
        "lss", List.of("-e", "OT_LSS_MODE=local", "-e", "OT_CATALOG=/etc/ot/catalog.json", "-v", catalog,
            "-e", "OT_LSS_COMPUTE_CLASSPATH=/compute/service.jar:/compute/lib/*", "-e", "OT_LSS_COMPUTE_HOST=lss",
            "-v", ROOT.resolve("compute/target/lib") + ":/compute/lib:ro", "-v", computeJar + ":/compute/service.jar:ro"),
        "relay", List.of(),
        "logger", List.of("-e", "OT_MONGO_URI=mongodb://store:27017/ot_logs"));
    for (String service : SERVICES) {
      List<String> args = new ArrayList<>(common);
      args.addAll(settings.get(service));
      args.addAll(List.of("-p", "127.0.0.1::" + PORTS.get(service)));
      start(service, args);
    }
    for (String service : SERVICES) {
      String port = podman.podman(Duration.ofSeconds(30), "port", container(service), PORTS.get(service) + "/tcp")
          .orFail("podman port").output().strip();
      hostPorts.put(service, port.substring(port.lastIndexOf(':') + 1));
    }
    for (String service : SERVICES) {
      await(Duration.ofMinutes(4), service + " ready", () -> {
        assertRunning(service);
        return get(service, "/health/ready", null).statusCode() == 200;
      });
      assertPid1AsTheServicesUser(service);
    }
    for (String name : List.of("broker", "store")) {
      assertPid1AsTheServicesUser(name);
    }
    aSessionOpensAnswersAndCloses(container("lss"));
  }

  /**
   * deploy/compose/compose.yaml with compose.offline.yaml (the broker and store images for Kafka
   * and MongoDB) under podman-compose, as its comment says to run it, on free published ports.
   */
  @Test
  @Order(4)
  void theComposeFileRunsThePlatformWithoutARegistry() throws Exception {
    if (!Podman.onPath("podman-compose")) {
      String why = "podman-compose is not installed (bin/ot-test installs it when run as root)";
      if ("true".equals(System.getenv("CI"))) {
        throw new AssertionError(why);
      }
      Assumptions.abort(why);
    }
    composeEnv.put("OT_ADMIN_PASSWORD", ADMIN_PASSWORD);
    composeEnv.put("OT_AUTH_KEY_ENCRYPTION_KEY", Base64.getEncoder().encodeToString(
        UUID.randomUUID().toString().substring(0, 32).getBytes()));
    for (String name : List.of("ROOT", "AUTH", "GSS", "LOGGER")) {
      composeEnv.put("OT_MONGO_" + name + "_PASSWORD", UUID.randomUUID().toString());
    }
    hostPorts.clear();
    for (String service : SERVICES) {
      String port = Integer.toString(freePort());
      hostPorts.put(service, port);
      composeEnv.put("OT_" + service.toUpperCase() + "_PUBLISHED_PORT", port);
    }
    composeUp = true;
    compose(Duration.ofMinutes(5), "compose-up.log", "up", "-d").orFail("podman-compose up");
    for (String service : SERVICES) {
      await(Duration.ofMinutes(4), "compose: " + service + " ready", () -> {
        String state = podman.podman(Duration.ofSeconds(30), "inspect", "--format", "{{.State.Status}}",
            composeContainer(service)).output().strip();
        assertTrue(!state.startsWith("exited"), service + " exited:\n"
            + tail(podman.podman(Duration.ofSeconds(30), "logs", composeContainer(service)).output()));
        return get(service, "/health/ready", null).statusCode() == 200;
      });
    }
    aSessionOpensAnswersAndCloses(composeContainer("lss"));
  }

  private Podman.Result compose(Duration timeout, String log, String... args) {
    List<String> command = new ArrayList<>(List.of("podman-compose", "-p", composeProject(),
        "-f", ROOT.resolve("deploy/compose/compose.yaml").toString(),
        "-f", ROOT.resolve("deploy/compose/compose.offline.yaml").toString()));
    command.addAll(List.of(args));
    return podman.exec(command, composeEnv, timeout, logs.resolve(log));
  }

  private String composeProject() {
    return run.replace("-", "") + "compose";
  }

  private String composeContainer(String service) {
    return composeProject() + "_" + service + "_1";
  }

  private static int freePort() throws java.io.IOException {
    try (java.net.ServerSocket socket = new java.net.ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }

  private void aSessionOpensAnswersAndCloses(String lssContainer) throws Exception {
    HttpResponse<String> login = send("auth", "POST", "/api/v1/login",
        new JsonObject().put("username", "admin").put("password", ADMIN_PASSWORD), null);
    assertEquals(200, login.statusCode(), login.body());
    String token = new JsonObject(login.body()).getString("accessToken");
    HttpResponse<String> project = send("auth", "POST", "/api/v1/projects", new JsonObject().put("name", "terrain"), token);
    assertEquals(201, project.statusCode(), project.body());
    HttpResponse<String> opened = send("gss", "POST", "/api/v1/sessions", new JsonObject().put("project", "terrain"), token);
    assertEquals(202, opened.statusCode(), opened.body());
    String session = new JsonObject(opened.body()).getString("id");
    await(Duration.ofMinutes(2), "session " + session + " READY", () -> {
      JsonObject s = new JsonObject(get("gss", "/api/v1/sessions/" + session, token).body());
      assertTrue(!s.getString("state").equals("FAILED"), "the session failed: " + s);
      return s.getString("state").equals("READY");
    });

    LinkedBlockingQueue<String> replies = new LinkedBlockingQueue<>();
    WebSocket ws = http.newWebSocketBuilder().header("Authorization", "Bearer " + token)
        .connectTimeout(Duration.ofSeconds(10))
        .buildAsync(URI.create("ws://127.0.0.1:" + hostPorts.get("relay") + "/ws/sessions/" + session),
            new WebSocket.Listener() {
              private final StringBuilder text = new StringBuilder();

              @Override
              public CompletionStage<?> onText(WebSocket socket, CharSequence data, boolean last) {
                text.append(data);
                if (last) {
                  replies.add(text.toString());
                  text.setLength(0);
                }
                socket.request(1);
                return null;
              }
            }).get(30, TimeUnit.SECONDS);
    ws.sendText(new JsonObject().put("to", "kriging").put("id", 1).put("action", "krige").put("payload",
        new JsonObject("{\"points\":[[0,0],[10,0],[0,10],[10,10],[5,5]],\"values\":[1,3,2,5,3.5],"
            + "\"query\":[[2,2],[7,5]],\"variogram\":{\"model\":\"spherical\",\"nugget\":0,\"sill\":2,\"range\":12}}"))
        .encode(), true).get(10, TimeUnit.SECONDS);
    String reply = replies.poll(60, TimeUnit.SECONDS);
    assertTrue(reply != null, "no reply from the kriging service through the relay");
    JsonObject answer = new JsonObject(reply);
    assertEquals("kriging", answer.getString("from"), reply);
    assertEquals(2, answer.getJsonObject("result").getJsonArray("estimates").size(), reply);
    ws.sendClose(WebSocket.NORMAL_CLOSURE, "done").get(10, TimeUnit.SECONDS);

    assertTrue(podman.podman(Duration.ofSeconds(30), "top", lssContainer, "args").output().contains("KrigingService"),
        "the kriging process runs in the LSS's container");
    assertEquals(202, send("gss", "DELETE", "/api/v1/sessions/" + session, null, token).statusCode());
    await(Duration.ofMinutes(1), "session " + session + " CLOSED", () ->
        new JsonObject(get("gss", "/api/v1/sessions/" + session, token).body()).getString("state").equals("CLOSED"));
    // The compute process ran in the LSS's container and is gone with the session.
    await(Duration.ofSeconds(60), "the compute process gone", () ->
        !podman.podman(Duration.ofSeconds(30), "top", lssContainer, "args").output().contains("KrigingService"));
  }

  private void start(String name, List<String> args) {
    List<String> command = new ArrayList<>(List.of("run", "-d", "--name", container(name), "--hostname", name,
        "--network", run, "--network-alias", name, "--read-only", "--tmpfs", "/tmp",
        "--cap-drop", "ALL", "--security-opt", "no-new-privileges"));
    command.addAll(args);
    command.add("ot-platform/" + name + ":" + TAG);
    containers.add(container(name));
    podman.podman(Duration.ofMinutes(1), command.toArray(String[]::new)).orFail("podman run " + name);
  }

  private String container(String name) {
    return run + "-" + name;
  }

  private JsonObject inspect(String image) {
    return new JsonArray(podman.podman(Duration.ofSeconds(30), "image", "inspect", image)
        .orFail("podman image inspect " + image).output()).getJsonObject(0);
  }

  private void assertRunning(String name) {
    String state = podman.podman(Duration.ofSeconds(30), "inspect", "--format", "{{.State.Status}} {{.State.ExitCode}}",
        container(name)).output().strip();
    assertTrue(state.startsWith("running"), name + " is not running (" + state + "):\n"
        + tail(podman.podman(Duration.ofSeconds(30), "logs", container(name)).output()));
  }

  /** The container's first process is the JVM, PID 1 in its namespace, running as uid 10001. */
  private void assertPid1AsTheServicesUser(String name) throws Exception {
    String pid = podman.podman(Duration.ofSeconds(30), "inspect", "--format", "{{.State.Pid}}", container(name))
        .orFail("podman inspect").output().strip();
    List<String> status = Files.readAllLines(Path.of("/proc", pid, "status"));
    String nspid = status.stream().filter(l -> l.startsWith("NSpid:")).findFirst().orElseThrow();
    assertTrue(nspid.matches("NSpid:\\s+" + pid + "\\s+1"), name + ": not PID 1 in its namespace: " + nspid);
    String uid = status.stream().filter(l -> l.startsWith("Uid:")).findFirst().orElseThrow();
    assertTrue(uid.matches("Uid:\\s+10001\\s+10001\\s+10001\\s+10001"), name + ": " + uid);
    String cmdline = Files.readString(Path.of("/proc", pid, "cmdline"));
    assertTrue(cmdline.startsWith("java\0"), name + ": PID 1 is " + cmdline.replace('\0', ' '));
  }

  private HttpResponse<String> get(String service, String path, String token) throws Exception {
    return send(service, "GET", path, null, token);
  }

  private HttpResponse<String> send(String service, String method, String path, JsonObject body, String token)
      throws Exception {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + hostPorts.get(service) + path))
        .timeout(Duration.ofSeconds(20))
        .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
            : HttpRequest.BodyPublishers.ofString(body.encode()));
    if (body != null) {
      request.header("content-type", "application/json");
    }
    if (token != null) {
      request.header("authorization", "Bearer " + token);
    }
    return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  /** Waits for {@code condition} (an exception counts as not yet, an AssertionError ends the wait). */
  private static void await(Duration timeout, String what, ThrowingCondition condition) throws Exception {
    long deadline = System.nanoTime() + timeout.toNanos();
    Exception last = null;
    while (System.nanoTime() < deadline) {
      try {
        if (condition.holds()) {
          return;
        }
      } catch (java.io.IOException | RuntimeException e) {
        last = e;
      }
      java.util.concurrent.locks.LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(250)); // the poll interval
    }
    throw new AssertionError("not within " + timeout.toSeconds() + " s: " + what + (last != null ? " (" + last + ")" : ""));
  }

  private static String tail(String text) {
    return text.length() <= 4000 ? text : text.substring(text.length() - 4000);
  }

  @FunctionalInterface
  private interface ThrowingCondition {
    boolean holds() throws Exception;
  }
}
