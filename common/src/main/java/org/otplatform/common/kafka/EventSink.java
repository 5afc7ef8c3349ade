package org.otplatform.common.kafka;

import io.vertx.core.Future;
import org.otplatform.common.events.PlatformEvent;

/**
 * Where a component sends the events it decides on: Kafka in a service ({@link EventPublisher}),
 * a list in a unit test of the rules.
 */
@FunctionalInterface
public interface EventSink {
  /** Completes once the event is durably accepted (for Kafka: acknowledged by all in-sync replicas). */
  Future<Void> publish(String topic, PlatformEvent event);
}
