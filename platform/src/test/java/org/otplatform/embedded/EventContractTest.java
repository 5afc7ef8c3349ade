package org.otplatform.embedded;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonObject;
import io.vertx.json.schema.Draft;
import io.vertx.json.schema.JsonSchema;
import io.vertx.json.schema.JsonSchemaOptions;
import io.vertx.json.schema.OutputUnit;
import io.vertx.json.schema.Validator;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.otplatform.common.events.Topics;
import org.yaml.snakeyaml.Yaml;

/**
 * The published event contract ({@code asyncapi/ot-platform.yaml}) against what the platform
 * publishes: a platform of this test's own is driven through logins, a user disabled, a session
 * opened, used through the relay and closed, a session whose service fails after a restart, an LSS
 * drained and back, and a record the GSS cannot read; then every record on every topic is read
 * from the start and checked against the schema of its channel's message of that type. A type
 * the document does not list for that topic, a field it does not name, or a missing one fails.
 */
@Timeout(240)
class EventContractTest {
  private static final Duration DEADLINE = Duration.ofSeconds(60);
  private static final String GARBAGE_KEY = "event-contract-garbage";

  @Test
  @SuppressWarnings("unchecked")
  void everyRecordThePlatformPublishesMatchesItsSchema() throws Exception {
    Path catalog = Files.createTempFile("ot-catalog-contract", ".json");
    JsonObject types;
    try (java.io.InputStream in = EventContractTest.class.getResourceAsStream("/catalog.json")) {
      types = new JsonObject(new String(in.readAllBytes(), StandardCharsets.UTF_8));
    }
    types.getJsonObject("types").put("crashy", new JsonObject().put("maxOpenPerProject", 5).put("services",
        new io.vertx.core.json.JsonArray().add(types.getJsonObject("types").getJsonObject("echo").getJsonArray("services")
            .getJsonObject(0).copy().put("restartLimit", 1)
            .put("env", new JsonObject().put("OT_ECHO_EXIT_ACTION", "true")))));
    types.getJsonObject("types").put("broken", new JsonObject("""
        {"maxOpenPerProject": 5, "services": [{"name": "solver", "restartLimit": 1,
          "command": ["sh", "-c", "echo 'no licence' >&2; exit 3"]}]}"""));
    Files.writeString(catalog, types.encode());
    try (OwnPlatform own = OwnPlatform.start(Map.of("OT_INSTANCE_ID", "contract", "OT_CATALOG", catalog.toString(),
        "OT_RELAY_ACTIVITY_SECONDS", "1", "OT_LSS_RESTART_BACKOFF_MILLIS", "100", "OT_LSS_HEARTBEAT_SECONDS", "1"),
        "contract")) {
      drive(own);
      // Served as shipped, for consumers outside the platform.
      Api.Reply served = Api.get(own.gss + "/api/v1/events/asyncapi.yaml", null).expect(200);
      try (java.io.InputStream in = EventContractTest.class.getResourceAsStream("/asyncapi/ot-platform.yaml")) {
        assertEquals(new String(in.readAllBytes(), StandardCharsets.UTF_8), served.body());
      }
      assertEquals("application/yaml", served.contentType());
      Map<String, Validator> validators = validators();
      // The schemas refuse what the contract does not allow: an unknown field, a missing one, another version.
      JsonObject close = new JsonObject().put("type", "SessionCloseRequested").put("version", 1).put("id", "i")
          .put("time", "2026-12-03T10:00:00Z").put("source", "gss").put("sessionId", "s").put("reason", "");
      Validator closes = validators.get(Topics.SESSION_COMMANDS + " SessionCloseRequested");
      assertTrue(closes.validate(close).getValid(), close.encode());
      for (JsonObject bad : List.of(close.copy().put("closedBy", "me"), close.copy().put("version", 2),
          new JsonObject(close.encode()).put("reason", 7), closeWithout(close, "sessionId"), closeWithout(close, "time"))) {
        assertTrue(!closes.validate(bad).getValid(), "refused: " + bad.encode());
      }
      Map<String, Integer> seen = new TreeMap<>();
      List<String> problems = new ArrayList<>();
      for (ConsumerRecord<String, String> record : everything(own.platform)) {
        if (GARBAGE_KEY.equals(record.key()) && Topics.SESSION_EVENTS.equals(record.topic())) {
          continue; // this test's own unreadable record
        }
        JsonObject value = new JsonObject(record.value());
        String message = Topics.LOGS.equals(record.topic()) ? "LogRecord"
            : Topics.AUDIT.equals(record.topic()) ? "AuditEvent" : value.getString("type");
        String where = record.topic() + "@" + record.partition() + ":" + record.offset() + " " + message;
        Validator validator = validators.get(record.topic() + " " + message);
        if (validator == null) {
          problems.add(where + ": not a message of " + record.topic() + " in the contract");
          continue;
        }
        OutputUnit result = validator.validate(value);
        if (!result.getValid()) {
          problems.add(where + ": " + result.getErrors() + " in " + record.value());
        }
        seen.merge(Topics.AUDIT.equals(record.topic()) ? value.getString("type") : message, 1, Integer::sum);
      }
      assertEquals(List.of(), problems, "records that do not match the contract; seen: " + seen);
      Set<String> expected = new TreeSet<>(List.of("SessionOpenRequested", "SessionCloseRequested", "ServiceStarting",
          "ServiceReady", "ServiceFailed", "ServiceRestarting", "SessionReady", "SessionFailed", "SessionClosed",
          "SessionActivity", "LssHeartbeat", "LssDrainRequested", "LssClaimGranted", "LoginSucceeded",
          "LoginFailed", "UserCreated", "UserDisabled", "ProjectCreated", "UserRevoked", "DeadLetter"));
      // Not LogRecord: the log appender is one per JVM and may ship to another test's platform's broker
      // (the records that do reach this one are validated above, as every record is).
      expected.removeAll(seen.keySet());
      assertEquals(Set.of(), expected, "driven but not seen; seen: " + seen);
    }
  }

