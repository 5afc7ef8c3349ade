package org.otplatform.otctl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
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
 * otctl against the embedded platform on TLS ({@code --tls}: HTTPS and WSS signed by the platform's
 * own CA): refused with the reason and the fix until the CA is given with {@code --ca}, then every
 * door through the context's trust — AUTH, the GSS, the relay's WSS; a CA that did not sign the
 * platform's certificate is refused too, and a file that is no certificate is named.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(300)
class OtctlTlsTest {
  private static final String PASSWORD = "correct-horse-battery-9";

  @TempDir static Path dir;
  private EmbeddedPlatform platform;
  private String gss;

  @BeforeAll
  void start() throws Exception {
    EmbeddedPlatform.Ports ports = EmbeddedPlatform.Ports.free();
    platform = new EmbeddedPlatform(new EmbeddedPlatform.Settings(dir.resolve("data"),
        Path.of(System.getProperty("ot.broker.lib", "../broker/target/lib")),
        Map.of("OT_ADMIN_PASSWORD", PASSWORD, "OT_INSTANCE_ID", "otctl-tls", "OT_EMBEDDED_TLS", "true",
            "OT_EMBEDDED_TLS_DIR", dir.resolve("tls").toString()), ports)).start();
    gss = platform.url(ports.gss());
    assertTrue(gss.startsWith("https://"), gss);
    HttpClient trusting = Platform.client(dir.resolve("tls/ca.crt"));
    Instant deadline = Instant.now().plusSeconds(90);
    while (status(trusting, gss + "/health/ready") != 200) {
      assertTrue(Instant.now().isBefore(deadline), "timed out waiting for the GSS ready");
      Thread.sleep(100);
    }
  }

  @AfterAll
  void stop() {
    if (platform != null) {
      platform.close();
    }
  }

  @Test
  void theContextTrustsThePlatformCaGivenAtLogin() throws Exception {
    Run untrusted = login(null);
    assertEquals(Exit.UNAVAILABLE, untrusted.code, untrusted.toString());
    assertTrue(untrusted.err.contains("TLS with " + gss + " failed") && untrusted.err.contains("--ca FILE"),
        untrusted.toString());

    Path stranger = strangerCa();
    Run otherCa = login(stranger);
    assertEquals(Exit.UNAVAILABLE, otherCa.code, "a CA that did not sign the platform's certificate: " + otherCa);

    Path notPem = Files.writeString(dir.resolve("not-a-certificate.txt"), "hello\n");
    Run bad = login(notPem);
    assertEquals(Exit.USAGE, bad.code, bad.toString());
    assertTrue(bad.err.contains(notPem.toString()), bad.toString());

    Run in = login(dir.resolve("tls/ca.crt"));
    assertEquals(Exit.OK, in.code, in.toString());
    JsonObject context = new JsonObject(Files.readString(dir.resolve("config.json"))).getJsonObject("contexts")
        .getJsonObject("default");
    assertEquals(dir.resolve("tls/ca.crt").toString(), context.getString("ca"));
    assertTrue(context.getString("relay").startsWith("wss://"), context.encode());

    assertEquals(Exit.OK, otctl(null, "projects", "create", "secure").code);
    Run open = otctl(null, "sessions", "open", "secure", "--wait", "-q");
    assertEquals(Exit.OK, open.code, open.toString());
    String session = open.out.strip();
    Run call = otctl(null, "call", session, "kriging", "describe", "-o", "json");
    assertEquals(Exit.OK, call.code, "through the relay's WSS: " + call);
    assertEquals("kriging", new JsonObject(call.out).getString("from"), call.toString());
    Run close = otctl(null, "sessions", "close", session, "--wait");
    assertEquals(Exit.OK, close.code, close.toString());
  }

  private Run login(Path ca) throws Exception {
    return ca == null
        ? otctl(PASSWORD + "\n", "login", "--server", gss, "--username", "admin", "--password-stdin")
        : otctl(PASSWORD + "\n", "login", "--server", gss, "--username", "admin", "--password-stdin", "--ca", ca.toString());
  }

  private Run otctl(String stdin, String... args) throws Exception {
    String[] all = new String[args.length + 2];
    all[0] = "--config";
    all[1] = dir.resolve("config.json").toString();
    System.arraycopy(args, 0, all, 2, args.length);
    return OtctlProcess.run(dir, stdin, all);
  }

  /** A self-signed CA of someone else (keytool, as any user would make one). */
  private static Path strangerCa() throws Exception {
    Path store = dir.resolve("stranger.p12");
    Path pem = dir.resolve("stranger-ca.crt");
    String keytool = Path.of(System.getProperty("java.home"), "bin", "keytool").toString();
    exec(keytool, "-genkeypair", "-alias", "ca", "-keyalg", "EC", "-dname", "CN=stranger", "-ext", "bc:c",
        "-keystore", store.toString(), "-storepass", "changeit", "-storetype", "PKCS12", "-validity", "2");
    exec(keytool, "-exportcert", "-rfc", "-alias", "ca", "-keystore", store.toString(), "-storepass", "changeit",
        "-file", pem.toString());
    return pem;
  }

  private static void exec(String... command) throws Exception {
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes());
    assertTrue(p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0, String.join(" ", command) + ": " + out);
  }

  private static int status(HttpClient http, String url) {
    try {
      return http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10)).build(),
          HttpResponse.BodyHandlers.discarding()).statusCode();
    } catch (Exception e) {
      return -1;
    }
  }
}
