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

  public static void main(String[] args) {
    BenchSuite.main(new String[] {"relay"});
  }

  static List<Row> measure(BenchSuite.Context context) throws Exception {
    int idle = context.size().count("OT_BENCH_CONNECTIONS", 10_000, 200);
    Figures f = figures(context.brokerLib(), false, idle, Proxy.command(), context.size());
    List<Row> rows = new ArrayList<>(List.of(
        new Row("relay", "round trip, one at a time, p50", "ms", f.relay().p50(), "direct WebSocket", f.direct().p50()),
        new Row("relay", "round trip, one at a time, p99", "ms", f.relay().p99(), "direct WebSocket", f.direct().p99()),
        new Row("relay", "messages, 64 in flight", "/s", f.relay().rate(), "direct WebSocket", f.direct().rate())));
    if (f.proxy() != null) {
      rows.add(new Row("relay", "round trip, one at a time, p50", "ms", f.relay().p50(), "configurable-http-proxy",
          f.proxy().p50()));
      rows.add(new Row("relay", "round trip, one at a time, p99", "ms", f.relay().p99(), "configurable-http-proxy",
          f.proxy().p99()));
      rows.add(new Row("relay", "messages, 64 in flight", "/s", f.relay().rate(), "configurable-http-proxy",
          f.proxy().rate()));
      rows.add(new Row("relay", "CPU per round trip forwarded, 64 in flight", "µs", f.relay().cpuPerRoundTrip(),
          "configurable-http-proxy", f.proxy().cpuPerRoundTrip()));
    } else {
      context.report().note("relay: configurable-http-proxy not compared: " + Proxy.missing());
    }
    String held = String.format(java.util.Locale.ROOT, "%,d idle relay connections: ", idle);
    rows.add(Row.of("concurrency", held + "heap per connection", "KiB", f.heapPerConnection()));
    rows.add(Row.of("concurrency", held + "RSS per connection", "KiB", f.rssPerConnection()));
    rows.add(Row.of("concurrency", held + "admitted", "/s", f.admittedPerSecond()));
    return rows;
  }

  /** One path's figures, one value per run. */
  record PathFigures(List<Double> p50, List<Double> p99, List<Double> rate, List<Double> cpuPerRoundTrip) {
    static PathFigures empty() {
      return new PathFigures(new ArrayList<>(), new ArrayList<>(), new ArrayList<>(), new ArrayList<>());
    }
  }

  /** What one relay measurement found: the relay, the direct path, the proxy (null when not run), memory. */
  record Figures(PathFigures relay, PathFigures direct, PathFigures proxy, List<Double> heapPerConnection,
      List<Double> rssPerConnection, List<Double> admittedPerSecond) {}

  /**
   * Starts a platform (on mutual TLS when asked), an echo session, a relay in its own JVM and, when
   * {@code proxyCommand} is given, configurable-http-proxy in front of the same echo service; measures
   * each path, then {@code idle} idle connections to the relay (none when 0).
   */
  static Figures figures(java.nio.file.Path brokerLib, boolean withTls, int idle, List<String> proxyCommand,
      Size size) throws Exception {
    return figures(brokerLib, withTls, idle, proxyCommand, size, Map.of());
  }

  /** As above, with {@code extra} in the environment of the platform and of the relay (OT_TRACING=off). */
  static Figures figures(java.nio.file.Path brokerLib, boolean withTls, int idle, List<String> proxyCommand,
      Size size, Map<String, String> extra) throws Exception {
    EmbeddedPlatform.Ports ports = EmbeddedPlatform.Ports.free();
    Map<String, String> tls = BenchHttp.tls(withTls);
    relayTls = withTls;
    Map<String, String> env = new java.util.HashMap<>(Map.of("OT_ADMIN_PASSWORD", BenchHttp.PASSWORD,
        "OT_LOG_LEVEL", "WARN"));
    env.putAll(tls);
    env.putAll(extra);
    relayExtra = extra;
    Process relay = null;
    Proxy proxy = null;
    Vertx vertx = Vertx.vertx();
    try (EmbeddedPlatform platform = new EmbeddedPlatform(new EmbeddedPlatform.Settings(null, brokerLib, env, ports))
        .start()) {
      String gss = platform.url(ports.gss());
      String auth = platform.url(ports.auth());
      String token = BenchHttp.adminWithProject(gss, auth);
      String id = new JsonObject(BenchHttp.post(gss + "/api/v1/sessions", token, "{\"project\":\"bench\",\"type\":\"echo\"}"))
          .getString("id");
      BenchHttp.await(() -> "READY".equals(session(gss, id, token).getString("state")), "echo session READY");
      String endpoint = session(gss, id, token).getJsonArray("services").getJsonObject(0).getString("endpoint");
      int echoPort = Integer.parseInt(endpoint.substring(endpoint.lastIndexOf(':') + 1));

      int relayPort = FreePorts.pick();
      relay = startRelay(platform, relayPort);
      String relayUrl = platform.url(relayPort);
      BenchHttp.await(() -> BenchHttp.status(relayUrl + "/health/ready") == 200, "standalone relay ready");

      WebSocketClientOptions clientOptions = new WebSocketClientOptions().setMaxConnections(idle + 100)
          .setConnectTimeout(30_000);
      if (withTls) {
        // The client trusts the platform CA; for the direct path to the compute service, which
        // admits only platform callers, it presents the platform's certificate as the relay does.
        Map<String, String> files = org.otplatform.embedded.tls.EmbeddedTls.settings(
            java.nio.file.Path.of(tls.get("OT_EMBEDDED_TLS_DIR")));
        clientOptions.setTrustOptions(new io.vertx.core.net.PemTrustOptions().addCertPath(files.get("OT_TLS_CA")))
            .setKeyCertOptions(new io.vertx.core.net.PemKeyCertOptions().setCertPath(files.get("OT_TLS_CERT"))
                .setKeyPath(files.get("OT_TLS_KEY")))
            .setVerifyHost(false);
      }
      WebSocketClient client = vertx.createWebSocketClient(clientOptions);
      Link direct = new Link(result(client.connect(new WebSocketConnectOptions().setHost("127.0.0.1")
          .setPort(echoPort).setURI("/ws").setSsl(withTls))), false);
      Link viaRelay = new Link(result(client.connect(relayOptions(relayPort, id, token))), true);
      Link viaProxy = null;
      if (proxyCommand != null && !withTls) {
        proxy = Proxy.start(proxyCommand, echoPort);
        viaProxy = new Link(result(client.connect(new WebSocketConnectOptions().setHost("127.0.0.1")
            .setPort(proxy.port()).setURI("/ws"))), false);
      }
      JsonObject payload = new JsonObject().put("x", "y".repeat(64));
      Figures f = new Figures(PathFigures.empty(), PathFigures.empty(),
          viaProxy == null ? null : PathFigures.empty(), new ArrayList<>(), new ArrayList<>(), new ArrayList<>());
      for (Link link : viaProxy == null ? List.of(direct, viaRelay) : List.of(direct, viaRelay, viaProxy)) {
        latency(link, payload, size.count("OT_BENCH_WARMUP_MESSAGES", 1000, 100));
        throughput(link, payload, size.seconds(2));
      }
      for (int run = 0; run < size.runs(3); run++) {
        record(direct, payload, f.direct(), size, -1);
        record(viaRelay, payload, f.relay(), size, relay.pid());
        if (viaProxy != null) {
          record(viaProxy, payload, f.proxy(), size, proxy.process().pid());
        }
      }
      int idleRuns = idle == 0 ? 0 : size.count("OT_BENCH_IDLE_RUNS", 2, 1);
      for (int run = 0; run < idleRuns; run++) {
        long heapBefore = heapAfterGc(relay.pid(), relayPort);
        long rssBefore = rss(relay.pid());
        long t0 = System.nanoTime();
        List<Link> idleLinks = connectIdle(client, relayPort, id, token, idle);
        double seconds = (System.nanoTime() - t0) / 1e9;
        long heapAfter = heapAfterGc(relay.pid(), relayPort);
        long rssAfter = rss(relay.pid());
        histogram(relay.pid(), idleLinks.size(), run);
        f.heapPerConnection().add((heapAfter - heapBefore) / 1024.0 / idleLinks.size());
        f.rssPerConnection().add((rssAfter - rssBefore) / 1024.0 / idleLinks.size());
        f.admittedPerSecond().add(idleLinks.size() / seconds);
        Future.all(idleLinks.stream().map(l -> l.ws.close()).toList()).toCompletionStage().toCompletableFuture()
            .get(120, TimeUnit.SECONDS);
        BenchHttp.await(() -> openConnections(relayPort) <= 2, "relay connections closed");
      }
      return f;
    } finally {
      if (proxy != null) {
        proxy.close();
      }
      if (relay != null) {
        relay.destroy();
        relay.waitFor(20, TimeUnit.SECONDS);
      }
      vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }
  }

  /**
   * One run of a path: latency one at a time, then throughput with 64 in flight and, when the path
   * has a process in the middle ({@code middle} its pid, else -1), that process's CPU time per round
   * trip — what forwarding costs, a figure the other processes sharing the cores do not move.
   */
  private static void record(Link link, JsonObject payload, PathFigures into, Size size, long middle)
      throws Exception {
    Stats latency = latency(link, payload, size.count("OT_BENCH_MESSAGES", 2000, 200));
    into.p50().add(latency.p50());
    into.p99().add(latency.p99());
    double cpuBefore = middle < 0 ? 0 : JvmMemory.cpuSeconds(middle);
    long repliesBefore = repliesSeen;
    into.rate().add(throughput(link, payload, size.seconds(4)));
    if (middle >= 0) {
      into.cpuPerRoundTrip().add((JvmMemory.cpuSeconds(middle) - cpuBefore) * 1e6 / (repliesSeen - repliesBefore));
    }
  }

  /** Replies counted by every throughput window so far. */
  private static long repliesSeen;

  /** Whether front ends reach the relay over TLS (the platform runs on TLS). */
  private static boolean relayTls;

  private static WebSocketConnectOptions relayOptions(int port, String session, String token) {
    return new WebSocketConnectOptions().setHost("127.0.0.1").setPort(port).setURI("/ws/sessions/" + session)
        .setSsl(relayTls).addHeader("Authorization", "Bearer " + token);
  }

  /** The extra environment of the measurement under way, for the relay's JVM too. */
  private static Map<String, String> relayExtra = Map.of();

  private static Process startRelay(EmbeddedPlatform platform, int port) throws Exception {
    EmbeddedPlatform.Ports ports = platform.ports();
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    List<String> command = new ArrayList<>(List.of(java, "-Xmx1g"));
    String profile = System.getenv("OT_BENCH_PROFILE");
    if (profile != null && !profile.isBlank()) {
      // Where the relay's time goes: a flight recording of the whole run, for `jfr print` or JMC.
      command.add("-XX:StartFlightRecording=settings=profile,filename=" + Path.of(profile, "relay.jfr"));
    }
    command.addAll(List.of("-cp", System.getProperty("java.class.path"), "org.otplatform.relay.RelayMain"));
    ProcessBuilder builder = new ProcessBuilder(command);
    Map<String, String> env = builder.environment();
    env.put("OT_KAFKA_BOOTSTRAP", "127.0.0.1:" + ports.kafka());
    env.put("OT_AUTH_URL", platform.url(ports.auth()));
    env.put("OT_GSS_URL", platform.url(ports.gss()));
    env.putAll(platform.tlsEnvironment());
    env.put("OT_RELAY_PORT", Integer.toString(port));
    env.put("OT_HOST", "127.0.0.1");
    env.put("OT_INSTANCE_ID", "relay-bench");
    env.put("OT_LOG_LEVEL", "WARN");
    env.put("OT_LOG_TO_KAFKA", "false");
    // Its 10,000 idle front ends all come from this machine's one address.
    env.put("OT_HTTP_MAX_CONNECTIONS_PER_ADDRESS", "0");
    env.putAll(relayExtra);
    Path log = Files.createTempFile("ot-bench-relay", ".log");
    builder.redirectErrorStream(true).redirectOutput(log.toFile());
    return builder.start();
  }

  private static Stats latency(Link link, JsonObject payload, int n) throws Exception {
    List<Double> ms = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      long t0 = System.nanoTime();
      result(link.echo(payload));
      ms.add((System.nanoTime() - t0) / 1e6);
    }
    return Stats.of(ms);
  }

  /** Replies per second with {@code 64} requests in flight for {@code seconds}. */
  private static double throughput(Link link, JsonObject payload, int seconds) throws Exception {
    AtomicLong replies = new AtomicLong();
    long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
    long t0 = System.nanoTime();
    List<Future<Void>> lanes = new ArrayList<>();
    for (int lane = 0; lane < 64; lane++) {
      lanes.add(lane(link, payload, end, replies));
    }
    Future.all(lanes).toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
    repliesSeen += replies.get();
    return replies.get() / ((System.nanoTime() - t0) / 1e9);
  }

  /**
   * One request after the other until {@code end}. Each reply sends the next request from its own
   * handler, not as a chain of composed futures: a chain thousands of requests long overflows the
   * stack when its last future completes and the completion unwinds through all of them.
   */
  private static Future<Void> lane(Link link, JsonObject payload, long end, AtomicLong replies) {
    Promise<Void> done = Promise.promise();
    next(link, payload, end, replies, done);
    return done.future();
  }

  private static void next(Link link, JsonObject payload, long end, AtomicLong replies, Promise<Void> done) {
    if (System.nanoTime() >= end) {
      done.tryComplete();
      return;
    }
    link.echo(payload).onSuccess(v -> {
      replies.incrementAndGet();
      next(link, payload, end, replies, done);
    }).onFailure(done::tryFail);
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

  /** With {@code OT_BENCH_PROFILE}, what the relay's heap holds with the idle connections open. */
  private static void histogram(long pid, int connections, int run) throws Exception {
    String profile = System.getenv("OT_BENCH_PROFILE");
    if (profile == null || profile.isBlank()) {
      return;
    }
    Path out = Path.of(profile, "relay-heap-" + connections + "-connections-" + run + ".txt");
    String jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd").toString();
    Process p = new ProcessBuilder(jcmd, Long.toString(pid), "GC.class_histogram").redirectErrorStream(true)
        .redirectOutput(out.toFile()).start();
    p.waitFor(120, TimeUnit.SECONDS);
  }

  private static long heapAfterGc(long pid, int port) throws Exception {
    return JvmMemory.heapAfterGc(pid, BenchHttp.HTTP, (relayTls ? "https" : "http") + "://127.0.0.1:" + port);
  }

  private static long rss(long pid) throws Exception {
    return JvmMemory.rss(pid);
  }

  /** Front ends the relay holds, from its own metrics. */
  private static double openConnections(int port) {
    try {
      return JvmMemory.metric(BenchHttp.HTTP, (relayTls ? "https" : "http") + "://127.0.0.1:" + port,
          "ot_relay_connections");
    } catch (Exception e) {
      return Double.MAX_VALUE;
    }
  }

  private static <T> T result(Future<T> f) throws Exception {
    return f.toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
  }

  private static JsonObject session(String gss, String id, String token) {
    return BenchHttp.getJson(gss + "/api/v1/sessions/" + id, token);
  }
}
