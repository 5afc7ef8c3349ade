package org.otplatform.gss.lifecycle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.otplatform.gss.lifecycle.Rig.LOST_AFTER;
import static org.otplatform.gss.lifecycle.Rig.done;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.otplatform.common.events.LssReleaseRequested;
import org.otplatform.common.events.SessionCommand.SessionCloseRequested;
import org.otplatform.common.events.SessionCommand.SessionOpenRequested;
import org.otplatform.common.events.SessionEvent.ServiceEndpoint;
import org.otplatform.common.events.SessionEvent.ServiceStarting;
import org.otplatform.common.events.SessionEvent.SessionReady;
import org.otplatform.gss.session.ServiceState;
import org.otplatform.gss.session.Session;
import org.otplatform.gss.session.SessionState;

/** The reconciler: sessions of lost LSS instances handed over, at most so often; leftovers closed again. */
class ReconcilerTest {
  private final Rig rig = new Rig();

  @AfterEach
  void close() {
    rig.close();
  }

  /** A READY echo session on {@code lss}, which reports it. */
  private Session readyOn(String lss) {
    Session s = rig.open("alice", "q", "echo");
    done(rig.lifecycle.fold(ServiceStarting.of(s.id(), "echo", lss)));
    done(rig.lifecycle.fold(SessionReady.of(s.id(), List.of(new ServiceEndpoint("echo", "h:1"),
        new ServiceEndpoint("viewer", "h:2")))));
    rig.heartbeat(lss, 4, List.of(s.id()));
    return rig.session(s.id());
  }

  @Test
  void aSessionOfALostLssIsHandedOverThenFailsPastTheLimit() {
    Session s = readyOn("lss-1");
    done(rig.reconciler.sweep());
    assertEquals(1, rig.published(SessionOpenRequested.class).size(), "its LSS runs it: nothing to do");

    rig.clock.advance(LOST_AFTER.plusSeconds(1));
    done(rig.reconciler.sweep());
    Session handed = rig.session(s.id());
    assertEquals(SessionState.READY, handed.state(), "still usable while another LSS adopts it");
    assertNull(handed.lss());
    assertEquals(1, handed.handovers());
    assertTrue(handed.services().stream().allMatch(x -> x.state() == ServiceState.PENDING));
    assertTrue(handed.log().entries().get(handed.seq() - 1).event().getString("reason")
        .startsWith("LSS lss-1 went silent"));
    assertEquals(2, rig.published(SessionOpenRequested.class).size(), "its open request went out again");

    for (int handover = 2; handover <= Rig.MAX_HANDOVERS + 1; handover++) {
      done(rig.lifecycle.fold(ServiceStarting.of(s.id(), "echo", "lss-" + handover)));
      rig.clock.advance(LOST_AFTER.plusSeconds(1));
      done(rig.reconciler.sweep());
    }
    Session failed = rig.session(s.id());
    assertEquals(SessionState.FAILED, failed.state());
    assertTrue(failed.reason().endsWith("; handed over 2 time(s) already"), failed.reason());
    assertEquals("LSS lost", rig.published(SessionCloseRequested.class).get(0).reason());
    assertEquals(0, rig.store.slotsHeld("user:id-alice"));
  }

  @Test
  void aSessionItsLssStoppedReportingIsHandedOverAfterTheGrace() {
    Session s = readyOn("lss-1");
    rig.heartbeat("lss-1", 4, List.of());
    done(rig.reconciler.sweep());
    rig.clock.advance(Duration.ofSeconds(10));
    rig.heartbeat("lss-1", 4, List.of());
    done(rig.reconciler.sweep());
    assertEquals(0, rig.session(s.id()).handovers(), "missing for less than the grace");
    rig.clock.advance(LOST_AFTER);
    rig.heartbeat("lss-1", 4, List.of());
    done(rig.reconciler.sweep());
    Session handed = rig.session(s.id());
    assertEquals(1, handed.handovers());
    assertEquals("LSS lss-1 no longer runs it", handed.log().entries().get(handed.seq() - 1).event()
        .getString("reason"));
  }

