package org.otplatform.gss.lifecycle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.otplatform.gss.lifecycle.Rig.done;
import static org.otplatform.gss.lifecycle.Rig.refusal;
import static org.otplatform.gss.lifecycle.Rig.user;

import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.otplatform.common.auth.Principal;
import org.otplatform.common.events.SessionCommand.SessionOpenRequested;
import org.otplatform.common.events.SessionEvent.SessionClosed;
import org.otplatform.common.http.ApiException;
import org.otplatform.gss.GssConfig;
import org.otplatform.gss.session.ServiceState;
import org.otplatform.gss.session.Session;
import org.otplatform.gss.session.SessionState;

/** The rules on opening a session: types, projects, the three limits, and an unreachable broker. */
class AdmissionTest {
  private Rig rig = new Rig();

  @AfterEach
  void close() {
    rig.close();
  }

  @Test
  void anOpenIsStoredRecordedAndPublished() {
    Session s = rig.open("alice", "p", null);
    assertEquals(SessionState.OPENING, s.state());
    assertEquals("kriging", s.origin().type(), "the catalog's default type");
    assertEquals("pid-p", s.origin().projectId());
    assertEquals(ServiceState.PENDING, s.services().get(0).state());
    assertEquals("SessionOpenRequested", rig.session(s.id()).log().entries().get(0).event().getString("type"));
    SessionOpenRequested request = rig.published(SessionOpenRequested.class).get(0);
    assertEquals(List.of(s.id(), "p", "kriging", "id-alice"),
        List.of(request.sessionId(), request.project(), request.sessionType(), request.owner()));
    assertEquals(1, rig.store.slotsHeld("pid-p"));
    assertEquals(1, rig.store.slotsHeld("user:id-alice"));
  }

  @Test
  void aProfileIsCheckedRecordedAndSentToTheLss() {
    Session byDefault = rig.open("alice", "q", "gpu");
    assertEquals("cpu", byDefault.origin().profile(), "the type's default profile");
    Session gpu = done(rig.admission.open(user("gail"), "q", "gpu", "gpu"));
    assertEquals("gpu", rig.session(gpu.id()).origin().profile(), "stored with the session");
    SessionOpenRequested request = rig.published(SessionOpenRequested.class).get(1);
    assertEquals(gpu.id(), request.sessionId());
    assertEquals("gpu", request.profile(), "the LSS is told which profile to run");

    ApiException notAMember = refusal(rig.admission.open(user("alice"), "q", "gpu", "gpu"));
    assertEquals(403, notAMember.status());
    assertEquals("profile 'gpu' is for members of gpu-users", notAMember.getMessage());
    Principal admin = new Principal("id-root", "root", java.util.Set.of(Principal.ADMIN), "t", Rig.T0,
        Rig.T0.plusSeconds(3600));
    assertEquals("gpu", done(rig.admission.open(admin, "q", "gpu", "gpu")).origin().profile(), "admins may pick any");

    ApiException unknown = org.junit.jupiter.api.Assertions.assertThrows(ApiException.class,
        () -> rig.admission.open(user("alice"), "q", "gpu", "huge"));
    assertEquals(400, unknown.status());
    assertEquals("session type 'gpu' has no profile 'huge'; its profiles: gpu, cpu", unknown.getMessage());
    ApiException none = org.junit.jupiter.api.Assertions.assertThrows(ApiException.class,
        () -> rig.admission.open(user("alice"), "q", "echo", "gpu"));
    assertEquals("session type 'echo' has no profiles; open it without 'profile'", none.getMessage());
    assertEquals(1, rig.store.slotsHeld("user:id-alice"), "refusals hold no slot: only alice's first session");
  }

  @Test
  void aFullProjectIsAConflictNamingTheHolderOnlyToItsOwner() {
    Session first = rig.open("alice", "p", "kriging");
    ApiException again = refusal(rig.admission.open(user("alice"), "p", "kriging"));
    assertEquals(409, again.status());
    assertTrue(again.getMessage().endsWith("(your session " + first.id() + ")"), again.getMessage());
    ApiException other = refusal(rig.admission.open(user("bob"), "p", "kriging"));
    assertEquals("project 'p' already has an open session", other.getMessage());
    assertEquals(0, rig.store.slotsHeld("user:id-bob"), "a refused open holds no slot");
  }

  @Test
  void theUsersLimitIsTakenAsSlots() {
    rig.close();
    rig = new Rig(new GssConfig.SessionLimits(2, 100));
    rig.open("alice", "q", "echo");
    rig.open("alice", "q", "echo");
    ApiException third = refusal(rig.admission.open(user("alice"), "q", "echo"));
    assertEquals(429, third.status());
    assertEquals("you have 2 open sessions; the limit is 2", third.getMessage());
    assertEquals(2, rig.store.slotsHeld("pid-q"), "the refused open gave its project slot back");
    rig.open("bob", "q", "echo");
  }

  @Test
  void thePlatformsLimitCountsActiveSessions() {
    rig.close();
    rig = new Rig(new GssConfig.SessionLimits(5, 2));
    Session first = rig.open("alice", "q", "echo");
    rig.open("bob", "q", "echo");
    ApiException full = refusal(rig.admission.open(user("carol"), "q", "echo"));
    assertEquals(429, full.status());
    assertTrue(full.getMessage().startsWith("the platform holds 2 open sessions"), full.getMessage());
    done(rig.lifecycle.fold(SessionClosed.of(first.id(), "closed by user")));
    assertEquals(0, rig.store.slotsHeld("user:id-alice"), "a closed session gives its slots back");
    rig.open("carol", "q", "echo");
  }

  @Test
  void unknownTypesAndProjectsAreRefusedWithoutHoldingAnything() {
    ApiException type = assertThrowsApi(() -> rig.admission.open(user("alice"), "p", "nope"));
    assertEquals(400, type.status());
    assertTrue(type.getMessage().startsWith("unknown session type 'nope'; known types: "), type.getMessage());
    assertEquals(404, refusal(rig.admission.open(user("alice"), "nowhere", null)).status());
    assertEquals(0, rig.store.slotsHeld("user:id-alice"));
    assertTrue(rig.published.isEmpty());
  }

  @Test
  void anUnreachableBrokerFailsTheSessionAnd503s() {
    rig.kafkaDown = true;
    ApiException down = refusal(rig.admission.open(user("alice"), "p", null));
    assertEquals(503, down.status());
    Session stored = done(rig.store.find(org.otplatform.gss.store.SessionFilter.ALL, 10)).get(0);
    assertEquals(SessionState.FAILED, stored.state());
    assertEquals("the platform's event bus is unreachable", stored.reason());
    assertFalse(stored.isQueued());
    assertEquals(0, rig.store.slotsHeld("pid-p"));
    assertEquals(0, rig.store.slotsHeld("user:id-alice"));
  }

  private static ApiException assertThrowsApi(Runnable open) {
    try {
      open.run();
    } catch (ApiException e) {
      return e;
    }
    throw new AssertionError("expected an ApiException");
  }
}
