package org.otplatform.common.kafka;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.kafka.client.producer.KafkaProducer;
import io.vertx.kafka.client.producer.KafkaProducerRecord;
import org.otplatform.common.events.EventCodec;
import org.otplatform.common.events.PlatformEvent;

/** Publishes platform events as JSON, keyed by {@link PlatformEvent#key()}. */
public final class EventPublisher implements EventSink {
  private final KafkaProducer<String, String> producer;

  public EventPublisher(Vertx vertx, KafkaConnection kafka, String clientId) {
    this.producer = KafkaProducer.create(vertx, KafkaSupport.producerConfig(kafka, clientId));
  }

  @Override
  public Future<Void> publish(String topic, PlatformEvent event) {
    String value = EventCodec.encode(event).encode();
    return producer.send(KafkaProducerRecord.create(topic, event.key(), value)).mapEmpty();
  }

  public Future<Void> close() {
    return producer.close();
  }
}
