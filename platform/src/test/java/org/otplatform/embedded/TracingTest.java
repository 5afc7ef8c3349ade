package org.otplatform.embedded;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * One session's open is one trace across the services: the GSS's request span, the open request it
 * sends on Kafka, the LSS handling it, the start of the compute service (spawn to ready), the
 * ServiceReady the LSS sends and the GSS handling that — each span the child of the one before, as
 * an admin reads it at the GSS's trace route. The front end starts the trace (its
 * {@code traceparent} on the open request) and continues it through the relay: a message with a
 * {@code traceparent} is the relay's call span in the same trace.
 */
@ExtendWith(SharedPlatform.class)
@Timeout(180)
class TracingTest {
  private static final Duration DEADLINE = Duration.ofSeconds(90);

  @Test
  void anOpenIsOneTraceFromTheRequestToReady() throws Exception {
    SharedPlatform.Holder p = SharedPlatform.get();
    String token = SharedPlatform.login("admin", SharedPlatform.ADMIN_PASSWORD);
    Api.post(p.auth + "/api/v1/projects", token, "{\"name\":\"tracing-e2e\"}").expect(201);
    // The front end's own trace: the open request, then a call through the relay.
    String traceId = java.util.UUID.randomUUID().toString().replace("-", "");
    String frontEndSpan = traceId.substring(0, 16);
    String callSpan = traceId.substring(16);
    String id = Api.send("POST", p.gss + "/api/v1/sessions", token, "{\"project\":\"tracing-e2e\",\"type\":\"echo\"}",
        Map.of("traceparent", "00-" + traceId + "-" + frontEndSpan + "-01")).expect(202).json().getString("id");
    Api.await("session READY", DEADLINE,
        () -> "READY".equals(Api.get(p.gss + "/api/v1/sessions/" + id, token).expect(200).json().getString("state")));

    AtomicReference<JsonObject> found = new AtomicReference<>();
    Api.await("the open's trace down to the GSS handling ServiceReady", DEADLINE, () -> {
      JsonObject traces = Api.get(p.gss + "/api/v1/admin/sessions/" + id + "/traces", token).expect(200).json();
      for (Object t : traces.getJsonArray("traces")) {
        JsonObject trace = (JsonObject) t;
        found.set(trace);
        if (chain(trace) != null) {
          return true;
        }
      }
      return false;
    });
    List<JsonObject> chain = chain(found.get());
    assertNotNull(chain, found.get().encodePrettily());
    assertEquals(traceId, found.get().getString("traceId"), "the trace the front end started");
    assertEquals(frontEndSpan, chain.get(0).getString("parentSpanId"), "the open request is the front end's span's child");
    assertEquals(List.of("ot-gss", "ot-gss", "ot-lss", "ot-lss", "ot-lss", "ot-gss"),
        chain.stream().map(s -> s.getString("service")).toList(), found.get().encodePrettily());
    assertEquals("POST /api/v1/sessions", chain.get(0).getString("name"), "named by its route");
    assertEquals("send ot.session.commands", chain.get(1).getString("name"));
    assertEquals("send ot.session.events", chain.get(4).getString("name"));
    JsonObject start = chain.get(3);
    assertEquals(id, start.getJsonObject("attributes").getString("ot.session.id"));
    assertTrue(start.getDouble("durationMs") > 0, "the start span lasts from spawn to ready");

    try (WsProbe relay = WsProbe.connect(p.relay + "/ws/sessions/" + id, token)) {
      relay.send(new JsonObject().put("to", "echo").put("id", 1).put("action", "echo")
          .put("payload", new JsonObject().put("x", 1)).put("traceparent", "00-" + traceId + "-" + callSpan + "-01"));
      JsonObject reply = relay.next(DEADLINE);
      assertNotNull(reply, "the echo's reply");
      assertEquals(1, reply.getInteger("re"), reply.encode());
    }
    JsonObject call = Api.get(p.gss + "/api/v1/admin/sessions/" + id + "/traces", token).expect(200).json()
        .getJsonArray("traces").stream().map(JsonObject.class::cast).filter(t -> traceId.equals(t.getString("traceId")))
        .flatMap(t -> t.getJsonArray("spans").stream().map(JsonObject.class::cast))
        .filter(s -> "call echo".equals(s.getString("name"))).findFirst()
        .orElseThrow(() -> new AssertionError("no relay span in the front end's trace"));
    assertEquals("ot-relay", call.getString("service"));
    assertEquals(callSpan, call.getString("parentSpanId"), "the relay's span is the front end's message's child");
    assertEquals("echo", call.getJsonObject("attributes").getString("rpc.method"));

    Api.post(p.auth + "/api/v1/users", token, "{\"username\":\"tess-traces\",\"password\":\"tess-long-password\"}")
        .expect(201);
    String tess = SharedPlatform.login("tess-traces", "tess-long-password");
    assertEquals("forbidden", Api.get(p.gss + "/api/v1/admin/sessions/" + id + "/traces", tess).expect(403).json()
        .getString("error"), "traces are for admins");
    Api.delete(p.gss + "/api/v1/sessions/" + id, token).expect(202);
  }

  /**
   * The path request → send → process (LSS) → start → send → process (GSS) through parent links,
   * or null when the trace does not (yet) hold it.
   */
  static List<JsonObject> chain(JsonObject trace) {
    JsonArray spans = trace.getJsonArray("spans");
    Map<String, JsonObject> byId = new HashMap<>();
    spans.forEach(s -> byId.put(((JsonObject) s).getString("spanId"), (JsonObject) s));
    for (Object o : spans) {
      JsonObject gssProcess = (JsonObject) o;
      if (!"process ot.session.events".equals(gssProcess.getString("name"))
          || !"ot-gss".equals(gssProcess.getString("service"))) {
        continue;
      }
      // Walk up: send (LSS) ← start (LSS) ← process commands (LSS) ← send (GSS) ← request (GSS).
      List<JsonObject> up = new java.util.ArrayList<>();
      JsonObject at = gssProcess;
      while (at != null) {
        up.add(0, at);
        at = at.getString("parentSpanId") == null ? null : byId.get(at.getString("parentSpanId"));
      }
      if (up.size() >= 6) {
        List<JsonObject> last = up.subList(up.size() - 6, up.size());
        if ("SERVER".equals(last.get(0).getString("kind"))
            && "PRODUCER".equals(last.get(1).getString("kind"))
            && "process ot.session.commands".equals(last.get(2).getString("name"))
            && last.get(3).getString("name").startsWith("start ")
            && "PRODUCER".equals(last.get(4).getString("kind"))) {
          return last;
        }
      }
    }
    return null;
  }
}
