package org.otplatform.common.kafka;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ListOffsetsResult.ListOffsetsResultInfo;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.otplatform.common.service.ServiceLauncher;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code ot_kafka_consumer_lag_records{group, topic}}: how many records of a topic its consumer
 * group has not committed yet — the end offset less the group's committed offset, summed over the
 * topic's partitions; a partition the group never committed counts from its earliest offset (our
 * consumers start there). It is what {@code kafka-consumer-groups --describe} shows, and since our
 * consumers commit only what they have acted on, it counts the records not handled yet.
 *
 * <p>The figure is read from the broker by an admin client, one per Vert.x instance, every
 * {@link #PERIOD} for all the groups its services watch: a scrape only reads the last figure. A
 * consumer's own {@code records-lag} metric would cost no round trip but is not kept for a quiet
 * partition (an incremental fetch response leaves it out), so it said NaN when nothing happened;
 * and the client is not safe to call from the scrape's thread. Every replica of a service exports
 * the same, group-wide figure: take the max per group and topic. NaN until the first reading, and
 * while the broker cannot be read.
 */
public final class ConsumerLag {
  public static final String NAME = "ot_kafka_consumer_lag_records";
  static final Duration PERIOD = Duration.ofSeconds(5);
  private static final Logger LOG = LoggerFactory.getLogger(ConsumerLag.class);
  private static final Map<Vertx, ConsumerLag> MONITORS = new HashMap<>();

  private final Vertx vertx;
  private final Admin admin;
  private final MeterRegistry meters;
  private final List<Watch> watches = new CopyOnWriteArrayList<>();
  private final long timer;

  private ConsumerLag(Vertx vertx, Map<String, String> clientConfig) {
    this.vertx = vertx;
    this.meters = ServiceLauncher.meterRegistry(vertx);
    Map<String, Object> config = new HashMap<>();
    clientConfig.forEach((k, v) -> {
      if (AdminClientConfig.configNames().contains(k)) {
        config.put(k, v);
      }
    });
    config.put(AdminClientConfig.CLIENT_ID_CONFIG, "consumer-lag-" + clientConfig.getOrDefault("client.id", "ot"));
    config.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, "10000");
    config.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "15000");
    this.admin = Admin.create(config);
    this.timer = vertx.setPeriodic(PERIOD.toMillis(), id -> watches.forEach(Watch::sample));
  }

  /**
   * Exports the lag of {@code group} on {@code topic}, read with {@code clientConfig}'s connection
   * (a consumer's settings will do: what is not an admin setting is left out). Close the result
   * when the consumer closes.
   */
  public static synchronized Watch watch(Vertx vertx, Map<String, String> clientConfig, String group,
      String topic) {
    ConsumerLag monitor = MONITORS.computeIfAbsent(vertx, v -> new ConsumerLag(v, clientConfig));
    Watch watch = monitor.new Watch(group, topic);
    monitor.watches.add(watch);
    watch.sample();
    return watch;
  }

  private static synchronized void unwatch(ConsumerLag monitor, Watch watch) {
    monitor.meters.remove(watch.gauge);
    monitor.watches.remove(watch);
    if (monitor.watches.isEmpty() && MONITORS.remove(monitor.vertx, monitor)) {
      monitor.vertx.cancelTimer(monitor.timer);
      monitor.admin.close(Duration.ZERO);
    }
  }

  /**
   * The records not committed: per partition, its end less the committed offset, or less its
   * earliest offset when the group committed none; never below zero (a commit can be read before the
   * end it passed).
   */
  static long lag(Map<TopicPartition, Long> ends, Map<TopicPartition, Long> committed,
      Map<TopicPartition, Long> earliest) {
    long sum = 0;
    for (Map.Entry<TopicPartition, Long> e : ends.entrySet()) {
      Long from = committed.getOrDefault(e.getKey(), earliest.get(e.getKey()));
      sum += Math.max(0, e.getValue() - (from == null ? 0 : from));
    }
    return sum;
  }

  /** One group's gauge; {@link #close()} removes it. */
  public final class Watch implements AutoCloseable {
    private final String group;
    private final String topic;
    private final Gauge gauge;
    private final AtomicBoolean sampling = new AtomicBoolean();
    private volatile double value = Double.NaN;
    private volatile boolean failing;

    private Watch(String group, String topic) {
      this.group = group;
      this.topic = topic;
      this.gauge = Gauge.builder(NAME, this, w -> w.value)
          .description("Records of the topic the consumer group has not committed yet (end offset less committed offset)")
          .tag("group", group)
          .tag("topic", topic)
          .register(meters);
    }

    /** One reading, unless the last is still under way. */
    private void sample() {
      if (!sampling.compareAndSet(false, true)) {
        return;
      }
      read().whenComplete((lag, e) -> {
        sampling.set(false);
        if (e == null) {
          value = lag;
          if (failing) {
            failing = false;
            LOG.info("consumer lag of group {} on {} readable again: {}", group, topic, lag);
          }
        } else {
          value = Double.NaN;
          if (!failing) {
            failing = true;
            LOG.warn("cannot read the consumer lag of group {} on {}: {}", group, topic, e.toString());
          }
        }
      });
    }

    private CompletionStage<Long> read() {
      CompletableFuture<Map<TopicPartition, Long>> committed = admin.listConsumerGroupOffsets(group)
          .partitionsToOffsetAndMetadata().toCompletionStage().toCompletableFuture()
          .thenApply(offsets -> {
            Map<TopicPartition, Long> of = new HashMap<>();
            offsets.forEach((tp, om) -> {
              if (tp.topic().equals(topic) && om != null) {
                of.put(tp, ((OffsetAndMetadata) om).offset());
              }
            });
            return of;
          });
      CompletableFuture<List<TopicPartition>> partitions = admin.describeTopics(List.of(topic)).allTopicNames()
          .toCompletionStage().toCompletableFuture()
          .thenApply(d -> d.get(topic).partitions().stream().map(p -> new TopicPartition(topic, p.partition())).toList());
      return partitions.thenCompose(tps -> offsets(tps, OffsetSpec.latest())
          .thenCombine(committed, (ends, done) -> Map.entry(ends, done)))
          .thenCompose(e -> {
            List<TopicPartition> never = e.getKey().keySet().stream().filter(tp -> !e.getValue().containsKey(tp)).toList();
            return offsets(never, OffsetSpec.earliest()).thenApply(earliest -> lag(e.getKey(), e.getValue(), earliest));
          });
    }

    private CompletableFuture<Map<TopicPartition, Long>> offsets(List<TopicPartition> partitions, OffsetSpec spec) {
      if (partitions.isEmpty()) {
        return CompletableFuture.completedFuture(Map.of());
      }
      Map<TopicPartition, OffsetSpec> query = new HashMap<>();
      partitions.forEach(tp -> query.put(tp, spec));
      return admin.listOffsets(query).all().toCompletionStage().toCompletableFuture().thenApply(found -> {
        Map<TopicPartition, Long> of = new HashMap<>();
        found.forEach((tp, info) -> of.put(tp, ((ListOffsetsResultInfo) info).offset()));
        return of;
      });
    }

    @Override
    public void close() {
      unwatch(ConsumerLag.this, this);
    }
  }
}
