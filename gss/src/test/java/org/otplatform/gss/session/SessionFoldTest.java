package org.otplatform.gss.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.otplatform.common.events.SessionEvent;
import org.otplatform.common.events.SessionEvent.ServiceEndpoint;
import org.otplatform.common.events.SessionEvent.ServiceFailed;
import org.otplatform.common.events.SessionEvent.ServiceReady;
import org.otplatform.common.events.SessionEvent.ServiceRestarting;
import org.otplatform.common.events.SessionEvent.ServiceStarting;
import org.otplatform.common.events.SessionEvent.SessionActivity;
import org.otplatform.common.events.SessionEvent.SessionClosed;
import org.otplatform.common.events.SessionEvent.SessionFailed;
import org.otplatform.common.events.SessionEvent.SessionReady;

class SessionFoldTest {
  private static final Instant T0 = Instant.parse("2026-12-01T10:00:00Z");

  /** A session as opened: OPENING, its one service PENDING, the open request recorded (seq 1). */
  private static Session opening() {
    return Session.open("s", new Session.Origin("p", "pid", "kriging", "u1", "alice", T0), List.of("kriging"), T0);
  }

  private static Session fold(Session s, SessionEvent e) {
    Session next = SessionFold.apply(s, e, T0);
    assertNotSame(s, next, e.type() + " should change the session");
    return next;
  }

  private static ServiceStatus service(Session s) {
    return s.services().get(0);
  }

  @Test
  void progressLeadsToReady() {
    Session s = fold(opening(), ServiceStarting.of("s", "kriging", "lss-1"));
    assertEquals("lss-1", s.lss());
    s = fold(s, ServiceReady.of("s", "kriging", "h:1"));
    assertEquals(SessionState.OPENING, s.state());
    s = fold(s, SessionReady.of("s", List.of(new ServiceEndpoint("kriging", "h:1"))));
    assertEquals(SessionState.READY, s.state());
    assertEquals("h:1", service(s).endpoint());
    assertEquals(4, s.seq(), "the open request and three LSS events");
    assertTrue(s.since(SessionState.READY).isPresent());
    assertEquals(SessionState.READY, s.log().entries().get(3).state());
  }

  @Test
  void aRestartedServiceKeepsTheSessionReadyAndMovesItsEndpoint() {
    Session s = fold(opening(), SessionReady.of("s", List.of(new ServiceEndpoint("kriging", "h:1"))));
    s = fold(s, ServiceFailed.of("s", "kriging", 137, "OOMKilled"));
    s = fold(s, ServiceRestarting.of("s", "kriging", 1, 3, 1000));
    assertEquals(SessionState.READY, s.state());
    assertEquals(ServiceState.RESTARTING, service(s).state());
    assertEquals(1, service(s).restarts());
    assertNull(service(s).endpoint(), "no endpoint while it restarts");
    s = fold(s, ServiceReady.of("s", "kriging", "h:2"));
    assertEquals(ServiceState.READY, service(s).state());
    assertEquals("h:2", service(s).endpoint());
  }

  @Test
  void clusterNotesAreLoggedWithoutChangingStateUpToABound() {
    Session s = fold(opening(), ServiceStarting.of("s", "kriging", "lss-1"));
    Session noted = fold(s, SessionEvent.ServiceProgress.of("s", "kriging", "TriggeredScaleUp", "pod triggered scale-up"));
    assertEquals(s.state(), noted.state());
    assertEquals(service(s), service(noted));
    assertEquals("TriggeredScaleUp", noted.log().entries().get(noted.seq() - 1).event().getString("reason"));
    for (int i = 1; i < SessionFold.MAX_PROGRESS_NOTES; i++) {
      noted = fold(noted, SessionEvent.ServiceProgress.of("s", "kriging", "BackOff", "note " + i));
    }
    Session full = noted;
    assertSame(full, SessionFold.apply(full, SessionEvent.ServiceProgress.of("s", "kriging", "BackOff", "one more"), T0),
        "no more notes past the bound");
    assertEquals(SessionState.READY, fold(full, SessionReady.of("s", List.of(new ServiceEndpoint("kriging", "h:1"))))
        .state(), "while state changes still fold");
  }

  @Test
  void anLssKnownToServeAnotherPoolDoesNotClaimTheSession() {
    Session s = opening(); // Origin without a pool: the default one
    ServiceStarting claim = ServiceStarting.of("s", "kriging", "lss-gpu");
    assertSame(s, SessionFold.apply(s, claim, "lss-gpu", "cluster-gpu", T0), "another pool's LSS");
    assertEquals("lss-gpu", SessionFold.apply(s, claim, "lss-gpu", null, T0).lss(), "a pool not known yet");
    assertEquals("lss-gpu", SessionFold.apply(s, claim, "lss-gpu", s.origin().pool(), T0).lss(), "the session's pool");
  }

