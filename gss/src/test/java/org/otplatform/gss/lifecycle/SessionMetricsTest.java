package org.otplatform.gss.lifecycle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.otplatform.gss.lifecycle.Rig.done;

import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.otplatform.common.events.SessionEvent.ServiceEndpoint;
import org.otplatform.common.events.SessionEvent.ServiceStarting;
import org.otplatform.common.events.SessionEvent.SessionFailed;
import org.otplatform.common.events.SessionEvent.SessionReady;
import org.otplatform.gss.session.Session;

/** The session figures move with the transitions the lifecycle stores, timed on the rig's clock. */
class SessionMetricsTest {
  private final Rig rig = new Rig();

  @AfterEach
  void close() {
    rig.close();
  }

  private Timer timer(String type, String outcome) {
    return rig.meters.find("ot_session_open").tags("type", type, "outcome", outcome).timer();
  }

  @Test
  void anOpenIsTimedToReadyOrFailedOnceAndCountedWhenAdmitted() {
    Session ready = rig.open("alice", "q", "echo");
    done(rig.lifecycle.fold(ServiceStarting.of(ready.id(), "echo", "lss-1")));
    rig.clock.advance(Duration.ofMillis(2500));
    SessionReady event = new SessionReady("r1", rig.clock.instant(), ready.id(), List.of(
        new ServiceEndpoint("echo", "h:1"), new ServiceEndpoint("viewer", "h:2")));
    done(rig.lifecycle.fold(event));
    done(rig.lifecycle.fold(event)); // redelivered: changes nothing, counted once
    assertEquals(1, timer("echo", "ready").count());
    assertEquals(2500, timer("echo", "ready").totalTime(TimeUnit.MILLISECONDS), 1);

    Session failed = rig.open("alice", "p", "kriging");
    rig.clock.advance(Duration.ofSeconds(1));
    done(rig.lifecycle.fold(new SessionFailed("f1", rig.clock.instant(), failed.id(), "no licence")));
    assertEquals(1, timer("kriging", "failed").count());
    assertEquals(1000, timer("kriging", "failed").totalTime(TimeUnit.MILLISECONDS), 1);

    Session closed = rig.open("bob", "q", "echo");
    done(rig.lifecycle.close(closed.id(), "changed my mind", "bob", false));
    assertEquals(1, timer("echo", "closed").count());
    assertEquals(2, rig.meters.find("ot_session_opens").tags("type", "echo").counter().count());
    assertEquals(1, rig.meters.find("ot_session_opens").tags("type", "kriging").counter().count());
  }
}
