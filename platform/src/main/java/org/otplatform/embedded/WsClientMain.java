package org.otplatform.embedded;

import io.vertx.core.Vertx;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.http.WebSocketConnectOptions;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code ot-ws}: a minimal WebSocket client for the relay. Sends each line of standard input as a
 * message and prints every message received; after the last line it waits for the replies.
 */
@Command(name = "ot-ws", mixinStandardHelpOptions = true,
    description = "Talks to a session through the relay: one JSON message per input line, replies printed.")
public final class WsClientMain implements Callable<Integer> {
  @Parameters(index = "0", description = "ws://host:port/ws/sessions/<id>")
  private URI url;

  @Option(names = "--token", description = "access token (default: $OT_TOKEN)")
  private String token;

  @Option(names = "--wait", defaultValue = "10", description = "seconds to wait for replies after the last line")
  private int waitSeconds;

  public static void main(String[] args) {
    System.exit(new CommandLine(new WsClientMain()).execute(args));
  }

  @Override
  public Integer call() throws Exception {
    String bearer = token != null ? token : System.getenv("OT_TOKEN");
    if (bearer == null || bearer.isBlank()) {
      System.err.println("ot-ws: no token: pass --token or set OT_TOKEN");
      return 2;
    }
    Vertx vertx = Vertx.vertx();
    WebSocketClient client = vertx.createWebSocketClient(new WebSocketClientOptions()
        .setMaxMessageSize(64 * 1024 * 1024).setMaxFrameSize(4 * 1024 * 1024));
    try {
      WebSocket ws = client.connect(new WebSocketConnectOptions()
              .setHost(url.getHost()).setPort(url.getPort()).setURI(url.getRawPath())
              .putHeader("Authorization", "Bearer " + bearer))
          .toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
      AtomicInteger outstanding = new AtomicInteger();
      CountDownLatch closed = new CountDownLatch(1);
      ws.textMessageHandler(text -> {
        System.out.println(text);
        outstanding.decrementAndGet();
      });
      ws.closeHandler(v -> {
        if (ws.closeStatusCode() != null && ws.closeStatusCode() != 1000) {
          System.err.println("ot-ws: closed " + ws.closeStatusCode() + " " + ws.closeReason());
        }
        closed.countDown();
      });
      BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
      String line;
      while ((line = in.readLine()) != null && closed.getCount() > 0) {
        if (!line.isBlank()) {
          outstanding.incrementAndGet();
          ws.writeTextMessage(line);
        }
      }
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(waitSeconds);
      while (outstanding.get() > 0 && closed.getCount() > 0 && System.nanoTime() < deadline) {
        closed.await(50, TimeUnit.MILLISECONDS);
      }
      boolean refused = closed.getCount() == 0 && ws.closeStatusCode() != null && ws.closeStatusCode() >= 4000;
      ws.close();
      return refused ? 1 : 0;
    } catch (Exception e) {
      System.err.println("ot-ws: cannot connect to " + url + ": " + e.getMessage());
      return 1;
    } finally {
      vertx.close();
    }
  }
}
