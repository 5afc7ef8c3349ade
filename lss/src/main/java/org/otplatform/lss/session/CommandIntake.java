package org.otplatform.lss.session;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import org.otplatform.common.events.EventCodec;
import org.otplatform.common.events.SessionCommand;
import org.otplatform.common.events.SessionCommand.SessionCloseRequested;
import org.otplatform.common.events.Topics;
import org.otplatform.common.kafka.BroadcastConsumer;
import org.otplatform.common.kafka.KafkaSupport;
import org.otplatform.common.kafka.KeyOrderedConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How session commands reach this LSS. Normally as a member of the {@code lss} consumer group,
 * sharing the work with the other instances. Drained, it leaves the group — new sessions go to the
 * others — and instead reads every command, acting only on closes of sessions it still runs, so
 * those go on until they close. The reader of closes is in place before the group is left, so no
 * close falls in between.
 */
public final class CommandIntake {
  private static final Logger LOG = LoggerFactory.getLogger(CommandIntake.class);
  /** Commands of different sessions acted on at once; one session's commands go one by one. */
  private static final int COMMANDS_IN_FLIGHT = 32;

  private final Vertx vertx;
  private final org.otplatform.common.kafka.KafkaConnection kafka;
  private final String lssId;
  private final SessionSupervisor supervisor;
  private final org.otplatform.common.kafka.DeadLetters deadLetters;
  /** The last drain or undrain asked for; the next one waits for it. */
  private Future<Void> changes = Future.succeededFuture();
  private KeyOrderedConsumer group;
  private BroadcastConsumer closes;
  private boolean draining;

  public CommandIntake(Vertx vertx, org.otplatform.common.kafka.KafkaConnection kafka, String lssId,
      SessionSupervisor supervisor, org.otplatform.common.kafka.DeadLetters deadLetters) {
    this.vertx = vertx;
    this.deadLetters = deadLetters;
    this.kafka = kafka;
    this.lssId = lssId;
    this.supervisor = supervisor;
  }

  public Future<Void> start() {
    group = new KeyOrderedConsumer(vertx, KafkaSupport.consumerConfig(kafka, "lss", lssId),
        Topics.SESSION_COMMANDS, COMMANDS_IN_FLIGHT, record -> {
          SessionCommand command;
          try {
            command = EventCodec.decodeCommand(new JsonObject(record.value()));
          } catch (RuntimeException e) {
            return Future.failedFuture(new IllegalArgumentException("undecodable command: " + e.getMessage()));
          }
          return supervisor.onCommand(command);
        }, deadLetters);
    return group.start();
  }

  public boolean isDraining() {
    return draining;
  }

  /** Whether commands are being read (readiness). */
  public boolean isReading() {
    return draining ? closes != null && closes.isAssigned() : group != null && group.isAssigned();
  }

  /**
   * Stops taking new sessions ({@code true}) or takes them again ({@code false}). One change at a
   * time, in the order asked: drains and undrains may come as fast as an admin (or a script) sends
   * them, and a change begun before the last one ended would take or drop the wrong consumer.
   */
  public Future<Void> drain(boolean drain) {
    Future<Void> change = changes.transform(v -> change(drain));
    changes = change;
    return change;
  }

  private Future<Void> change(boolean drain) {
    if (drain == draining) {
      return Future.succeededFuture();
    }
    draining = drain;
    if (drain) {
      BroadcastConsumer reader = new BroadcastConsumer(vertx, kafka, lssId + "-draining", Topics.SESSION_COMMANDS,
          json -> {
            SessionCommand command = EventCodec.decodeCommand(json);
            if (command instanceof SessionCloseRequested close && supervisor.runs(close.sessionId())) {
              supervisor.onCommand(close);
            }
          });
      closes = reader;
      return reader.start().compose(v -> reader.assignment()).compose(v -> group.close())
          .onSuccess(v -> LOG.info("draining: LSS {} takes no new sessions; the {} it runs go on until they close",
              lssId, supervisor.load()));
    }
    BroadcastConsumer reader = closes;
    return start().compose(v -> reader.close()).onSuccess(v -> {
      closes = null;
      LOG.info("LSS {} takes new sessions again", lssId);
    });
  }

  public Future<Void> close() {
    Future<Void> reader = closes == null ? Future.succeededFuture() : closes.close();
    Future<Void> member = draining || group == null ? Future.succeededFuture() : group.close();
    return Future.join(reader, member).mapEmpty();
  }
}
