package org.otplatform.common.logging;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.AppenderBase;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.otplatform.common.events.Topics;

/**
 * Ships log records to the Kafka log topic without ever blocking the caller: records go into a
 * bounded queue drained by one daemon thread; a full queue drops the record and counts it.
 * Records of the Kafka client itself are not shipped (they would feed back into the producer).
 */
public final class KafkaLogAppender extends AppenderBase<ILoggingEvent> {
  private static final int QUEUE_CAPACITY = 10_000;
  private static final int BATCH = 500;

  private final String bootstrap;
  private final String service;
  private final String instance;
  private final BlockingQueue<String> queue = new ArrayBlockingQueue<>(QUEUE_CAPACITY);
  private final AtomicLong dropped = new AtomicLong();
  /** Every record dropped since start, for the metrics ({@code dropped} is reset once reported). */
  private final AtomicLong droppedTotal = new AtomicLong();
  private volatile boolean running;
  private Thread shipper;
  private KafkaProducer<String, String> producer;

  public KafkaLogAppender(String bootstrap, String service, String instance) {
    this.bootstrap = bootstrap;
    this.service = service;
    this.instance = instance;
    setName("kafka");
  }

  /** Records dropped since start: queue full, or Kafka unreachable. */
  public long droppedTotal() {
    return droppedTotal.get();
  }

  /** Records waiting to be shipped. */
  public int queued() {
    return queue.size();
  }

  @Override
  public void start() {
    Properties props = new Properties();
    props.put("bootstrap.servers", bootstrap);
    props.put("client.id", instance + "-logs");
    props.put("acks", "1");
    props.put("linger.ms", "50");
    props.put("max.block.ms", "2000");
    props.put("delivery.timeout.ms", "30000");
    props.put("request.timeout.ms", "10000");
    producer = new KafkaProducer<>(props, new StringSerializer(), new StringSerializer());
    running = true;
    shipper = new Thread(this::ship, "ot-log-shipper");
    shipper.setDaemon(true);
    shipper.start();
    super.start();
  }

  @Override
  protected void append(ILoggingEvent event) {
    String logger = event.getLoggerName();
    if (logger != null && (logger.startsWith("org.apache.kafka") || logger.startsWith("kafka"))) {
      return;
    }
    if (!queue.offer(LogRecordJson.of(event, service, instance).encode())) {
      dropped.incrementAndGet();
      droppedTotal.incrementAndGet();
    }
  }

  private void ship() {
    List<String> batch = new ArrayList<>(BATCH);
    while (running || !queue.isEmpty()) {
      try {
        String first = queue.poll(200, TimeUnit.MILLISECONDS);
        if (first == null) {
          continue;
        }
        batch.add(first);
        queue.drainTo(batch, BATCH - 1);
        for (String record : batch) {
          producer.send(new ProducerRecord<>(Topics.LOGS, instance, record));
        }
        reportDrops();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      } catch (RuntimeException e) {
        // Kafka unreachable for longer than max.block.ms: the batch is lost, and counted.
        dropped.addAndGet(batch.size());
        droppedTotal.addAndGet(batch.size());
      } finally {
        batch.clear();
      }
    }
  }

  /** Once records flow again, one record says how many were lost before. */
  private void reportDrops() {
    long lost = dropped.getAndSet(0);
    if (lost > 0) {
      producer.send(new ProducerRecord<>(Topics.LOGS, instance, new io.vertx.core.json.JsonObject()
          .put("id", java.util.UUID.randomUUID().toString())
          .put("time", java.time.Instant.now().toString())
          .put("level", "WARN").put("service", service).put("instance", instance)
          .put("logger", KafkaLogAppender.class.getName()).put("thread", Thread.currentThread().getName())
          .put("message", lost + " log records were dropped: Kafka was unreachable or the queue was full")
          .encode()));
    }
  }

  @Override
  public void stop() {
    running = false;
    if (shipper != null) {
      try {
        shipper.join(3_000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    if (producer != null) {
      producer.close(java.time.Duration.ofSeconds(3));
    }
    super.stop();
  }
}
