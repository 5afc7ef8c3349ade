package org.otplatform.embedded;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.logging.Level;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.Keys;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.logging.LoggingPreferences;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The console in a real browser (Debian's headless Chromium through its WebDriver) against the
 * embedded platform: a wrong password refused in place; sign-in, a project made, a kriging session
 * opened and followed to READY on its live timeline, kriging run in the workbench with the heat
 * map's cells checked against the service's own answer, the session closed; a token the platform refuses renewed
 * with the refresh token, and a sign-in that cannot be renewed ending on the sign-in page; the
 * session's logs; an admin creating and disabling a user (who then cannot sign in), reading the
 * registry, force-closing another's session, rotating the keys, reading the platform's logs; a
 * group made and given a project, whose member finds the project's session shared with him; a
 * session waiting in the queue, one failed with its exit code, and a stream resumed after the
 * network dropped (a {@link CuttableProxy} before the GSS); the result downloaded as CSV. No errors
 * on the browser's console, no WCAG 2 A/AA violation (axe-core) on any view captured. Screenshots of
 * each view under {@code target/console-screenshots/}.
 */
@ExtendWith(SharedPlatform.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(300)
class ConsoleBrowserTest {
  private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
  private static final Path DRIVER = Path.of("/usr/bin/chromedriver");
  private static final Path SHOTS = Path.of("target", "console-screenshots");
  private ChromeDriver browser;
  private WebDriverWait wait;
  private String console;
  private String axe;
  private boolean networkCut;
  /** Held while the browser runs: see {@link #holdHostNetwork()}. */
  private java.nio.channels.FileChannel hostNetwork;

  /**
   * Takes the build's lock on the host's network, {@code target/host-network.lock} in the project's
   * root, which the image tests hold while they start containers: each new interface makes Chromium
   * abort the loads under way ({@code net::ERR_NETWORK_CHANGED}), which failed this test in CI with
   * the images module built beside this one. Waits up to 10 min for them.
   */
  private void holdHostNetwork() throws Exception {
    Path file = Files.createDirectories(Path.of("..", "target")).resolve("host-network.lock");
    hostNetwork = java.nio.channels.FileChannel.open(file, java.nio.file.StandardOpenOption.CREATE,
        java.nio.file.StandardOpenOption.WRITE);
    Api.await("the image tests to stop changing the host's network (" + file + ")", Duration.ofMinutes(10),
        () -> {
          try {
            return hostNetwork.tryLock() != null;
          } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
          }
        });
  }

  @BeforeAll
  @Timeout(value = 12, unit = java.util.concurrent.TimeUnit.MINUTES)
  void start() throws Exception {
    boolean present = Files.isExecutable(CHROMIUM) && Files.isExecutable(DRIVER);
    if (System.getenv("CI") != null) {
      assertTrue(present, "CI must run the browser tests: bin/ot-test installs chromium and chromium-driver");
    }
    Assumptions.assumeTrue(present, "no chromium/chromedriver here (bin/ot-test installs them as root)");
    holdHostNetwork();
    Files.createDirectories(SHOTS);
    ChromeOptions options = new ChromeOptions().setBinary(CHROMIUM.toFile())
        .addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
            "--window-size=1280,800", "--user-data-dir=" + Files.createTempDirectory("ot-chromium"));
    LoggingPreferences logs = new LoggingPreferences();
    logs.enable(LogType.BROWSER, Level.ALL);
    options.setCapability("goog:loggingPrefs", logs);
    ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(DRIVER.toFile())
        .usingAnyFreePort().build();
    browser = new ChromeDriver(service, options);
    wait = new WebDriverWait(browser, Duration.ofSeconds(30));
    console = SharedPlatform.get().platform.consoleUrl();
  }

  @AfterAll
  void stop() throws Exception {
    if (browser != null) {
      browser.quit();
    }
    if (hostNetwork != null) {
      hostNetwork.close(); // and with it the lock
    }
  }

  @AfterEach
  void noErrorsOnTheBrowsersConsole() {
    if (browser == null) {
      return;
    }
    List<LogEntry> severe = browser.manage().logs().get(LogType.BROWSER).getAll().stream()
        .filter(e -> e.getLevel().intValue() >= Level.SEVERE.intValue())
        // A refused or throttled sign-in or token is the server's answer the page handles, which Chromium logs.
        .filter(e -> !e.getMessage().contains("status of 401") && !e.getMessage().contains("status of 429"))
        // A test that cuts the network expects the browser to log the failed requests.
        .filter(e -> !(networkCut && e.getMessage().contains("net::ERR_"))).toList();
    networkCut = false;
    assertEquals(List.of(), severe, "errors on the browser's console");
  }

  /**
   * The first load, nothing cached: the sign-in form usable, and what it took — written to
   * {@code target/console-screenshots/load.txt} (bytes over the wire, requests, time to the form).
   */
  @Test
  @Order(0)
  void theFirstLoadShowsTheSignInForm() throws Exception {
    browser.get(console);
    wait.until(ExpectedConditions.elementToBeClickable(By.cssSelector("#login button[type=submit]")));
    Map<String, Object> first = loadFigures();
    // Again with the server warm and the browser's cache off: what every later first visit costs.
    browser.executeCdpCommand("Network.enable", Map.of());
    browser.executeCdpCommand("Network.setCacheDisabled", Map.of("cacheDisabled", true));
    browser.navigate().refresh();
    wait.until(ExpectedConditions.elementToBeClickable(By.cssSelector("#login button[type=submit]")));
    Map<String, Object> warm = loadFigures();
    browser.executeCdpCommand("Network.setCacheDisabled", Map.of("cacheDisabled", false));
    assertTrue(((Number) warm.get("requests")).intValue() >= 5, "the page, its modules and Lit: " + warm);
    Files.writeString(SHOTS.resolve("load.txt"), "first load (server cold): " + first + "\nserver warm, no cache: "
        + warm + "\n");
    shot("login");
  }

  /** Bytes over the wire, requests, and milliseconds from navigation to the sign-in form ready. */
  @SuppressWarnings("unchecked")
  private Map<String, Object> loadFigures() {
    return (Map<String, Object>) ((JavascriptExecutor) browser).executeScript(String.join("\n",
        "const nav = performance.getEntriesByType('navigation')[0];",
        "const resources = performance.getEntriesByType('resource');",
        "return {requests: resources.length + 1,",
        "  bytes: nav.transferSize + resources.reduce((s, r) => s + r.transferSize, 0),",
        "  decoded: nav.decodedBodySize + resources.reduce((s, r) => s + r.decodedBodySize, 0),",
        "  interactiveMs: Math.round(performance.getEntriesByName('ot-sign-in-ready')[0].startTime)};"));
  }

  @Test
  @Order(1)
  void aWrongPasswordIsRefusedInPlace() throws Exception {
    browser.get(console);
    // By keyboard alone: the user name field has the focus, Tab to the password, Enter submits.
    wait.until(ExpectedConditions.visibilityOfElementLocated(By.name("username")));
    browser.switchTo().activeElement().sendKeys("admin", Keys.TAB, "not-the-password", Keys.ENTER);
    WebElement error = wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("login-error")));
    assertTrue(error.getText().contains("Wrong username or password"), error.getText());
    shot("login-refused");
  }

  /** Past five wrong passwords for a user, the sign-in says how long to wait and offers no retry until then. */
  @Test
  @Order(1)
  void repeatedFailuresThrottleTheSignInWithItsWait() throws Exception {
    String auth = SharedPlatform.get().auth;
    String admin = SharedPlatform.login("admin", SharedPlatform.ADMIN_PASSWORD);
    Api.post(auth + "/api/v1/users", admin, new JsonObject().put("username", "pat-console")
        .put("password", "pats-password-1").encode()).expect(201);
    for (int i = 0; i < 5; i++) {
      Api.post(auth + "/api/v1/login", null, new JsonObject().put("username", "pat-console")
          .put("password", "wrong-" + i).encode()).expect(401);
    }
    browser.get(console);
    signIn("pat-console", "pats-password-1");
    WebElement throttled = wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("throttled")));
    assertTrue(throttled.getText().matches("(?s)Too many failed sign-ins: try again in\\s+\\d+ s\\."), throttled.getText());
    assertTrue(!browser.findElement(By.cssSelector("#login button[type=submit]")).isEnabled(),
        "no sign-in until the wait is over");
    shot("login-throttled");
  }

  @Test
  @Order(2)
  void signInMakeAProjectOpenASessionWatchItReadyAndCloseIt() throws Exception {
    browser.get(console);
    signIn("admin", SharedPlatform.ADMIN_PASSWORD);
    wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("logout")));
    browser.get(console + "#/projects");
    WebElement name = wait.until(ExpectedConditions.visibilityOfElementLocated(By.name("name")));
    name.sendKeys("console-e2e");
    browser.findElement(By.cssSelector("#new-project button[type=submit]")).click();
    wait.until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector("tr[data-project='console-e2e']")));
    shot("projects");

    browser.get(console + "#/sessions");
    WebElement project = wait.until(ExpectedConditions.presenceOfElementLocated(
        By.cssSelector("#open-session select[name=project] option[value='console-e2e']")));
    new Select(browser.findElement(By.cssSelector("#open-session select[name=project]")))
        .selectByValue(project.getDomAttribute("value"));
    new Select(browser.findElement(By.cssSelector("#open-session select[name=type]"))).selectByValue("kriging");
    // The type's profiles, its default chosen; this session runs with the other one.
    Select profile = new Select(wait.until(ExpectedConditions.visibilityOfElementLocated(
        By.cssSelector("#open-session select[name=profile]"))));
    assertEquals(List.of("standard", "debug"), profile.getOptions().stream().map(o -> o.getDomAttribute("value")).toList());
    assertEquals("standard", profile.getFirstSelectedOption().getDomAttribute("value"));
    profile.selectByValue("debug");
    shot("sessions");
    browser.findElement(By.cssSelector("#open-session button[type=submit]")).click();
    new WebDriverWait(browser, Duration.ofSeconds(10)).until(ExpectedConditions.urlContains("#/session/"));
    new WebDriverWait(browser, Duration.ofSeconds(120)).until(
        ExpectedConditions.textToBe(By.id("session-state"), "READY"));
    // The timeline came from the event stream: the request, the service starting and ready, the session ready.
    wait.until(ExpectedConditions.presenceOfElementLocated(By.cssSelector("#timeline li[data-type=SessionReady]")));
    List<String> types = browser.findElements(By.cssSelector("#timeline li")).stream()
        .map(li -> li.getDomAttribute("data-type")).toList();
    assertEquals("SessionOpenRequested", types.get(0), types.toString());
    assertTrue(types.contains("ServiceReady"), types.toString());
    assertEquals("READY", browser.findElement(By.cssSelector("#services tr[data-service=kriging] .state")).getText());
    assertEquals("debug", browser.findElement(By.id("session-profile")).getText(), "opened with the profile picked");
    shot("session-ready");

    runKrigingAndCheckTheMapsAgainstTheService(browser.getCurrentUrl().replaceAll(".*#/session/", ""));
    // The session's logs: its kriging process and the LSS wrote some; searched again until they are stored.
    new WebDriverWait(browser, Duration.ofSeconds(60)).until(d -> {
      d.findElement(By.id("log-search")).click();
      return !d.findElements(By.cssSelector("#log-records tbody tr")).isEmpty();
    });
    shot("session-logs");
    browser.findElement(By.id("log-tail")).click();
    wait.until(ExpectedConditions.textToBe(By.id("tail-state"), "live"));
    browser.findElement(By.id("log-tail")).click();

    // Where the open's time went (admins): the session's traces as waterfalls, the start a bar on each's time line.
    browser.findElement(By.id("show-traces")).click();
    new WebDriverWait(browser, Duration.ofSeconds(30)).until(d -> !d.findElements(By.cssSelector(
        "table.waterfall tr[data-span='POST /api/v1/sessions'][data-service='ot-gss']")).isEmpty()
        && !d.findElements(By.cssSelector("table.waterfall tr[data-span='start kriging'][data-service='ot-lss']")).isEmpty());
    WebElement start = browser.findElement(By.cssSelector("table.waterfall tr[data-span='start kriging'] td.line span"));
    WebElement line = browser.findElement(By.cssSelector("table.waterfall tr[data-span='start kriging'] td.line"));
    assertTrue(start.getSize().getWidth() > 0 && start.getSize().getWidth() < line.getSize().getWidth(),
        "the start's bar is a part of its trace's time line: " + start.getSize() + " of " + line.getSize());
    shot("session-traces");

    browser.findElement(By.id("close-session")).click();
    new WebDriverWait(browser, Duration.ofSeconds(60)).until(
        ExpectedConditions.textToBe(By.id("session-state"), "CLOSED"));
    wait.until(ExpectedConditions.textToBe(By.id("stream-state"), "(ended)"));
    assertTrue(browser.findElements(By.id("close-session")).isEmpty(), "a closed session offers no close");
    shot("session-closed");
  }

  @Test
  @Order(3)
  void aRefusedTokenIsRenewedAndASignInThatCannotBeEndsOnTheSignInPage() throws Exception {
    browser.get(console + "#/projects");
    wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("logout")));
    JavascriptExecutor js = browser;
    // As if the access token had expired: the next request is refused, renewed, and served.
    js.executeScript("document.querySelector('ot-console').platform.accessToken = 'expired.token.value'");
    browser.get(console + "#/sessions");
    wait.until(ExpectedConditions.presenceOfElementLocated(By.cssSelector("#sessions")));
    assertTrue(browser.findElements(By.id("login")).isEmpty(), "still signed in after the renewal");
    // Neither token works any more: the console says so on the sign-in page.
    js.executeScript("const p = document.querySelector('ot-console').platform;"
        + "p.accessToken = 'expired.token.value'; sessionStorage.setItem('ot.refreshToken', 'revoked');");
    browser.get(console + "#/projects");
    WebElement notice = wait.until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector("#login ~ .notice")));
    assertTrue(notice.getText().contains("sign-in has expired"), notice.getText());
    shot("signed-out");
  }

  /**
   * The example samples, a fitted variogram, a 40 × 40 grid: the estimate map's cells must be the
   * service's own answer for the page's samples, grid and variogram — asked here, apart from the
   * page, through the relay — and its canvas must show a range of colours, not one.
   */
  @SuppressWarnings("unchecked")
  private void runKrigingAndCheckTheMapsAgainstTheService(String sessionId) throws Exception {
    browser.findElement(By.id("example-samples")).click();
    browser.findElement(By.id("run-kriging")).click();
    new WebDriverWait(browser, Duration.ofSeconds(120)).until(d -> !d.findElements(By.cssSelector(
        "#estimate-map:not([hidden]) canvas")).isEmpty() && d.findElements(By.id("kriging-progress")).isEmpty());
    assertTrue(browser.findElements(By.id("kriging-error")).isEmpty(), () -> browser.findElement(
        By.id("kriging-error")).getText());
    JavascriptExecutor js = browser;
    Map<String, Object> page = (Map<String, Object>) js.executeScript(String.join("\n",
        "const k = document.querySelector('ot-kriging');",
        "return import('echarts').then((echarts) => ({",
        "  points: k.result.points, values: k.result.values, query: k.result.query,",
        "  variogram: {model: k.fitted.model, nugget: k.fitted.nugget, sill: k.fitted.sill, range: k.fitted.range},",
        "  cells: echarts.getInstanceByDom(document.getElementById('estimate-map')).getOption().series[0].data,",
        "  empirical: echarts.getInstanceByDom(document.getElementById('variogram-chart')).getOption()",
        "    .series[0].data.length,",
        "  colours: (() => {",
        "    const c = document.querySelector('#estimate-map canvas');",
        "    const px = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;",
        "    const seen = new Set();",
        "    for (let i = 0; i < px.length; i += 4 * 97) seen.add(px[i] + ',' + px[i + 1] + ',' + px[i + 2]);",
        "    return seen.size;",
        "  })(),",
        "}));"));
    List<List<Number>> cells = (List<List<Number>>) page.get("cells");
    assertEquals(1600, cells.size(), "a 40 x 40 grid");
    assertTrue(((Number) page.get("empirical")).intValue() >= 2, "the empirical variogram is drawn");
    assertTrue(((Number) page.get("colours")).intValue() > 20, "the map's canvas shows a colour scale: "
        + page.get("colours"));
    JsonObject payload = new JsonObject().put("points", new JsonArray((List<?>) page.get("points")))
        .put("values", new JsonArray((List<?>) page.get("values")))
        .put("query", new JsonArray((List<?>) page.get("query")))
        .put("variogram", new JsonObject((Map<String, Object>) page.get("variogram")));
    String token = SharedPlatform.login("admin", SharedPlatform.ADMIN_PASSWORD);
    JsonArray estimates;
    try (WsProbe probe = WsProbe.connect(SharedPlatform.get().relay + "/ws/sessions/" + sessionId, token)) {
      probe.send(new JsonObject().put("to", "kriging").put("id", "check").put("action", "krige")
          .put("payload", payload));
      JsonObject reply = probe.next(Duration.ofSeconds(60));
      estimates = reply.getJsonObject("result").getJsonArray("estimates");
    }
    int n = 40;
    for (List<Number> cell : cells) {
      int k = cell.get(1).intValue() * n + cell.get(0).intValue();
      assertEquals(estimates.getDouble(k), cell.get(2).doubleValue(), 1e-9, "cell " + cell);
    }
    downloadTheResultAndCheckIt(estimates, (List<List<Number>>) page.get("query"));
    shot("kriging");
    File maps = browser.findElement(By.cssSelector("ot-kriging .charts")).getScreenshotAs(OutputType.FILE);
    Files.copy(maps.toPath(), SHOTS.resolve("kriging-maps.png"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
  }

  /** The CSV the page downloads: a header and one row per grid point, with the service's estimates. */
  private void downloadTheResultAndCheckIt(JsonArray estimates, List<List<Number>> query) throws Exception {
    Path downloads = Files.createTempDirectory("ot-downloads");
    browser.executeCdpCommand("Browser.setDownloadBehavior", Map.of("behavior", "allow",
        "downloadPath", downloads.toAbsolutePath().toString()));
    browser.findElement(By.id("download-csv")).click();
    Api.await("the CSV download", Duration.ofSeconds(30), () -> {
      try (var files = Files.list(downloads)) {
        return files.anyMatch(f -> f.getFileName().toString().matches("kriging-[0-9a-f]{8}\\.csv"));
      } catch (java.io.IOException e) {
        return false;
      }
    });
    Path csv;
    try (var files = Files.list(downloads)) {
      csv = files.filter(f -> f.getFileName().toString().endsWith(".csv")).findFirst().orElseThrow();
    }
    List<String> lines = Files.readAllLines(csv);
    assertEquals("x,y,estimate,variance", lines.get(0));
    assertEquals(query.size() + 1, lines.size(), "a row per grid point");
    for (int k = 0; k < query.size(); k++) {
      String[] row = lines.get(k + 1).split(",");
      assertEquals(query.get(k).get(0).doubleValue(), Double.parseDouble(row[0]), 1e-12, "x of row " + k);
      assertEquals(query.get(k).get(1).doubleValue(), Double.parseDouble(row[1]), 1e-12, "y of row " + k);
      assertEquals(estimates.getDouble(k), Double.parseDouble(row[2]), 1e-9, "estimate of row " + k);
      assertTrue(Double.parseDouble(row[3]) >= 0, "variance of row " + k);
    }
  }

  @Test
  @Order(4)
  void anAdminManagesUsersSessionsTheRegistryAndKeys() throws Exception {
    browser.get(console);
    if (!browser.findElements(By.id("login")).isEmpty() || browser.findElements(By.id("logout")).isEmpty()) {
      signIn("admin", SharedPlatform.ADMIN_PASSWORD);
    }
    wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("logout")));
    browser.get(console + "#/admin");
    WebElement username = wait.until(ExpectedConditions.visibilityOfElementLocated(
        By.cssSelector("#new-user input[name=username]")));
    username.sendKeys("carol-console");
    browser.findElement(By.cssSelector("#new-user input[name=password]")).sendKeys("carols-password-1");
    browser.findElement(By.cssSelector("#new-user button[type=submit]")).click();
    By carol = By.cssSelector("#users tr[data-user='carol-console']");
    wait.until(ExpectedConditions.presenceOfElementLocated(carol));
    browser.findElement(carol).findElement(By.xpath(".//button[text()='Disable']")).click();
    wait.until(ExpectedConditions.textToBePresentInElementLocated(carol, "disabled"));

    // The registry: the embedded LSS, up, with its capacity.
    WebElement lss = wait.until(ExpectedConditions.presenceOfElementLocated(By.cssSelector("#lss tbody tr")));
    assertTrue(lss.getText().contains("up"), lss.getText());
    // Force-close a session the admin does not own: opened by hand through the API.
    String token = SharedPlatform.login("admin", SharedPlatform.ADMIN_PASSWORD);
    Api.post(SharedPlatform.get().auth + "/api/v1/projects", token, "{\"name\":\"console-admin\"}").expect(201);
    String id = Api.post(SharedPlatform.get().gss + "/api/v1/sessions", token,
        "{\"project\":\"console-admin\",\"type\":\"echo\"}").expect(202).json().getString("id");
    browser.navigate().refresh();
    By row = By.cssSelector("#all-sessions tr[data-session='" + id + "']");
    wait.until(ExpectedConditions.presenceOfElementLocated(row));
    // A record the GSS cannot read: the admin finds it among the dead letters, with why.
    String key = java.util.UUID.randomUUID().toString();
    SharedPlatform.publishRaw(org.otplatform.common.events.Topics.SESSION_EVENTS, key, "not json at all");
    By letter = By.xpath("//table[@id='dead-letters']//tr[.//code[text()='" + key + "']]");
    new WebDriverWait(browser, Duration.ofSeconds(60)).pollingEvery(Duration.ofSeconds(2)).until(d -> {
      d.navigate().refresh();
      new WebDriverWait(d, Duration.ofSeconds(10)).until(
          x -> !x.findElements(By.cssSelector("#dead-letters, #no-dead-letters")).isEmpty());
      return !d.findElements(letter).isEmpty();
    });
    assertTrue(browser.findElement(letter).getText().contains("undecodable session event"),
        browser.findElement(letter).getText());
    shot("admin");
    browser.findElement(row).findElement(By.xpath(".//button[text()='Force close']")).click();
    browser.switchTo().alert().accept();
    Api.await("the force-closed session CLOSED", Duration.ofSeconds(60), () -> "CLOSED".equals(
        Api.get(SharedPlatform.get().gss + "/api/v1/sessions/" + id, token).expect(200).json().getString("state")));
    browser.findElement(By.id("rotate-keys")).click();
    wait.until(ExpectedConditions.textToBePresentInElementLocated(By.cssSelector("ot-registry .notice"),
        "new signing key"));

    // The platform's logs, for admins: the LSS wrote about the sessions above.
    browser.get(console + "#/logs");
    wait.until(ExpectedConditions.presenceOfElementLocated(By.cssSelector("#log-records tbody tr")));
    browser.findElement(By.cssSelector("#log-filters input[name=q]")).sendKeys("no record says this");
    browser.findElement(By.id("log-search")).click();
    wait.until(ExpectedConditions.presenceOfElementLocated(By.id("no-logs")));
    shot("platform-logs");
    // A narrow window: the navigation wraps, the tables drop their less important columns.
    browser.manage().window().setSize(new org.openqa.selenium.Dimension(420, 800));
    browser.get(console + "#/sessions");
    wait.until(ExpectedConditions.presenceOfElementLocated(By.id("sessions")));
    shot("sessions-narrow");
    browser.manage().window().setSize(new org.openqa.selenium.Dimension(1280, 800));

    // The disabled user cannot sign in; the page says so.
    browser.findElement(By.id("logout")).click();
    signIn("carol-console", "carols-password-1");
    WebElement error = wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("login-error")));
    assertTrue(error.getText().contains("disabled"), error.getText());
  }

  @Test
  @Order(5)
  void aGroupGetsAProjectAndItsMembersSeeItsSessions() throws Exception {
    String admin = SharedPlatform.login("admin", SharedPlatform.ADMIN_PASSWORD);
    Api.post(SharedPlatform.get().auth + "/api/v1/users", admin,
        "{\"username\":\"dave-console\",\"password\":\"daves-password-1\"}").expect(201);
    browser.get(console);
    if (browser.findElements(By.id("logout")).isEmpty()) {
      signIn("admin", SharedPlatform.ADMIN_PASSWORD);
    }
    wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("logout")));
    browser.get(console + "#/groups");
    wait.until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector("#new-group input[name=name]")))
        .sendKeys("console-team");
    browser.findElement(By.cssSelector("#new-group button[type=submit]")).click();
    By team = By.cssSelector("#groups tr[data-group='console-team']");
    wait.until(ExpectedConditions.presenceOfElementLocated(team));
    browser.findElement(team).findElement(By.xpath(".//button[text()='Members']")).click();
    wait.until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector("#add-member input[name=username]")))
        .sendKeys("dave-console");
    browser.findElement(By.cssSelector("#add-member button[type=submit]")).click();
    wait.until(ExpectedConditions.presenceOfElementLocated(By.cssSelector("#members li[data-member='dave-console']")));
    shot("groups");

    browser.get(console + "#/projects");
    By project = By.cssSelector("#projects tr[data-project='console-e2e']");
    wait.until(ExpectedConditions.presenceOfElementLocated(project));
    browser.findElement(project).findElement(By.xpath(".//button[text()='Share']")).click();
    WebElement share = wait.until(ExpectedConditions.visibilityOfElementLocated(
        By.cssSelector("tr[data-sharing='console-e2e'] form")));
    new Select(share.findElement(By.name("kind"))).selectByValue("group");
    share.findElement(By.name("grantee")).sendKeys("console-team");
    new Select(share.findElement(By.name("role"))).selectByValue("viewer");
    share.findElement(By.cssSelector("button[type=submit]")).click();
    wait.until(ExpectedConditions.presenceOfElementLocated(By.cssSelector(
        "tr[data-sharing='console-e2e'] li[data-grant='group:console-team']")));
    shot("project-sharing");

    // Dave, a member of the group, finds the project's session among those shared with him.
    browser.findElement(By.id("logout")).click();
    signIn("dave-console", "daves-password-1");
    wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("logout")));
    browser.get(console + "#/sessions");
    WebElement shared = wait.until(ExpectedConditions.presenceOfElementLocated(By.cssSelector("#shared-sessions tbody tr")));
    assertTrue(shared.getText().contains("console-e2e"), shared.getText());
    assertTrue(browser.findElements(By.cssSelector("#sessions tbody tr")).isEmpty(), "dave owns no session");
    shot("sessions-shared");
  }

  /**
   * No LSS takes sessions (the only one drained): a session opened from the console waits in the
   * queue, and its page says where and until when; undrained, it opens and becomes READY.
   */
  @Test
  @Order(6)
  void aQueuedSessionShowsItsPlaceAndOpensWhenASlotIsFree() throws Exception {
    String admin = SharedPlatform.login("admin", SharedPlatform.ADMIN_PASSWORD);
    String gss = SharedPlatform.get().gss;
    String lss = SharedPlatform.lss(admin).getString("id");
    try {
      Api.post(gss + "/api/v1/admin/lss/" + lss + "/drain", admin, "").expect(202);
      Api.await("the drain to reach the GSS", Duration.ofSeconds(30),
          () -> "draining".equals(SharedPlatform.lss(admin).getString("status")));
      String id = SharedPlatform.newSession(admin, "console-queued", "kriging");
      signInAsAdmin();
      browser.get(console + "#/session/" + id);
      WebElement queue = new WebDriverWait(browser, Duration.ofSeconds(30)).until(
          ExpectedConditions.visibilityOfElementLocated(By.id("queue")));
      assertTrue(queue.getText().contains("place 1"), queue.getText());
      assertEquals("OPENING", browser.findElement(By.id("session-state")).getText());
      wait.until(ExpectedConditions.presenceOfElementLocated(By.cssSelector("#timeline li[data-type=SessionQueued]")));
      assertTrue(browser.findElement(By.id("open-progress")).isDisplayed(), "a progress bar while it waits");
      shot("session-queued");
      Api.delete(gss + "/api/v1/admin/lss/" + lss + "/drain", admin).expect(202);
      new WebDriverWait(browser, Duration.ofSeconds(120)).until(
          ExpectedConditions.textToBe(By.id("session-state"), "READY"));
      assertTrue(browser.findElements(By.id("queue")).isEmpty(), "no queue place once it left the queue");
      browser.findElement(By.id("close-session")).click();
      new WebDriverWait(browser, Duration.ofSeconds(60)).until(
          ExpectedConditions.textToBe(By.id("session-state"), "CLOSED"));
    } finally {
      Api.delete(gss + "/api/v1/admin/lss/" + lss + "/drain", admin);
      Api.await("the LSS to take sessions again", Duration.ofSeconds(30),
          () -> "up".equals(SharedPlatform.lss(admin).getString("status")));
    }
  }

  /** A service that exits before it listens: the page shows the session FAILED, the exit code and why. */
  @Test
  @Order(7)
  void aFailedSessionShowsTheExitCodeAndTheReason() throws Exception {
    String admin = SharedPlatform.login("admin", SharedPlatform.ADMIN_PASSWORD);
    String id = SharedPlatform.newSession(admin, "console-broken", "broken");
    signInAsAdmin();
    browser.get(console + "#/session/" + id);
    new WebDriverWait(browser, Duration.ofSeconds(60)).until(
        ExpectedConditions.textToBe(By.id("session-state"), "FAILED"));
    WebElement solver = browser.findElement(By.cssSelector("#services tr[data-service=solver]"));
    List<WebElement> cells = solver.findElements(By.tagName("td"));
    assertEquals("FAILED", cells.get(1).getText());
    assertEquals("3", cells.get(2).getText(), "the exit code");
    assertTrue(!cells.get(3).getText().isBlank(), "a reason for the service");
    assertTrue(!browser.findElement(By.id("session-reason")).getText().isBlank(), "a reason for the session");
    wait.until(ExpectedConditions.presenceOfElementLocated(By.cssSelector("#timeline li[data-type=SessionFailed]")));
    assertTrue(browser.findElement(By.cssSelector("#timeline li[data-type=ServiceFailed]")).getText()
        .contains("exit code 3"), "the timeline names the exit code");
    wait.until(ExpectedConditions.textToBe(By.id("stream-state"), "(ended)"));
    assertTrue(browser.findElements(By.id("close-session")).isEmpty(), "a failed session offers no close");
    shot("session-failed");
  }

  /**
   * The network between the browser and the GSS drops (every connection reset, new ones refused)
   * while a READY session's page follows its stream, and the session is closed meanwhile: back
   * online, the page resumes from the last entry it had (Last-Event-ID) and shows the close — every
   * entry once, in order, as the GSS stores them.
   */
  @Test
  @Order(8)
  void aDroppedStreamResumesWithoutLosingOrRepeatingEntries() throws Exception {
    String admin = SharedPlatform.login("admin", SharedPlatform.ADMIN_PASSWORD);
    String gss = SharedPlatform.get().gss;
    String id = SharedPlatform.newSession(admin, "console-offline", "kriging");
    int gssPort = java.net.URI.create(gss).getPort();
    try (CuttableProxy network = new CuttableProxy(SharedPlatform.get().consoleProxyPort, gssPort)) {
      String viaProxy = "http://127.0.0.1:" + network.port() + "/console/";
      browser.get(viaProxy);
      signIn("admin", SharedPlatform.ADMIN_PASSWORD);
      wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("logout")));
      browser.get(viaProxy + "#/session/" + id);
      new WebDriverWait(browser, Duration.ofSeconds(120)).until(
          ExpectedConditions.textToBe(By.id("session-state"), "READY"));
      wait.until(ExpectedConditions.presenceOfElementLocated(By.cssSelector("#timeline li[data-type=SessionReady]")));
      wait.until(ExpectedConditions.textToBe(By.id("stream-state"), "(live)"));
      networkCut = true;
      network.cut();
      try {
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("stream-state"), "reconnecting"));
        shot("session-reconnecting");
        Api.delete(gss + "/api/v1/sessions/" + id, admin).expect(202);
        Api.await("the session to close", Duration.ofSeconds(60), () -> "CLOSED".equals(
            Api.get(gss + "/api/v1/sessions/" + id, admin).json().getString("state")));
      } finally {
        network.restore();
      }
      new WebDriverWait(browser, Duration.ofSeconds(60)).until(
          ExpectedConditions.presenceOfElementLocated(By.cssSelector("#timeline li[data-type=SessionClosed]")));
      wait.until(ExpectedConditions.textToBe(By.id("stream-state"), "(ended)"));
      List<String> ids = browser.findElements(By.cssSelector("#timeline li")).stream()
          .map(li -> li.getDomAttribute("data-id")).toList();
      List<String> stored = Api.readSse(gss + "/api/v1/sessions/" + id + "/events", admin, null, "SessionClosed")
          .stream().map(e -> e[0]).toList();
      assertEquals(stored, ids, "the page's timeline is the session's stream: every entry once, in order");
      shot("session-resumed");
      browser.findElement(By.id("logout")).click();
    }
  }

  /** Signed in as the admin, whoever was signed in before. */
  private void signInAsAdmin() {
    browser.get(console);
    wait.until(d -> !d.findElements(By.id("login")).isEmpty() || !d.findElements(By.id("logout")).isEmpty());
    if (!browser.findElements(By.id("logout")).isEmpty()) {
      if (browser.findElement(By.cssSelector(".user")).getText().equals("admin (admin)")) {
        return;
      }
      browser.findElement(By.id("logout")).click();
    }
    signIn("admin", SharedPlatform.ADMIN_PASSWORD);
    wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("logout")));
  }

  private void signIn(String user, String password) {
    WebElement name = wait.until(ExpectedConditions.visibilityOfElementLocated(By.name("username")));
    name.clear();
    name.sendKeys(user);
    WebElement pw = browser.findElement(By.name("password"));
    pw.clear();
    pw.sendKeys(password);
    browser.findElement(By.cssSelector("#login button[type=submit]")).click();
  }

  /** axe-core's WCAG 2 A/AA rules on the page as it is: no violation, each named with its elements. */
  @SuppressWarnings("unchecked")
  private void accessible(String view) throws Exception {
    if (axe == null) {
      String version;
      try (var in = getClass().getResourceAsStream("/META-INF/maven/org.webjars.npm/axe-core/pom.properties")) {
        var props = new java.util.Properties();
        props.load(in);
        version = props.getProperty("version");
      }
      try (var in = getClass().getResourceAsStream("/META-INF/resources/webjars/axe-core/" + version + "/axe.min.js")) {
        axe = new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
      }
    }
    browser.executeScript(axe);
    List<Map<String, Object>> violations = (List<Map<String, Object>>) browser.executeAsyncScript(String.join("\n",
        "const done = arguments[arguments.length - 1];",
        "axe.run(document, {runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa']}})",
        "  .then((r) => done(r.violations.map((v) => ({id: v.id, impact: v.impact, help: v.help,",
        "    nodes: v.nodes.slice(0, 3).map((n) => n.target.join(' '))}))))",
        "  .catch((e) => done([{id: 'axe-failed', help: String(e)}]));"));
    assertEquals(List.of(), violations, "accessibility violations on the " + view + " view");
  }

  /** A screenshot of a view, which must also pass axe-core's WCAG 2 A and AA rules. */
  private void shot(String name) throws Exception {
    accessible(name);
    File png = browser.getScreenshotAs(OutputType.FILE);
    Files.copy(png.toPath(), SHOTS.resolve(name + ".png"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
  }
}
