package org.otplatform.common.events;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.vertx.core.json.JsonObject;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.otplatform.common.events.SessionCommand.SessionCloseRequested;
import org.otplatform.common.events.SessionCommand.SessionOpenRequested;
import org.otplatform.common.events.SessionEvent.ServiceEndpoint;
import org.otplatform.common.events.SessionEvent.ServiceFailed;
import org.otplatform.common.events.SessionEvent.ServiceReady;
import org.otplatform.common.events.SessionEvent.ServiceStarting;
import org.otplatform.common.events.SessionEvent.SessionClosed;
import org.otplatform.common.events.SessionEvent.SessionFailed;
import org.otplatform.common.events.SessionEvent.SessionReady;

class EventCodecTest {
  @Test
  void everySessionEventSurvivesTheWire() {
    List<SessionEvent> events = List.of(
        ServiceStarting.of("s1", "kriging", "lss-1"),
        ServiceReady.of("s1", "kriging", "10.0.0.5:8080"),
        ServiceFailed.of("s1", "kriging", 137, "OOMKilled"),
        ServiceFailed.of("s1", "kriging", null, "ImagePullBackOff"),
        SessionEvent.ServiceRestarting.of("s1", "kriging", 2, 3, 2000),
        SessionEvent.ServiceProgress.of("s1", "kriging", "TriggeredScaleUp", "pod triggered scale-up: [{pool 1->2 (max: 5)}]"),
        SessionReady.of("s1", List.of(new ServiceEndpoint("kriging", "10.0.0.5:8080"))),
        SessionFailed.of("s1", "no capacity"),
        SessionClosed.of("s1", "idle"),
        SessionEvent.SessionActivity.of("s1", "alice"));
    for (SessionEvent e : events) {
      JsonObject json = EventCodec.encode(e);
      assertEquals(e.type(), json.getString("type"));
      assertEquals("s1", json.getString("sessionId"));
      assertEquals(e, EventCodec.decodeEvent(new JsonObject(json.encode())));
    }
  }

  @Test
  void commandsSurviveTheWire() {
    for (SessionCommand c : List.of(SessionOpenRequested.of("s2", "p", "kriging", "u1"),
        SessionOpenRequested.of("s2", "p", "p-id", "kriging", "u1", "gpu", "gpu-hosts"),
        SessionCloseRequested.of("s2", "closed by user"))) {
      assertEquals(c, EventCodec.decodeCommand(new JsonObject(EventCodec.encode(c).encode())));
      assertEquals("s2", c.key());
    }
  }

  @Test
  void unknownOrIncompleteEventsAreRejected() {
    assertThrows(IllegalArgumentException.class, () -> EventCodec.decodeEvent(new JsonObject()
        .put("type", "Nope").put("id", "1").put("time", "2026-01-01T00:00:00Z").put("sessionId", "s")));
    assertThrows(IllegalArgumentException.class, () -> EventCodec.decodeEvent(new JsonObject()
        .put("type", "ServiceReady").put("id", "1").put("time", "2026-01-01T00:00:00Z")));
  }
}
