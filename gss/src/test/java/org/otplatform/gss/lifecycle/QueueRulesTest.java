package org.otplatform.gss.lifecycle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.otplatform.gss.lifecycle.Rig.LOST_AFTER;
import static org.otplatform.gss.lifecycle.Rig.QUEUE_TIMEOUT;
import static org.otplatform.gss.lifecycle.Rig.done;

import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.otplatform.common.events.LssHeartbeat;
import org.otplatform.common.events.SessionCommand.SessionOpenRequested;
import org.otplatform.common.events.SessionEvent.SessionClosed;
import org.otplatform.gss.session.Session;
import org.otplatform.gss.session.SessionState;

/** The new-session queue: waiting in order, going ahead as slots free, failing at the deadline. */
class QueueRulesTest {
  private final Rig rig = new Rig();

  @AfterEach
  void close() {
    rig.close();
  }

  /** Past the registry's warm-up, with one LSS of {@code capacity} running {@code sessions}. */
  private void oneLss(int capacity, List<String> sessions) {
    rig.clock.advance(LOST_AFTER.plusSeconds(1));
    rig.heartbeat("lss-1", capacity, sessions);
  }

  private JsonObject place(String id) {
    return done(rig.queue.place(rig.session(id)));
  }

  @Test
  void sessionsWaitInOrderGoAheadWhenASlotFreesAndFailAtTheDeadline() {
    oneLss(1, List.of());
    Session first = rig.open("alice", "q", "echo");
    Session second = rig.open("alice", "q", "echo");
    assertTrue(second.isQueued());
    assertEquals("all 1 session slots of 1 LSS instance(s) are in use", second.queued().reason());
    assertEquals(1, place(second.id()).getInteger("position"));
    assertEquals(rig.clock.instant().plus(QUEUE_TIMEOUT).toString(), place(second.id()).getString("deadline"));
    rig.clock.advance(Duration.ofMillis(5));
    Session third = rig.open("bob", "q", "echo");
    assertEquals(2, place(third.id()).getInteger("position"));
    assertEquals(1, rig.published(SessionOpenRequested.class).size(), "only the first was published");

    done(rig.queue.dispatch());
    assertTrue(rig.session(second.id()).isQueued(), "no slot yet");

    done(rig.lifecycle.fold(SessionClosed.of(first.id(), "closed by user")));
    done(rig.queue.dispatch());
    Session dispatched = rig.session(second.id());
    assertFalse(dispatched.isQueued());
    assertEquals(rig.clock.instant(), dispatched.openingAt(), "its open timeout starts now");
    assertEquals("SessionDispatched", dispatched.log().entries().get(dispatched.seq() - 1).event().getString("type"));
    assertEquals(second.id(), rig.published(SessionOpenRequested.class).get(1).sessionId());
    assertEquals(1, place(third.id()).getInteger("position"), "moved up");

    rig.clock.advance(QUEUE_TIMEOUT);
    done(rig.queue.dispatch());
    assertEquals(SessionState.OPENING, rig.session(third.id()).state(), "not past its deadline yet");
    rig.clock.advance(Duration.ofSeconds(1));
    done(rig.queue.dispatch());
    Session failed = rig.session(third.id());
    assertEquals(SessionState.FAILED, failed.state());
    assertEquals("waited 15 s in the queue: all 1 session slots of 1 LSS instance(s) are in use", failed.reason());
    assertFalse(failed.isQueued());
    assertEquals(0, rig.store.slotsHeld("user:id-bob"), "its slots are free again");
  }

  @Test
  void freeSlotsGoToThoseAlreadyWaiting() {
    oneLss(1, List.of());
    Session first = rig.open("alice", "q", "echo");
    Session waiting = rig.open("alice", "q", "echo");
    done(rig.lifecycle.fold(SessionClosed.of(first.id(), "closed by user")));
    Session late = rig.open("bob", "q", "echo");
    assertTrue(late.isQueued(), "a slot is free, but one session waits for it already");
    assertEquals("1 session(s) waiting before it", late.queued().reason());
    assertTrue(rig.session(waiting.id()).isQueued());
  }

  @Test
  void eachPoolHasItsOwnSlotsAndQueueAndItsOpensNameIt() {
    oneLss(5, List.of());
    Session cad = rig.open("alice", "q", "cad");
    assertEquals("workstation", cad.origin().pool());
    assertTrue(cad.isQueued(), "the default pool's free slots are not the workstation pool's");
    assertEquals("no LSS of pool 'workstation' is running", cad.queued().reason());
    Session big = done(rig.admission.open(Rig.user("bob"), "q", "cad", "big"));
    assertEquals("cluster-gpu", big.origin().pool(), "a profile's pool is over its type's");
    assertEquals(1, place(big.id()).getInteger("position"), "first in its own pool's queue");
    assertFalse(rig.open("carol", "q", "echo").isQueued(), "queued sessions of other pools hold back none here");

    rig.heartbeat("ws-1", "workstation", 1, List.of());
    done(rig.queue.dispatch());
    assertFalse(rig.session(cad.id()).isQueued(), "an LSS of its pool came up");
    assertTrue(rig.session(big.id()).isQueued(), "but none of the other's");
    SessionOpenRequested request = rig.published(SessionOpenRequested.class).stream()
        .filter(r -> r.sessionId().equals(cad.id())).findFirst().orElseThrow();
    assertEquals("workstation", request.pool(), "the open names the pool, so only its LSS instances act on it");
    Session second = rig.open("dave", "q", "cad");
    assertEquals("all 1 session slots of 1 LSS instance(s) of pool 'workstation' are in use",
        second.queued().reason());
  }

  @Test
  void whyASessionWaitsNamesTheCause() {
    assertFalse(rig.open("alice", "q", "echo").isQueued(), "right after start, an empty registry means nothing");
    rig.clock.advance(LOST_AFTER.plusSeconds(1));
    assertEquals("no LSS is running", rig.open("alice", "q", "echo").queued().reason());
    done(rig.reconciler.onHeartbeat(new LssHeartbeat("hb", rig.clock.instant(), "lss-1", "local", 4, 0, List.of(),
        List.of(), true, null)));
    assertEquals("every LSS is draining (takes no new sessions)", rig.open("alice", "q", "echo").queued().reason());
  }
}
