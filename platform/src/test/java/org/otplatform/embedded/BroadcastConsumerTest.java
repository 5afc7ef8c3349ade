package org.otplatform.embedded;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.kafka.admin.KafkaAdminClient;
import io.vertx.kafka.admin.NewTopic;
import io.vertx.kafka.client.producer.KafkaProducer;
import io.vertx.kafka.client.producer.KafkaProducerRecord;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.otplatform.common.kafka.BroadcastConsumer;
import org.otplatform.common.kafka.KafkaSupport;

/**
 * The reader every replica follows a topic with (routes, the LSS registry, closes), against a real
 * broker that is killed and started again: it reads every record published after it was ready,
 * including those published right after the broker came back, and it is in no consumer group (a
 * group re-forming after the restart is what made it skip records before).
 */
@Timeout(180)
class BroadcastConsumerTest {
  private static final int PARTITIONS = 3;

  private final Vertx vertx = Vertx.vertx();
  private KafkaBroker broker;

  @BeforeEach
  void start() throws Exception {
    broker = new KafkaBroker(Files.createTempDirectory("ot-kafka-broadcast"),
        Path.of(System.getProperty("ot.broker.lib", "../broker/target/lib")), FreePorts.pick(), FreePorts.pick());
    broker.start(Duration.ofSeconds(90));
    KafkaAdminClient admin = KafkaAdminClient.create(vertx, KafkaSupport.adminConfig(broker.connection()));
    await(admin.createTopics(List.of(new NewTopic("followed", PARTITIONS, (short) 1))).eventually(admin::close));
  }

  @AfterEach
  void stop() throws Exception {
    vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    broker.close();
  }

  @Test
  void readsEverythingPublishedAcrossABrokerRestartAndJoinsNoGroup() throws Exception {
    KafkaProducer<String, String> before = producer();
    send(before, "old", 0, 5);
    List<Integer> read = new CopyOnWriteArrayList<>();
    BroadcastConsumer consumer = new BroadcastConsumer(vertx, broker.connection(), "test", "followed",
        json -> read.add(json.getInteger("n")));
    await(consumer.start().compose(v -> consumer.assignment()));
    assertTrue(consumer.isAssigned());

    send(before, "new", 0, 30);
    Api.await("the records published after start read", Duration.ofSeconds(30), () -> read.size() == 30);
    assertEquals(IntStream.range(0, 30).boxed().toList(), read.stream().sorted().toList(),
        "none of those published before the reader was ready, each of the others once");
    await(before.close());

    broker.kill();
    broker.start(Duration.ofSeconds(90));
    KafkaProducer<String, String> after = producer();
    send(after, "new", 30, 60);
    Api.await("the records published right after the restart read", Duration.ofSeconds(60), () -> read.size() == 60);
    assertEquals(IntStream.range(0, 60).boxed().toList(), read.stream().sorted().toList());

    KafkaAdminClient admin = KafkaAdminClient.create(vertx, KafkaSupport.adminConfig(broker.connection()));
    assertEquals(List.of(), await(admin.listConsumerGroups().eventually(admin::close)),
        "a broadcast reader belongs to no consumer group");
    await(after.close());
    await(consumer.close());
  }

  private KafkaProducer<String, String> producer() {
    return KafkaProducer.create(vertx, KafkaSupport.producerConfig(broker.connection(), "test"));
  }

  /** Sends n = from..to-1, spread over every partition; waits for every acknowledgement. */
  private static void send(KafkaProducer<String, String> producer, String tag, int from, int to) throws Exception {
    List<Future<?>> sent = IntStream.range(from, to)
        .mapToObj(n -> producer.send(KafkaProducerRecord.create("followed", "k" + n,
            new JsonObject().put("n", tag.equals("old") ? -1 - n : n).encode(), n % PARTITIONS)))
        .<Future<?>>map(f -> f)
        .toList();
    await(Future.all(sent));
  }

  private static <T> T await(Future<T> f) throws Exception {
    return f.toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
  }
}