  private static JsonObject closeWithout(JsonObject event, String field) {
    JsonObject copy = event.copy();
    copy.remove(field);
    return copy;
  }

  /** What makes the platform publish each kind of event. */
  private static void drive(OwnPlatform own) throws Exception {
    EmbeddedPlatform platform = own.platform;
    Api.post(own.auth + "/api/v1/login", null, new JsonObject().put("username", "admin").put("password", "wrong")
        .encode()).expect(401);
    Api.post(own.auth + "/api/v1/users", own.token, new JsonObject().put("username", "lea-contract")
        .put("password", "lea-contract-password").encode()).expect(201);
    Api.send("PATCH", own.auth + "/api/v1/users/lea-contract", own.token, "{\"disabled\":true}").expect(200);

    String echo = open(own, "crashy");
    Api.await("the echo session READY", DEADLINE, () -> "READY".equals(state(own, echo)));
    try (WsProbe ws = WsProbe.connect("ws://127.0.0.1:" + platform.ports().relay() + "/ws/sessions/" + echo,
        own.token)) {
      ws.send(new JsonObject().put("to", "echo").put("id", 1).put("action", "ping").put("payload", new JsonObject()));
      assertEquals(1, ws.next(DEADLINE).getInteger("re"));
      ws.send(new JsonObject().put("to", "echo").put("id", 2).put("action", "exit")
          .put("payload", new JsonObject().put("code", 3)));
      assertEquals(2, ws.next(DEADLINE).getInteger("re"));
    }
    Api.await("the echo service restarted", DEADLINE, () -> {
      JsonObject service = Api.get(own.gss + "/api/v1/sessions/" + echo, own.token).expect(200).json()
          .getJsonArray("services").getJsonObject(0);
      return "READY".equals(service.getString("state")) && service.getInteger("restarts", 0) == 1;
    });
    JsonObject view = Api.get(own.gss + "/api/v1/admin/lss", own.token).expect(200).json();
    String lssId = view.getJsonArray("lss").getJsonObject(0).getString("id");
    Api.post(own.gss + "/api/v1/admin/lss/" + lssId + "/drain", own.token, "").expect(202);
    Api.delete(own.gss + "/api/v1/admin/lss/" + lssId + "/drain", own.token).expect(202);
    Api.await("the LSS taking sessions again", DEADLINE, () -> "up".equals(Api.get(own.gss + "/api/v1/admin/lss",
        own.token).expect(200).json().getJsonArray("lss").getJsonObject(0).getString("status")));
    Api.delete(own.gss + "/api/v1/sessions/" + echo, own.token).expect(202);
    Api.await("the echo session CLOSED", DEADLINE, () -> "CLOSED".equals(state(own, echo)));

    String broken = open(own, "broken");
    Api.await("the broken session FAILED", DEADLINE, () -> "FAILED".equals(state(own, broken)));

    // A record the GSS cannot read: it sets it aside as a dead letter.
    java.util.Properties props = LogRecords.properties(platform);
    try (KafkaProducer<String, String> producer = new KafkaProducer<>(props, new StringSerializer(),
        new StringSerializer())) {
      producer.send(new ProducerRecord<>(Topics.SESSION_EVENTS, GARBAGE_KEY, "{not json")).get();
    }
    Api.await("the dead letter in the logger", DEADLINE, () -> Api.get(own.platform.url(platform.ports().logger())
        + "/api/v1/dead-letters", own.token).expect(200).body().contains(GARBAGE_KEY));
  }

