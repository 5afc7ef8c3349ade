package org.otplatform.embedded;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.vertx.core.Vertx;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
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
import org.otplatform.common.kafka.KafkaConnection;
import org.otplatform.common.kafka.KafkaSupport;
import org.otplatform.common.tls.TlsSettings;
import org.otplatform.embedded.tls.CertificateAuthority;

/**
 * The cluster's Kafka authorisation, for real: a broker configured as deploy/k8s's brokers are
 * (certificate names as principals, the brokers the only super users, no ACL no access), the ACL
 * list of {@code components/tls/kafka-acls.yaml} applied by that file's own {@code apply.sh} with
 * Kafka's {@code AclCommand} — then each service's certificate does what its code does, a service
 * cannot write a topic it is not a writer of (only the LSS writes session events: the relay, which
 * reads them, cannot forge a {@code ServiceReady}), and a compute pod's certificate, of the same
 * CA, can do nothing at all.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(300)
class KafkaAclsTest {
  private static final Path ACLS = Path.of("..", "deploy", "k8s", "components", "tls", "kafka-acls.yaml");
  private static final Path BROKER_LIB = Path.of(System.getProperty("ot.broker.lib", "../broker/target/lib"));
  private static final List<String> SERVICES = List.of("gss", "auth", "lss", "relay", "logger");
  private final Vertx vertx = Vertx.vertx();
  private Path dir;
  private KafkaBroker broker;
  private final Map<String, TlsSettings> certs = new HashMap<>();

  @BeforeAll
  void start() throws Exception {
    dir = Files.createTempDirectory("ot-kafka-acls");
    CertificateAuthority ca = CertificateAuthority.create("test platform CA", Duration.ofDays(2));
    for (String name : List.of("kafka", "gss", "auth", "lss", "relay", "logger", "compute")) {
      ca.issue(name, List.of("localhost", "127.0.0.1"), Duration.ofDays(1)).write(dir.resolve(name), ca.certificate());
      Path d = dir.resolve(name);
      certs.put(name, TlsSettings.from(new Env(Map.of("OT_TLS_CERT", d.resolve("tls.crt").toString(),
          "OT_TLS_KEY", d.resolve("tls.key").toString(), "OT_TLS_CA", d.resolve("ca.crt").toString()))));
    }
    broker = new KafkaBroker(dir.resolve("broker"), BROKER_LIB, FreePorts.pick(), FreePorts.pick(), certs.get("kafka"))
        .superUsers(Set.of("kafka"));
    broker.start(Duration.ofSeconds(90));
    applyTheDeploymentsAcls();
  }

  @AfterAll
  void stop() throws Exception {
    if (broker != null) {
      broker.close();
    }
    vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
  }

  /** Runs the ConfigMap's apply.sh as the Job does, kafka-acls.sh being Kafka's AclCommand on the broker's class path. */
  private void applyTheDeploymentsAcls() throws Exception {
    Map<String, String> data = configMap("kafka-acls");
    Path home = dir.resolve("kafka-home");
    Files.createDirectories(home.resolve("bin"));
    Path tool = home.resolve("bin/kafka-acls.sh");
    Files.writeString(tool, "#!/bin/sh\nexec \"" + Path.of(System.getProperty("java.home"), "bin", "java")
        + "\" -XX:TieredStopAtLevel=1 -XX:+UseSerialGC -Xmx128m -cp '" + BROKER_LIB.toAbsolutePath()
        + "/*' org.apache.kafka.tools.AclCommand \"$@\"\n");
    assertTrue(tool.toFile().setExecutable(true));
    Path acls = dir.resolve("acls");
    Files.writeString(acls, data.get("acls"));
    Path script = dir.resolve("apply.sh");
    Files.writeString(script, data.get("apply.sh"));
    Path work = Files.createDirectories(dir.resolve("job-tmp"));
    ProcessBuilder job = new ProcessBuilder("sh", script.toString()).redirectErrorStream(true);
    job.environment().putAll(Map.of("KAFKA_HOME", home.toString(), "KAFKA_WORK_DIR", work.toString(),
        "ACLS", acls.toString(), "KAFKA_BOOTSTRAP", broker.bootstrap(),
        "KAFKA_TLS_DIR", dir.resolve("kafka").toString(), "KAFKA_ACLS_DEADLINE_SECONDS", "60"));
    Process p = job.start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(200, TimeUnit.SECONDS), "apply.sh did not finish:\n" + out);
    assertEquals(0, p.exitValue(), "apply.sh failed:\n" + out);
    assertTrue(out.contains("allowed Write on topic literal ot.session.events to lss"), out);
  }

  @SuppressWarnings("unchecked")
  private static Map<String, String> configMap(String name) throws Exception {
    try (MappingIterator<Map<String, Object>> docs = new YAMLMapper().readerFor(Map.class).readValues(ACLS.toFile())) {
      while (docs.hasNext()) {
        Map<String, Object> doc = docs.next();
        Map<String, Object> metadata = (Map<String, Object>) doc.get("metadata");
        if ("ConfigMap".equals(doc.get("kind")) && name.equals(metadata.get("name"))) {
          return (Map<String, String>) doc.get("data");
        }
      }
    }
    throw new AssertionError("no ConfigMap " + name + " in " + ACLS);
  }

  /** First: the services create the topics, as at a first start. */
  @Test
  @Order(1)
  void everyServiceDoesWhatItsCodeDoes() throws Exception {
    for (String service : SERVICES) {
      // Dependencies.awaitKafka at every start: list the topics, create what is missing.
      KafkaSupport.ensureTopics(vertx, connection(service), 6, (short) 1).toCompletionStage().toCompletableFuture()
          .get(60, TimeUnit.SECONDS);
      assertEquals("sent", produce(service, Topics.LOGS), service + " ships its logs");
    }
    Map<String, List<String>> writes = Map.of("gss", List.of(Topics.SESSION_COMMANDS, Topics.REGISTRY, Topics.DEAD_LETTERS),
        "lss", List.of(Topics.SESSION_EVENTS, Topics.REGISTRY, Topics.DEAD_LETTERS), "relay", List.of(Topics.SESSION_ACTIVITY),
        "auth", List.of(Topics.AUDIT, Topics.REVOCATIONS));
    writes.forEach((service, topics) -> topics.forEach(topic ->
        assertEquals("sent", produce(service, topic), service + " writes " + topic)));
    // The groups as the code names them: fixed (gss, lss, logger) and per instance (broadcast).
    assertEquals("read", consume("gss", "gss", Topics.SESSION_EVENTS));
    assertEquals("read", consume("gss", "gss-activity", Topics.SESSION_ACTIVITY));
    assertEquals("read", consume("lss", "lss", Topics.SESSION_COMMANDS));
    assertEquals("read", consume("logger", "logger", Topics.LOGS));
    assertEquals("read", consume("logger", "logger-dead-letters", Topics.DEAD_LETTERS));
    assertEquals("read", consume("relay", broadcastGroup("relay-7c9d-x2v4q", Topics.SESSION_EVENTS),
        Topics.SESSION_EVENTS));
    assertEquals("read", consume("auth", broadcastGroup("auth-5b6f-k8p2z", Topics.REVOCATIONS), Topics.REVOCATIONS));
  }

  @Test
  @Order(2)
  void onlyTheLssWritesSessionEvents() {
    assertEquals("sent", produce("lss", Topics.SESSION_EVENTS));
    for (String other : List.of("relay", "gss", "auth", "logger")) {
      String outcome = produce(other, Topics.SESSION_EVENTS);
      assertTrue(outcome.contains("TopicAuthorizationException"), other + ": " + outcome);
    }
    String commands = produce("relay", Topics.SESSION_COMMANDS);
    assertTrue(commands.contains("TopicAuthorizationException"), "the relay cannot command an LSS: " + commands);
    String logs = consume("gss", "gss-peek", Topics.LOGS);
    assertTrue(logs.contains("TopicAuthorizationException"), "only the logger reads the logs: " + logs);
    String group = consume("relay", "gss", Topics.SESSION_EVENTS);
    assertTrue(group.contains("GroupAuthorizationException"), "not another service's group: " + group);
  }

  @Test
  @Order(3)
  void aComputeCertificateOfTheSameCaCanDoNothing() throws Exception {
    for (String topic : List.of(Topics.SESSION_EVENTS, Topics.LOGS, Topics.REGISTRY)) {
      String outcome = produce("compute", topic);
      assertTrue(outcome.contains("TopicAuthorizationException"), topic + ": " + outcome);
    }
    Properties props = clientProperties("compute");
    try (Admin admin = Admin.create(props)) {
      assertEquals(Set.of(), admin.listTopics().names().get(30, TimeUnit.SECONDS),
          "a compute certificate does not even see the topics");
    }
  }

  private static String broadcastGroup(String instanceId, String topic) {
    return instanceId + "-" + topic + "-" + UUID.randomUUID();
  }

  private KafkaConnection connection(String name) {
    return new KafkaConnection(broker.bootstrap(), certs.get(name).kafka());
  }

  private Properties clientProperties(String name) {
    Properties props = new Properties();
    props.putAll(certs.get(name).kafka());
    props.put("bootstrap.servers", broker.bootstrap());
    props.put("request.timeout.ms", "5000");
    props.put("default.api.timeout.ms", "15000");
    return props;
  }

  /** "sent", or "refused: " and why. */
  private String produce(String as, String topic) {
    Properties props = clientProperties(as);
    props.put("max.block.ms", "10000");
    props.put("delivery.timeout.ms", "15000");
    props.put("linger.ms", "0");
    try (KafkaProducer<String, String> producer = new KafkaProducer<>(props, new StringSerializer(),
        new StringSerializer())) {
      producer.send(new ProducerRecord<>(topic, "acl-test", "{\"type\":\"AclTest\",\"by\":\"" + as + "\"}"))
          .get(30, TimeUnit.SECONDS);
      return "sent";
    } catch (Exception e) {
      return "refused: " + e;
    }
  }

  /** "read" once the consumer got at least one record of the topic from its start, or "refused: " and why. */
  private String consume(String as, String group, String topic) {
    Properties props = clientProperties(as);
    props.put("group.id", group);
    props.put("auto.offset.reset", "earliest");
    try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(props, new StringDeserializer(),
        new StringDeserializer())) {
      consumer.subscribe(List.of(topic));
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      while (System.nanoTime() < deadline) {
        ConsumerRecords<String, String> records = consumer.poll(Duration.ofMillis(500));
        if (!records.isEmpty()) {
          consumer.commitSync();
          return "read";
        }
      }
      return "nothing read within 30 s";
    } catch (Exception e) {
      return "refused: " + e;
    }
  }
}
