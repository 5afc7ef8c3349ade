package org.otplatform.embedded;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * One embedded platform (broker process, in-memory store, all services) shared by the test
 * classes that use this extension; JUnit closes it, and so every process it started, after the
 * last test.
 */
public final class SharedPlatform implements BeforeAllCallback {
  static final String ADMIN_PASSWORD = "correct-horse-battery-9";
  private static volatile Holder holder;

  /** The running platform and its addresses. */
  static final class Holder implements AutoCloseable {
    final EmbeddedPlatform platform;
    final String gss;
    final String auth;
    final String logger;
    final String relay;
    /** A port the console may also be reached at (its origin allowed by CORS): a {@link CuttableProxy}'s. */
    final int consoleProxyPort;

    Holder() {
      EmbeddedPlatform.Ports ports = EmbeddedPlatform.Ports.free();
      consoleProxyPort = FreePorts.pick();
      String catalog = testCatalog();
      platform = new EmbeddedPlatform(new EmbeddedPlatform.Settings(null,
          Path.of(System.getProperty("ot.broker.lib", "../broker/target/lib")),
          Map.of("OT_ADMIN_PASSWORD", ADMIN_PASSWORD, "OT_INSTANCE_ID", "e2e",
              // Small relay bounds, so the tests reach them cheaply.
              "OT_RELAY_MAX_MESSAGE_BYTES", "65536", "OT_RELAY_MAX_QUEUED_BYTES", "262144",
              "OT_RELAY_ACTIVITY_SECONDS", "1", "OT_CATALOG", catalog, "OT_GSS_SWEEP_SECONDS", "1",
              "OT_LSS_RESTART_BACKOFF_MILLIS", "200",
              "OT_CORS_ORIGINS", "http://127.0.0.1:" + ports.gss() + ",http://localhost:" + ports.gss()
                  + ",http://127.0.0.1:" + consoleProxyPort), ports))
          .start();
      gss = platform.url(ports.gss());
      auth = platform.url(ports.auth());
      logger = platform.url(ports.logger());
      relay = "ws://127.0.0.1:" + ports.relay();
      Api.await("GSS to load AUTH's keys", Duration.ofSeconds(90),
          () -> Api.get(gss + "/health/ready", null).status() == 200);
    }

    @Override
    public void close() {
      platform.close();
    }
  }

