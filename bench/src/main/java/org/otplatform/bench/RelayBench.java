package org.otplatform.bench;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.otplatform.embedded.EmbeddedPlatform;
import org.otplatform.embedded.FreePorts;

/**
 * The relay's cost: round-trip latency and messages per second through the relay next to a direct
 * WebSocket to the same echo compute service, and the relay's memory per idle front-end connection
 * with 10,000 of them. The relay runs as its own JVM (as in a deployment) beside the embedded
 * platform, so its heap is its own. Run with {@code bin/ot-bench relay}.
 */
public final class RelayBench {

  private RelayBench() {}

  /** One WebSocket with request ids, replies matched to their request. */
  private static final class Link {
    final WebSocket ws;
    final boolean viaRelay;
    final Map<Long, Promise<Void>> pending = new ConcurrentHashMap<>();
    final AtomicLong ids = new AtomicLong();

    Link(WebSocket ws, boolean viaRelay) {
      this.ws = ws;
      this.viaRelay = viaRelay;
      ws.textMessageHandler(text -> {
        Object re = new JsonObject(text).getValue("re");
        Promise<Void> p = re instanceof Number n ? pending.remove(n.longValue()) : null;
        if (p != null) {
          p.complete();
        }
      });
    }

    Future<Void> echo(JsonObject payload) {
      long id = ids.incrementAndGet();
      Promise<Void> reply = Promise.promise();
      pending.put(id, reply);
      JsonObject msg = new JsonObject().put("id", id).put("action", "echo").put("payload", payload);
      ws.writeTextMessage((viaRelay ? msg.put("to", "echo") : msg).encode());
      return reply.future();
    }
  }

