package org.otplatform.relay;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.kafka.client.consumer.KafkaConsumer;
import io.vertx.kafka.client.consumer.KafkaConsumerRecord;
import java.util.Map;
import java.util.UUID;
import java.util.function.Consumer;
import org.otplatform.common.events.EventCodec;
import org.otplatform.common.events.SessionEvent;
import org.otplatform.common.events.Topics;
import org.otplatform.common.kafka.KafkaSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Follows the session-events topic so that every relay replica learns, as it happens, that a
 * compute service restarted elsewhere (new endpoint) or that a session ended. Each replica reads
 * every event (a consumer group of its own, from the newest offset, no commits): what matters is
 * what happens while front ends are connected; what happened before, the GSS tells at join.
 */
final class SessionFollower {
  private static final Logger LOG = LoggerFactory.getLogger(SessionFollower.class);

  private final KafkaConsumer<String, String> consumer;
  private final Consumer<SessionEvent> onEvent;
  private volatile boolean assigned;

  SessionFollower(Vertx vertx, String bootstrap, String instanceId, Consumer<SessionEvent> onEvent) {
    Map<String, String> config = KafkaSupport.consumerConfig(bootstrap,
        "relay-follow-" + instanceId + "-" + UUID.randomUUID(), instanceId + "-follow");
    config.put("auto.offset.reset", "latest");
    this.consumer = KafkaConsumer.create(vertx, config);
    this.onEvent = onEvent;
  }

  Future<Void> start() {
    consumer.exceptionHandler(e -> LOG.warn("following session events failed: {}", e.getMessage()));
    consumer.partitionsAssignedHandler(p -> assigned = true);
    consumer.handler(this::onRecord);
    return consumer.subscribe(Topics.SESSION_EVENTS);
  }

  /** Whether partitions are assigned (events are being followed). */
  boolean isAssigned() {
    return assigned;
  }

  private void onRecord(KafkaConsumerRecord<String, String> record) {
    SessionEvent event;
    try {
      event = EventCodec.decodeEvent(new JsonObject(record.value()));
    } catch (RuntimeException e) {
      LOG.warn("ignoring undecodable session event at {}-{}@{}: {}", record.topic(), record.partition(),
          record.offset(), e.getMessage());
      return;
    }
    onEvent.accept(event);
  }

  Future<Void> close() {
    return consumer.close();
  }
}
