package org.otplatform.common.kafka;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.kafka.client.producer.KafkaProducer;
import io.vertx.kafka.client.producer.KafkaProducerRecord;
import org.otplatform.common.events.EventCodec;
import org.otplatform.common.events.PlatformEvent;

/**
 * Publishes platform events as JSON, keyed by {@link PlatformEvent#key()}, each stamped with
 * {@code source}: the instance that published it (an LSS's id on the session events, which the GSS
 * holds against the LSS it holds to run the session).
 */
public final class EventPublisher implements EventSink {
  private final KafkaProducer<String, String> producer;
  private final String source;

  /** {@code instanceId} names the producer to Kafka and is every event's {@code source}. */
  public EventPublisher(Vertx vertx, KafkaConnection kafka, String instanceId) {
    this.producer = KafkaProducer.create(vertx, KafkaSupport.producerConfig(kafka, instanceId));
    this.source = instanceId;
  }

  @Override
  public Future<Void> publish(String topic, PlatformEvent event) {
    String value = EventCodec.encode(event).put(EventCodec.SOURCE, source).encode();
    return producer.send(KafkaProducerRecord.create(topic, event.key(), value)).mapEmpty();
  }

  public Future<Void> close() {
    return producer.close();
  }
}
