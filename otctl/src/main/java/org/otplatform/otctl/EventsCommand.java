package org.otplatform.otctl;

import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.StringDeserializer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/**
 * The platform's events read as a consumer outside it reads them (the AsyncAPI contract,
 * {@code GET /api/v1/events/asyncapi.yaml}): straight from Kafka, with a consumer group of its own
 * or none. Without {@code --follow} it reads what the topics hold up to now and ends.
 */
@Command(mixinStandardHelpOptions = true, name = "events",
    description = {"The platform's events from Kafka, as a consumer outside the platform reads them: one line each "
        + "(time, type, session, the rest), or the record as it is with -o json.",
        "Without --group it reads every partition itself and commits nothing; with --group it is a member of that "
            + "consumer group, commits what it printed, and the next run goes on from there. On a cluster it needs a "
            + "certificate of the platform CA with a read ACL for the topics (and the group)."},
    footerHeading = "%nExamples:%n",
    footer = {"  otctl events --bootstrap 127.0.0.1:9092 --ca data/tls/ca.crt --cert data/tls/embedded/tls.crt \\",
        "      --key data/tls/embedded/tls.key --from-start --session 9b1f6c4e-…",
        "  otctl events --bootstrap kafka:9093 --ca ca.crt --cert me.crt --key me.key --group billing --follow -o json",
        "  otctl events --bootstrap 127.0.0.1:9092 … --topic ot.audit --from-start"})
final class EventsCommand implements Callable<Integer> {
  private static final Duration POLL = Duration.ofMillis(500);

  @ParentCommand Otctl root;

  @Option(names = "--bootstrap", required = true, paramLabel = "HOST:PORT",
      description = "Kafka's bootstrap servers (the services' OT_KAFKA_BOOTSTRAP).")
  String bootstrap;

  @Option(names = "--topic", paramLabel = "TOPIC", split = ",", defaultValue = "ot.session.events",
      description = "Topics to read (default: ${DEFAULT-VALUE}); e.g. ot.session.commands, ot.audit, ot.registry.")
  List<String> topics;

  @Option(names = "--group", paramLabel = "GROUP", description = "Read as a member of this consumer group.")
  String group;

  @Option(names = "--from-start", description = "Begin at the oldest record kept (a group's first run, or without a group).")
  boolean fromStart;

  @Option(names = {"-f", "--follow"}, description = "Keep reading new events until interrupted.")
  boolean follow;

  @Option(names = "--session", paramLabel = "ID", description = "Only the events of this session (the record key).")
  String session;

  @Option(names = "--ca", paramLabel = "FILE", description = "The platform CA (PEM): Kafka over mutual TLS.")
  Path ca;

  @Option(names = "--cert", paramLabel = "FILE", description = "This consumer's certificate (PEM), of the platform CA.")
  Path cert;

  @Option(names = "--key", paramLabel = "FILE", description = "Its private key (PKCS#8 PEM).")
  Path key;

  @Override
  public Integer call() throws Exception {
    Map<String, Object> props = config();
    Output out = root.output();
    try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(props)) {
      CountDownLatch done = new CountDownLatch(1);
      Thread interrupt = new Thread(() -> {
        consumer.wakeup();
        try {
          done.await();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }, "otctl-events-stop");
      Runtime.getRuntime().addShutdownHook(interrupt);
      try {
        Map<TopicPartition, Long> ends = start(consumer);
        while (true) {
          ConsumerRecords<String, String> records = consumer.poll(POLL);
          for (ConsumerRecord<String, String> r : records) {
            if (session == null || session.equals(r.key())) {
              print(out, r);
            }
          }
          if (group != null && !records.isEmpty()) {
            consumer.commitSync();
          }
          if (!follow && caughtUp(consumer, ends)) {
            return Exit.OK;
          }
        }
      } catch (WakeupException e) {
        return Exit.OK; // interrupted while following
      } finally {
        done.countDown();
        try {
          Runtime.getRuntime().removeShutdownHook(interrupt);
        } catch (IllegalStateException shuttingDown) {
          // the hook is running: it waits for this close
        }
      }
    } catch (org.apache.kafka.common.errors.TimeoutException e) {
      throw new Exit.Failure(Exit.UNAVAILABLE, "cannot reach Kafka at " + bootstrap + ": " + e.getMessage());
    } catch (KafkaException e) {
      Throwable cause = e.getCause() != null ? e.getCause() : e;
      throw new Exit.Failure(Exit.UNAVAILABLE, "Kafka at " + bootstrap + ": " + cause.getMessage());
    }
  }

