package org.otplatform.embedded;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.OpenSSLEngineOptions;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.core.net.PemTrustOptions;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.otplatform.common.config.Env;
import org.otplatform.common.events.Topics;
import org.otplatform.common.tls.TlsSettings;
import org.otplatform.embedded.tls.CertificateAuthority;

/**
 * The embedded platform with its one TLS switch on: the whole flow over TLS (Kafka and the relay's
 * hop to the compute service included); the internal key set, a compute service's WebSocket and the
 * broker take only clients with a certificate of the platform CA (no certificate, an expired one or
 * another CA's: refused); every server refuses expired client
 * certificates at the handshake and serves front ends without one; renewed certificates are
 * served without a restart.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(240)
class TlsTest {
  private final Vertx vertx = Vertx.vertx();
  private Path dir;
  private CertificateAuthority ca;
  private OwnPlatform own;
  /**
   * Client certificates: of the platform CA naming a platform service (the relay), expired, of
   * another CA, the compute services' one the platform made (our CA, name {@code compute}); and none.
   */
  private Path good;
  private Path compute;
  private Path expired;
  private Path foreign;

  @BeforeAll
  void start() throws Exception {
    dir = Files.createTempDirectory("ot-tls-test");
    ca = CertificateAuthority.create("test platform CA", Duration.ofDays(30));
    ca.write(dir);
    Api.trust(ca);
    good = dir.resolve("client-good");
    ca.issue("relay", List.of("localhost"), Duration.ofDays(1)).write(good, ca.certificate());
    expired = dir.resolve("client-expired");
    ca.issue("test client", List.of("localhost"), Instant.now().minus(Duration.ofDays(2)),
        Instant.now().minus(Duration.ofDays(1))).write(expired, ca.certificate());
    CertificateAuthority other = CertificateAuthority.create("someone else's CA", Duration.ofDays(30));
    foreign = dir.resolve("client-foreign");
    other.issue("test client", List.of("localhost"), Duration.ofDays(1)).write(foreign, other.certificate());
    own = OwnPlatform.start(Map.of("OT_EMBEDDED_TLS", "true", "OT_EMBEDDED_TLS_DIR", dir.toString(),
        "OT_TLS_RELOAD_SECONDS", "1", "OT_CORS_ORIGINS", "https://app.example"), "tls-project");
    compute = dir.resolve("compute");
  }

  @AfterAll
  void stop() throws Exception {
    if (own != null) {
      own.close();
    }
    vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
  }

  /** A client of the test, presenting the certificate in {@code certDir} (or none), trusting the platform CA. */
  private HttpClientAgent client(Path certDir) {
    HttpClientOptions options = new HttpClientOptions().setSsl(true).setSslEngineOptions(new OpenSSLEngineOptions())
        .setTrustOptions(new PemTrustOptions().addCertPath(dir.resolve("ca.crt").toString()))
        .setVerifyHost(true).setConnectTimeout(5_000);
    if (certDir != null) {
      options.setKeyCertOptions(new PemKeyCertOptions().setCertPath(certDir.resolve("tls.crt").toString())
          .setKeyPath(certDir.resolve("tls.key").toString()));
    }
    return vertx.createHttpClient(options);
  }

  /** The status of a GET, or the failure's message. */
  private static String get(HttpClientAgent client, int port, String path) throws Exception {
    Future<String> status = client.request(new RequestOptions().setMethod(HttpMethod.GET).setHost("localhost")
            .setPort(port).setURI(path).setTimeout(10_000))
        .compose(req -> req.send())
        .compose(resp -> resp.body().map(b -> Integer.toString(resp.statusCode())))
        .recover(e -> Future.succeededFuture("refused: " + e));
    try {
      return status.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    } finally {
      client.close();
    }
  }

  @Test
  @Order(1)
  void theWholeFlowRunsOnTls() throws Exception {
    assertTrue(own.gss.startsWith("https://"), own.gss);
    JsonObject info = Api.get(own.gss + "/api/v1/info", null).expect(200).json();
    assertTrue(info.getString("relayUrl").startsWith("wss://"), "front ends are told the relay's wss URL: " + info);
    String id = Api.post(own.gss + "/api/v1/sessions", own.token, "{\"project\":\"tls-project\"}").expect(202).json()
        .getString("id");
    // GSS -> Kafka (TLS) -> LSS -> Kafka -> GSS: the session only gets READY if every hop works.
    Api.await("session READY over TLS", Duration.ofSeconds(90), () -> "READY".equals(
        Api.get(own.gss + "/api/v1/sessions/" + id, own.token).expect(200).json().getString("state")));
    String ws = "wss://127.0.0.1:" + own.platform.ports().relay() + "/ws/sessions/" + id;
    try (WsProbe probe = WsProbe.connect(ws, own.token)) {
      probe.send(new JsonObject().put("to", "kriging").put("id", "p1").put("action", "ping"));
      JsonObject reply = probe.next(Duration.ofSeconds(30));
      assertEquals("p1", reply.getString("re"), reply.encode());
    }
    closeSession(id);
  }

  /** Over TLS responses carry HSTS; the configured front-end origin, and only it, gets CORS. */
  @Test
  @Order(2)
  void hstsOverTlsAndCorsForTheConfiguredOriginOnly() {
    var allowed = Api.raw("OPTIONS", own.gss + "/api/v1/sessions", Map.of("Origin", "https://app.example",
        "Access-Control-Request-Method", "POST", "Access-Control-Request-Headers", "authorization,content-type"));
    assertEquals("https://app.example", allowed.headers().firstValue("Access-Control-Allow-Origin").orElse(""),
        allowed.headers().map().toString());
    var other = Api.raw("OPTIONS", own.gss + "/api/v1/sessions", Map.of("Origin", "https://evil.example",
        "Access-Control-Request-Method", "POST"));
    assertTrue(other.headers().firstValue("Access-Control-Allow-Origin").isEmpty(), other.headers().map().toString());
    var info = Api.raw("GET", own.gss + "/api/v1/info", Map.of());
    assertTrue(info.headers().firstValue("Strict-Transport-Security").orElse("").contains("max-age="),
        info.headers().map().toString());
  }

  @Test
  @Order(2)
  void theKeySetOnlyPlatformServicesFetchNeedsAPlatformCertificate() throws Exception {
    int auth = own.platform.ports().auth();
    assertEquals("200", get(client(good), auth, "/.well-known/jwks.json"));
    assertEquals("403", get(client(null), auth, "/.well-known/jwks.json"));
    assertEquals("403", get(client(compute), auth, "/.well-known/jwks.json"), "a compute service's certificate");
    // A certificate of another CA is not even offered: the server names the CAs it accepts.
    assertEquals("403", get(client(foreign), auth, "/.well-known/jwks.json"));
    String withExpired = get(client(expired), auth, "/.well-known/jwks.json");
    assertTrue(withExpired.startsWith("refused"), withExpired);
  }

  /**
   * A compute service, started by the LSS with the compute certificate (never the LSS's own),
   * serves TLS, and its WebSocket — the relay's way in — admits only the relay: not a caller
   * without a certificate, of another CA, expired, or another compute service.
   */
  @Test
  @Order(3)
  void aComputeServiceAdmitsOnlyPlatformCallersToItsWebSocket() throws Exception {
    String id = Api.post(own.gss + "/api/v1/sessions", own.token, "{\"project\":\"tls-project\"}").expect(202).json()
        .getString("id");
    Api.await("session READY", Duration.ofSeconds(90), () -> "READY".equals(
        Api.get(own.gss + "/api/v1/sessions/" + id, own.token).expect(200).json().getString("state")));
    String endpoint = Api.get(own.gss + "/api/v1/sessions/" + id, own.token).json().getJsonArray("services")
        .getJsonObject(0).getString("endpoint");
    int port = Integer.parseInt(endpoint.substring(endpoint.lastIndexOf(':') + 1));
    assertEquals("200", get(client(null), port, "/health/ready"), "probes need no certificate");
    assertEquals("compute", org.otplatform.compute.contract.PeerNames.of(served(port)).orElse(null),
        "the compute process serves the compute certificate");
    assertEquals("101", webSocket(good, port));
    assertEquals("403", webSocket(compute, port), "another compute service");
    assertEquals("403", webSocket(null, port));
    assertEquals("403", webSocket(foreign, port));
    assertTrue(webSocket(expired, port).startsWith("refused"));
    closeSession(id);
  }

  /** Closes a session and waits until it is closed (the project allows one open kriging session). */
  private void closeSession(String id) {
    Api.delete(own.gss + "/api/v1/sessions/" + id, own.token).expect(202);
    Api.await("session CLOSED", Duration.ofSeconds(60), () -> "CLOSED".equals(
        Api.get(own.gss + "/api/v1/sessions/" + id, own.token).expect(200).json().getString("state")));
  }

  /** Opens the compute service's {@code /ws} with the certificate in {@code certDir} (or none): 101, the refusal's status, or why it failed. */
  private String webSocket(Path certDir, int port) throws Exception {
    io.vertx.core.http.WebSocketClientOptions options = new io.vertx.core.http.WebSocketClientOptions().setSsl(true)
        .setSslEngineOptions(new OpenSSLEngineOptions()).setVerifyHost(false).setConnectTimeout(5_000)
        .setTrustOptions(new PemTrustOptions().addCertPath(dir.resolve("ca.crt").toString()));
    if (certDir != null) {
      options.setKeyCertOptions(new PemKeyCertOptions().setCertPath(certDir.resolve("tls.crt").toString())
          .setKeyPath(certDir.resolve("tls.key").toString()));
    }
    io.vertx.core.http.WebSocketClient ws = vertx.createWebSocketClient(options);
    try {
      return ws.connect(new io.vertx.core.http.WebSocketConnectOptions().setHost("127.0.0.1").setPort(port)
              .setURI("/ws"))
          .map(socket -> {
            socket.close();
            return "101";
          })
          .recover(e -> Future.succeededFuture(e instanceof io.vertx.core.http.UpgradeRejectedException rejected
              ? Integer.toString(rejected.getStatus()) : "refused: " + e))
          .toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    } finally {
      ws.close();
    }
  }

  @Test
  @Order(4)
  void everyServerRefusesExpiredCertificatesAndServesFrontEndsWithout() throws Exception {
    EmbeddedPlatform.Ports p = own.platform.ports();
    for (int port : List.of(p.gss(), p.auth(), p.lss(), p.relay(), p.logger())) {
      assertEquals("200", get(client(good), port, "/health/live"), "port " + port);
      assertEquals("200", get(client(null), port, "/health/live"), "port " + port + ", no certificate");
      String withExpired = get(client(expired), port, "/health/live");
      assertTrue(withExpired.startsWith("refused"), "port " + port + ", expired: " + withExpired);
    }
  }

  @Test
  @Order(5)
  void kafkaTakesOnlyClientsWithAPlatformCertificate() {
    assertEquals("sent", produce(good));
    String asCompute = produce(compute);
    assertTrue(asCompute.contains("TopicAuthorizationException"), "a compute service's certificate: " + asCompute);
    assertTrue(produce(null).startsWith("refused"), "no certificate");
    assertTrue(produce(foreign).startsWith("refused"), "foreign CA");
    assertTrue(produce(expired).startsWith("refused"), "expired");
  }

  /** Sends one record to the log topic presenting the certificate in {@code certDir} (or none). */
  private String produce(Path certDir) {
    Map<String, String> env = new HashMap<>();
    Path cert = certDir != null ? certDir : good;
    env.put("OT_TLS_CERT", cert.resolve("tls.crt").toString());
    env.put("OT_TLS_KEY", cert.resolve("tls.key").toString());
    env.put("OT_TLS_CA", dir.resolve("ca.crt").toString());
    Properties props = new Properties();
    props.putAll(TlsSettings.from(new Env(env)).kafka());
    if (certDir == null) {
      props.remove("ssl.keystore.type");
      props.remove("ssl.keystore.certificate.chain");
      props.remove("ssl.keystore.key");
    }
    props.put("bootstrap.servers", "127.0.0.1:" + own.platform.ports().kafka());
    props.put("max.block.ms", "8000");
    props.put("delivery.timeout.ms", "8000");
    props.put("request.timeout.ms", "4000");
    props.put("linger.ms", "0");
    try (KafkaProducer<String, String> producer = new KafkaProducer<>(props, new StringSerializer(),
        new StringSerializer())) {
      producer.send(new ProducerRecord<>(Topics.LOGS, "tls-test", LogRecords.record("tls-test", "hello").encode()))
          .get(20, TimeUnit.SECONDS);
      return "sent";
    } catch (Exception e) {
      return "refused: " + e;
    }
  }

  @Test
  @Order(6)
  void renewedCertificatesAreServedWithoutARestart() throws Exception {
    int auth = own.platform.ports().auth();
    BigInteger before = servedSerial(auth);
    CertificateAuthority.Issued renewed = ca.issue("embedded", List.of("localhost", "127.0.0.1"), Duration.ofDays(2));
    renewed.write(dir.resolve("embedded"), ca.certificate());
    Api.await("the renewed certificate served", Duration.ofSeconds(30), () -> {
      try {
        return renewed.certificate().getSerialNumber().equals(servedSerial(auth));
      } catch (Exception e) {
        return false;
      }
    });
    assertNotEquals(before, renewed.certificate().getSerialNumber());
    // And the services' own clients use it: a session still opens (GSS -> AUTH, Kafka as before).
    String id = Api.post(own.gss + "/api/v1/sessions", own.token, "{\"project\":\"tls-project\"}").expect(202).json()
        .getString("id");
    Api.await("session READY after the renewal", Duration.ofSeconds(90), () -> "READY".equals(
        Api.get(own.gss + "/api/v1/sessions/" + id, own.token).expect(200).json().getString("state")));
    assertEquals("200", get(client(good), auth, "/.well-known/jwks.json"));
  }

  /** The serial number of the certificate a server presents now (a new connection each time). */
  private BigInteger servedSerial(int port) throws Exception {
    return ((X509Certificate) served(port).get(0)).getSerialNumber();
  }

  /** The chain a server on {@code port} presents now (a new connection). */
  private List<java.security.cert.Certificate> served(int port) throws Exception {
    HttpClientAgent client = client(good);
    try {
      return client.request(new RequestOptions().setMethod(HttpMethod.GET).setHost("localhost").setPort(port)
              .setURI("/health/live"))
          .compose(req -> req.send().map(resp -> {
            try {
              return req.connection().peerCertificates();
            } catch (javax.net.ssl.SSLPeerUnverifiedException e) {
              throw new IllegalStateException(e);
            }
          }))
          .toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    } catch (Exception e) {
      fail("no answer from port " + port + ": " + e);
      return null;
    } finally {
      client.close();
    }
  }
}
