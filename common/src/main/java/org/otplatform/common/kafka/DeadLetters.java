package org.otplatform.common.kafka;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import io.vertx.kafka.client.consumer.KafkaConsumerRecord;
import java.time.Clock;
import org.otplatform.common.events.DeadLetter;
import org.otplatform.common.events.Topics;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where a consumer puts a record it gives up on: on {@link Topics#DEAD_LETTERS} with the error,
 * counted in {@code ot_dead_letters_total{topic}}, and logged — never dropped in silence. A dead
 * letter that cannot be published is logged whole and counted in
 * {@code ot_dead_letters_unpublished_total}.
 */
public final class DeadLetters {
  private static final Logger LOG = LoggerFactory.getLogger(DeadLetters.class);

  private final EventSink sink;
  private final MeterRegistry meters;
  private final String service;
  private final String instance;
  private final Clock clock;
  private final Counter unpublished;

  public DeadLetters(EventSink sink, MeterRegistry meters, String service, String instance, Clock clock) {
    this.sink = sink;
    this.meters = meters;
    this.service = service;
    this.instance = instance;
    this.clock = clock;
    this.unpublished = Counter.builder("ot_dead_letters_unpublished")
        .description("dead letters that could not be published (logged instead)").register(meters);
  }

  /**
   * Dead letters that are logged whole and counted but not published: for the consumer of the
   * dead-letter topic itself, whose failures must not come back to it.
   */
  public static DeadLetters loggedOnly(MeterRegistry meters, String service, String instance, Clock clock) {
    return new DeadLetters(null, meters, service, instance, clock);
  }

  /** Puts the record that {@code group} gave up on after {@code attempts}; yields once it is published or logged. */
  public Future<Void> put(KafkaConsumerRecord<String, String> record, String group, int attempts, Throwable error) {
    DeadLetter letter = DeadLetter.of(record.topic(), record.partition(), record.offset(), record.key(), group,
        service, instance, attempts, error, record.value(), clock.instant());
    Counter.builder("ot_dead_letters").tag("topic", record.topic())
        .description("records given up on and put on " + Topics.DEAD_LETTERS).register(meters).increment();
    LOG.error("gave up on record {}-{}@{} (key {}) after {} attempt(s), put on {} as {}: {}", record.topic(),
        record.partition(), record.offset(), record.key(), attempts, Topics.DEAD_LETTERS, letter.id(), letter.error(),
        error);
    if (sink == null) {
      LOG.error("dead letter {} not published (this consumer reads them); the record was: {}", letter.id(),
          record.value());
      return Future.succeededFuture();
    }
    return sink.publish(Topics.DEAD_LETTERS, letter).recover(e -> {
      unpublished.increment();
      LOG.error("could not publish dead letter {} ({}); the record was: {}", letter.id(), e.getMessage(),
          record.value());
      return Future.succeededFuture();
    });
  }
}
