package org.otplatform.embedded;

import io.vertx.core.Future;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.otplatform.auth.AuthConfig;
import org.otplatform.auth.AuthVerticle;
import org.otplatform.common.ExitCodes;
import org.otplatform.common.config.ConfigException;
import org.otplatform.common.config.Env;
import org.otplatform.common.logging.LogShipping;
import org.otplatform.common.tls.TlsSettings;
import org.otplatform.embedded.tls.EmbeddedTls;
import org.otplatform.common.service.ServiceLauncher;
import org.otplatform.common.tracing.Tracing;
import org.otplatform.gss.GssConfig;
import org.otplatform.gss.GssVerticle;
import org.otplatform.logger.LoggerConfig;
import org.otplatform.logger.LoggerVerticle;
import org.otplatform.lss.LssConfig;
import org.otplatform.lss.LssVerticle;
import org.otplatform.relay.RelayConfig;
import org.otplatform.relay.RelayVerticle;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The whole platform on one machine: a Kafka broker process, the Mongo-wire store, and the five
 * services, each on its own Vert.x instance in this JVM; the LSS runs compute services as local
 * processes. Used by the {@code ot-platform} command and by the end-to-end tests.
 */
public final class EmbeddedPlatform implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(EmbeddedPlatform.class);

  /**
   * Where things go.
   *
   * @param dataDir data directory; null keeps everything in memory (tests)
   * @param env the {@code OT_*} environment the services read, before the embedded defaults
   */
  public record Settings(Path dataDir, Path brokerLib, Map<String, String> env, Ports ports) {}

  /** Ports of everything the platform binds. */
  public record Ports(int kafka, int kafkaController, int mongo, int gss, int auth, int lss, int relay,
      int logger) {
    public static Ports defaults(Env env) {
      return new Ports(env.port("OT_KAFKA_PORT", 9092), env.port("OT_KAFKA_CONTROLLER_PORT", 9093),
          env.port("OT_MONGO_PORT", 27017), env.port("OT_GSS_PORT", 8091), env.port("OT_AUTH_PORT", 8092),
          env.port("OT_LSS_PORT", 8093), env.port("OT_RELAY_PORT", 8094), env.port("OT_LOGGER_PORT", 8095));
    }

    /** Free ports for everything (tests). */
    public static Ports free() {
      return new Ports(FreePorts.pick(), FreePorts.pick(), FreePorts.pick(), FreePorts.pick(), FreePorts.pick(),
          FreePorts.pick(), FreePorts.pick(), FreePorts.pick());
    }

    Map<String, Integer> named() {
      Map<String, Integer> m = new LinkedHashMap<>();
      m.put("Kafka", kafka);
      m.put("Kafka controller", kafkaController);
      m.put("MongoDB store", mongo);
      m.put("GSS", gss);
      m.put("AUTH", auth);
      m.put("LSS", lss);
      m.put("relay", relay);
      m.put("logger", logger);
      return m;
    }
  }

  private static final int STOP_TIMEOUT_SECONDS = 10;
  private final Settings settings;
  private final List<ServiceLauncher.Running> services = Collections.synchronizedList(new ArrayList<>());
  private EmbeddedStore store;
  /** Seals AUTH's signing keys at rest: kept in the data directory, apart from the store. */
  private String keyEncryptionKey;
  private KafkaBroker broker;
  private Optional<String> generatedAdminPassword = Optional.empty();
  private String adminUser;
  /** {@code OT_TLS_*} for every service and the broker when the platform runs on TLS, else empty. */
  /** The services' {@code OT_TLS_*}: always for the broker and the store, for HTTP too with {@link #https}. */
  private Map<String, String> tls = Map.of();
  private boolean https;
  private boolean shipping;

  public EmbeddedPlatform(Settings settings) {
    this.settings = settings;
  }

  public Ports ports() {
    return settings.ports();
  }

  public String url(int port) {
    return (https ? "https" : "http") + "://127.0.0.1:" + port;
  }

  /** How the services reach the store: always over mutual TLS. */
  public String mongoUri() {
    return "mongodb://127.0.0.1:" + ports().mongo() + "/?tls=true";
  }

  /**
   * The {@code OT_TLS_*} (and {@code OT_TLS_HTTP}) the services get, for a process started beside
   * the platform — another service, a benchmark's client — to reach its broker and store.
   */
  public Map<String, String> tlsEnvironment() {
    return tls;
  }

  /** Where the console is (served by the GSS). */
  public String consoleUrl() {
    return url(ports().gss()) + "/console/";
  }

  /** The GSS's origins as a browser on this machine names them: the console's origin. */
  private String consoleOrigins() {
    String scheme = https ? "https" : "http";
    return scheme + "://127.0.0.1:" + ports().gss() + "," + scheme + "://localhost:" + ports().gss();
  }

  /** Options for a Mongo client of the store's database {@code database}, with the platform's certificate. */
  public io.vertx.core.json.JsonObject mongoOptions(String database) {
    return new io.vertx.core.json.JsonObject().put("connection_string", mongoUri()).put("db_name", database)
        .put("caPath", tls.get("OT_TLS_CA")).put("certPath", tls.get("OT_TLS_CERT")).put("keyPath", tls.get("OT_TLS_KEY"));
  }

  /** The broker, with the platform's certificate (every client of it needs one). */
  public org.otplatform.common.kafka.KafkaConnection kafka() {
    return broker.connection();
  }

  /** Where the LSS keeps projects' volumes (session types with {@code storage}). */
  public Path projectStorage() {
    return Path.of(serviceEnv().get("OT_LSS_STORAGE_DIR"));
  }

  public Optional<String> generatedAdminPassword() {
    return generatedAdminPassword;
  }

  public String adminUser() {
    return adminUser;
  }

  /** Starts everything, or stops what was started and throws an {@link EmbeddedException}. */
  public EmbeddedPlatform start() {
    long begin = System.nanoTime();
    try {
      checkPorts();
      EmbeddedStore.prepareDataDir(settings.dataDir());
      keyEncryptionKey = EmbeddedStore.keyEncryptionKey(settings.dataDir());
      prepareTls();
      store = EmbeddedStore.start(settings.dataDir(), ports().mongo(), tls);
      Path kafkaDir = settings.dataDir() != null ? settings.dataDir().resolve("kafka")
          : Files.createTempDirectory("ot-kafka");
      broker = new KafkaBroker(kafkaDir, settings.brokerLib(), ports().kafka(), ports().kafkaController(),
          TlsSettings.from(new Env(tls)));
      broker.start(Duration.ofSeconds(90));
      LogShipping.install(broker.connection(), "embedded", settings.env().getOrDefault("OT_INSTANCE_ID", "embedded"));
      shipping = true;
      startServices();
      LOG.info("platform started in {} ms", (System.nanoTime() - begin) / 1_000_000);
      return this;
    } catch (EmbeddedException e) {
      close();
      throw e;
    } catch (ConfigException e) {
      close();
      throw new EmbeddedException(ExitCodes.CONFIG, e.getMessage(), e);
    } catch (IOException e) {
      close();
      throw new EmbeddedException(ExitCodes.CANNOT_BIND, "cannot create directories: " + e.getMessage(), e);
    }
  }

  private void checkPorts() {
    List<String> busy = new ArrayList<>();
    ports().named().forEach((name, port) -> {
      if (port != 0 && !FreePorts.isFree("127.0.0.1", port)) {
        busy.add(name + " port " + port);
      }
    });
    if (!busy.isEmpty()) {
      throw new EmbeddedException(ExitCodes.CANNOT_BIND, "already in use: " + String.join(", ", busy)
          + " (is the platform already running? set OT_<SERVICE>_PORT to move one)", null);
    }
  }

  /**
   * Starts the five services side by side once the broker and the store are up: none needs another
   * to be up first (the others load AUTH's keys as soon as AUTH serves them, and are ready only
   * then), so the start takes as long as the slowest, not the sum of AUTH and the slowest other.
   */
  private void startServices() {
    Env env = new Env(serviceEnv());
    AuthConfig authConfig = AuthConfig.from(env);
    adminUser = authConfig.adminUser();
    GssConfig gssConfig = GssConfig.from(env);
    LssConfig lssConfig = LssConfig.from(env);
    RelayConfig relayConfig = RelayConfig.from(env);
    LoggerConfig loggerConfig = LoggerConfig.from(env);
    // OT_TRACING and the rest as the platform's environment says (bin/ot-bench runs it both ways).
    Tracing.Settings tracing = Tracing.Settings.from(new Env(serviceEnv()));
    AuthVerticle auth = new AuthVerticle(authConfig);
    Map<String, Future<ServiceLauncher.Running>> starting = new java.util.LinkedHashMap<>();
    starting.put("auth", ServiceLauncher.start("auth", auth, tracing));
    starting.put("gss", ServiceLauncher.start("gss", new GssVerticle(gssConfig), tracing));
    starting.put("lss", ServiceLauncher.start("lss", new LssVerticle(lssConfig), tracing));
    starting.put("relay", ServiceLauncher.start("relay", new RelayVerticle(relayConfig), tracing));
    starting.put("logger", ServiceLauncher.start("logger", new LoggerVerticle(loggerConfig), tracing));
    List<String> failures = new ArrayList<>();
    int code = ExitCodes.OK;
    for (Map.Entry<String, Future<ServiceLauncher.Running>> f : starting.entrySet()) {
      try {
        services.add(await(f.getValue()));
      } catch (Exception e) {
        Throwable cause = e.getCause() != null ? e.getCause() : e;
        failures.add(f.getKey() + " failed to start: " + cause.getMessage());
        code = Math.max(code, ServiceLauncher.exitCode(cause));
      }
    }
    generatedAdminPassword = auth.generatedAdminPassword();
    if (!failures.isEmpty()) {
      throw new EmbeddedException(code, String.join("; ", failures), null);
    }
  }

  private static <T> T await(Future<T> future) throws Exception {
    return future.toCompletionStage().toCompletableFuture().get(120, TimeUnit.SECONDS);
  }

  /** A service instance started beside the platform's own, and the port it listens on. */
  public record Replica(ServiceLauncher.Running running, int port) {}

  /**
   * Starts one more instance of {@code gss}, {@code lss}, {@code relay} or {@code logger} beside the
   * platform's (replicas, failover, restarts), with the platform's environment plus {@code overrides}
   * (at least another {@code OT_INSTANCE_ID}); its port is picked freely unless set. The platform
   * stops it with everything else.
   */
  public Replica startReplica(String service, Map<String, String> overrides) {
    Map<String, String> env = serviceEnv();
    env.put("OT_" + service.toUpperCase(java.util.Locale.ROOT) + "_PORT", "0");
    env.putAll(overrides);
    if ("lss".equals(service) && !overrides.containsKey("OT_LSS_SPOOL_DIR")) {
      // Each LSS its own spool: one LSS takes another's files for a killed run's (LssVerticle#spool).
      env.put("OT_LSS_SPOOL_DIR", env.get("OT_LSS_SPOOL_DIR") + "-" + env.get("OT_INSTANCE_ID"));
    }
    Env config = new Env(env);
    try {
      // Each service's verticle, and how to ask it which port it bound.
      record Started(io.vertx.core.Deployable verticle, java.util.function.IntSupplier port) {}
      Started started = switch (service) {
        case "gss" -> {
          GssVerticle v = new GssVerticle(GssConfig.from(config));
          yield new Started(v, v::port);
        }
        case "lss" -> {
          LssVerticle v = new LssVerticle(LssConfig.from(config));
          yield new Started(v, v::port);
        }
        case "relay" -> {
          RelayVerticle v = new RelayVerticle(RelayConfig.from(config));
          yield new Started(v, v::port);
        }
        case "logger" -> {
          LoggerVerticle v = new LoggerVerticle(LoggerConfig.from(config));
          yield new Started(v, v::port);
        }
        default -> throw new IllegalArgumentException("no replicas of " + service);
      };
      ServiceLauncher.Running running = await(ServiceLauncher.start(service, started.verticle(),
          Tracing.Settings.from(new Env(env))));
      services.add(running);
      return new Replica(running, started.port().getAsInt());
    } catch (ConfigException | IllegalArgumentException e) {
      throw new EmbeddedException(ExitCodes.CONFIG, e.getMessage(), e);
    } catch (Exception e) {
      throw new EmbeddedException(ExitCodes.CRASH, "another " + service + " failed to start: " + e.getMessage(), e);
    }
  }

  /** Stops one running service (an LSS, to show failover); false when it is not running. */
  public boolean stop(ServiceLauncher.Running service) {
    if (!services.remove(service)) {
      return false;
    }
    try {
      service.stop().toCompletionStage().toCompletableFuture().get(STOP_TIMEOUT_SECONDS, TimeUnit.SECONDS);
    } catch (Exception e) {
      LOG.warn("{} did not stop within {} s ({})", service.name(), STOP_TIMEOUT_SECONDS, e.toString());
    }
    return true;
  }

  /** The running services, in start order. */
  public List<ServiceLauncher.Running> services() {
    return List.copyOf(services);
  }

  /**
   * The platform CA and its certificates under {@code OT_EMBEDDED_TLS_DIR} (default
   * {@code <data>/tls}, a temporary directory without one), made on first use. The broker and the
   * store always require them — no other local user reaches either; with {@code OT_EMBEDDED_TLS=true}
   * every service, and every client between them, uses mutual TLS too.
   */
  private void prepareTls() throws IOException {
    String on = settings.env().getOrDefault("OT_EMBEDDED_TLS", "false");
    if (!on.equals("true") && !on.equals("false")) {
      throw new EmbeddedException(ExitCodes.CONFIG, "OT_EMBEDDED_TLS must be true or false, got '" + on + "'", null);
    }
    https = on.equals("true");
    String configured = settings.env().get("OT_EMBEDDED_TLS_DIR");
    Path dir = configured != null ? Path.of(configured)
        : settings.dataDir() != null ? settings.dataDir().resolve("tls") : Files.createTempDirectory("ot-tls");
    Map<String, String> files = new HashMap<>(EmbeddedTls.prepare(dir));
    files.put("OT_TLS_HTTP", Boolean.toString(https));
    tls = Map.copyOf(files);
    LOG.info("TLS on for {}: platform CA {}", https ? "everything" : "the broker and the store", tls.get("OT_TLS_CA"));
  }

  /** The environment the services see: the caller's, then the embedded wiring. */
  Map<String, String> serviceEnv() {
    Map<String, String> env = new HashMap<>(settings.env());
    Ports p = ports();
    env.put("OT_KAFKA_BOOTSTRAP", "127.0.0.1:" + p.kafka());
    env.put("OT_MONGO_URI", mongoUri());
    env.putIfAbsent("OT_HOST", "127.0.0.1");
    env.put("OT_GSS_PORT", Integer.toString(p.gss()));
    env.put("OT_AUTH_PORT", Integer.toString(p.auth()));
    env.put("OT_LSS_PORT", Integer.toString(p.lss()));
    env.put("OT_RELAY_PORT", Integer.toString(p.relay()));
    env.put("OT_LOGGER_PORT", Integer.toString(p.logger()));
    env.put("OT_AUTH_URL", url(p.auth()));
    env.put("OT_GSS_URL", url(p.gss()));
    env.putAll(tls);
    env.putIfAbsent("OT_PUBLIC_RELAY_URL", (https ? "wss" : "ws") + "://127.0.0.1:" + p.relay());
    env.putIfAbsent("OT_PUBLIC_LOGGER_URL", url(p.logger()));
    env.putIfAbsent("OT_PUBLIC_AUTH_URL", url(p.auth()));
    env.putIfAbsent("OT_INSTANCE_ID", "embedded");
    // The console is served by the GSS and calls AUTH, the relay and the logger from that origin.
    env.putIfAbsent("OT_CORS_ORIGINS", consoleOrigins());
    // Every client of the embedded platform is on this machine, at one address: a cap per address
    // would cap only its user (the platform binds the loopback interface).
    env.putIfAbsent("OT_HTTP_MAX_CONNECTIONS_PER_ADDRESS", "0");
    if (keyEncryptionKey != null) {
      env.putIfAbsent("OT_AUTH_KEY_ENCRYPTION_KEY", keyEncryptionKey);
    }
    // Compute output is spooled in the data directory: a platform killed before it shipped the last
    // lines ships them when it starts again on the same data.
    // In memory (tests), a spool of this platform's own: platforms side by side share no files.
    env.putIfAbsent("OT_LSS_SPOOL_DIR", (settings.dataDir() != null ? settings.dataDir().resolve("lss-spool")
        : lssSpool()).toString());
    // Projects' volumes (session types with storage) are kept with the data, or beside the spool in memory.
    env.putIfAbsent("OT_LSS_STORAGE_DIR", (settings.dataDir() != null ? settings.dataDir().resolve("project-storage")
        : lssSpool().resolveSibling(lssSpool().getFileName() + "-storage")).toString());
    return env;
  }

  private Path memorySpool;

  private synchronized Path lssSpool() {
    if (memorySpool == null) {
      try {
        memorySpool = Files.createTempDirectory("ot-lss-spool");
      } catch (java.io.IOException e) {
        throw new EmbeddedException(ExitCodes.CANNOT_BIND, "cannot make a spool directory: " + e.getMessage(), e);
      }
    }
    return memorySpool;
  }

  /** Stops the services (the LSS removes compute processes), the broker, then the store. */
  @Override
  public void close() {
    List<ServiceLauncher.Running> running = new ArrayList<>(services);
    Collections.reverse(running);
    for (ServiceLauncher.Running s : running) {
      long begin = System.nanoTime();
      try {
        s.stop().toCompletionStage().toCompletableFuture().get(STOP_TIMEOUT_SECONDS, TimeUnit.SECONDS);
        LOG.debug("{} stopped in {} ms", s.name(), (System.nanoTime() - begin) / 1_000_000);
      } catch (Exception e) {
        LOG.warn("{} did not stop within {} s ({}); going on", s.name(), STOP_TIMEOUT_SECONDS, e.toString());
      }
    }
    services.clear();
    // Only a platform that started shipping ends its share: shipping is one per JVM, counted, and a
    // platform that failed before it must not stop another's (it did: a failed start in one test
    // class silenced the logs of the platform the next class used).
    if (shipping) {
      shipping = false;
      LogShipping.shutdown();
    }
    if (broker != null) {
      broker.close();
      broker = null;
    }
    if (store != null) {
      store.close();
      store = null;
    }
  }
}
