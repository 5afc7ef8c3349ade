package org.otplatform.bench;

import de.bwaldvogel.mongo.MongoServer;
import de.bwaldvogel.mongo.backend.memory.MemoryBackend;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.mongo.MongoClient;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.otplatform.auth.password.PasswordHasher;
import org.otplatform.auth.token.SigningKeys;
import org.otplatform.auth.token.TokenIssuer;
import org.otplatform.common.auth.TokenVerifier;
import org.otplatform.embedded.EmbeddedPlatform;

/**
 * AUTH's figures: the cost of one password hash, login latency over HTTP against the running
 * platform, logins per second, and token verifications per second of the {@code common} verifier.
 * Run with {@code bin/ot-bench auth}.
 */
public final class AuthBench {
  private static final String PASSWORD = "bench-password-123";

  private AuthBench() {}

  public static void main(String[] args) throws Exception {
    int iterations = Integer.parseInt(System.getenv().getOrDefault("OT_AUTH_PBKDF2_ITERATIONS", "600000"));
    System.out.printf("AUTH benchmark on %d cores, PBKDF2-HMAC-SHA256 at %,d iterations%n",
        Runtime.getRuntime().availableProcessors(), iterations);
    hashCost(iterations);
    verifierThroughput();
    loginOverHttp(Path.of(System.getProperty("ot.broker.lib", "broker/target/lib")), iterations);
  }

  static void hashCost(int iterations) {
    PasswordHasher hasher = new PasswordHasher(iterations);
    String stored = hasher.hash(PASSWORD);
    List<Double> ms = new ArrayList<>();
    for (int i = 0; i < 12; i++) {
      long t0 = System.nanoTime();
      hasher.verify(PASSWORD, stored);
      ms.add((System.nanoTime() - t0) / 1e6);
    }
    Stats s = Stats.of(ms.subList(2, ms.size()));
    System.out.printf("password check (one hash):     p50 %.1f ms  min %.1f  max %.1f  (n=%d)%n", s.p50(), s.min(),
        s.max(), s.n());
  }

  static void verifierThroughput() throws Exception {
    MongoServer server = new MongoServer(new MemoryBackend());
    Vertx vertx = Vertx.vertx();
    try {
      MongoClient mongo = MongoClient.create(vertx, new JsonObject()
          .put("connection_string", server.bindAndGetConnectionString()).put("db_name", "bench"));
      SigningKeys keys = new SigningKeys(mongo);
      keys.load().toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
      TokenIssuer issuer = new TokenIssuer(vertx, keys, Duration.ofMinutes(10));
      List<String> tokens = new ArrayList<>();
      for (int i = 0; i < 1_000; i++) {
        tokens.add(issuer.accessToken("user-" + i, "user" + i, Set.of("user")));
      }
      TokenVerifier verifier = new TokenVerifier(vertx, () -> Future.succeededFuture(keys.jwks()));
      verifier.start().toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
      runVerifications(vertx, verifier, tokens, Duration.ofSeconds(3)); // warm-up
      List<Double> rates = new ArrayList<>();
      for (int run = 0; run < 5; run++) {
        rates.add(runVerifications(vertx, verifier, tokens, Duration.ofSeconds(3)));
      }
      Stats s = Stats.of(rates);
      System.out.printf("token verification (1 event loop): %,.0f/s  (runs of 3 s: min %,.0f, max %,.0f, n=%d)%n",
          s.p50(), s.min(), s.max(), s.n());
      mongo.close();
    } finally {
      vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
      server.shutdownNow();
    }
  }

  /** Verifies tokens back to back on one event loop for {@code duration}; returns verifications/s. */
  private static double runVerifications(Vertx vertx, TokenVerifier verifier, List<String> tokens, Duration duration)
      throws Exception {
    AtomicLong done = new AtomicLong();
    long end = System.nanoTime() + duration.toNanos();
    Promise<Void> finished = Promise.promise();
    vertx.runOnContext(v -> next(verifier, tokens, done, end, finished));
    long t0 = System.nanoTime();
    finished.future().toCompletionStage().toCompletableFuture().get(duration.toSeconds() + 30, TimeUnit.SECONDS);
    return done.get() / ((System.nanoTime() - t0) / 1e9);
  }

