package org.otplatform.embedded;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.kafka.admin.KafkaAdminClient;
import io.vertx.kafka.admin.NewTopic;
import io.vertx.kafka.client.common.TopicPartition;
import io.vertx.kafka.client.consumer.OffsetAndMetadata;
import io.vertx.kafka.client.producer.KafkaProducer;
import io.vertx.kafka.client.producer.KafkaProducerRecord;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.json.JsonObject;
import io.vertx.kafka.client.consumer.KafkaConsumer;
import org.otplatform.common.events.Topics;
import org.otplatform.common.kafka.DeadLetters;
import org.otplatform.common.kafka.EventPublisher;
import org.otplatform.common.kafka.KafkaSupport;
import org.otplatform.common.kafka.KeyOrderedConsumer;

/**
 * The consumer the GSS and the LSS act through, against a real broker: one key's records in order,
 * other keys meanwhile, offsets committed only past what is finished, failures retried, and what
 * cannot be handled put on the dead-letter topic.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(120)
class KeyOrderedConsumerTest {
  private final Vertx vertx = Vertx.vertx();
  private KafkaBroker broker;
  private KafkaProducer<String, String> producer;

  private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
  private EventPublisher publisher;

  @BeforeAll
  void start() throws Exception {
    broker = new KafkaBroker(Files.createTempDirectory("ot-kafka-test"),
        Path.of(System.getProperty("ot.broker.lib", "../broker/target/lib")), FreePorts.pick(), FreePorts.pick());
    broker.start(Duration.ofSeconds(90));
    producer = KafkaProducer.create(vertx, KafkaSupport.producerConfig(broker.connection(), "test"));
    publisher = new EventPublisher(vertx, broker.connection(), "test");
    topic(Topics.DEAD_LETTERS);
  }

  private DeadLetters deadLetters() {
    return new DeadLetters(publisher, meters, "test", "test-1", java.time.Clock.systemUTC());
  }

  @AfterAll
  void stop() throws Exception {
    producer.close();
    publisher.close();
    vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    broker.close();
  }

  private void topic(String name) throws Exception {
    KafkaAdminClient admin = KafkaAdminClient.create(vertx, KafkaSupport.adminConfig(broker.connection()));
    await(admin.createTopics(List.of(new NewTopic(name, 1, (short) 1))).eventually(admin::close));
  }

  private void send(String topic, String key, String value) throws Exception {
    await(producer.send(KafkaProducerRecord.create(topic, key, value)));
  }

  /** Runs {@code action} on {@code context} (where the consumer lives) and waits for its future. */
  private static <T> T on(io.vertx.core.Context context, java.util.function.Supplier<Future<T>> action)
      throws Exception {
    java.util.concurrent.CompletableFuture<T> result = new java.util.concurrent.CompletableFuture<>();
    context.runOnContext(v -> action.get().onComplete(r -> {
      if (r.succeeded()) {
        result.complete(r.result());
      } else {
        result.completeExceptionally(r.cause());
      }
    }));
    return result.get(30, TimeUnit.SECONDS);
  }

  private static <T> T await(Future<T> f) throws Exception {
    return f.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
  }

  private static void awaitCondition(String what, java.util.function.BooleanSupplier condition) {
    Api.await(what, Duration.ofSeconds(30), condition);
  }

  private long committed(String topic, String group) throws Exception {
    KafkaAdminClient admin = KafkaAdminClient.create(vertx, KafkaSupport.adminConfig(broker.connection()));
    Map<TopicPartition, OffsetAndMetadata> offsets = await(admin.listConsumerGroupOffsets(group)
        .eventually(admin::close));
    OffsetAndMetadata o = offsets.get(new TopicPartition(topic, 0));
    return o == null ? -1 : o.getOffset();
  }

  @Test
  void oneKeyInOrderOtherKeysMeanwhileCommitsOnlyPastWhatIsFinished() throws Exception {
    topic("ordered");
    List<String> handled = new CopyOnWriteArrayList<>();
    io.vertx.core.Context context = vertx.getOrCreateContext();
    Promise<Void> slow = Promise.promise();
    KeyOrderedConsumer consumer = on(context, () -> Future.succeededFuture(new KeyOrderedConsumer(vertx,
        KafkaSupport.consumerConfig(broker.connection(), "ordered-group", "test"), "ordered", 16, record -> {
          handled.add(record.value());
          return record.value().equals("a1") ? slow.future() : Future.succeededFuture();
        }, deadLetters())));
    try {
      on(context, consumer::start);
      for (String[] r : new String[][] {{"a", "a1"}, {"b", "b1"}, {"a", "a2"}, {"b", "b2"}, {"c", "c1"}}) {
        send("ordered", r[0], r[1]);
      }
      awaitCondition("b and c handled while a1 is not finished", () -> handled.containsAll(List.of("b1", "b2", "c1")));
      assertTrue(!handled.contains("a2"), "a2 waits for a1: " + handled);
      awaitCondition("a commit that stops at a1, not past the records finished after it", () -> {
        try {
          return committed("ordered", "ordered-group") == 0;
        } catch (Exception e) {
          return false;
        }
      });
      on(context, () -> {
        slow.complete();
        return Future.succeededFuture();
      });
      awaitCondition("a2 handled after a1", () -> handled.contains("a2"));
      assertTrue(handled.indexOf("a2") > handled.indexOf("a1"));
      awaitCondition("everything committed", () -> {
        try {
          return committed("ordered", "ordered-group") == 5;
        } catch (Exception e) {
          return false;
        }
      });
    } finally {
      on(context, consumer::close);
    }
  }

  @Test
  void aFailingHandlerIsTriedAgainBeforeTheRecordIsGivenUp() throws Exception {
    topic("retried");
    AtomicInteger calls = new AtomicInteger();
    List<String> done = new CopyOnWriteArrayList<>();
    io.vertx.core.Context context = vertx.getOrCreateContext();
    KeyOrderedConsumer consumer = on(context, () -> Future.succeededFuture(new KeyOrderedConsumer(vertx,
        KafkaSupport.consumerConfig(broker.connection(), "retried-group", "test"), "retried", 16, record -> {
          if (record.value().equals("flaky") && calls.incrementAndGet() < 3) {
            return Future.failedFuture(new IllegalStateException("store unreachable"));
          }
          done.add(record.value());
          return Future.succeededFuture();
        }, deadLetters())));
    try {
      on(context, consumer::start);
      send("retried", "k", "flaky");
      send("retried", "k", "next");
      awaitCondition("the flaky record handled on its third try, then the next", () -> done.size() == 2);
      assertEquals(List.of("flaky", "next"), done);
      assertEquals(3, calls.get());
    } finally {
      on(context, consumer::close);
    }
  }

  /**
   * A record whose handler fails every time is tried {@code ATTEMPTS} times, one that cannot be read
   * once; both go to the dead letters with their error and whole value, are counted, and do not hold
   * up the records after them.
   */
  @Test
  void whatCannotBeHandledGoesToTheDeadLettersAndTheRestGoesOn() throws Exception {
    topic("poisoned");
    List<String> done = new CopyOnWriteArrayList<>();
    io.vertx.core.Context context = vertx.getOrCreateContext();
    KeyOrderedConsumer consumer = on(context, () -> Future.succeededFuture(new KeyOrderedConsumer(vertx,
        KafkaSupport.consumerConfig(broker.connection(), "poisoned-group", "test"), "poisoned", 16, record -> {
          switch (record.value()) {
            case "poison": return Future.failedFuture(new IllegalStateException("store refuses it"));
            case "garbage": return Future.failedFuture(new IllegalArgumentException("not an event"));
            default:
              done.add(record.value());
              return Future.succeededFuture();
          }
        }, deadLetters())));
    List<JsonObject> letters = new CopyOnWriteArrayList<>();
    KafkaConsumer<String, String> reader = KafkaConsumer.create(vertx, KafkaSupport.consumerConfig(
        broker.connection(), "dead-letter-reader", "test"));
    reader.handler(r -> letters.add(new JsonObject(r.value()).put("recordKey", r.key())));
    try {
      await(reader.subscribe(Topics.DEAD_LETTERS));
      on(context, consumer::start);
      send("poisoned", "k", "poison");
      send("poisoned", "k", "garbage");
      send("poisoned", "k", "after");
      awaitCondition("the record after the two handled", () -> done.contains("after"));
      awaitCondition("two dead letters", () -> letters.size() == 2);
      JsonObject poison = letters.get(0);
      assertEquals("DeadLetter", poison.getString("type"));
      assertEquals("poisoned", poison.getString("topic"));
      assertEquals(0L, poison.getLong("offset"));
      assertEquals("k", poison.getString("recordKey"), "keyed as the record was");
      assertEquals("poison", poison.getString("value"));
      assertEquals("poisoned-group", poison.getString("group"));
      assertEquals(5, poison.getInteger("attempts"));
      assertEquals("IllegalStateException: store refuses it", poison.getString("error"));
      JsonObject garbage = letters.get(1);
      assertEquals(1, garbage.getInteger("attempts"), "an unreadable record is not tried again");
      assertEquals("IllegalArgumentException: not an event", garbage.getString("error"));
      assertEquals(2.0, meters.get("ot_dead_letters").tag("topic", "poisoned").counter().count());
      awaitCondition("everything committed", () -> {
        try {
          return committed("poisoned", "poisoned-group") == 3;
        } catch (Exception e) {
          return false;
        }
      });
    } finally {
      on(context, consumer::close);
      await(reader.close());
    }
  }
}
