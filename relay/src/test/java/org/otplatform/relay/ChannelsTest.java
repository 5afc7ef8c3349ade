package org.otplatform.relay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import java.io.DataInputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.otplatform.common.auth.Principal;
import org.otplatform.common.config.Env;

/**
 * The relay's keeping of front ends, over real sockets: a socket lives no longer than its token,
 * and one that answers no pings is closed, while one that answers stays.
 */
@Timeout(60)
class ChannelsTest {
  private Vertx vertx;
  private Context context;
  private HttpServer door;
  private WebSocketClient client;
  /** The token expiry of the next front end to join. */
  private volatile Instant nextExpiry;

  @BeforeEach
  void start() throws Exception {
    vertx = Vertx.vertx();
    context = vertx.getOrCreateContext();
    client = vertx.createWebSocketClient();
    RelayConfig config = RelayConfig.from(new Env(Map.of("OT_RELAY_PING_SECONDS", "1")));
    Promise<HttpServer> listening = Promise.promise();
    context.runOnContext(v -> {
      Channels channels = new Channels(vertx, Clock.systemUTC(), config, client, new RelayMetrics(vertx),
          (topic, event) -> Future.succeededFuture());
      vertx.createHttpServer().webSocketHandler(ws -> {
        Principal user = new Principal("u-1", "alice", Set.of("user"), "t", Instant.now(), nextExpiry);
        channels.join(ws, new Admission.Admitted("s-1", user, new GssSession("READY", Map.of(), Map.of(), true, "echo")));
      }).listen(0).onComplete(listening);
    });
    door = listening.future().toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
  }

  @AfterEach
  void stop() throws Exception {
    vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
  }

  @Test
  void aSocketLivesNoLongerThanItsToken() throws Exception {
    nextExpiry = Instant.now().plusSeconds(2);
    CompletableFuture<Short> closed = new CompletableFuture<>();
    WebSocket ws = client.connect(door.actualPort(), "127.0.0.1", "/ws/sessions/s-1").toCompletionStage()
        .toCompletableFuture().get(10, TimeUnit.SECONDS);
    ws.closeHandler(v -> closed.complete(ws.closeStatusCode()));
    assertEquals(CloseCodes.UNAUTHORIZED, closed.get(20, TimeUnit.SECONDS));
    assertTrue(!Instant.now().isBefore(nextExpiry), "closed at the token's expiry, not before");
  }

  @Test
  void aFrontEndThatAnswersNoPingsIsClosedOneThatAnswersStays() throws Exception {
    nextExpiry = Instant.now().plusSeconds(300);
    // A Vert.x client answers pings by itself.
    WebSocket answering = client.connect(door.actualPort(), "127.0.0.1", "/ws/sessions/s-1").toCompletionStage()
        .toCompletableFuture().get(10, TimeUnit.SECONDS);
    try (Socket silent = new Socket("127.0.0.1", door.actualPort())) {
      silent.setSoTimeout(20_000);
      OutputStream out = silent.getOutputStream();
      out.write(("GET /ws/sessions/s-1 HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
          + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n")
          .getBytes(StandardCharsets.US_ASCII));
      out.flush();
      DataInputStream in = new DataInputStream(silent.getInputStream());
      skipHeaders(in);
      int pings = 0;
      long t0 = System.nanoTime();
      while (true) {
        int opcode = in.readUnsignedByte() & 0x0f;
        byte[] body = new byte[in.readUnsignedByte() & 0x7f];
        in.readFully(body);
        if (opcode == 0x9) {
          pings++; // never answered
        } else if (opcode == 0x8) {
          int code = ((body[0] & 0xff) << 8) | (body[1] & 0xff);
          assertEquals(CloseCodes.NO_PONG, code);
          break;
        }
      }
      assertTrue(pings >= 1, "pinged before being closed");
      // Two silent intervals from the join, which came a moment before t0.
      assertTrue((System.nanoTime() - t0) / 1e9 >= 1.5, "closed after two silent intervals");
    }
    assertTrue(!answering.isClosed(), "the front end that answers pings stays");
  }

  private static void skipHeaders(InputStream in) throws Exception {
    int matched = 0;
    byte[] end = {'\r', '\n', '\r', '\n'};
    while (matched < 4) {
      int b = in.read();
      if (b < 0) {
        throw new AssertionError("the connection closed during the upgrade");
      }
      matched = b == end[matched] ? matched + 1 : (b == '\r' ? 1 : 0);
    }
  }
}
