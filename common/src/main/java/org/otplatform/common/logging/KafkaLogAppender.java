package org.otplatform.common.logging;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.AppenderBase;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.errors.RetriableException;
import org.apache.kafka.common.serialization.StringSerializer;
import org.otplatform.common.events.Topics;
import org.slf4j.LoggerFactory;

/**
 * Ships log records to the Kafka log topic without ever blocking the caller: records go into a
 * bounded queue drained by one daemon thread, which sends a batch and waits until Kafka has it
 * before it takes the next. So while Kafka is unreachable the queue is the buffer: what it holds
 * is delivered once Kafka is back (a batch that times out is sent again), what does not fit is
 * dropped and counted — in the metrics at once, and in one warning once records flow again.
 * Records of the Kafka client itself are not shipped (they would feed back into the producer),
 * nor the appender's own warning, which it sends itself.
 */
public final class KafkaLogAppender extends AppenderBase<ILoggingEvent> {
  /** Records held while Kafka is away; at ~300 bytes a record, about 3 MB. */
  public static final int DEFAULT_CAPACITY = 10_000;
  private static final int BATCH = 500;

  private final org.otplatform.common.kafka.KafkaConnection kafka;
  private final String service;
  private final String instance;
  private final BlockingQueue<Line> queue;

  /** A record to ship, and the {@code traceparent} of the span it was logged in (null outside a trace). */
  private record Line(String json, String traceparent) {}
  private final AtomicLong dropped = new AtomicLong();
  /** Every record dropped since start, for the metrics ({@code dropped} is reset once reported). */
  private final AtomicLong droppedTotal = new AtomicLong();
  /** Records taken into the queue, and of them those Kafka has or that were counted as dropped: in queue order. */
  private final AtomicLong accepted = new AtomicLong();
  private final AtomicLong settled = new AtomicLong();
  private volatile boolean running;
  private Thread shipper;
  private KafkaProducer<String, String> producer;

  public KafkaLogAppender(org.otplatform.common.kafka.KafkaConnection kafka, String service, String instance) {
    this(kafka, service, instance, DEFAULT_CAPACITY);
  }

  /** @param capacity records held while Kafka is unreachable, before records are dropped */
  public KafkaLogAppender(org.otplatform.common.kafka.KafkaConnection kafka, String service, String instance,
      int capacity) {
    this.kafka = kafka;
    this.service = service;
    this.instance = instance;
    this.queue = new ArrayBlockingQueue<>(capacity);
    setName("kafka");
  }

  /** Records dropped since start: queue full, or Kafka refused them for good. */
  public long droppedTotal() {
    return droppedTotal.get();
  }

  /** Records taken so far; {@link #settled()} reaches it once every one of them is shipped or counted as dropped. */
  public long accepted() {
    return accepted.get();
  }

  public long settled() {
    return settled.get();
  }

  /** Records waiting to be shipped. */
  public int queued() {
    return queue.size();
  }

  @Override
  public void start() {
    Properties props = new Properties();
    props.putAll(kafka.security());
    props.put("bootstrap.servers", kafka.bootstrap());
    props.put("client.id", instance + "-logs");
    props.put("acks", "1");
    props.put("linger.ms", "5");
    props.put("max.block.ms", "2000");
    props.put("delivery.timeout.ms", "30000");
    props.put("request.timeout.ms", "10000");
    props.put("reconnect.backoff.max.ms", "2000");
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
    if (logger != null && (logger.startsWith("org.apache.kafka") || logger.startsWith("kafka")
        || logger.equals(KafkaLogAppender.class.getName()))) {
      return;
    }
    // doAppend is synchronized: the count follows the queue's order.
    io.opentelemetry.api.trace.SpanContext span = io.opentelemetry.api.trace.Span.current().getSpanContext();
    String traceparent = span.isValid()
        ? "00-" + span.getTraceId() + "-" + span.getSpanId() + "-" + span.getTraceFlags().asHex() : null;
    if (queue.offer(new Line(LogRecordJson.of(event, service, instance).encode(), traceparent))) {
      accepted.incrementAndGet();
    } else {
      lost(1);
    }
  }

  private void lost(long records) {
    dropped.addAndGet(records);
    droppedTotal.addAndGet(records);
  }

  private void ship() {
    List<Line> batch = new ArrayList<>(BATCH);
    while (running || !queue.isEmpty()) {
      try {
        Line first = queue.poll(200, TimeUnit.MILLISECONDS);
        if (first == null) {
          continue;
        }
        batch.add(first);
        queue.drainTo(batch, BATCH - 1);
        deliver(batch);
        settled.addAndGet(batch.size());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      } finally {
        batch.clear();
      }
    }
  }

  /**
   * Sends the batch until Kafka has every record of it. Records that failed with a retriable
   * error (Kafka away longer than the producer's own retries) are sent again; others, and what is
   * left when the appender stops, are counted as dropped.
   */
  private void deliver(List<Line> batch) throws InterruptedException {
    List<Line> pending = batch;
    while (!pending.isEmpty()) {
      List<Line> again = new ArrayList<>();
      List<Future<RecordMetadata>> sent = new ArrayList<>(pending.size());
      int handedOver = 0;
      try {
        for (Line line : pending) {
          ProducerRecord<String, String> record = new ProducerRecord<>(Topics.LOGS, instance, line.json());
          if (line.traceparent() != null) {
            record.headers().add("traceparent", line.traceparent().getBytes(java.nio.charset.StandardCharsets.US_ASCII));
          }
          sent.add(producer.send(record));
          handedOver++;
        }
      } catch (RetriableException e) {
        // No metadata within max.block.ms: Kafka is away. Keep the rest for the next round.
        again.addAll(pending.subList(handedOver, pending.size()));
      } catch (RuntimeException e) {
        lost(pending.size() - handedOver);
      }
      for (int i = 0; i < sent.size(); i++) {
        try {
          sent.get(i).get();
        } catch (ExecutionException e) {
          if (e.getCause() instanceof RetriableException) {
            again.add(pending.get(i));
          } else {
            lost(1);
          }
        }
      }
      if (!running) {
        lost(again.size());
        return;
      }
      if (again.size() < pending.size()) {
        reportDrops();
      }
      pending = again;
    }
  }

  /**
   * Once records flow again, one warning says how many were lost before: on the console, and
   * straight to Kafka — not through the queue, which may be full again.
   */
  private void reportDrops() {
    long lost = dropped.getAndSet(0);
    if (lost > 0) {
      String message = lost + " log records were dropped: Kafka was unreachable or the queue of "
          + (queue.remainingCapacity() + queue.size()) + " records was full";
      LoggerFactory.getLogger(KafkaLogAppender.class).warn(message);
      JsonObject warning = new JsonObject().put("id", UUID.randomUUID().toString())
          .put("time", Instant.now().toString()).put("level", "WARN").put("service", service)
          .put("instance", instance).put("logger", KafkaLogAppender.class.getName())
          .put("message", message).put("thread", Thread.currentThread().getName());
      producer.send(new ProducerRecord<>(Topics.LOGS, instance, warning.encode()));
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
      // Fails what Kafka has not taken within the timeout, which releases a shipper still waiting.
      producer.close(java.time.Duration.ofSeconds(3));
    }
    super.stop();
  }
}
