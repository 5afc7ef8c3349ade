package org.otplatform.lss.session;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import org.otplatform.common.catalog.Pools;
import org.otplatform.common.events.EventCodec;
import org.otplatform.common.events.SessionCommand;
import org.otplatform.common.events.SessionCommand.SessionCloseRequested;
import org.otplatform.common.events.SessionCommand.SessionOpenRequested;
import org.otplatform.common.events.Topics;
import org.otplatform.common.kafka.BroadcastConsumer;
import org.otplatform.common.kafka.KafkaSupport;
import org.otplatform.common.kafka.KeyOrderedConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How session commands reach this LSS. Opens, as a member of its pool's consumer group
 * ({@link Pools#commandGroup}: {@code lss} for the default pool), sharing the work with the other
 * instances of the pool; each pool's group reads every command, and an open of another pool is
 * passed over (its pool's group takes it). Closes, from every command on the topic (a reader of
 * its own), for the sessions it runs: the group member of a session's partition is not always the
 * LSS that runs it — the partition moves when the group changes (an LSS restarts, stalls past its
 * session timeout, is drained) while the session stays where it was opened. The group member
 * confirms a close of a session no LSS may run any more (removing what of it its spawner sees);
 * the LSS that runs it stops it (both paths may see the same close; the supervisor acts on it once:
 * the group member must act too, as its open of the session may come after the reader passed the
 * close). Drained, the LSS leaves the group — new sessions go to the
 * others — and its reader of closes lets the sessions it runs go on until they close.
 */
public final class CommandIntake {
  private static final Logger LOG = LoggerFactory.getLogger(CommandIntake.class);
  /** Commands of different sessions acted on at once; one session's commands go one by one. */
  private static final int COMMANDS_IN_FLIGHT = 32;

  private final Vertx vertx;
  private final org.otplatform.common.kafka.KafkaConnection kafka;
  private final String lssId;
  /** The pool this LSS serves: its group is that pool's, and opens of other pools are not its. */
  private final String pool;
  private final SessionSupervisor supervisor;
  private final org.otplatform.common.kafka.DeadLetters deadLetters;
  /** The last drain or undrain asked for; the next one waits for it. */
  private Future<Void> changes = Future.succeededFuture();
  private KeyOrderedConsumer group;
  private BroadcastConsumer closes;
  private boolean draining;

  public CommandIntake(Vertx vertx, org.otplatform.common.kafka.KafkaConnection kafka, String lssId, String pool,
      SessionSupervisor supervisor, org.otplatform.common.kafka.DeadLetters deadLetters) {
    this.vertx = vertx;
    this.pool = pool;
    this.deadLetters = deadLetters;
    this.kafka = kafka;
    this.lssId = lssId;
    this.supervisor = supervisor;
  }

  /** The reader of closes first, so that no close of a session opened through the group falls before it. */
  public Future<Void> start() {
    closes = new BroadcastConsumer(vertx, kafka, lssId + "-closes", Topics.SESSION_COMMANDS, json -> {
      SessionCommand command = EventCodec.decodeCommand(json);
      if (command instanceof SessionCloseRequested close && supervisor.runs(close.sessionId())) {
        supervisor.onCommand(close);
      }
    });
    return closes.start().compose(v -> closes.assignment()).compose(v -> join());
  }

  private Future<Void> join() {
    group = new KeyOrderedConsumer(vertx, KafkaSupport.consumerConfig(kafka, Pools.commandGroup(pool), lssId),
        Topics.SESSION_COMMANDS, COMMANDS_IN_FLIGHT, record -> {
          SessionCommand command;
          try {
            command = EventCodec.decodeCommand(new JsonObject(record.value()));
          } catch (RuntimeException e) {
            return Future.failedFuture(new IllegalArgumentException("undecodable command: " + e.getMessage()));
          }
          if (command instanceof SessionOpenRequested open && !pool.equals(Pools.orDefault(open.pool()))) {
            return Future.succeededFuture(); // an LSS of its pool, in that pool's group, takes it
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
    return closes != null && closes.isAssigned() && (draining || group != null && group.isAssigned());
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
      return group.close().onSuccess(v -> LOG.info(
          "draining: LSS {} takes no new sessions; the {} it runs go on until they close", lssId, supervisor.load()));
    }
    return join().onSuccess(v -> LOG.info("LSS {} takes new sessions again", lssId));
  }

  public Future<Void> close() {
    Future<Void> reader = closes == null ? Future.succeededFuture() : closes.close();
    Future<Void> member = draining || group == null ? Future.succeededFuture() : group.close();
    return Future.join(reader, member).mapEmpty();
  }
}
