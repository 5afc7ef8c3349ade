package org.otplatform.relay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class EnvelopeTest {

  @Test
  void aRequestGoesToItsServiceWithThePayloadAsItWasSent() throws Exception {
    String payload = "{ \"samples\" : [[0, 0.5e3, -1], {\"k\":\"\\u00e9\\\"\\n\"}], \"t\":true,\"n\":null }";
    String text = "{\"to\":\"kriging\", \"id\" : 17,\"action\":\"fit\\u0021\",\"payload\":" + payload + "}";
    Envelope.Request r = Envelope.request(text);
    assertEquals("kriging", r.to());
    assertEquals("fit!", r.action());
    assertEquals("17", r.idJson());
    assertEquals(payload, r.payloadJson());
    String upstream = Envelope.toService(42, r);
    assertEquals("{\"id\":42,\"action\":\"fit\\u0021\",\"payload\":" + payload + "}", upstream);
    JsonObject parsed = new JsonObject(upstream);
    assertEquals(new JsonObject(payload), parsed.getJsonObject("payload"));
    assertEquals("fit!", parsed.getString("action"));
  }

  @Test
  void aTraceparentIsReadAndTheServiceGetsTheRelaysOwn() throws Exception {
    Envelope.Request r = Envelope.request(
        "{\"to\":\"s\",\"action\":\"a\",\"traceparent\":\"00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01\"}");
    assertEquals("00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01", r.traceparent());
    assertNull(Envelope.request("{\"to\":\"s\",\"action\":\"a\",\"traceparent\":[1]}").traceparent());
    JsonObject upstream = new JsonObject(Envelope.toService(3, r, "00-0af7651916cd43dd8448eb211c80319c-00f067aa0ba902b7-01"));
    assertEquals("00-0af7651916cd43dd8448eb211c80319c-00f067aa0ba902b7-01", upstream.getString("traceparent"));
    assertEquals(3, upstream.getInteger("id"));
  }

  @ParameterizedTest
  @ValueSource(strings = {"7", "-3", "12345678901234567890123", "\"a \\\"quoted\\\" id\"", "{\"n\":[1,2]}", "[]",
      "null", "true", "2.5"})
  void theRequestersOwnIdComesBackVerbatim(String id) throws Exception {
    Envelope.Request r = Envelope.request("{\"id\":" + id + ",\"to\":\"s\",\"action\":\"a\"}");
    assertEquals(id, r.idJson());
    String reply = Envelope.reply("\"s\"", r.idJson(), Envelope.upstream("{\"re\":1,\"result\":{\"ok\":1}}"));
    assertEquals(new JsonObject("{\"x\":" + id + "}").getValue("x"), new JsonObject(reply).getValue("re"));
  }

  @Test
  void aRequestWithoutPayloadOrIdGetsNulls() throws Exception {
    Envelope.Request r = Envelope.request("{\"to\":\"s\",\"action\":\"ping\"}");
    assertNull(r.idJson());
    assertNull(r.payloadJson());
    assertEquals(new JsonObject().put("id", 1).put("action", "ping").putNull("payload"),
        new JsonObject(Envelope.toService(1, r)));
    assertEquals("{\"from\":\"relay\",\"re\":null,\"error\":{\"code\":\"c\",\"message\":\"m \\\"q\\\"\"}}",
        Envelope.error(Envelope.quote("relay"), r.idJson(), "c", "m \"q\""));
  }

  @Test
  void fieldsOfTheWrongKindAreAbsentAndDuplicatesKeepTheLast() throws Exception {
    Envelope.Request r = Envelope.request("{\"to\":{\"a\":1},\"action\":[\"x\"],\"id\":1,\"id\":2}");
    assertNull(r.to());
    assertNull(r.action());
    assertEquals("2", r.idJson());
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "nonsense", "[1,2]", "\"text\"", "{\"to\":", "{\"to\":\"s\"} {}", "{\"to\":\"s\"}x",
      "{\"payload\":{\"a\":}}", "{\"payload\":[1,2}", "{'to':'s'}"})
  void onlyOneWellFormedObjectIsAMessage(String text) {
    assertThrows(Envelope.NotAnObject.class, () -> Envelope.request(text));
    assertThrows(Envelope.NotAnObject.class, () -> Envelope.upstream(text));
  }

  @Test
  void aServicesReplyKeepsItsResultOrErrorAsSent() throws Exception {
    String result = "{\"estimate\":[1.5, 2.25],\"note\":\"\\u00e9\"}";
    Envelope.Upstream reply = Envelope.upstream("{\"re\":99,\"result\":" + result + ",\"extra\":{\"x\":[1]}}");
    assertTrue(!reply.isEvent());
    assertEquals(99, reply.re());
    assertEquals("{\"from\":\"kriging\",\"re\":\"c-1\",\"result\":" + result + "}",
        Envelope.reply(Envelope.quote("kriging"), "\"c-1\"", reply));
    Envelope.Upstream failed = Envelope.upstream("{\"re\":3,\"error\":{\"code\":\"bad\",\"message\":\"no\"}}");
    assertEquals("{\"from\":\"k\",\"re\":5,\"error\":{\"code\":\"bad\",\"message\":\"no\"}}",
        Envelope.reply("\"k\"", "5", failed));
    assertEquals("{\"from\":\"k\",\"re\":5,\"result\":null}", Envelope.reply("\"k\"", "5",
        Envelope.upstream("{\"re\":3}")));
  }

  @Test
  void aReplyToNoRelayIdIsNotMatched() throws Exception {
    assertEquals(-1, Envelope.upstream("{\"result\":1}").re());
    assertEquals(-1, Envelope.upstream("{\"re\":\"1\",\"result\":1}").re());
    assertEquals(-1, Envelope.upstream("{\"re\":1.5,\"result\":1}").re());
    assertEquals(-1, Envelope.upstream("{\"re\":123456789012345678901234567890}").re());
  }

  @Test
  void aPushGoesToFrontEndsWithItsPayload() throws Exception {
    Envelope.Upstream push = Envelope.upstream("{\"event\":\"progress\",\"payload\":{\"done\":0.5}}");
    assertTrue(push.isEvent());
    assertEquals("{\"from\":\"mesh \\\"1\\\"\",\"event\":\"progress\",\"payload\":{\"done\":0.5}}",
        Envelope.event(Envelope.quote("mesh \"1\""), push));
    assertEquals("{\"from\":\"m\",\"event\":\"tick\",\"payload\":null}",
        Envelope.event("\"m\"", Envelope.upstream("{\"event\":\"tick\"}")));
  }

  @Test
  void aLargePayloadIsCopiedNotRebuilt() throws Exception {
    StringBuilder b = new StringBuilder("[");
    for (int i = 0; i < 100_000; i++) {
      b.append(i == 0 ? "" : ",").append("[").append(i).append(",").append(i * 0.5).append("]");
    }
    String payload = b.append("]").toString();
    Envelope.Request r = Envelope.request("{\"to\":\"s\",\"action\":\"a\",\"payload\":" + payload + "}");
    assertEquals(payload, r.payloadJson());
  }
}
