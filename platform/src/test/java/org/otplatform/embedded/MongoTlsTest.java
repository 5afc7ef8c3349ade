package org.otplatform.embedded;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import de.bwaldvogel.mongo.MongoServer;
import de.bwaldvogel.mongo.backend.memory.MemoryBackend;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.mongo.MongoClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.otplatform.common.config.CommonConfig;
import org.otplatform.common.config.Env;
import org.otplatform.common.service.Dependencies;
import org.otplatform.common.tls.TlsSettings;
import org.otplatform.embedded.tls.CertificateAuthority;
import org.otplatform.embedded.tls.StoreTlsFront;

/**
 * The services' MongoDB client over mutual TLS, against the embedded store's TLS front (which, like
 * {@code mongod --tlsMode requireTLS --tlsCAFile}, requires a client certificate of the platform
 * CA naming a platform service): a service whose connection string says {@code tls=true} gets
 * through with its certificate, and not without one, with an expired one, with one of another CA,
 * with a compute service's (our CA, no platform identity), or in plain text.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class MongoTlsTest {
  private final Vertx vertx = Vertx.vertx();
  private final MongoServer store = new MongoServer(new MemoryBackend());
  private StoreTlsFront front;
  private int frontPort;
  private Path dir;
  private Path good;
  private Path expired;
  private Path foreign;
  private Path compute;

  @BeforeAll
  void start() throws Exception {
    dir = Files.createTempDirectory("ot-mongo-tls");
    CertificateAuthority ca = CertificateAuthority.create("test platform CA", Duration.ofDays(30));
    Path server = dir.resolve("server");
    ca.issue("mongodb", List.of("localhost", "127.0.0.1"), Duration.ofDays(1)).write(server, ca.certificate());
    good = dir.resolve("good");
    ca.issue("gss", List.of("localhost"), Duration.ofDays(1)).write(good, ca.certificate());
    expired = dir.resolve("expired");
    ca.issue("gss", List.of("localhost"), Instant.now().minus(Duration.ofDays(2)), Instant.now().minus(Duration.ofDays(1)))
        .write(expired, ca.certificate());
    compute = dir.resolve("compute");
    ca.issue("compute", List.of("localhost"), Duration.ofDays(1)).write(compute, ca.certificate());
    CertificateAuthority other = CertificateAuthority.create("someone else's CA", Duration.ofDays(30));
    foreign = dir.resolve("foreign");
    other.issue("gss", List.of("localhost"), Duration.ofDays(1)).write(foreign, other.certificate());
    // A foreign client trusts our server (it has our CA): only its own certificate is wrong.
    Files.copy(server.resolve("ca.crt"), foreign.resolve("ca.crt"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);

    int storePort = FreePorts.pick();
    store.bind("127.0.0.1", storePort);
    frontPort = FreePorts.pick();
    front = StoreTlsFront.start("127.0.0.1", frontPort, storePort, TlsSettings.from(new Env(Map.of(
        "OT_TLS_CERT", server.resolve("tls.crt").toString(), "OT_TLS_KEY", server.resolve("tls.key").toString(),
        "OT_TLS_CA", server.resolve("ca.crt").toString()))));
  }

  @AfterAll
  void stop() throws Exception {
    front.close();
    vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    store.shutdownNow();
  }

  @Test
  void aServiceWithAPlatformCertificateGetsThrough() throws Exception {
    MongoClient mongo = Dependencies.mongo(vertx, config(good, true), "ot_tls_test");
    try {
      await(mongo.insert("things", new JsonObject().put("_id", "a").put("n", 1)));
      assertEquals(1, await(mongo.findOne("things", new JsonObject().put("_id", "a"), null)).getInteger("n"));
    } finally {
      await(mongo.close());
    }
  }

  @Test
  void noExpiredForeignOrComputeCertificateAndPlainTextAreRefused() {
    assertTrue(ping(config(expired, true)).startsWith("refused"), "expired certificate");
    assertTrue(ping(config(foreign, true)).startsWith("refused"), "certificate of another CA");
    assertTrue(ping(config(compute, true)).startsWith("refused"), "a compute service's certificate, our CA");
    assertTrue(ping(config(good, false)).startsWith("refused"), "no tls=true: plain text to a TLS port");
    // Trusting the server but presenting nothing: what a client without OT_TLS_* certificates does.
    JsonObject noCertificate = new JsonObject()
        .put("connection_string", "mongodb://localhost:" + frontPort + "/?tls=true")
        .put("db_name", "ot_tls_test").put("serverSelectionTimeoutMS", 3_000)
        .put("caPath", good.resolve("ca.crt").toString());
    assertTrue(ping(noCertificate).startsWith("refused"), "no client certificate");
  }

  private CommonConfig config(Path certs, boolean tls) {
    Map<String, String> env = new HashMap<>();
    env.put("OT_MONGO_URI", "mongodb://localhost:" + frontPort + (tls ? "/?tls=true" : ""));
    env.put("OT_TLS_CERT", certs.resolve("tls.crt").toString());
    env.put("OT_TLS_KEY", certs.resolve("tls.key").toString());
    env.put("OT_TLS_CA", certs.resolve("ca.crt").toString());
    return CommonConfig.from(new Env(env), "gss");
  }

  /** The services' own client (shared per database name, so each case gets a database of its own). */
  private String ping(CommonConfig config) {
    return ping(Dependencies.mongo(vertx, config, "ot_tls_" + java.util.UUID.randomUUID().toString().substring(0, 8)));
  }

  private String ping(JsonObject options) {
    return ping(MongoClient.create(vertx, options));
  }

  /** "ok", or "refused: " and why. */
  private String ping(MongoClient mongo) {
    try {
      await(mongo.runCommand("ping", new JsonObject().put("ping", 1)));
      return "ok";
    } catch (Exception e) {
      return "refused: " + e;
    } finally {
      mongo.close();
    }
  }

  private static <T> T await(Future<T> f) throws Exception {
    return f.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
  }
}