  @Test
  void aReplayedEventChangesNothing() {
    ServiceFailed failed = ServiceFailed.of("s", "kriging", 1, "exited");
    Session s = fold(opening(), failed);
    assertSame(s, SessionFold.apply(s, failed, T0));
  }

  @Test
  void terminalSessionsStayTerminal() {
    Session s = fold(opening(), SessionFailed.of("s", "kriging could not start"));
    assertEquals(SessionState.FAILED, s.state());
    assertEquals("kriging could not start", s.reason());
    assertSame(s, SessionFold.apply(s, SessionReady.of("s", List.of()), T0));
    assertSame(s, SessionFold.apply(s, SessionClosed.of("s", "late"), T0));
  }

  @Test
  void activityMovesForwardWithoutAProgressEntry() {
    var later = new SessionActivity("a2", Instant.parse("2026-11-25T10:00:05Z"), "s", "alice");
    var earlier = new SessionActivity("a1", Instant.parse("2026-11-25T10:00:01Z"), "s", "alice");
    Session s = fold(opening(), later);
    assertSame(s, SessionFold.apply(s, earlier, T0), "an older activity arriving late changes nothing");
    assertEquals(Instant.parse("2026-11-25T10:00:05Z"), s.lastActivityAt());
    assertEquals(1, s.seq(), "only the open request");
  }

  @Test
  void closedStopsTheServices() {
    Session s = fold(opening(), SessionReady.of("s", List.of(new ServiceEndpoint("kriging", "h:1"))));
    s = fold(s, SessionClosed.of("s", "closed by user"));
    assertEquals(SessionState.CLOSED, s.state());
    assertEquals(ServiceState.STOPPED, service(s).state());
  }

  @Test
  void theDocumentReadsBackAsTheSameSession() {
    Session s = fold(opening().enqueue("no LSS is running", T0), SessionReady.of("s",
        List.of(new ServiceEndpoint("kriging", "h:1"))));
    s = fold(s.withActivity(T0.plusSeconds(3)), ServiceFailed.of("s", "kriging", null, "never ran"));
    assertEquals(s, SessionCodec.fromDocument(SessionCodec.toDocument(s)));
    assertEquals(s.withVersion(0), SessionCodec.fromDocument(SessionCodec.toDocument(s).put("version", 0)));
  }

  @Test
  void theFirstLssToStartASessionRunsItAndAnotherIsNotHeard() {
    Session s = SessionFold.apply(opening(), ServiceStarting.of("s", "kriging", "lss-1"), "lss-1", T0);
    assertEquals("lss-1", s.lss());
    // lss-2 acted on the same open request (a stalled consumer's fetched records): not folded.
    assertSame(s, SessionFold.apply(s, ServiceStarting.of("s", "kriging", "lss-2"), "lss-2", T0));
    assertSame(s, SessionFold.apply(s, ServiceReady.of("s", "kriging", "h:2"), "lss-2", T0));
    assertSame(s, SessionFold.apply(s, SessionReady.of("s", List.of(new ServiceEndpoint("kriging", "h:2"))), "lss-2",
        T0));
    assertSame(s, SessionFold.apply(s, SessionFailed.of("s", "its copy died"), "lss-2", T0));
    Session ready = SessionFold.apply(SessionFold.apply(s, ServiceReady.of("s", "kriging", "h:1"), "lss-1", T0),
        SessionReady.of("s", List.of(new ServiceEndpoint("kriging", "h:1"))), "lss-1", T0);
    assertEquals(SessionState.READY, ready.state());
    assertEquals("h:1", service(ready).endpoint());
    assertSame(ready, SessionFold.apply(ready, SessionClosed.of("s", "not asked"), "lss-2", T0),
        "only a close asked for is taken from another LSS");
  }

  @Test
  void aCloseAskedForIsConfirmedByAnyLssAndAFailureBeforeAnyClaimIsTaken() {
    Session ready = SessionFold.apply(SessionFold.apply(opening(), ServiceStarting.of("s", "kriging", "lss-1"),
        "lss-1", T0), SessionReady.of("s", List.of(new ServiceEndpoint("kriging", "h:1"))), "lss-1", T0);
    Session closing = ready.close("closed by user", T0);
    Session closed = SessionFold.apply(closing, SessionClosed.of("s", "closed by user"), "lss-2", T0);
    assertEquals(SessionState.CLOSED, closed.state(), "lss-1 may be gone: whoever reads the close confirms it");

    Session failed = SessionFold.apply(opening(), SessionFailed.of("s", "LSS lss-2 is at capacity"), "lss-2", T0);
    assertEquals(SessionState.FAILED, failed.state());
  }
}
