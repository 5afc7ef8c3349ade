package org.otplatform.otctl;

import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HexFormat;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** One request to a session's compute service through the relay: its reply on stdout, its error as the exit code. */
@Command(mixinStandardHelpOptions = true, name = "call",
    description = {"Sends one request to a compute service of a session, through the relay, and prints the reply's "
        + "result (-o json: the whole reply). An error reply is one line on stderr and its exit code: 2 bad payload, "
        + "3 not allowed (a viewer), 4 no such service or action, 5 busy, 6 unavailable or timed out, 1 any other.",
        "Pushes the service sends meanwhile are notes on stderr."},
    footerHeading = "%nExamples:%n",
    footer = {"  otctl call 9b1f6c4e-… echo echo --payload '{\"x\":1}'", "  otctl call 9b1f6c4e-… kriging describe",
        "  otctl call 9b1f6c4e-… kriging fit --payload @samples.json --trace"})
final class CallCommand implements Callable<Integer> {
  @picocli.CommandLine.ParentCommand Otctl root;

  @Parameters(index = "0", paramLabel = "SESSION") String session;
  @Parameters(index = "1", paramLabel = "SERVICE", description = "the compute service, as the session names it")
  String service;
  @Parameters(index = "2", paramLabel = "ACTION", description = "e.g. describe, ping, or the service's own")
  String action;
  @Option(names = "--payload", paramLabel = "JSON|@FILE|-", description = "a JSON object, @ and a file holding one, "
      + "or - for stdin; default {}") String payload;
  @Option(names = "--timeout", paramLabel = "SECONDS", defaultValue = "75",
      description = "how long to wait for the reply (default ${DEFAULT-VALUE}; the relay answers 'timeout' after 60)")
  int timeout;
  @Option(names = "--trace", description = "trace the call: its trace id on stderr, the spans at otctl admin trace")
  boolean trace;

  @Override
  public Integer call() {
    requireSessionId(session);
    JsonObject body = payload(payload);
    JsonObject request = new JsonObject().put("to", service).put("id", 1).put("action", action).put("payload", body);
    if (trace) {
      String traceId = HexFormat.of().formatHex(random(16));
      request.put("traceparent", "00-" + traceId + "-" + HexFormat.of().formatHex(random(8)) + "-01");
      System.err.println("trace " + traceId);
    }
    JsonObject reply = RelayConnection.succeeded(call(root.platform(), session, request, Duration.ofSeconds(timeout), root),
        service);
    if (root.output().structured()) {
      root.output().json(reply);
    } else {
      Object result = reply.getValue("result");
      System.out.println(result instanceof JsonObject o ? o.encodePrettily() : String.valueOf(result));
    }
    return Exit.OK;
  }

  /** Sends {@code request} and waits for its reply (the message whose {@code re} is its id); pushes are notes. */
  static JsonObject call(Platform platform, String session, JsonObject request, Duration timeout, Otctl root) {
    CompletableFuture<JsonObject> reply = new CompletableFuture<>();
    String id = io.vertx.core.json.Json.encode(request.getValue("id"));
    try (RelayConnection relay = RelayConnection.open(platform, session, msg -> {
      if (msg.containsKey("event")) {
        root.note("push from " + msg.getString("from") + ": " + msg.getString("event"));
      } else if (id.equals(io.vertx.core.json.Json.encode(msg.getValue("re")))) {
        reply.complete(msg);
      }
    })) {
      relay.closed.thenAccept(code -> reply.completeExceptionally(RelayConnection.closedFailure(code)));
      relay.send(request);
      return reply.get(timeout.toSeconds(), TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      throw e.getCause() instanceof Exit.Failure f ? f : new Exit.Failure(Exit.UNAVAILABLE, String.valueOf(e.getCause()));
    } catch (TimeoutException e) {
      throw new Exit.Failure(Exit.UNAVAILABLE, "no reply from " + request.getString("to") + " within "
          + timeout.toSeconds() + " s");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new Exit.Failure(Exit.UNAVAILABLE, "interrupted");
    }
  }

  /** A payload from the command line: a JSON object, {@code @file} holding one, or {@code -} for stdin. */
  static JsonObject payload(String spec) {
    if (spec == null) {
      return new JsonObject();
    }
    String text;
    String what;
    try {
      if (spec.equals("-")) {
        what = "stdin";
        text = new String(System.in.readAllBytes(), StandardCharsets.UTF_8);
      } else if (spec.startsWith("@")) {
        what = spec.substring(1);
        text = Files.readString(Path.of(what));
      } else {
        what = "--payload";
        text = spec;
      }
    } catch (NoSuchFileException e) {
      throw new Exit.Failure(Exit.USAGE, "no such payload file: " + spec.substring(1));
    } catch (IOException e) {
      throw new Exit.Failure(Exit.USAGE, "cannot read the payload " + spec + ": " + e.getMessage());
    }
    try {
      return new JsonObject(text);
    } catch (DecodeException | ClassCastException e) {
      throw new Exit.Failure(Exit.USAGE, "the payload in " + what + " is not a JSON object");
    }
  }

  static void requireSessionId(String session) {
    if (!session.matches("[A-Za-z0-9][A-Za-z0-9_-]{0,63}")) {
      throw new Exit.Failure(Exit.USAGE, "not a session id: " + session);
    }
  }

  private static byte[] random(int n) {
    byte[] bytes = new byte[n];
    ThreadLocalRandom.current().nextBytes(bytes);
    bytes[0] |= 1; // never all zeros (an invalid id)
    return bytes;
  }
}
