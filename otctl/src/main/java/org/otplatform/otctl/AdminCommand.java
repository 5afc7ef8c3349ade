package org.otplatform.otctl;

import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

@Command(mixinStandardHelpOptions = true, name = "admin",
    description = "For administrators: users, signing keys, every session, the LSS instances, draining one, the "
        + "audit trail, a session's traces.",
    subcommands = {UsersCommand.class, KeysCommand.class, AdminCommand.Sessions.class, AdminCommand.Lss.class, AdminCommand.Drain.class, AdminCommand.Undrain.class,
        AdminCommand.Audit.class, AdminCommand.Trace.class})
final class AdminCommand {
  @ParentCommand Otctl root;

  private static String encoded(String value) {
    return Platform.encoded(value);
  }

  /** {@code ?name=value&…} of the pairs (name, value, name, value…) whose value is set, values encoded. */
  static String query(String... pairs) {
    StringBuilder query = new StringBuilder();
    for (int i = 0; i + 1 < pairs.length; i += 2) {
      if (pairs[i + 1] != null) {
        query.append(query.length() == 0 ? '?' : '&').append(pairs[i]).append('=').append(encoded(pairs[i + 1]));
      }
    }
    return query.toString();
  }

  @Command(mixinStandardHelpOptions = true, name = "sessions",
      description = "Every user's sessions, newest first, filtered: to find a stuck one (then otctl sessions close ID).",
      footerHeading = "%nExamples:%n",
      footer = {"  otctl admin sessions --owner bob --state OPENING",
          "  otctl admin sessions --lss lss-7f9c -o json"})
  static final class Sessions implements Callable<Integer> {
    @ParentCommand AdminCommand parent;
    @Option(names = "--state", paramLabel = "STATE", description = "OPENING, READY, CLOSING, CLOSED or FAILED") String state;
    @Option(names = "--owner", paramLabel = "USER") String owner;
    @Option(names = "--project", paramLabel = "PROJECT") String project;
    @Option(names = "--type", paramLabel = "TYPE") String type;
    @Option(names = "--lss", paramLabel = "LSS", description = "the LSS that runs them") String lss;
    @Option(names = "--limit", paramLabel = "N", defaultValue = "100", description = "At most N (1-500; default ${DEFAULT-VALUE}).")
    int limit;

    @Override
    public Integer call() {
      Platform platform = parent.root.platform();
      JsonObject answer = platform.get(platform.gss("/api/v1/admin/sessions" + query("limit", String.valueOf(limit),
          "state", state, "owner", owner, "project", project, "type", type, "lss", lss)));
      Output out = parent.root.output();
      if (out.structured()) {
        out.json(answer);
        return Exit.OK;
      }
      List<List<String>> rows = new java.util.ArrayList<>();
      answer.getJsonArray("sessions", new io.vertx.core.json.JsonArray()).forEach(o -> {
        JsonObject session = (JsonObject) o;
        List<String> row = new java.util.ArrayList<>(SessionsCommand.row(session));
        row.add(1, Output.text(session.getValue("owner")));
        row.add(Output.text(session.getValue("lss")));
        rows.add(row);
      });
      List<String> header = new java.util.ArrayList<>(SessionsCommand.HEADER);
      header.add(1, "OWNER");
      header.add("LSS");
      out.table(header, rows);
      return Exit.OK;
    }
  }

  @Command(mixinStandardHelpOptions = true, name = "lss",
      description = "The LSS instances the GSS hears: status (up, draining, lost), load, capacity, last heard.")
  static final class Lss implements Callable<Integer> {
    @ParentCommand AdminCommand parent;

    @Override
    public Integer call() {
      Platform platform = parent.root.platform();
      parent.root.output().listed(platform.get(platform.gss("/api/v1/admin/lss")), "lss",
          List.of("LSS", "STATUS", "MODE", "SESSIONS", "CAPACITY", "LAST HEARD"),
          "id", "pool", "status", "mode", "load", "capacity", "lastSeen");
      return Exit.OK;
    }
  }

  @Command(mixinStandardHelpOptions = true, name = "drain",
      description = "The LSS takes no new sessions; the ones it runs go on until they close.",
      footerHeading = "%nExamples:%n", footer = "  otctl admin drain lss-7f9c")
  static final class Drain implements Callable<Integer> {
    @ParentCommand AdminCommand parent;
    @Parameters(paramLabel = "LSS") String id;

    @Override
    public Integer call() {
      Platform platform = parent.root.platform();
      JsonObject answer = platform.post(platform.gss("/api/v1/admin/lss/" + encoded(id) + "/drain"), new JsonObject());
      parent.root.printed(answer, "LSS " + id + " is draining: it takes no new sessions", id);
      return Exit.OK;
    }
  }

  @Command(mixinStandardHelpOptions = true, name = "undrain", description = "The LSS takes new sessions again.")
  static final class Undrain implements Callable<Integer> {
    @ParentCommand AdminCommand parent;
    @Parameters(paramLabel = "LSS") String id;

    @Override
    public Integer call() {
      Platform platform = parent.root.platform();
      JsonObject answer = platform.delete(platform.gss("/api/v1/admin/lss/" + encoded(id) + "/drain"));
      parent.root.printed(answer, "LSS " + id + " takes new sessions again", id);
      return Exit.OK;
    }
  }

