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
 * platform, logins per second, and token verifications per second of the {@code common} verifier,
 * each next to what bounds it. Run with {@code bin/ot-bench auth}.
 */
public final class AuthBench {
  private static final String PASSWORD = "bench-password-123";

  private AuthBench() {}

  public static void main(String[] args) {
    BenchSuite.main(new String[] {"auth"});
  }

  /**
   * Rows: the hash's cost; login latency and logins per second over HTTP next to the ceiling the
   * hash sets; token verifications per second next to bare RS256 signature checks.
   */
  static List<Row> measure(BenchSuite.Context context) throws Exception {
    int iterations = context.size().count("OT_AUTH_PBKDF2_ITERATIONS", 600_000, 600_000);
    int cores = Runtime.getRuntime().availableProcessors();
    List<Double> hashMs = new ArrayList<>();
    Size size = context.size();
    for (int run = 0; run < size.runs(3); run++) {
      hashMs.add(hashCost(iterations));
    }
    List<Row> rows = new ArrayList<>();
    String hash = String.format(Locale.ROOT, "PBKDF2-HMAC-SHA256, %,d iterations", iterations);
    rows.add(Row.of("auth", "password check (one hash, " + hash + ")", "ms", hashMs));
    rows.addAll(loginOverHttp(context.brokerLib(), iterations, hashMs, cores, size));
    rows.addAll(verifierThroughput(size));
    return rows;
  }

  /** The median of a few password checks, in ms. */
  static double hashCost(int iterations) {
    PasswordHasher hasher = new PasswordHasher(iterations);
    String stored = hasher.hash(PASSWORD);
    List<Double> ms = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      long t0 = System.nanoTime();
      hasher.verify(PASSWORD, stored);
      ms.add((System.nanoTime() - t0) / 1e6);
    }
    return Stats.of(ms.subList(1, ms.size())).p50();
  }

  static List<Row> verifierThroughput(Size size) throws Exception {
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
      // Every token checked anew (what a first sight of each costs), and the service's own verifier,
      // which keeps verified tokens: the same 1,000 tokens again and again, as front ends send them.
      TokenVerifier uncached = new TokenVerifier(vertx, () -> Future.succeededFuture(keys.jwks()), 5_000, 30, 0);
      TokenVerifier cached = new TokenVerifier(vertx, () -> Future.succeededFuture(keys.jwks()));
      for (TokenVerifier v : List.of(uncached, cached)) {
        v.start().toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
        runVerifications(vertx, v, tokens, size.window(Duration.ofSeconds(2))); // warm-up
      }
      RawSignatures raw = new RawSignatures(keys.jwks().getJsonObject(0));
      raw.perSecond(tokens, size.window(Duration.ofSeconds(2)));
      List<Double> rates = new ArrayList<>();
      List<Double> cachedRates = new ArrayList<>();
      List<Double> rawRates = new ArrayList<>();
      for (int run = 0; run < size.runs(3); run++) {
        rates.add(runVerifications(vertx, uncached, tokens, size.window(Duration.ofSeconds(3))));
        cachedRates.add(runVerifications(vertx, cached, tokens, size.window(Duration.ofSeconds(3))));
        rawRates.add(raw.perSecond(tokens, size.window(Duration.ofSeconds(3))));
      }
      mongo.close();
      return List.of(
          new Row("auth", "token verifications, each checked (1 event loop)", "/s", rates,
              "bare RS256 signature checks (JDK, 1 thread)", rawRates),
          new Row("auth", "token verifications, 1,000 tokens repeated (1 event loop)", "/s", cachedRates,
              "bare RS256 signature checks (JDK, 1 thread)", rawRates));
    } finally {
      vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
      server.shutdownNow();
    }
  }

  /** The floor under token verification: the RSA signature check alone, with the JDK's provider. */
  private static final class RawSignatures {
    private final java.security.PublicKey key;

    RawSignatures(JsonObject jwk) throws Exception {
      java.util.Base64.Decoder b64 = java.util.Base64.getUrlDecoder();
      key = java.security.KeyFactory.getInstance("RSA").generatePublic(new java.security.spec.RSAPublicKeySpec(
          new java.math.BigInteger(1, b64.decode(jwk.getString("n"))),
          new java.math.BigInteger(1, b64.decode(jwk.getString("e")))));
    }

    double perSecond(List<String> tokens, Duration duration) throws Exception {
      java.security.Signature rsa = java.security.Signature.getInstance("SHA256withRSA");
      long done = 0;
      long t0 = System.nanoTime();
      long end = t0 + duration.toNanos();
      while (System.nanoTime() < end) {
        String token = tokens.get((int) (done % tokens.size()));
        int dot = token.lastIndexOf('.');
        rsa.initVerify(key);
        rsa.update(token.substring(0, dot).getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        if (!rsa.verify(java.util.Base64.getUrlDecoder().decode(token.substring(dot + 1)))) {
          throw new IllegalStateException("a token's signature did not verify");
        }
        done++;
      }
      return done / ((System.nanoTime() - t0) / 1e9);
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

  static List<Row> loginOverHttp(Path brokerLib, int iterations, List<Double> hashMs, int cores, Size size)
      throws Exception {
    EmbeddedPlatform.Ports ports = EmbeddedPlatform.Ports.free();
    try (EmbeddedPlatform platform = new EmbeddedPlatform(new EmbeddedPlatform.Settings(null, brokerLib,
        Map.of("OT_ADMIN_PASSWORD", PASSWORD, "OT_AUTH_PBKDF2_ITERATIONS", Integer.toString(iterations),
            "OT_AUTH_LOGIN_MAX_FAILURES", "1000000", "OT_AUTH_ADDRESS_MAX_FAILURES", "1000000",
            "OT_LOG_LEVEL", "WARN"), ports)).start()) {
      HttpClient client = HttpClient.newHttpClient();
      URI login = URI.create(platform.url(ports.auth()) + "/api/v1/login");
      HttpRequest request = HttpRequest.newBuilder(login).timeout(Duration.ofSeconds(30))
          .header("content-type", "application/json")
          .POST(HttpRequest.BodyPublishers.ofString("{\"username\":\"admin\",\"password\":\"" + PASSWORD + "\"}"))
          .build();
      for (int i = 0; i < 3; i++) {
        send(client, request);
      }
      List<Double> latency = new ArrayList<>();
      List<Double> rates = new ArrayList<>();
      List<Double> ceiling = new ArrayList<>();
      for (int run = 0; run < size.runs(3); run++) {
        List<Double> ms = new ArrayList<>();
        for (int i = 0; i < size.count("OT_BENCH_LOGINS", 8, 2); i++) {
          long t0 = System.nanoTime();
          send(client, request);
          ms.add((System.nanoTime() - t0) / 1e6);
        }
        latency.add(Stats.of(ms).p50());
        rates.add(loginsPerSecond(client, request, cores, size.window(Duration.ofSeconds(4))));
        ceiling.add(cores * 1000 / hashMs.get(run));
      }
      return List.of(
          new Row("auth", "login over HTTP, one at a time, p50", "ms", latency, "one password hash", hashMs),
          new Row("auth", "logins with " + cores + " concurrent clients", "/s", rates,
              "ceiling the hash sets: cores / hash time", ceiling));
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