  @Test
  void aHandoverRacingACloseIsDecidedOnWhatIsStored() {
    Session s = readyOn("lss-1");
    rig.clock.advance(LOST_AFTER.plusSeconds(1));
    // Another replica closes the session between this one's read and write.
    rig.store.interfereOnce(id -> done(rig.lifecycle.close(id, "closed by user", "alice", false)));
    done(rig.reconciler.sweep());
    Session after = rig.session(s.id());
    assertEquals(SessionState.CLOSING, after.state());
    assertEquals(0, after.handovers(), "a closing session is not handed over");
    assertEquals(1, rig.published(SessionOpenRequested.class).size());
  }

  @Test
  void sessionsReportedAlthoughOverAreClosedAgainAtMostEvery30s() {
    rig.heartbeat("lss-1", 4, List.of("gone"));
    assertEquals("orphan: the session is unknown", rig.published(SessionCloseRequested.class).get(0).reason());
    rig.clock.advance(Duration.ofSeconds(10));
    rig.heartbeat("lss-1", 4, List.of("gone"));
    assertEquals(1, rig.published(SessionCloseRequested.class).size());
    rig.clock.advance(Duration.ofSeconds(25));
    done(rig.reconciler.sweep());
    rig.heartbeat("lss-1", 4, List.of("gone"));
    assertEquals(2, rig.published(SessionCloseRequested.class).size());
  }

  @Test
  void anLssThatStillRunsASessionHandedOverWhileItWasSilentIsToldToLetGoOfIt() {
    Session s = readyOn("lss-1");
    rig.clock.advance(LOST_AFTER.plusSeconds(1));
    done(rig.reconciler.sweep());
    rig.heartbeat("lss-1", 4, List.of(s.id()));
    assertTrue(rig.published(LssReleaseRequested.class).isEmpty(), "no LSS holds it yet: lss-1 may take it again");

    done(rig.lifecycle.fold(ServiceStarting.of(s.id(), "echo", "lss-2")));
    rig.heartbeat("lss-2", 4, List.of(s.id()));
    rig.heartbeat("lss-1", 4, List.of(s.id())); // stalled, back, and still running its copy
    List<LssReleaseRequested> releases = rig.published(LssReleaseRequested.class);
    assertEquals(1, releases.size());
    assertEquals("lss-1", releases.get(0).lssId());
    assertEquals(s.id(), releases.get(0).sessionId());
    assertEquals("lss-2", releases.get(0).heldBy());
    assertEquals(0, rig.published(SessionCloseRequested.class).size(), "the session itself goes on");

    rig.clock.advance(Duration.ofSeconds(3));
    rig.heartbeat("lss-1", 4, List.of(s.id()));
    assertEquals(1, rig.published(LssReleaseRequested.class).size(), "asked again at most every 5 s");
    rig.clock.advance(Duration.ofSeconds(3));
    rig.heartbeat("lss-2", 4, List.of(s.id()));
    done(rig.reconciler.sweep());
    rig.heartbeat("lss-1", 4, List.of(s.id()));
    assertEquals(2, rig.published(LssReleaseRequested.class).size());
  }

  @Test
  void aCloseNoLssConfirmedIsAskedAgainEvery30s() {
    Session s = readyOn("lss-1");
    done(rig.lifecycle.close(s.id(), "closed by user", "alice", false));
    int asked = rig.published(SessionCloseRequested.class).size();
    rig.clock.advance(Duration.ofSeconds(20));
    done(rig.reconciler.sweep());
    assertEquals(asked, rig.published(SessionCloseRequested.class).size(), "an LSS may still be at it");
    rig.clock.advance(Duration.ofSeconds(11));
    done(rig.reconciler.sweep());
    List<SessionCloseRequested> closes = rig.published(SessionCloseRequested.class);
    assertEquals(asked + 1, closes.size());
    assertEquals("closed by user", closes.get(closes.size() - 1).reason(), "asked again for the same reason");
    rig.clock.advance(Duration.ofSeconds(10));
    done(rig.reconciler.sweep());
    assertEquals(asked + 1, rig.published(SessionCloseRequested.class).size());
    rig.clock.advance(Duration.ofSeconds(25));
    done(rig.reconciler.sweep());
    assertEquals(asked + 2, rig.published(SessionCloseRequested.class).size());
  }
}