  @Command(mixinStandardHelpOptions = true, name = "audit",
      description = "Who did what, when, from where: the audit trail, newest first.",
      footerHeading = "%nExamples:%n",
      footer = {"  otctl admin audit --action LoginFailed --since 2026-12-02T00:00:00Z",
          "  otctl admin audit --actor bob -o json"})
  static final class Audit implements Callable<Integer> {
    @ParentCommand AdminCommand parent;
    @Option(names = "--actor", paramLabel = "USER") String actor;
    @Option(names = "--action", paramLabel = "ACTION", description = "e.g. LoginFailed, ProjectCreated") String action;
    @Option(names = "--subject", paramLabel = "ID") String subject;
    @Option(names = "--since", paramLabel = "INSTANT", description = "ISO-8601, e.g. 2026-12-02T10:00:00Z") String since;
    @Option(names = "--limit", paramLabel = "N", defaultValue = "50", description = "At most N (1-500; default ${DEFAULT-VALUE}).")
    int limit;

    @Override
    public Integer call() {
      Platform platform = parent.root.platform();
      parent.root.output().listed(platform.get(platform.logger("/api/v1/audit" + query("limit", String.valueOf(limit),
          "actor", actor, "action", action, "subject", subject, "since", since))), "events",
          List.of("TIME", "ACTION", "ACTOR", "FROM", "DETAILS"), "time", "action", "actor", "address", "details");
      return Exit.OK;
    }
  }

  @Command(mixinStandardHelpOptions = true, name = "trace",
      description = {"Where a session's open (or close) spent its time: each of its traces the GSS holds as a "
          + "waterfall — every span under its parent, when it started and how long it took, a bar on the trace's "
          + "time line.", "In embedded mode the trace spans every service; on a cluster the GSS holds its own spans "
          + "only (export them to a collector over OTLP)."},
      footerHeading = "%nExamples:%n", footer = {"  otctl admin trace 9b1f6c4e-…", "  otctl admin trace 9b1f6c4e-… -o json"})
  static final class Trace implements Callable<Integer> {
    private static final int BAR = 32;
    @ParentCommand AdminCommand parent;
    @Parameters(paramLabel = "SESSION") String id;

    @Override
    public Integer call() {
      Platform platform = parent.root.platform();
      JsonObject answer = platform.get(platform.gss("/api/v1/admin/sessions/" + encoded(id) + "/traces"));
      Output out = parent.root.output();
      if (out.structured()) {
        out.json(answer);
        return Exit.OK;
      }
      io.vertx.core.json.JsonArray traces = answer.getJsonArray("traces", new io.vertx.core.json.JsonArray());
      if (traces.isEmpty()) {
        throw new Exit.Failure(Exit.NOT_FOUND, "no trace of session " + id + " is held (tracing off, the session "
            + "older than the spans kept, or run on another GSS replica)");
      }
      for (int t = 0; t < traces.size(); t++) {
        JsonObject trace = traces.getJsonObject(t);
        if (t > 0) {
          System.out.println();
        }
        System.out.printf("trace %s  %s  %.0f ms%n", trace.getString("traceId"), trace.getString("start"),
            trace.getDouble("durationMs"));
        out.table(List.of("START", "TOOK", "TIME LINE", "SERVICE", "SPAN"), rows(trace));
      }
      return Exit.OK;
    }

    /** The spans depth first, children in start order, each indented under its parent. */
    static List<List<String>> rows(JsonObject trace) {
      List<JsonObject> spans = trace.getJsonArray("spans").stream().map(JsonObject.class::cast).toList();
      java.util.Set<String> ids = new java.util.HashSet<>();
      spans.forEach(s -> ids.add(s.getString("spanId")));
      java.util.Map<String, List<JsonObject>> children = new java.util.HashMap<>();
      List<JsonObject> roots = new java.util.ArrayList<>();
      for (JsonObject s : spans) {
        String parentId = s.getString("parentSpanId");
        if (parentId == null || !ids.contains(parentId)) {
          roots.add(s); // a root, or a span whose parent is not held here (another service's, on a cluster)
        } else {
          children.computeIfAbsent(parentId, k -> new java.util.ArrayList<>()).add(s);
        }
      }
      double total = Math.max(trace.getDouble("durationMs"), 0.001);
      List<List<String>> rows = new java.util.ArrayList<>();
      java.util.ArrayDeque<Object[]> stack = new java.util.ArrayDeque<>();
      for (int i = roots.size() - 1; i >= 0; i--) {
        stack.push(new Object[] {roots.get(i), 0});
      }
      while (!stack.isEmpty()) {
        Object[] top = stack.pop();
        JsonObject s = (JsonObject) top[0];
        int depth = (Integer) top[1];
        double start = s.getDouble("startMs");
        double took = s.getDouble("durationMs");
        int from = (int) Math.min(BAR - 1, Math.floor(start / total * BAR));
        int length = (int) Math.max(1, Math.min(BAR - from, Math.round(took / total * BAR)));
        String bar = " ".repeat(from) + "=".repeat(length) + " ".repeat(BAR - from - length);
        String name = "  ".repeat(depth) + s.getString("name") + ("ERROR".equals(s.getString("status")) ? "  (error)" : "");
        rows.add(List.of(String.format("%.1f ms", start), String.format("%.1f ms", took), "|" + bar + "|",
            String.valueOf(s.getString("service")), name));
        List<JsonObject> under = new java.util.ArrayList<>(children.getOrDefault(s.getString("spanId"), List.of()));
        under.sort(java.util.Comparator.comparingDouble(c -> c.getDouble("startMs")));
        for (int i = under.size() - 1; i >= 0; i--) {
          stack.push(new Object[] {under.get(i), depth + 1});
        }
      }
      return rows;
    }
  }
}
