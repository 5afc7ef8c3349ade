package org.otplatform.gss.lifecycle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.otplatform.gss.lifecycle.Rig.done;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.otplatform.common.events.SessionCommand.SessionCloseRequested;
import org.otplatform.common.events.SessionEvent.ServiceEndpoint;
import org.otplatform.common.events.SessionEvent.ServiceReady;
import org.otplatform.common.events.SessionEvent.ServiceStarting;
import org.otplatform.common.events.SessionEvent.SessionActivity;
import org.otplatform.common.events.SessionEvent.SessionReady;
import org.otplatform.gss.session.Session;
import org.otplatform.gss.session.SessionState;

/** The open-timeout backstop and the idle cull. */
class SweepsTest {
  private final Rig rig = new Rig();

  @AfterEach
  void close() {
    rig.close();
  }

  @Test
  void aStuckOpenFailsNamingWhatItWaitedFor() {
    Session s = rig.open("alice", "q", "echo");
    done(rig.lifecycle.fold(ServiceStarting.of(s.id(), "echo", "lss-1")));
    done(rig.lifecycle.fold(ServiceReady.of(s.id(), "echo", "h:1")));
    // The default for a cluster-mode service: its start timeout, its scheduling grace, plus 30 s.
    Duration timeout = Duration.ofSeconds(60 + 300 + 30);
    rig.clock.advance(timeout);
    done(rig.sweeps.failStuckOpens());
    assertEquals(SessionState.OPENING, rig.session(s.id()).state(), "not past its timeout yet");
    rig.clock.advance(Duration.ofSeconds(1));
    done(rig.sweeps.failStuckOpens());
    Session failed = rig.session(s.id());
    assertEquals(SessionState.FAILED, failed.state());
    assertEquals("did not open within 390 s; still waiting for: viewer PENDING", failed.reason());
    assertEquals("open timed out", rig.published(SessionCloseRequested.class).get(0).reason());
    assertEquals(0, rig.store.slotsHeld("pid-q"));
  }

  @Test
  void idleSessionsCloseAndActivityKeepsThemOpen() {
    Session s = rig.open("alice", "q", "echo");
    // Events carry their own time: ready at the test clock's now, not the wall clock's.
    done(rig.lifecycle.fold(new SessionReady("r1", rig.clock.instant(), s.id(), List.of(
        new ServiceEndpoint("echo", "h:1"), new ServiceEndpoint("viewer", "h:2")))));
    rig.clock.advance(Duration.ofSeconds(200));
    Instant used = rig.clock.instant();
    done(rig.lifecycle.fold(new SessionActivity("a1", used, s.id(), "alice")));
    rig.clock.advance(Duration.ofSeconds(200));
    done(rig.sweeps.cullIdle());
    assertEquals(SessionState.READY, rig.session(s.id()).state(), "used 200 s ago, idle timeout 300 s");
    rig.clock.advance(Duration.ofSeconds(101));
    done(rig.sweeps.runOnce());
    Session idle = rig.session(s.id());
    assertEquals(SessionState.CLOSING, idle.state());
    assertEquals("idle", idle.log().entries().get(idle.seq() - 1).event().getString("reason"));
    assertEquals("idle", rig.published(SessionCloseRequested.class).get(0).reason());
  }
}
