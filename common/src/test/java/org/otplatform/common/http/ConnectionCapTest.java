package org.otplatform.common.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.ext.web.Router;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.otplatform.common.config.CommonConfig;
import org.otplatform.common.config.Env;
import org.otplatform.common.tls.ServiceTls;
import org.otplatform.common.tls.TlsSettings;

/** A service's server holds at most so many connections from one address; the next is closed at once. */
class ConnectionCapTest {
  private final Vertx vertx = Vertx.vertx();
  private final List<Socket> sockets = new ArrayList<>();

  @AfterEach
  void close() throws Exception {
    for (Socket s : sockets) {
      s.close();
    }
    vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  /** A connection holding a half-sent request, as a client starving a service would. */
  private Socket halfSent(int port) throws IOException {
    Socket s = new Socket("127.0.0.1", port);
    s.setSoTimeout(5_000);
    OutputStream out = s.getOutputStream();
    out.write("POST /x HTTP/1.1\r\nHost: x\r\nContent-Length: 1000\r\n\r\nabc".getBytes(StandardCharsets.US_ASCII));
    out.flush();
    sockets.add(s);
    return s;
  }

  /** Whether the server closed the connection (read ends) rather than keeping it open. */
  private static boolean closedByServer(Socket s) throws IOException {
    try {
      InputStream in = s.getInputStream();
      return in.read() == -1;
    } catch (java.net.SocketTimeoutException e) {
      return false;
    } catch (java.net.SocketException e) {
      return true; // reset
    }
  }

  private static boolean answers(int port) throws IOException {
    try (Socket s = new Socket("127.0.0.1", port)) {
      s.setSoTimeout(5_000);
      s.getOutputStream().write("GET /ok HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
          .getBytes(StandardCharsets.US_ASCII));
      byte[] head = s.getInputStream().readNBytes(12);
      return new String(head, StandardCharsets.US_ASCII).startsWith("HTTP/1.1 200");
    }
  }

  @Test
  void aClientPastTheCapIsClosedAndOthersAreServed() throws Exception {
    CommonConfig common = CommonConfig.from(new Env(Map.of("OT_HTTP_MAX_CONNECTIONS_PER_ADDRESS", "3",
        "OT_HOST", "127.0.0.1")), "test");
    Router router = Router.router(vertx);
    router.get("/ok").handler(ctx -> ctx.response().end("ok"));
    router.post("/x").handler(ctx -> ctx.request().body().onSuccess(b -> ctx.response().end()));
    ServiceTls tls = ServiceTls.start(vertx, TlsSettings.OFF);
    HttpServer server = ServiceHttp.listen(vertx, router, common, 0, tls).toCompletionStage().toCompletableFuture()
        .get(10, TimeUnit.SECONDS);
    int port = server.actualPort();
    List<Socket> held = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      held.add(halfSent(port));
    }
    Socket fourth = halfSent(port);
    assertTrue(closedByServer(fourth), "the fourth connection from one address is closed at once");
    for (Socket s : held) {
      s.setSoTimeout(300); // open: nothing to read, the read times out
      assertTrue(!closedByServer(s), "the three within the cap stay open");
    }
    held.get(0).close();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    boolean served = false;
    while (!served && System.nanoTime() < deadline) {
      served = answers(port); // a slot came free
    }
    assertTrue(served, "once one of them closed, a new connection is served");
    assertEquals(256, CommonConfig.from(new Env(Map.of()), "t").maxConnectionsPerAddress(), "the default cap");
  }
}
