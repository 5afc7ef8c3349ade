package org.otplatform.faults.suite;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * A front end following a session's progress ({@code GET /api/v1/sessions/{id}/events}, SSE)
 * through the GSS's Service: when the stream drops (its replica killed, stalled past the
 * keep-alive, or cut), it reconnects with {@code Last-Event-ID} — to whichever replica the Service
 * picks — until the session is over and the stream ends by itself.
 */
final class EventStream {
  /** The GSS sends a keep-alive every 15 s: a stream silent for longer is stalled. */
  private static final long SILENT_MILLIS = 20_000;
  private static final ScheduledExecutorService WATCHDOG = Executors.newSingleThreadScheduledExecutor(r -> {
    Thread t = new Thread(r, "faults-sse-watchdog");
    t.setDaemon(true);
    return t;
  });

  private EventStream() {}

  /**
   * Follows until the stream ends after a terminal entry, or {@code deadlineMillis}; every entry's
   * id goes to {@code trace}.
   */
  static void follow(String gss, Supplier<String> token, SessionTrace trace, long deadlineMillis)
      throws InterruptedException {
    long last = 0;
    boolean first = true;
    while (System.currentTimeMillis() < deadlineMillis) {
      if (!first) {
        trace.streamReconnects++;
        Thread.sleep(200);
      }
      first = false;
      Read read = read(gss, token.get(), trace.id, last, id -> trace.streamedEntry(id));
      last = Math.max(last, read.last());
      if (read.ended()) {
        trace.streamEnded = true;
        return;
      }
    }
  }

  /** The whole stored log of an ended session, by replaying its stream from the start. */
  static List<Long> replay(String gss, String token, String session) throws InterruptedException {
    List<Long> ids = new ArrayList<>();
    Read read = read(gss, token, session, 0, ids::add);
    return read.ended() ? ids : null;
  }

  private record Read(long last, boolean ended) {}

  /** One connection: ended is true when the server closed the stream after a terminal entry. */
  private static Read read(String gss, String token, String session, long after,
      java.util.function.LongConsumer onEntry) throws InterruptedException {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(gss + "/api/v1/sessions/" + session + "/events"))
        .timeout(Api.TIMEOUT).header("authorization", "Bearer " + token).header("accept", "text/event-stream");
    if (after > 0) {
      b.header("last-event-id", Long.toString(after));
    }
    long last = after;
    boolean terminal = false;
    try {
      HttpResponse<InputStream> r = Api.HTTP.send(b.build(), HttpResponse.BodyHandlers.ofInputStream());
      try (InputStream in = r.body();
          BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
        if (r.statusCode() != 200) {
          return new Read(last, false);
        }
        long[] heard = {System.currentTimeMillis()};
        var watch = WATCHDOG.scheduleWithFixedDelay(() -> {
          if (System.currentTimeMillis() - heard[0] > SILENT_MILLIS) {
            try {
              in.close(); // a stalled replica: drop the stream and reconnect elsewhere
            } catch (IOException e) {
              // closing is all we wanted
            }
          }
        }, 1, 1, TimeUnit.SECONDS);
        try {
          String line;
          long id = -1;
          String state = null;
          while ((line = reader.readLine()) != null) {
            heard[0] = System.currentTimeMillis();
            if (line.startsWith("id: ")) {
              id = Long.parseLong(line.substring(4).trim());
            } else if (line.startsWith("data: ")) {
              state = new io.vertx.core.json.JsonObject(line.substring(6)).getString("state");
            } else if (line.isEmpty() && id >= 0) {
              onEntry.accept(id);
              last = id;
              // Each entry carries the state it left the session in; the stream ends after a terminal one.
              terminal = "CLOSED".equals(state) || "FAILED".equals(state);
              id = -1;
              state = null;
            }
          }
        } finally {
          watch.cancel(false);
        }
      }
      return new Read(last, terminal);
    } catch (IOException e) {
      return new Read(last, false);
    }
  }
}
