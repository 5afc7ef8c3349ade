package org.otplatform.relay;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * What the relay reads of the GSS's view of a session ({@code Session} in {@code openapi/gss.yaml}):
 * its state, where its ready services are, why each other one cannot be reached, and whether the
 * caller may act (a viewer only watches).
 */
record GssSession(String state, Map<String, String> endpoints, Map<String, String> notReady, boolean mayAct,
    String type) {

  static GssSession from(JsonObject view) {
    Map<String, String> endpoints = new HashMap<>();
    Map<String, String> notReady = new HashMap<>();
    view.getJsonArray("services", new JsonArray()).forEach(o -> {
      JsonObject s = (JsonObject) o;
      if (s.getString("endpoint") != null && "READY".equals(s.getString("state"))) {
        endpoints.put(s.getString("name"), s.getString("endpoint"));
      } else if (s.getString("name") != null) {
        notReady.put(s.getString("name"), "is " + s.getString("state", "not ready").toLowerCase(Locale.ROOT)
            + (s.getString("reason") == null ? "" : ": " + s.getString("reason")));
      }
    });
    return new GssSession(view.getString("state"), Map.copyOf(endpoints), Map.copyOf(notReady),
        !"viewer".equals(view.getString("access")), view.getString("type"));
  }

  boolean isReady() {
    return "READY".equals(state);
  }
}
