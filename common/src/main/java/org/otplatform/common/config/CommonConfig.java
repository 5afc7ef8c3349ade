package org.otplatform.common.config;

/**
 * Settings every service shares: where Kafka and MongoDB are, and who this instance is.
 *
 * @param kafkaBootstrap Kafka bootstrap servers ({@code OT_KAFKA_BOOTSTRAP})
 * @param mongoUri MongoDB connection string ({@code OT_MONGO_URI})
 * @param instanceId this instance's id in logs, heartbeats and consumer ids ({@code OT_INSTANCE_ID})
 * @param host the address HTTP servers bind to ({@code OT_HOST})
 * @param shipLogs whether log records also go to the Kafka log topic ({@code OT_LOG_TO_KAFKA})
 * @param startupTimeout how long to wait for Kafka and MongoDB at start before exiting with 69
 *     ({@code OT_STARTUP_TIMEOUT_SECONDS}, default 30)
 * @param topicReplication replicas of each platform topic a service creates when it is missing
 *     ({@code OT_KAFKA_TOPIC_REPLICATION}, default 1; 3 on a cluster of three brokers)
 * @param tls certificates for mutual TLS ({@code OT_TLS_*}), or {@link org.otplatform.common.tls.TlsSettings#OFF}
 * @param corsOrigins the front ends' origins allowed cross-origin access ({@code OT_CORS_ORIGINS},
 *     comma-separated {@code scheme://host[:port]}; none by default)
 * @param requestReadTimeout a request whose body has not fully arrived this long after its headers
 *     gets 408 and its connection closed ({@code OT_HTTP_READ_TIMEOUT_SECONDS}, default 10)
 * @param maxConnectionsPerAddress open connections one client address may hold on a service's
 *     server; more are closed at once ({@code OT_HTTP_MAX_CONNECTIONS_PER_ADDRESS}, default 256;
 *     0: no cap, for services behind an ingress, which bounds its own clients)
 */
public record CommonConfig(String kafkaBootstrap, String mongoUri, String instanceId, String host,
    boolean shipLogs, java.time.Duration startupTimeout, short topicReplication,
    org.otplatform.common.tls.TlsSettings tls, java.util.List<String> corsOrigins,
    java.time.Duration requestReadTimeout, int maxConnectionsPerAddress) {

  public static CommonConfig from(Env env, String service) {
    String kafka = env.string("OT_KAFKA_BOOTSTRAP", "localhost:9092");
    String mongo = env.string("OT_MONGO_URI", "mongodb://localhost:27017");
    if (!mongo.startsWith("mongodb://") && !mongo.startsWith("mongodb+srv://")) {
      env.problem("OT_MONGO_URI must start with mongodb:// or mongodb+srv://, got '" + redact(mongo) + "'");
    }
    if (!kafka.matches("[^,\\s]+:\\d+(,[^,\\s]+:\\d+)*")) {
      env.problem("OT_KAFKA_BOOTSTRAP must be host:port[,host:port...], got '" + kafka + "'");
    }
    String instance = env.string("OT_INSTANCE_ID", service + "-" + shortHostName());
    String format = env.string("OT_LOG_FORMAT", "json");
    if (!format.equals("json") && !format.equals("text")) {
      env.problem("OT_LOG_FORMAT must be json or text, got '" + format + "'");
    }
    return new CommonConfig(kafka, mongo, instance, env.string("OT_HOST", "0.0.0.0"),
        env.bool("OT_LOG_TO_KAFKA", true),
        env.seconds("OT_STARTUP_TIMEOUT_SECONDS", java.time.Duration.ofSeconds(30)),
        (short) Math.min(env.positive("OT_KAFKA_TOPIC_REPLICATION", 1), Short.MAX_VALUE),
        org.otplatform.common.tls.TlsSettings.from(env), corsOrigins(env),
        env.seconds("OT_HTTP_READ_TIMEOUT_SECONDS", java.time.Duration.ofSeconds(10)),
        nonNegative(env, "OT_HTTP_MAX_CONNECTIONS_PER_ADDRESS", 256));
  }

  private static int nonNegative(Env env, String name, int fallback) {
    int value = env.integer(name, fallback);
    if (value < 0) {
      env.problem(name + " must be 0 (no cap) or more, got " + value);
    }
    return value;
  }

  private static java.util.List<String> corsOrigins(Env env) {
    java.util.List<String> origins = new java.util.ArrayList<>();
    for (String o : env.string("OT_CORS_ORIGINS", "").split(",")) {
      String origin = o.trim();
      if (origin.isEmpty()) {
        continue;
      }
      if (!origin.matches("https?://[A-Za-z0-9.-]+(:\\d{1,5})?")) {
        env.problem("OT_CORS_ORIGINS must list origins like https://app.example.org, got '" + origin + "'");
      }
      origins.add(origin);
    }
    return java.util.List.copyOf(origins);
  }

  /** How this service reaches Kafka: the bootstrap servers, over mutual TLS when TLS is on. */
  public org.otplatform.common.kafka.KafkaConnection kafka() {
    return new org.otplatform.common.kafka.KafkaConnection(kafkaBootstrap, tls.kafka());
  }

  /** The Mongo URI with any password replaced, for logs. */
  public String redactedMongoUri() {
    return redact(mongoUri);
  }

  static String redact(String uri) {
    return uri.replaceAll("//([^:/@]+):[^@]*@", "//$1:***@");
  }

  private static String shortHostName() {
    String host = System.getenv().getOrDefault("HOSTNAME", "");
    if (host.isBlank()) {
      host = Long.toHexString(ProcessHandle.current().pid());
    }
    return host;
  }
}
