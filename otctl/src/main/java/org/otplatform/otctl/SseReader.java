package org.otplatform.otctl;

import io.vertx.core.json.JsonObject;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;

/** Server-Sent Events whose data is JSON: each event handed on with its {@code id} and {@code event} name. */
final class SseReader {
  /** One event of the stream; {@code id} and {@code name} null when it had none. */
  interface Listener {
    void event(String id, String name, JsonObject data);
  }

  private SseReader() {}

  /** Reads events until the stream ends (comments and keep-alives skipped). */
  static void read(InputStream in, Listener listener) throws IOException {
    BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
    String id = null;
    String name = null;
    StringBuilder data = new StringBuilder();
    for (String line = reader.readLine(); line != null; line = reader.readLine()) {
      if (line.isEmpty()) {
        if (data.length() > 0) {
          listener.event(id, name, new JsonObject(data.toString()));
        }
        id = null;
        name = null;
        data.setLength(0);
      } else if (line.startsWith("id:")) {
        id = line.substring(3).strip();
      } else if (line.startsWith("event:")) {
        name = line.substring(6).strip();
      } else if (line.startsWith("data:")) {
        data.append(line.substring(5).strip());
      }
    }
  }
}
