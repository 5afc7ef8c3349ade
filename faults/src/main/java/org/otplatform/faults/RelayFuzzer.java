package org.otplatform.faults;

import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Random;

/**
 * Frames sent to a READY session through the relay: malformed and wrong-shaped messages, huge,
 * binary and invalid-UTF-8 frames, fragmented and interleaved messages, frames breaking the
 * protocol. After each, the connection must either answer a ping through to the compute service
 * or be closed — never be left open and silent; and afterwards a fresh connection must work.
 */
final class RelayFuzzer {
  enum Kind { VALID, NOT_JSON, WRONG_SHAPE, UNKNOWN_SERVICE, HUGE_TEXT, BINARY, INVALID_UTF8, FRAGMENTED,
    INTERLEAVED, UNMASKED, RESERVED_OPCODE, RSV_BITS, BAD_CLOSE, LYING_LENGTH }

  private final String host;
  private final int port;
  private final Fixtures fixtures;
  private final Random random;
  private final Findings findings;
  private int ids;

  RelayFuzzer(String host, int port, Fixtures fixtures, Random random, Findings findings) {
    this.host = host;
    this.port = port;
    this.fixtures = fixtures;
    this.random = random;
    this.findings = findings;
  }

  void run(int frames) throws Exception {
    Kind[] kinds = Kind.values();
    RawWebSocket ws = null;
    try {
      for (int i = 0; i < frames; i++) {
        if (ws == null) {
          ws = connect();
        }
        Kind kind = kinds[random.nextInt(kinds.length)];
        String what = "relay " + kind;
        try {
          send(ws, kind);
          String outcome = afterwards(ws);
          findings.outcome(what, outcome);
          if (outcome.startsWith("open, silent")) {
            findings.violation(what, "the connection stayed open but answered nothing for 5 s");
          }
          if (!outcome.startsWith("open")) {
            ws.close();
            ws = null;
          }
        } catch (IOException e) {
          findings.outcome(what, "dropped");
          ws.close();
          ws = null;
        }
      }
    } finally {
      if (ws != null) {
        ws.close();
      }
    }
    try (RawWebSocket fresh = connect()) {
      fresh.text(ping());
      RawWebSocket.Frame reply = fresh.next();
      if (reply == null || reply.opcode() != RawWebSocket.TEXT || !reply.text().contains("\"re\"")) {
        findings.violation("relay after the frames", "a fresh connection's ping got no reply: " + reply);
      }
    }
  }

  private RawWebSocket connect() throws Exception {
    RawWebSocket ws = RawWebSocket.open(host, port, "/ws/sessions/" + fixtures.session, fixtures.admin(), random);
    if (ws == null) {
      throw new IllegalStateException("the relay refused a WebSocket to session " + fixtures.session);
    }
    return ws;
  }

  private String ping() {
    return new JsonObject().put("to", "echo").put("id", "p" + ids++).put("action", "ping").encode();
  }

  private void send(RawWebSocket ws, Kind kind) throws IOException {
    switch (kind) {
      case VALID -> ws.text(new JsonObject().put("to", "echo").put("id", "v" + ids++).put("action", "echo")
          .put("payload", new JsonObject().put("n", random.nextInt())).encode());
      case NOT_JSON -> ws.text(random.nextBoolean() ? "{\"to\": \"echo\"," : "hello");
      case WRONG_SHAPE -> ws.text(new JsonObject().put("to", 42).put("id", new JsonObject()).put("action", true).encode());
      case UNKNOWN_SERVICE -> ws.text(new JsonObject().put("to", "../../gss").put("id", "u").put("action", "ping").encode());
      case HUGE_TEXT -> {
        byte[] huge = new byte[2 * 1024 * 1024];
        java.util.Arrays.fill(huge, (byte) 'a');
        ws.frame(true, 0, RawWebSocket.TEXT, huge, true, -1);
      }
      case BINARY -> ws.frame(true, 0, RawWebSocket.BINARY, new byte[] {0, 1, 2, (byte) 0xFF}, true, -1);
      case INVALID_UTF8 -> ws.frame(true, 0, RawWebSocket.TEXT, new byte[] {'{', (byte) 0xC3, (byte) 0x28, '}'}, true, -1);
      case FRAGMENTED -> {
        byte[] message = ping().getBytes(StandardCharsets.UTF_8);
        int cut = 1 + random.nextInt(message.length - 1);
        ws.frame(false, 0, RawWebSocket.TEXT, java.util.Arrays.copyOfRange(message, 0, cut), true, -1);
        ws.frame(true, 0, RawWebSocket.CONTINUATION, java.util.Arrays.copyOfRange(message, cut, message.length), true, -1);
      }
      case INTERLEAVED -> {
        byte[] message = ping().getBytes(StandardCharsets.UTF_8);
        ws.frame(false, 0, RawWebSocket.TEXT, java.util.Arrays.copyOfRange(message, 0, 5), true, -1);
        ws.text(ping()); // a new message before the first one ended: a protocol error
      }
      case UNMASKED -> ws.frame(true, 0, RawWebSocket.TEXT, ping().getBytes(StandardCharsets.UTF_8), false, -1);
      case RESERVED_OPCODE -> ws.frame(true, 0, 3 + random.nextInt(5), new byte[] {1, 2, 3}, true, -1);
      case RSV_BITS -> ws.frame(true, 1 + random.nextInt(7), RawWebSocket.TEXT, ping().getBytes(StandardCharsets.UTF_8),
          true, -1);
      case BAD_CLOSE -> ws.frame(true, 0, RawWebSocket.CLOSE, new byte[] {0x03, (byte) 0xE7, (byte) 0xFF}, true, -1);
      case LYING_LENGTH -> ws.frame(true, 0, RawWebSocket.TEXT, "{}".getBytes(StandardCharsets.UTF_8), true,
          1L << 40);
    }
  }

  /** After a frame: a ping through to the compute service answered ("open, …"), or how the connection ended. */
  private String afterwards(RawWebSocket ws) throws IOException {
    String answered = "";
    for (int i = 0; i < 3; i++) {
      RawWebSocket.Frame f = ws.next();
      if (f == null) {
        break;
      }
      if (f.opcode() == -1) {
        return "ended";
      }
      if (f.opcode() == RawWebSocket.CLOSE) {
        return "closed " + f.closeCode();
      }
      if (f.opcode() == RawWebSocket.TEXT) {
        answered = new JsonObject(f.text()).containsKey("error") ? "error reply" : "reply";
        break;
      }
    }
    String probe = ping();
    try {
      ws.text(probe);
    } catch (IOException e) {
      return "ended";
    }
    for (int i = 0; i < 5; i++) {
      RawWebSocket.Frame f = ws.next();
      if (f == null) {
        return "open, silent" + (answered.isEmpty() ? "" : " after " + answered);
      }
      if (f.opcode() == -1) {
        return "ended";
      }
      if (f.opcode() == RawWebSocket.CLOSE) {
        return "closed " + f.closeCode();
      }
      if (f.opcode() == RawWebSocket.TEXT && f.text().contains(new JsonObject(probe).getString("id"))) {
        return "open, " + (answered.isEmpty() ? "answers" : answered + ", answers");
      }
    }
    return "open, answers late";
  }
}