  /**
   * The built-in catalog plus {@code stuck}: a service that never listens, whose session the GSS
   * must give up on after 3 s; {@code crashy}: an echo service that can be told to exit, with
   * one restart allowed; {@code idle}: an echo session closed after 3 s without activity;
   * {@code broken}: a service that says why on stderr and exits with code 3 before it listens;
   * {@code notes}: an echo service with a volume per project (its {@code note} action); {@code warm}:
   * an echo service of which the LSS keeps one warm process; and on
   * {@code kriging} two profiles, {@code standard} (the default, as listed) and {@code debug}
   * (its compute log at DEBUG).
   */
  private static String testCatalog() {
    try (java.io.InputStream in = SharedPlatform.class.getResourceAsStream("/catalog.json")) {
      io.vertx.core.json.JsonObject catalog = new io.vertx.core.json.JsonObject(
          new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8));
      catalog.getJsonObject("types").put("stuck", new io.vertx.core.json.JsonObject()
          .put("maxOpenPerProject", 1).put("openTimeoutSeconds", 3)
          .put("services", new io.vertx.core.json.JsonArray().add(new io.vertx.core.json.JsonObject()
              .put("name", "sleeper").put("command", new io.vertx.core.json.JsonArray().add("sleep").add("300"))
              .put("startTimeoutSeconds", 120))));
      io.vertx.core.json.JsonObject echo = catalog.getJsonObject("types").getJsonObject("echo").getJsonArray("services")
          .getJsonObject(0).copy().put("restartLimit", 1)
          .put("env", new io.vertx.core.json.JsonObject().put("OT_ECHO_EXIT_ACTION", "true"));
      catalog.getJsonObject("types").put("idle", new io.vertx.core.json.JsonObject().put("maxOpenPerProject", 5)
          .put("idleTimeoutSeconds", 3)
          .put("services", new io.vertx.core.json.JsonArray().add(catalog.getJsonObject("types").getJsonObject("echo")
              .getJsonArray("services").getJsonObject(0).copy())));
      catalog.getJsonObject("types").put("notes", new io.vertx.core.json.JsonObject().put("maxOpenPerProject", 2)
          .put("storage", new io.vertx.core.json.JsonObject())
          .put("services", new io.vertx.core.json.JsonArray().add(catalog.getJsonObject("types").getJsonObject("echo")
              .getJsonArray("services").getJsonObject(0).copy())));
      catalog.getJsonObject("types").put("warm", new io.vertx.core.json.JsonObject().put("maxOpenPerProject", 5)
          .put("warm", 1)
          .put("services", new io.vertx.core.json.JsonArray().add(catalog.getJsonObject("types").getJsonObject("echo")
              .getJsonArray("services").getJsonObject(0).copy())));
      catalog.getJsonObject("types").put("crashy", new io.vertx.core.json.JsonObject().put("maxOpenPerProject", 5)
          .put("services", new io.vertx.core.json.JsonArray().add(echo)));
      catalog.getJsonObject("types").put("broken", new io.vertx.core.json.JsonObject().put("maxOpenPerProject", 5)
          .put("services", new io.vertx.core.json.JsonArray().add(new io.vertx.core.json.JsonObject()
              .put("name", "solver").put("command", new io.vertx.core.json.JsonArray().add("sh").add("-c")
                  .add("echo 'no licence for the solver' >&2; exit 3")).put("restartLimit", 0))));
      catalog.getJsonObject("types").getJsonObject("kriging").put("profiles", new io.vertx.core.json.JsonObject("""
          {"standard": {"description": "as listed"},
           "debug": {"description": "compute log at DEBUG", "env": {"OT_LOG_LEVEL": "DEBUG"}}}"""));
      java.nio.file.Path file = java.nio.file.Files.createTempFile("ot-catalog", ".json");
      java.nio.file.Files.writeString(file, catalog.encodePrettily());
      file.toFile().deleteOnExit();
      return file.toString();
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  @Override
  public void beforeAll(ExtensionContext context) {
    holder = context.getRoot().getStore(ExtensionContext.Namespace.GLOBAL)
        .getOrComputeIfAbsent(Holder.class, k -> new Holder(), Holder.class);
  }

  static Holder get() {
    return holder;
  }

  /** Creates a project and opens a session of {@code type} in it; yields the session's id. */
  static String newSession(String token, String project, String type) {
    Api.post(holder.auth + "/api/v1/projects", token, new io.vertx.core.json.JsonObject().put("name", project)
        .encode()).expect(201);
    return Api.post(holder.gss + "/api/v1/sessions", token, new io.vertx.core.json.JsonObject()
        .put("project", project).put("type", type).encode()).expect(202).json().getString("id");
  }

  /** Publishes a raw record on the platform's broker, as a service could (the platform's certificate). */
  static void publishRaw(String topic, String key, String value) throws Exception {
    io.vertx.core.Vertx vertx = io.vertx.core.Vertx.vertx();
    try {
      io.vertx.kafka.client.producer.KafkaProducer<String, String> producer = io.vertx.kafka.client.producer.KafkaProducer
          .create(vertx, org.otplatform.common.kafka.KafkaSupport.producerConfig(holder.platform.kafka(), "test-raw"));
      producer.send(io.vertx.kafka.client.producer.KafkaProducerRecord.create(topic, key, value))
          .eventually(producer::close).toCompletionStage().toCompletableFuture()
          .get(30, java.util.concurrent.TimeUnit.SECONDS);
    } finally {
      vertx.close().toCompletionStage().toCompletableFuture().get(30, java.util.concurrent.TimeUnit.SECONDS);
    }
  }

  /** The platform's LSS as the GSS's registry shows it ({@code id}, {@code status}, …), once it has heard of it. */
  static io.vertx.core.json.JsonObject lss(String adminToken) {
    Api.await("the LSS in the GSS's registry", java.time.Duration.ofSeconds(30), () -> !Api.get(holder.gss
        + "/api/v1/admin/lss", adminToken).expect(200).json().getJsonArray("lss").isEmpty());
    return Api.get(holder.gss + "/api/v1/admin/lss", adminToken).expect(200).json().getJsonArray("lss")
        .getJsonObject(0);
  }

  /** A fresh access token for a user. */
  static String login(String username, String password) {
    return Api.post(holder.auth + "/api/v1/login", null,
        new io.vertx.core.json.JsonObject().put("username", username).put("password", password).encode())
        .expect(200).json().getString("accessToken");
  }
}
