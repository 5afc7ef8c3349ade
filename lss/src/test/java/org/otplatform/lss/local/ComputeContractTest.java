package org.otplatform.lss.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.otplatform.common.catalog.ServiceSpec;
import org.otplatform.common.tls.TlsSettings;
import org.otplatform.compute.contract.ComputeContract;
import org.otplatform.lss.spawn.RunningService;

/**
 * The compute contract held from both sides: the LSS's local spawner starts a compute service of
 * the SDK as a real process, learns its port from the listening line, sees it ready on the
 * readiness path, and reaches it on the WebSocket path, where it answers as the session's service.
 */
class ComputeContractTest {
  private final Vertx vertx = Vertx.vertx();

  @AfterEach
  void close() throws Exception {
    vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  private static <T> T await(Future<T> f) throws Exception {
    return f.toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
  }

  @Test
  void aComputeServiceOfTheSdkKeepsTheContractTheLssRelieson() throws Exception {
    LocalProcessSpawner spawner = new LocalProcessSpawner(vertx, System.getProperty("java.class.path"),
        "127.0.0.1", TlsSettings.OFF, null, OutputSpool.temporary());
    ServiceSpec echo = new ServiceSpec("echo", List.of("${java}", "-Xmx64m", "-XX:TieredStopAtLevel=1", "-cp",
        "${classpath}", "org.otplatform.compute.echo.EchoService"), null, Map.of(), true, Duration.ofSeconds(60), 0,
        ServiceSpec.Resources.DEFAULT, 0, ComputeContract.READY_PATH, Duration.ZERO,
        org.otplatform.common.catalog.Placement.NONE);
    RunningService running = await(spawner.start("contract-session", echo, (s, code, why) -> {}));
    try {
      String[] hostPort = running.endpoint().split(":");
      int port = Integer.parseInt(hostPort[1]);
      assertEquals("127.0.0.1", hostPort[0]);
      HttpClient http = vertx.createHttpClient();
      for (String path : List.of(ComputeContract.READY_PATH, ComputeContract.LIVE_PATH)) {
        int status = await(http.request(HttpMethod.GET, port, "127.0.0.1", path)
            .compose(r -> r.send()).map(r -> r.statusCode()));
        assertEquals(200, status, path);
      }
      WebSocketClient ws = vertx.createWebSocketClient();
      JsonObject reply = await(ws.connect(port, "127.0.0.1", ComputeContract.WEBSOCKET_PATH).compose(socket -> {
        var answer = io.vertx.core.Promise.<JsonObject>promise();
        socket.textMessageHandler(text -> answer.tryComplete(new JsonObject(text)));
        return socket.writeTextMessage(new JsonObject().put("id", 1).put("action", "ping").encode())
            .compose(v -> answer.future());
      }));
      assertEquals(1, reply.getInteger("re"), reply.encode());
      assertTrue(reply.containsKey("result"), reply.encode());
    } finally {
      await(spawner.stop(running));
    }
  }
}
