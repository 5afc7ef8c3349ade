package org.otplatform.gss.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.otplatform.common.events.SessionEvent.ServiceEndpoint;
import org.otplatform.common.events.SessionEvent.ServiceFailed;
import org.otplatform.common.events.SessionEvent.ServiceReady;
import org.otplatform.common.events.SessionEvent.ServiceRestarting;
import org.otplatform.common.events.SessionEvent.ServiceStarting;
import org.otplatform.common.events.SessionEvent.SessionClosed;
import org.otplatform.common.events.SessionEvent.SessionFailed;
import org.otplatform.common.events.SessionEvent.SessionReady;

class SessionFoldTest {
  private static JsonObject opening() {
    return new JsonObject().put("_id", "s").put("state", "OPENING")
        .put("services", new JsonArray().add(new JsonObject().put("name", "kriging").put("state", "PENDING")));
  }

  @Test
  void progressLeadsToReady() {
    JsonObject doc = opening();
    assertTrue(SessionFold.apply(doc, ServiceStarting.of("s", "kriging", "lss-1")));
    assertTrue(SessionFold.apply(doc, ServiceReady.of("s", "kriging", "h:1")));
    assertEquals("OPENING", doc.getString("state"));
    assertTrue(SessionFold.apply(doc, SessionReady.of("s", List.of(new ServiceEndpoint("kriging", "h:1")))));
    assertEquals("READY", doc.getString("state"));
    assertEquals("h:1", doc.getJsonArray("services").getJsonObject(0).getString("endpoint"));
    assertEquals(3, doc.getInteger("seq"));
    assertTrue(doc.containsKey("readyAt"));
  }

  @Test
  void aRestartedServiceKeepsTheSessionReadyAndMovesItsEndpoint() {
    JsonObject doc = opening();
    SessionFold.apply(doc, SessionReady.of("s", List.of(new ServiceEndpoint("kriging", "h:1"))));
    assertTrue(SessionFold.apply(doc, ServiceFailed.of("s", "kriging", 137, "OOMKilled")));
    assertTrue(SessionFold.apply(doc, ServiceRestarting.of("s", "kriging", 1, 3, 1000)));
    JsonObject service = doc.getJsonArray("services").getJsonObject(0);
    assertEquals("READY", doc.getString("state"));
    assertEquals("RESTARTING", service.getString("state"));
    assertEquals(1, service.getInteger("restarts"));
    assertFalse(service.containsKey("endpoint"), "no endpoint while it restarts");
    assertTrue(SessionFold.apply(doc, ServiceReady.of("s", "kriging", "h:2")));
    assertEquals("READY", service.getString("state"));
    assertEquals("h:2", service.getString("endpoint"));
  }

  @Test
  void aReplayedEventChangesNothing() {
    JsonObject doc = opening();
    ServiceFailed failed = ServiceFailed.of("s", "kriging", 1, "exited");
    assertTrue(SessionFold.apply(doc, failed));
    JsonObject before = doc.copy();
    assertFalse(SessionFold.apply(doc, failed));
    assertEquals(before, doc);
  }

  @Test
  void terminalSessionsStayTerminal() {
    JsonObject doc = opening();
    assertTrue(SessionFold.apply(doc, SessionFailed.of("s", "kriging could not start")));
    assertEquals("FAILED", doc.getString("state"));
    assertEquals("kriging could not start", doc.getString("reason"));
    assertFalse(SessionFold.apply(doc, SessionReady.of("s", List.of())));
    assertFalse(SessionFold.apply(doc, SessionClosed.of("s", "late")));
    assertEquals("FAILED", doc.getString("state"));
  }

  @Test
  void activityMovesForwardWithoutAProgressEntry() {
    JsonObject doc = opening();
    var later = new org.otplatform.common.events.SessionEvent.SessionActivity("a2", java.time.Instant.parse(
        "2026-11-25T10:00:05Z"), "s", "alice");
    var earlier = new org.otplatform.common.events.SessionEvent.SessionActivity("a1", java.time.Instant.parse(
        "2026-11-25T10:00:01Z"), "s", "alice");
    assertTrue(SessionFold.apply(doc, later));
    assertFalse(SessionFold.apply(doc, earlier), "an older activity arriving late changes nothing");
    assertEquals("2026-11-25T10:00:05Z", doc.getString("lastActivityAt"));
    assertEquals(0, doc.getInteger("seq", 0));
  }

  @Test
  void closedStopsTheServices() {
    JsonObject doc = opening();
    SessionFold.apply(doc, SessionReady.of("s", List.of(new ServiceEndpoint("kriging", "h:1"))));
    assertTrue(SessionFold.apply(doc, SessionClosed.of("s", "closed by user")));
    assertEquals("CLOSED", doc.getString("state"));
    assertEquals("STOPPED", doc.getJsonArray("services").getJsonObject(0).getString("state"));
  }
}