  /**
   * One batch of verifications, then the next batch on a later turn of the event loop: with keys
   * cached a verification completes at once, so plain recursion would overflow the stack.
   */
  private static void next(TokenVerifier verifier, List<String> tokens, AtomicLong done, long end,
      Promise<Void> finished) {
    if (System.nanoTime() > end) {
      finished.tryComplete();
      return;
    }
    List<Future<?>> batch = new ArrayList<>(256);
    for (int i = 0; i < 256; i++) {
      batch.add(verifier.verify(tokens.get((int) ((done.get() + i) % tokens.size()))));
    }
    Future.all(batch).onComplete(r -> {
      if (r.failed()) {
        finished.tryFail(r.cause());
        return;
      }
      done.addAndGet(batch.size());
      Vertx.currentContext().runOnContext(v -> next(verifier, tokens, done, end, finished));
    });
  }

  static void loginOverHttp(Path brokerLib, int iterations) throws Exception {
    EmbeddedPlatform.Ports ports = EmbeddedPlatform.Ports.free();
    try (EmbeddedPlatform platform = new EmbeddedPlatform(new EmbeddedPlatform.Settings(null, brokerLib,
        Map.of("OT_ADMIN_PASSWORD", PASSWORD, "OT_AUTH_PBKDF2_ITERATIONS", Integer.toString(iterations),
            "OT_AUTH_LOGIN_MAX_FAILURES", "1000000", "OT_AUTH_ADDRESS_MAX_FAILURES", "1000000",
            "OT_LOG_LEVEL", "WARN"), ports)).start()) {
      HttpClient client = HttpClient.newHttpClient();
      URI login = URI.create(platform.url(ports.auth()) + "/api/v1/login");
      HttpRequest request = HttpRequest.newBuilder(login).header("content-type", "application/json")
          .POST(HttpRequest.BodyPublishers.ofString("{\"username\":\"admin\",\"password\":\"" + PASSWORD + "\"}"))
          .build();
      for (int i = 0; i < 3; i++) {
        send(client, request);
      }
      List<Double> ms = new ArrayList<>();
      for (int i = 0; i < 30; i++) {
        long t0 = System.nanoTime();
        send(client, request);
        ms.add((System.nanoTime() - t0) / 1e6);
      }
      Stats s = Stats.of(ms);
      System.out.printf("login over HTTP (sequential):  p50 %.1f ms  p99 %.1f ms  (n=%d)%n", s.p50(), s.p99(), s.n());
      for (int clients : new int[] {2, 4}) {
        System.out.printf(Locale.ROOT, "logins/s with %d concurrent clients: %.1f%n", clients,
            loginsPerSecond(client, request, clients, Duration.ofSeconds(10)));
      }
    }
  }

  private static double loginsPerSecond(HttpClient client, HttpRequest request, int clients, Duration duration)
      throws Exception {
    AtomicLong count = new AtomicLong();
    long end = System.nanoTime() + duration.toNanos();
    List<Thread> threads = new ArrayList<>();
    long t0 = System.nanoTime();
    for (int c = 0; c < clients; c++) {
      Thread t = new Thread(() -> {
        while (System.nanoTime() < end) {
          send(client, request);
          count.incrementAndGet();
        }
      });
      t.start();
      threads.add(t);
    }
    for (Thread t : threads) {
      t.join();
    }
    return count.get() / ((System.nanoTime() - t0) / 1e9);
  }

  private static void send(HttpClient client, HttpRequest request) {
    try {
      HttpResponse<String> r = client.send(request, HttpResponse.BodyHandlers.ofString());
      if (r.statusCode() != 200) {
        throw new IllegalStateException("login answered " + r.statusCode() + ": " + r.body());
      }
    } catch (java.io.IOException e) {
      throw new IllegalStateException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
