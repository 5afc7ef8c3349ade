package org.otplatform.gss.lifecycle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.otplatform.gss.lifecycle.Rig.done;

import io.vertx.core.Future;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.otplatform.common.events.EventCodec;
import org.otplatform.common.events.SessionEvent.ServiceReady;
import org.otplatform.common.events.SessionEvent.SessionActivity;
import org.otplatform.gss.session.Session;

/**
 * Each session topic carries what its producers may say: the relay (which may write only the
 * activity topic) cannot move a session's services, and activity on the LSS's topic is refused.
 */
class EventFoldTest {
  private final Rig rig = new Rig();
  private final EventFold sessionEvents = EventFold.sessionEvents(rig.lifecycle);
  private final EventFold activity = EventFold.activity(rig.lifecycle);

  @AfterEach
  void close() {
    rig.close();
  }

  @Test
  void aServiceStateOnTheActivityTopicIsRefusedAndChangesNothing() {
    Session s = rig.open("alice", "q", "echo");
    Future<Void> forged = activity.onRecord(EventCodec.encode(
        new ServiceReady("f1", rig.clock.instant(), s.id(), "echo", "attacker:1")).encode());
    assertTrue(forged.failed());
    assertTrue(forged.cause().getMessage().contains("ot.session.activity does not carry it"),
        forged.cause().getMessage());
    assertNull(endpoint(rig.session(s.id()), "echo"), "the forged endpoint must not be taken");

    done(sessionEvents.onRecord(EventCodec.encode(
        new ServiceReady("r1", rig.clock.instant(), s.id(), "echo", "h:1")).encode()));
    assertEquals("h:1", endpoint(rig.session(s.id()), "echo"));
  }

  private static String endpoint(Session s, String service) {
    return s.services().stream().filter(x -> x.name().equals(service)).findFirst().orElseThrow().endpoint();
  }

  @Test
  void activityOnlyCountsOnItsOwnTopic() {
    Session s = rig.open("alice", "q", "echo");
    rig.clock.advance(Duration.ofSeconds(5));
    SessionActivity used = new SessionActivity("a1", rig.clock.instant(), s.id(), "alice");
    assertTrue(sessionEvents.onRecord(EventCodec.encode(used).encode()).failed());
    assertNull(rig.session(s.id()).lastActivityAt());
    done(activity.onRecord(EventCodec.encode(used).encode()));
    assertEquals(used.time(), rig.session(s.id()).lastActivityAt());
  }
}
