package org.otplatform.gss.lifecycle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.otplatform.gss.lifecycle.Rig.done;

import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.otplatform.common.events.LssClaimGranted;
import org.otplatform.common.events.LssReleaseRequested;
import org.otplatform.common.events.SessionEvent.ServiceStarting;
import org.otplatform.gss.session.Session;

/**
 * An LSS starts a session's services only once the GSS granted its claim ({@code ServiceStarting}):
 * the first claim wins, a second LSS acting on the same open request is asked to let go before it
 * started anything, and so is one claiming a session that is over or unknown.
 */
class ClaimsTest {
  private final Rig rig = new Rig();

  @AfterEach
  void close() {
    rig.close();
  }

  private void claim(String session, String lss) {
    done(rig.lifecycle.fold(ServiceStarting.of(session, "echo", lss), lss));
  }

  @Test
  void theFirstClaimIsGrantedAndASecondIsAskedToLetGo() {
    Session s = rig.open("alice", "q", "echo");
    claim(s.id(), "lss-1");
    claim(s.id(), "lss-2");
    List<LssClaimGranted> grants = rig.published(LssClaimGranted.class);
    assertEquals(1, grants.size());
    assertEquals("lss-1", grants.get(0).lssId());
    List<LssReleaseRequested> releases = rig.published(LssReleaseRequested.class);
    assertEquals(1, releases.size());
    assertEquals("lss-2", releases.get(0).lssId());
    assertEquals("lss-1", releases.get(0).heldBy());
    assertEquals("lss-1", rig.session(s.id()).lss());

    claim(s.id(), "lss-1"); // its claim again (it heard no answer): granted again
    assertEquals(2, rig.published(LssClaimGranted.class).size());
  }

  @Test
  void anLssOfAnotherPoolThanTheSessionNeedsDoesNotClaimIt() {
    rig.registry.heard(org.otplatform.common.events.LssHeartbeat.of("lss-gpu", "cluster-gpu", "kubernetes", 10,
        List.of(), List.of(), false), Rig.T0);
    Session s = rig.open("alice", "q", "echo"); // pool default
    claim(s.id(), "lss-gpu");
    assertTrue(rig.published(LssClaimGranted.class).isEmpty(), "not granted");
    assertEquals(List.of("lss-gpu"), rig.published(LssReleaseRequested.class).stream()
        .map(LssReleaseRequested::lssId).toList(), "asked to let go");
    assertNull(rig.session(s.id()).lss(), "the session is nobody's yet");
    claim(s.id(), "lss-1"); // not heard yet: its pool unknown, its claim taken as before
    assertEquals("lss-1", rig.session(s.id()).lss());
    assertEquals(List.of("lss-1"), rig.published(LssClaimGranted.class).stream().map(LssClaimGranted::lssId).toList());
  }

  @Test
  void aClaimOnASessionThatIsClosingOverOrUnknownIsAskedToLetGo() {
    Session s = rig.open("alice", "q", "echo");
    done(rig.lifecycle.close(s.id(), "closed by user", "alice", false));
    claim(s.id(), "lss-1");
    claim("no-such-session", "lss-1");
    assertTrue(rig.published(LssClaimGranted.class).isEmpty());
    List<LssReleaseRequested> releases = rig.published(LssReleaseRequested.class);
    assertEquals(2, releases.size());
    assertEquals(List.of(s.id(), "no-such-session"), releases.stream().map(LssReleaseRequested::sessionId).toList());
    assertNull(releases.get(1).heldBy());
  }
}
