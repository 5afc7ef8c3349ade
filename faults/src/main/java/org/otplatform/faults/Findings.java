package org.otplatform.faults;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What the fuzzers saw: every answer counted by service, kind and status; each broken invariant
 * (a 5xx, a hang, an error that is not a JSON {@code {error, message}}, a connection dropped without
 * an answer) kept with the request that broke it.
 */
final class Findings {
  private final Map<String, Map<String, Integer>> counts = new TreeMap<>();
  private final List<String> violations = new ArrayList<>();
  private long slowestMillis;
  private String slowest = "";
  private int requests;
  private final boolean trace;

  /** With {@code trace}, every request and its outcome is printed as it happens. */
  Findings(boolean trace) {
    this.trace = trace;
  }

  private void trace(String what, Object outcome, long millis) {
    if (trace) {
      System.out.printf("%6d %-70s %s (%d ms)%n", requests, what, outcome, millis);
    }
  }

  synchronized void answer(String service, Enum<?> kind, String what, int status, String type, byte[] body,
      Duration took) {
    requests++;
    trace(what, status, took.toMillis());
    count(service + " " + kind, Integer.toString(status));
    if (took.toMillis() > slowestMillis) {
      slowestMillis = took.toMillis();
      slowest = what + " → " + status;
    }
    if (status >= 500) {
      violation(what, "answered " + status + ": " + snippet(body));
    } else if (status >= 400 && !isJsonError(type, body)) {
      violation(what, "answered " + status + " without a JSON {error, message} (" + type + "): " + snippet(body));
    }
  }

  synchronized void hang(String service, Enum<?> kind, String what) {
    requests++;
    trace(what, "no answer", ContractFuzzer.TIMEOUT.toMillis());
    count(service + " " + kind, "no answer in " + ContractFuzzer.TIMEOUT.toSeconds() + " s");
    violation(what, "no answer within " + ContractFuzzer.TIMEOUT.toSeconds() + " s");
  }

  synchronized void noAnswer(String service, Enum<?> kind, String what, Exception e, boolean acceptable) {
    requests++;
    trace(what, "closed: " + e, 0);
    count(service + " " + kind, "closed");
    if (!acceptable) {
      violation(what, "connection closed without an answer: " + e);
    }
  }

  /** An outcome counted without a status (the relay's frames). */
  synchronized void outcome(String what, String outcome) {
    requests++;
    trace(what, outcome, 0);
    count(what, outcome);
  }

  synchronized void violation(String what, String why) {
    if (violations.size() < 200) {
      violations.add(what + ": " + why);
    }
  }

  private void count(String row, String column) {
    counts.computeIfAbsent(row, k -> new TreeMap<>()).merge(column, 1, Integer::sum);
  }

  private static boolean isJsonError(String type, byte[] body) {
    if (!type.startsWith("application/json")) {
      return false;
    }
    try {
      JsonObject json = new JsonObject(new String(body, StandardCharsets.UTF_8));
      return json.getValue("error") instanceof String && json.getValue("message") instanceof String;
    } catch (RuntimeException e) {
      return false;
    }
  }

  private static String snippet(byte[] body) {
    String s = new String(body, StandardCharsets.UTF_8);
    return s.length() > 200 ? s.substring(0, 200) + "…" : s;
  }

  synchronized List<String> violations() {
    return List.copyOf(violations);
  }

  synchronized int requests() {
    return requests;
  }

  /** The counts as a table: a row per service and kind, its outcomes with how often. */
  synchronized String table() {
    StringBuilder sb = new StringBuilder(String.format("%-40s %s%n", "service / kind", "outcomes (count)"));
    counts.forEach((row, outcomes) -> sb.append(String.format("%-40s %s%n", row, outcomes)));
    sb.append(String.format("%d requests and frames; slowest answer %d ms (%s)%n", requests, slowestMillis, slowest));
    return sb.toString();
  }

  synchronized JsonObject json() {
    JsonObject rows = new JsonObject();
    counts.forEach((row, outcomes) -> rows.put(row, new JsonObject(new java.util.LinkedHashMap<>(outcomes))));
    return new JsonObject().put("requests", requests).put("counts", rows).put("violations", new JsonArray(violations))
        .put("slowestMillis", slowestMillis).put("slowest", slowest);
  }
}
