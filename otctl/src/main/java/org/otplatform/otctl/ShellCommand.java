package org.otplatform.otctl;

import io.vertx.core.json.DecodeException;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonObject;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * A session's relay WebSocket, line by line: each line read is a request, each message received
 * (replies, pushes) one line of JSON out, as they come. At the end of the input it waits for the
 * replies still due, then closes.
 */
@Command(mixinStandardHelpOptions = true, name = "shell",
    description = {"Talks to a session's compute services through the relay, line by line. A line is "
        + "SERVICE ACTION [PAYLOAD-JSON], or a whole JSON message {to, id, action, payload}; every reply and push "
        + "is printed as one line of JSON. End the input (Ctrl-D) to leave: the replies still due are waited for.",
        "Ends by itself, with a note, when the session ends."},
    footerHeading = "%nExamples:%n",
    footer = {"  otctl shell 9b1f6c4e-…", "    echo echo {\"x\":1}", "    echo push {\"count\":3}",
        "  printf 'echo ping\\n' | otctl shell 9b1f6c4e-… -q"})
final class ShellCommand implements Callable<Integer> {
  @picocli.CommandLine.ParentCommand Otctl root;

  @Parameters(index = "0", paramLabel = "SESSION") String session;
  @Option(names = "--timeout", paramLabel = "SECONDS", defaultValue = "75",
      description = "at the end of the input, how long to wait for the replies still due (default ${DEFAULT-VALUE})")
  int timeout;

  @Override
  public Integer call() throws IOException, InterruptedException {
    CallCommand.requireSessionId(session);
    // Ids as JSON text: 1 read back from a reply is an Integer, sent it was a Long.
    Set<String> due = ConcurrentHashMap.newKeySet();
    Object printing = new Object();
    try (RelayConnection relay = RelayConnection.open(root.platform(), session, msg -> {
      synchronized (printing) {
        System.out.println(msg.encode());
        System.out.flush();
      }
      if (msg.getValue("re") != null) {
        due.remove(Json.encode(msg.getValue("re")));
      }
    })) {
      root.note("connected to session " + session + ": SERVICE ACTION [PAYLOAD-JSON] per line; end the input to leave");
      BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
      long n = 0;
      for (String line = in.readLine(); line != null && !relay.closed.isDone(); line = in.readLine()) {
        if (line.isBlank()) {
          continue;
        }
        JsonObject message;
        try {
          message = parse(line.strip(), ++n);
        } catch (Exit.Failure f) {
          System.err.println("otctl: " + f.getMessage());
          continue;
        }
        if (message.getValue("id") != null) {
          due.add(Json.encode(message.getValue("id")));
        }
        relay.send(message);
      }
      long deadline = System.nanoTime() + Duration.ofSeconds(timeout).toNanos();
      while (!due.isEmpty() && !relay.closed.isDone() && System.nanoTime() < deadline) {
        try {
          relay.closed.get(50, TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.TimeoutException | java.util.concurrent.ExecutionException e) {
          // still open: wait on
        }
      }
      if (relay.closed.isDone()) {
        String[] code = relay.closed.getNow(new String[] {"-1", ""});
        int close = Integer.parseInt(code[0]);
        if (close == RelayConnection.SESSION_ENDED) {
          root.note("the session ended: " + code[1]);
        } else {
          throw RelayConnection.closedFailure(code);
        }
      } else if (!due.isEmpty()) {
        throw new Exit.Failure(Exit.UNAVAILABLE, due.size() + " replies not received within " + timeout + " s");
      }
    }
    return Exit.OK;
  }

  /** A line as a message: a JSON object as it is, else SERVICE ACTION [PAYLOAD] with the id {@code n}. */
  static JsonObject parse(String line, long n) {
    if (line.startsWith("{")) {
      try {
        return new JsonObject(line);
      } catch (DecodeException e) {
        throw new Exit.Failure(Exit.USAGE, "not a JSON object: " + line);
      }
    }
    String[] parts = line.split("\\s+", 3);
    if (parts.length < 2) {
      throw new Exit.Failure(Exit.USAGE, "a line is SERVICE ACTION [PAYLOAD-JSON], or a JSON message: " + line);
    }
    JsonObject payload = new JsonObject();
    if (parts.length == 3) {
      try {
        payload = new JsonObject(parts[2]);
      } catch (DecodeException | ClassCastException e) {
        throw new Exit.Failure(Exit.USAGE, "the payload is not a JSON object: " + parts[2]);
      }
    }
    return new JsonObject().put("to", parts[0]).put("id", n).put("action", parts[1]).put("payload", payload);
  }
}
