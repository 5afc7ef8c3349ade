package org.otplatform.otctl;

import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.function.Consumer;

/**
 * A session's progress stream (Server-Sent Events from the GSS), followed to its end: a stream that
 * drops (a GSS restarted, a proxy's timeout) is opened again with {@code Last-Event-ID}, so no entry
 * is missed or seen twice. Each entry's data is the event with the session's state after it.
 */
final class EventStream {
  private static final Duration RETRY = Duration.ofSeconds(1);

  private final Platform platform;
  private final String session;
  private final boolean untilReady;
  private String lastId;

  EventStream(Platform platform, String session, boolean untilReady) {
    this.platform = platform;
    this.session = session;
    this.untilReady = untilReady;
  }

  /**
   * Hands every entry to {@code onEntry} until the stream ends (the session ended, or is READY with
   * {@code untilReady}); returns the last state seen. Fails UNAVAILABLE once {@code deadline} passed.
   */
  String follow(Instant deadline, Consumer<JsonObject> onEntry) {
    String state = null;
    Exit.Failure lastFailure = null;
    while (Instant.now().isBefore(deadline)) {
      URI uri = platform.gss("/api/v1/sessions/" + session + "/events" + (untilReady ? "?until=ready" : ""));
      try (InputStream in = platform.stream(uri, lastId)) {
        String ended = read(in, onEntry);
        if (ended != null) {
          state = ended;
        }
        if (state != null && (terminal(state) || untilReady && "READY".equals(state))) {
          return state;
        }
      } catch (Exit.Failure f) {
        if (f.code() != Exit.UNAVAILABLE) {
          throw f;
        }
        lastFailure = f;
      } catch (IOException e) {
        lastFailure = new Exit.Failure(Exit.UNAVAILABLE, "the progress stream dropped: " + e.getMessage());
      }
      sleep();
    }
    throw new Exit.Failure(Exit.UNAVAILABLE, "session " + session + " did not get there in time"
        + (state == null ? "" : " (last state " + state + ")")
        + (lastFailure == null ? "" : "; last problem: " + lastFailure.getMessage()));
  }

  static boolean terminal(String state) {
    return "CLOSED".equals(state) || "FAILED".equals(state);
  }

  /** Reads entries until the stream ends; returns the last state seen, or null. */
  private String read(InputStream in, Consumer<JsonObject> onEntry) throws IOException {
    String[] state = {null};
    SseReader.read(in, (id, name, entry) -> {
      if (id != null) {
        lastId = id;
      }
      state[0] = entry.getString("state", state[0]);
      onEntry.accept(entry);
    });
    return state[0];
  }

  private static void sleep() {
    try {
      Thread.sleep(RETRY.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new Exit.Failure(Exit.UNAVAILABLE, "interrupted");
    }
  }
}
