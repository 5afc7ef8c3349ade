package org.otplatform.faults;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.Callable;
import org.otplatform.embedded.EmbeddedPlatform;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code bin/ot-fuzz}: the embedded platform under requests made from its services' OpenAPI
 * documents and their mutations, and frames sent to the relay; then every service must still be
 * ready. Seeded: the same seed sends the same requests. Exit 0 when no invariant broke, 1 otherwise.
 */
@Command(name = "ot-fuzz", mixinStandardHelpOptions = true, version = "ot-fuzz 0.1.0",
    description = "Fuzzes every public surface of a fresh embedded platform; prints a table of outcomes and "
        + "every broken invariant (5xx, hang, non-JSON error, dropped connection, silent WebSocket).")
public final class FuzzMain implements Callable<Integer> {
  @Option(names = "--requests", description = "HTTP requests to send (default ${DEFAULT-VALUE})")
  int requests = 10_000;
  @Option(names = "--frames", description = "WebSocket frames to send to the relay (default ${DEFAULT-VALUE})")
  int frames = 500;
  @Option(names = "--seed", description = "random seed (default ${DEFAULT-VALUE})")
  long seed = 1;
  @Option(names = "--trace", description = "print every request and frame with its outcome as it happens")
  boolean trace;
  @Option(names = "--out", description = "also write the outcome as JSON here")
  Path out;
  @Option(names = "--broker-lib", description = "the Kafka broker's class path (default ${DEFAULT-VALUE})")
  Path brokerLib = Path.of(System.getProperty("ot.broker.lib", "broker/target/lib"));

  public static void main(String[] args) {
    System.exit(new CommandLine(new FuzzMain()).execute(args));
  }

  @Override
  public Integer call() throws Exception {
    String password = "fuzz-admin-password-1";
    EmbeddedPlatform.Ports ports = EmbeddedPlatform.Ports.free();
    Path data = Files.createTempDirectory("ot-fuzz");
    // The fuzzer sends thousands of wrong logins from one address: throttled per user, not per address.
    Map<String, String> env = Map.of("OT_ADMIN_PASSWORD", password, "OT_AUTH_ADDRESS_MAX_FAILURES", "1000000",
        "OT_LOG_LEVEL", "WARN");
    Vertx vertx = Vertx.vertx();
    long began = System.nanoTime();
    try (EmbeddedPlatform platform = new EmbeddedPlatform(new EmbeddedPlatform.Settings(data, brokerLib, env, ports))
        .start()) {
      String gss = platform.url(ports.gss());
      String auth = platform.url(ports.auth());
      String logger = platform.url(ports.logger());
      Fixtures fixtures = new Fixtures(gss, auth, password).make();
      List<Operation> ops = new ArrayList<>();
      ops.addAll(Operation.of(vertx, "auth", auth, "openapi/auth.yaml"));
      ops.addAll(Operation.of(vertx, "gss", gss, "openapi/gss.yaml"));
      ops.addAll(Operation.of(vertx, "logger", logger, "openapi/logger.yaml"));
      Findings findings = new Findings(trace);
      Random random = new Random(seed);
      System.out.printf("ot-fuzz: seed %d, %d operations, %d requests, %d frames%n", seed, ops.size(), requests, frames);
      // The relay first: the HTTP requests may close the session its frames go to.
      new RelayFuzzer("127.0.0.1", ports.relay(), fixtures, random, findings).run(frames);
      new ContractFuzzer(fixtures, random, findings).run(ops, requests);
      // Ready again within a minute: the last requests may have begun a change (a drain, a key
      // rotation) that a service is still settling; one that stays unready is a finding.
      Map<String, Integer> services = new java.util.TreeMap<>(Map.of("gss", ports.gss(), "auth", ports.auth(),
          "lss", ports.lss(), "relay", ports.relay(), "logger", ports.logger()));
      for (Map.Entry<String, Integer> service : services.entrySet()) {
        String url = platform.url(service.getValue()) + "/health/ready";
        String unready = unready(url, Duration.ofSeconds(60));
        if (unready != null) {
          findings.violation("afterwards", service.getKey() + " (" + url + ") not ready within 60 s: " + unready);
        }
      }
      long seconds = Duration.ofNanos(System.nanoTime() - began).toSeconds();
      System.out.print(findings.table());
      List<String> violations = findings.violations();
      System.out.printf("%d broken invariants in %d s%n", violations.size(), seconds);
      violations.forEach(v -> System.out.println("  " + v));
      if (out != null) {
        Files.writeString(out, findings.json().put("seed", seed).put("seconds", seconds).encodePrettily());
      }
      return violations.isEmpty() ? 0 : 1;
    } finally {
      vertx.close();
      deleteTree(data);
    }
  }

  /** The run's data directory (broker, store, keys) goes with it. */
  private static void deleteTree(Path dir) {
    try (var paths = Files.walk(dir)) {
      paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (java.io.IOException e) {
      System.err.println("ot-fuzz: could not remove " + dir + ": " + e.getMessage());
    }
  }

  /** Null once {@code url} answers 200 within {@code bound}; else its last answer (or failure). */
  private static String unready(String url, Duration bound) throws InterruptedException {
    HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    long deadline = System.nanoTime() + bound.toNanos();
    String last = null;
    do {
      try {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10))
            .build(), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() == 200) {
          if (last != null) {
            System.out.printf("ot-fuzz: %s ready again %d ms after the run (it answered %s)%n", url,
                Duration.ofNanos(System.nanoTime() - deadline + bound.toNanos()).toMillis(), last);
          }
          return null;
        }
        last = r.statusCode() + " " + r.body();
      } catch (java.io.IOException e) {
        last = e.toString();
      }
      Thread.sleep(500);
    } while (System.nanoTime() < deadline);
    return last;
  }

}