  public static void main(String[] args) throws Exception {
    int idle = Integer.parseInt(System.getenv().getOrDefault("OT_BENCH_CONNECTIONS", "10000"));
    EmbeddedPlatform.Ports ports = EmbeddedPlatform.Ports.free();
    Map<String, String> tls = BenchHttp.tlsIfAsked();
    Map<String, String> env = new java.util.HashMap<>(Map.of("OT_ADMIN_PASSWORD", BenchHttp.PASSWORD,
        "OT_LOG_LEVEL", "WARN"));
    env.putAll(tls);
    EmbeddedPlatform platform = new EmbeddedPlatform(new EmbeddedPlatform.Settings(null,
        Path.of(System.getProperty("ot.broker.lib", "broker/target/lib")), env, ports)).start();
    Process relay = null;
    Vertx vertx = Vertx.vertx();
    try {
      String gss = platform.url(ports.gss());
      String auth = platform.url(ports.auth());
      String token = BenchHttp.adminWithProject(gss, auth);
      String id = new JsonObject(BenchHttp.post(gss + "/api/v1/sessions", token, "{\"project\":\"bench\",\"type\":\"echo\"}"))
          .getString("id");
      BenchHttp.await(() -> "READY".equals(session(gss, id, token).getString("state")), "echo session READY");
      String endpoint = session(gss, id, token).getJsonArray("services").getJsonObject(0).getString("endpoint");

      int relayPort = FreePorts.pick();
      relay = startRelay(platform, relayPort, tls);
      String relayUrl = platform.url(relayPort);
      BenchHttp.await(() -> BenchHttp.status(relayUrl + "/health/ready") == 200, "standalone relay ready");
      long relayPid = relay.pid();

      WebSocketClientOptions clientOptions = new WebSocketClientOptions().setMaxConnections(idle + 100)
          .setConnectTimeout(30_000);
      if (!tls.isEmpty()) {
        // The client trusts the platform CA; for the direct path to the compute service, which
        // admits only platform callers, it presents the platform's certificate as the relay does.
        Map<String, String> files = org.otplatform.embedded.tls.EmbeddedTls.settings(
            Path.of(tls.get("OT_EMBEDDED_TLS_DIR")));
        clientOptions.setTrustOptions(new io.vertx.core.net.PemTrustOptions().addCertPath(files.get("OT_TLS_CA")))
            .setKeyCertOptions(new io.vertx.core.net.PemKeyCertOptions().setCertPath(files.get("OT_TLS_CERT"))
                .setKeyPath(files.get("OT_TLS_KEY")))
            .setVerifyHost(false);
        relayTls = true;
      }
      WebSocketClient client = vertx.createWebSocketClient(clientOptions);
      Link direct = new Link(result(client.connect(new WebSocketConnectOptions().setHost("127.0.0.1")
          .setPort(Integer.parseInt(endpoint.substring(endpoint.lastIndexOf(':') + 1))).setURI("/ws")
          .setSsl(relayTls))), false);
      Link viaRelay = new Link(result(client.connect(relayOptions(relayPort, id, token))), true);

      System.out.printf("Relay vs direct WebSocket to the same echo compute service; relay in its own JVM; %s;"
          + " %d cores%n", tls.isEmpty() ? "TLS off" : "mutual TLS on every hop (client, relay, compute service)",
          Runtime.getRuntime().availableProcessors());
      JsonObject payload = new JsonObject().put("x", "y".repeat(64));
      Stats directLatency = latency(direct, payload);
      Stats relayLatency = latency(viaRelay, payload);
      System.out.printf("round trip, one at a time:  direct p50 %.3f ms p99 %.3f ms | relay p50 %.3f ms p99 %.3f ms"
          + " | added p50 %.3f ms p99 %.3f ms%n", directLatency.p50(), directLatency.p99(), relayLatency.p50(),
          relayLatency.p99(), relayLatency.p50() - directLatency.p50(), relayLatency.p99() - directLatency.p99());
      Stats directRate = throughput(direct, payload);
      Stats relayRate = throughput(viaRelay, payload);
      System.out.printf("messages/s, 64 in flight:   direct %.0f (min %.0f, max %.0f) | relay %.0f (min %.0f, max %.0f)"
          + " | relay/direct %.0f%%%n", directRate.p50(), directRate.min(), directRate.max(), relayRate.p50(),
          relayRate.min(), relayRate.max(), 100 * relayRate.p50() / directRate.p50());

      long heapBefore = heapAfterGc(relayPid, relayPort);
      long rssBefore = rss(relayPid);
      long t0 = System.nanoTime();
      List<Link> idleLinks = connectIdle(client, relayPort, id, token, idle);
      double connectSeconds = (System.nanoTime() - t0) / 1e9;
      long heapAfter = heapAfterGc(relayPid, relayPort);
      long rssAfter = rss(relayPid);
      System.out.printf("%d idle connections (admitted in %.1f s): relay heap +%.1f MiB = %.1f KiB per connection;"
          + " RSS +%.1f MiB = %.1f KiB per connection%n", idleLinks.size(), connectSeconds,
          (heapAfter - heapBefore) / 1048576.0, (heapAfter - heapBefore) / 1024.0 / idleLinks.size(),
          (rssAfter - rssBefore) / 1048576.0, (rssAfter - rssBefore) / 1024.0 / idleLinks.size());
      idleLinks.forEach(l -> l.ws.close());
    } finally {
      if (relay != null) {
        relay.destroy();
        relay.waitFor(20, TimeUnit.SECONDS);
      }
      vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
      platform.close();
    }
  }

  /** Whether front ends reach the relay over TLS (the platform runs on TLS). */
  private static boolean relayTls;

  private static WebSocketConnectOptions relayOptions(int port, String session, String token) {
    return new WebSocketConnectOptions().setHost("127.0.0.1").setPort(port).setURI("/ws/sessions/" + session)
        .setSsl(relayTls).addHeader("Authorization", "Bearer " + token);
  }

  private static Process startRelay(EmbeddedPlatform platform, int port, Map<String, String> tls) throws Exception {
    EmbeddedPlatform.Ports ports = platform.ports();
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    ProcessBuilder builder = new ProcessBuilder(java, "-Xmx1g", "-cp", System.getProperty("java.class.path"),
        "org.otplatform.relay.RelayMain");
    Map<String, String> env = builder.environment();
    env.put("OT_KAFKA_BOOTSTRAP", "127.0.0.1:" + ports.kafka());
    env.put("OT_AUTH_URL", platform.url(ports.auth()));
    env.put("OT_GSS_URL", platform.url(ports.gss()));
    if (!tls.isEmpty()) {
      env.putAll(org.otplatform.embedded.tls.EmbeddedTls.settings(Path.of(tls.get("OT_EMBEDDED_TLS_DIR"))));
    }
    env.put("OT_RELAY_PORT", Integer.toString(port));
    env.put("OT_HOST", "127.0.0.1");
    env.put("OT_INSTANCE_ID", "relay-bench");
    env.put("OT_LOG_LEVEL", "WARN");
    env.put("OT_LOG_TO_KAFKA", "false");
    Path log = Files.createTempFile("ot-bench-relay", ".log");
    builder.redirectErrorStream(true).redirectOutput(log.toFile());
    return builder.start();
  }