  private Map<String, Object> config() {
    Map<String, Object> props = new HashMap<>();
    props.put("bootstrap.servers", bootstrap);
    props.put("key.deserializer", StringDeserializer.class.getName());
    props.put("value.deserializer", StringDeserializer.class.getName());
    props.put("enable.auto.commit", "false");
    props.put("auto.offset.reset", fromStart ? "earliest" : "latest");
    props.put("client.id", "otctl-events");
    props.put("allow.auto.create.topics", "false");
    props.put("default.api.timeout.ms", "15000");
    props.put("request.timeout.ms", "10000");
    if (group != null) {
      props.put("group.id", group);
    }
    if (ca != null || cert != null || key != null) {
      if (ca == null || cert == null || key == null) {
        throw new Exit.Failure(Exit.USAGE, "--ca, --cert and --key go together (Kafka over mutual TLS)");
      }
      props.put("security.protocol", "SSL");
      props.put("ssl.truststore.type", "PEM");
      props.put("ssl.truststore.certificates", read(ca));
      props.put("ssl.keystore.type", "PEM");
      props.put("ssl.keystore.certificate.chain", read(cert));
      props.put("ssl.keystore.key", read(key));
    }
    return props;
  }

  private static String read(Path file) {
    try {
      return Files.readString(file);
    } catch (java.io.IOException e) {
      throw new Exit.Failure(Exit.USAGE, "cannot read " + file + ": " + e.getMessage());
    }
  }

  /**
   * Joins the group, or takes every partition of the topics itself; yields each partition's end as
   * of now, where a run without --follow stops.
   */
  private Map<TopicPartition, Long> start(KafkaConsumer<String, String> consumer) {
    List<TopicPartition> partitions = new ArrayList<>();
    for (String topic : topics) {
      List<PartitionInfo> infos = consumer.partitionsFor(topic);
      if (infos == null || infos.isEmpty()) {
        throw new Exit.Failure(Exit.NOT_FOUND, "Kafka at " + bootstrap + " has no topic " + topic);
      }
      infos.forEach(i -> partitions.add(new TopicPartition(i.topic(), i.partition())));
    }
    if (group != null) {
      consumer.subscribe(topics);
    } else {
      consumer.assign(partitions);
      if (fromStart) {
        consumer.seekToBeginning(partitions);
      } else {
        consumer.seekToEnd(partitions);
      }
    }
    return consumer.endOffsets(partitions);
  }

  /** Whether every partition was read up to its end as of the start (a group's: those it was given). */
  private static boolean caughtUp(KafkaConsumer<String, String> consumer, Map<TopicPartition, Long> ends) {
    Set<TopicPartition> mine = consumer.assignment();
    if (mine.isEmpty()) {
      return false; // a group member not given its partitions yet
    }
    for (TopicPartition tp : mine) {
      if (consumer.position(tp) < ends.getOrDefault(tp, 0L)) {
        return false;
      }
    }
    return true;
  }

  private void print(Output out, ConsumerRecord<String, String> r) {
    if (out.structured()) {
      try {
        out.streamed(new JsonObject(r.value()));
      } catch (DecodeException | ClassCastException e) {
        System.out.println(r.value()); // not an event of ours: as it was written
      }
      return;
    }
    JsonObject event;
    try {
      event = new JsonObject(r.value());
    } catch (DecodeException | ClassCastException e) {
      System.out.println(r.topic() + "  (not JSON)  " + r.value());
      return;
    }
    JsonObject rest = event.copy();
    for (String envelope : List.of("type", "time", "id", "source", "version", "sessionId")) {
      rest.remove(envelope);
    }
    System.out.printf("%s  %-20s  %s  %s%n", event.getString("time", "-"), event.getString("type", "-"),
        event.getString("sessionId", r.key() == null ? "-" : r.key()), rest.encode());
  }
}