  private static String open(OwnPlatform own, String type) {
    return Api.post(own.gss + "/api/v1/sessions", own.token, new JsonObject().put("project", "contract")
        .put("type", type).encode()).expect(202).json().getString("id");
  }

  private static String state(OwnPlatform own, String id) {
    return Api.get(own.gss + "/api/v1/sessions/" + id, own.token).expect(200).json().getString("state");
  }

  /** Every record of every topic, from the first to the last at the time of the call. */
  private static List<ConsumerRecord<String, String>> everything(EmbeddedPlatform platform) {
    java.util.Properties props = LogRecords.properties(platform);
    props.put("enable.auto.commit", "false");
    props.put("max.poll.records", "2000");
    List<ConsumerRecord<String, String>> records = new ArrayList<>();
    try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(props, new StringDeserializer(),
        new StringDeserializer())) {
      List<TopicPartition> partitions = new ArrayList<>();
      for (String topic : Topics.ALL) {
        consumer.partitionsFor(topic, Duration.ofSeconds(30)).forEach(p -> partitions.add(new TopicPartition(topic,
            p.partition())));
      }
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      Map<TopicPartition, Long> end = consumer.endOffsets(partitions, Duration.ofSeconds(30));
      long deadline = System.nanoTime() + DEADLINE.toNanos();
      while (partitions.stream().anyMatch(p -> consumer.position(p, Duration.ofSeconds(30)) < end.get(p))) {
        assertTrue(System.nanoTime() < deadline, "read every topic to its end within " + DEADLINE.toSeconds() + " s");
        consumer.poll(Duration.ofMillis(500)).forEach(records::add);
      }
    }
    return records;
  }

  /**
   * A validator per topic and message name: the message's payload schema with the document's
   * schemas beside it as {@code $defs}, so its references resolve within it.
   */
  @SuppressWarnings("unchecked")
  private static Map<String, Validator> validators() throws Exception {
    Map<String, Object> doc;
    try (java.io.InputStream in = EventContractTest.class.getResourceAsStream("/asyncapi/ot-platform.yaml")) {
      doc = new Yaml().load(in);
    }
    JsonObject asyncapi = new JsonObject(new JsonObject(doc).encode().replace("#/components/schemas/", "#/$defs/"));
    JsonObject schemas = asyncapi.getJsonObject("components").getJsonObject("schemas");
    JsonObject messages = asyncapi.getJsonObject("components").getJsonObject("messages");
    JsonSchemaOptions options = new JsonSchemaOptions().setDraft(Draft.DRAFT202012)
        .setBaseUri("https://otplatform.example/asyncapi/");
    Map<String, Validator> validators = new HashMap<>();
    for (String channel : asyncapi.getJsonObject("channels").fieldNames()) {
      JsonObject c = asyncapi.getJsonObject("channels").getJsonObject(channel);
      for (String name : c.getJsonObject("messages").fieldNames()) {
        JsonObject payload = messages.getJsonObject(name).getJsonObject("payload").copy().put("$defs", schemas);
        validators.put(c.getString("address") + " " + name, Validator.create(JsonSchema.of(payload), options));
      }
    }
    assertEquals(new TreeSet<>(Topics.ALL), new TreeSet<>(asyncapi.getJsonObject("channels").stream()
        .map(e -> ((JsonObject) e.getValue()).getString("address")).toList()), "a channel per topic");
    return validators;
  }
}