  private static Stats latency(Link link, JsonObject payload) throws Exception {
    for (int i = 0; i < 1000; i++) {
      result(link.echo(payload)); // warm-up
    }
    List<Double> ms = new ArrayList<>();
    for (int i = 0; i < 5000; i++) {
      long t0 = System.nanoTime();
      result(link.echo(payload));
      ms.add((System.nanoTime() - t0) / 1e6);
    }
    return Stats.of(ms);
  }

  /** Replies per second with {@code 64} requests in flight, three runs of 5 s after a warm-up. */
  private static Stats throughput(Link link, JsonObject payload) throws Exception {
    List<Double> rates = new ArrayList<>();
    for (int run = 0; run < 4; run++) {
      AtomicLong replies = new AtomicLong();
      long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
      long t0 = System.nanoTime();
      List<Future<Void>> lanes = new ArrayList<>();
      for (int lane = 0; lane < 64; lane++) {
        lanes.add(lane(link, payload, end, replies));
      }
      Future.all(lanes).toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
      if (run > 0) {
        rates.add(replies.get() / ((System.nanoTime() - t0) / 1e9));
      }
    }
    return Stats.of(rates);
  }

  /** One request after the other until {@code end}. */
  private static Future<Void> lane(Link link, JsonObject payload, long end, AtomicLong replies) {
    if (System.nanoTime() >= end) {
      return Future.succeededFuture();
    }
    return link.echo(payload).compose(v -> {
      replies.incrementAndGet();
      return lane(link, payload, end, replies);
    });
  }

  /** Opens {@code n} front-end connections, 200 at a time; each is admitted (a ping answered). */
  private static List<Link> connectIdle(WebSocketClient client, int port, String session, String token, int n)
      throws Exception {
    List<Link> links = java.util.Collections.synchronizedList(new ArrayList<>());
    List<Future<Void>> waves = new ArrayList<>();
    java.util.concurrent.atomic.AtomicInteger next = new java.util.concurrent.atomic.AtomicInteger();
    for (int lane = 0; lane < 200; lane++) {
      waves.add(connectLane(client, port, session, token, n, next, links));
    }
    Future.all(waves).toCompletionStage().toCompletableFuture().get(600, TimeUnit.SECONDS);
    return links;
  }

  private static Future<Void> connectLane(WebSocketClient client, int port, String session, String token, int n,
      java.util.concurrent.atomic.AtomicInteger next, List<Link> links) {
    if (next.getAndIncrement() >= n) {
      return Future.succeededFuture();
    }
    return client.connect(relayOptions(port, session, token))
        .map(ws -> new Link(ws, true))
        .compose(link -> {
          long id = link.ids.incrementAndGet();
          Promise<Void> pong = Promise.promise();
          link.pending.put(id, pong);
          link.ws.writeTextMessage(new JsonObject().put("to", "echo").put("id", id).put("action", "ping").encode());
          return pong.future().map(link);
        })
        .compose(link -> {
          links.add(link);
          return connectLane(client, port, session, token, n, next, links);
        });
  }

  /** The relay's heap in use after a full collection, from its own Prometheus metrics. */
  private static long heapAfterGc(long pid, int port) throws Exception {
    String jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd").toString();
    new ProcessBuilder(jcmd, Long.toString(pid), "GC.run").redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.DISCARD).start().waitFor(60, TimeUnit.SECONDS);
    String metrics = BenchHttp.HTTP.send(HttpRequest.newBuilder(URI.create((relayTls ? "https" : "http")
        + "://127.0.0.1:" + port + "/metrics")).build(),
        HttpResponse.BodyHandlers.ofString()).body();
    double used = 0;
    for (String line : metrics.split("\n")) {
      if (line.startsWith("jvm_memory_used_bytes{") && line.contains("area=\"heap\"")) {
        used += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
      }
    }
    return (long) used;
  }

  private static long rss(long pid) throws Exception {
    for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
      if (line.startsWith("VmRSS:")) {
        return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
      }
    }
    return 0;
  }

  private static <T> T result(Future<T> f) throws Exception {
    return f.toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
  }

  private static JsonObject session(String gss, String id, String token) {
    return BenchHttp.getJson(gss + "/api/v1/sessions/" + id, token);
  }
}
