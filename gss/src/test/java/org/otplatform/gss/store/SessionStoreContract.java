package org.otplatform.gss.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.otplatform.common.testing.MongoFixture.await;

import io.vertx.core.Future;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.otplatform.gss.session.ServiceStatus;
import org.otplatform.common.catalog.Pools;
import org.otplatform.gss.session.Session;
import org.otplatform.gss.session.SessionState;

/** What every {@link SessionStore} must do; run against MongoDB (wire server) and the in-memory store. */
abstract class SessionStoreContract {
  private static final Instant T0 = Instant.parse("2026-12-01T10:00:00Z");

  abstract SessionStore store();

  private static Session session(String id, String owner, String projectId, int secondsAfterT0) {
    Instant at = T0.plusSeconds(secondsAfterT0);
    return Session.open(id, new Session.Origin("p-" + projectId, projectId, "echo", owner, owner + "-name", at),
        List.of("echo"), at);
  }

  @Test
  void aSessionReadsBackAsStored() throws Exception {
    Session s = session("a", "u1", "p1", 0).enqueue("no LSS is running", T0);
    await(store().insert(s));
    assertEquals(s, await(store().get("a")).orElseThrow());
    assertTrue(await(store().get("nope")).isEmpty());
  }

  @Test
  void anUpdateStoresWhatTheRuleDecidedAndSaysSo() throws Exception {
    await(store().insert(session("a", "u1", "p1", 0)));
    Updated same = await(store().update("a", s -> s)).orElseThrow();
    assertFalse(same.changed());
    assertSame(same.before(), same.after());
    Updated closing = await(store().update("a", s -> s.close("bye", T0))).orElseThrow();
    assertTrue(closing.changed());
    assertEquals(1, closing.after().version());
    assertEquals(closing.after(), await(store().get("a")).orElseThrow());
    assertTrue(await(store().update("nope", s -> s.close("bye", T0))).isEmpty());
  }

  @Test
  void concurrentUpdatesAreAllKept() throws Exception {
    await(store().insert(session("a", "u1", "p1", 0)));
    List<Future<?>> writes = IntStream.range(0, 8).<Future<?>>mapToObj(i -> store().update("a",
        s -> s.withService("extra-" + i, x -> x))).toList();
    await(Future.join(writes));
    Session s = await(store().get("a")).orElseThrow();
    assertEquals(9, s.services().size(), s.services().toString());
    assertEquals(8, s.version());
  }

  @Test
  void slotsAreTakenAtMostOnceEach() throws Exception {
    List<Future<Boolean>> claims = IntStream.range(0, 5).mapToObj(i -> store().claimSlot("p1", 3, "s" + i,
        "owner" + i)).toList();
    await(Future.join(claims));
    assertEquals(3, claims.stream().filter(Future::result).count());
    String holder = await(store().slotHolder("p1")).orElseThrow().sessionId();
    assertTrue(Set.of("s0", "s1", "s2", "s3", "s4").contains(holder));
    for (int i = 0; i < 5; i++) {
      await(store().releaseSlots("s" + i));
    }
    assertTrue(await(store().slotHolder("p1")).isEmpty());
    assertTrue(await(store().claimSlot("p1", 1, "s9", "o")));
    assertFalse(await(store().claimSlot("p1", 1, "s10", "o")));
    assertTrue(await(store().claimSlot("user:u1", 1, "s10", "o")), "keys are apart");
  }

  @Test
  void findCountAndSummarise() throws Exception {
    await(store().insert(session("old", "u1", "p1", 0)));
    await(store().insert(session("new", "u1", "p2", 10)));
    await(store().insert(session("other", "u2", "p1", 5).enqueue("full", T0.plusSeconds(5))));
    await(store().insert(session("later", "u2", "p2", 6).enqueue("full", T0.plusSeconds(6))));
    await(store().insert(session("done", "u2", "p2", 7).fail("broken", T0.plusSeconds(7))));
    await(store().update("new", s -> s.withServices(List.of(ServiceStatus.pending("echo").starting("lss-1")))
        .withLss("lss-1")));

    assertEquals(List.of("new", "old"), ids(await(store().find(SessionFilter.ownedBy("u1"), 10))));
    assertEquals(List.of("new"), ids(await(store().find(SessionFilter.ownedBy("u1"), 1))));
    assertEquals(List.of("other", "old"), ids(await(store().find(SessionFilter.ofProject("p1",
        Set.of(SessionState.OPENING)), 10))));
    assertEquals(List.of("new"), ids(await(store().find(new SessionFilter(Set.of(), null, null, null, null, "echo",
        "lss-1"), 10))));
    assertEquals(List.of("done"), ids(await(store().find(new SessionFilter(Set.of(SessionState.FAILED), null,
        "u2-name", null, null, null, null), 10))));

    assertEquals(List.of("new", "done", "later"), ids(await(store().find(SessionFilter.inProjects(Set.of("p2")), 10))));

    assertEquals(List.of("other", "later"), ids(await(store().queued())));
    assertEquals(1, await(store().countQueuedBefore(Pools.DEFAULT, T0.plusSeconds(6))));
    assertEquals(2, await(store().countHoldingSlots(Pools.DEFAULT)), "queued and failed sessions hold none");
    // Another pool's sessions count in its own queue and slots only.
    Session.Origin gpu = new Session.Origin("p-p3", "p3", "echo", "u3", "u3-name", T0, null, "gpu");
    await(store().insert(Session.open("gpu-1", gpu, List.of("echo"), T0.plusSeconds(1))));
    await(store().insert(Session.open("gpu-2", gpu, List.of("echo"), T0.plusSeconds(2)).enqueue("full",
        T0.plusSeconds(2))));
    assertEquals(2, await(store().countQueued(Pools.DEFAULT)));
    assertEquals(1, await(store().countQueued("gpu")));
    assertEquals(0, await(store().countQueuedBefore("gpu", T0.plusSeconds(2))));
    assertEquals(2, await(store().countHoldingSlots(Pools.DEFAULT)));
    assertEquals(1, await(store().countHoldingSlots("gpu")));
    assertEquals("gpu", await(store().get("gpu-2")).orElseThrow().origin().pool());
    await(store().update("gpu-1", s -> s.fail("gone", T0.plusSeconds(3))));
    await(store().update("gpu-2", s -> s.fail("gone", T0.plusSeconds(3))));
    assertEquals(4, await(store().countActive()));
    assertEquals(Map.of("old", new Placement(SessionState.OPENING, null), "done", new Placement(SessionState.FAILED,
        null), "new", new Placement(SessionState.OPENING, "lss-1")),
        await(store().placements(List.of("old", "done", "new", "nope"))));

    Session summary = await(store().summaries(Set.of(SessionState.OPENING))).stream()
        .filter(s -> s.id().equals("new")).findFirst().orElseThrow();
    assertEquals("lss-1", summary.lss());
    assertEquals(1, summary.services().size());
    assertEquals(1, summary.seq());
    assertTrue(summary.log().entries().isEmpty(), "summaries leave the log out");
  }

  private static List<String> ids(List<Session> sessions) {
    return sessions.stream().map(Session::id).toList();
  }
}
