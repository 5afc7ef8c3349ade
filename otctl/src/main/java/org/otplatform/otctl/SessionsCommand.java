package org.otplatform.otctl;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

@Command(mixinStandardHelpOptions = true, name = "sessions", description = "Open, follow, list and close sessions.",
    subcommands = {SessionsCommand.ListSessions.class, SessionsCommand.Get.class, SessionsCommand.Open.class,
        SessionsCommand.Watch.class, SessionsCommand.Close.class})
final class SessionsCommand {
  @ParentCommand Otctl root;

  private static final String ID_PATTERN = "[A-Za-z0-9][A-Za-z0-9_-]{0,63}";

  static String checkedId(String id) {
    if (!id.matches(ID_PATTERN)) {
      throw new Exit.Failure(Exit.USAGE, "not a session id: '" + id + "'");
    }
    return id;
  }

  static List<String> row(JsonObject s) {
    JsonArray services = s.getJsonArray("services", new JsonArray());
    List<String> parts = new ArrayList<>();
    for (int i = 0; i < services.size(); i++) {
      JsonObject svc = services.getJsonObject(i);
      parts.add(svc.getString("name", "?") + "=" + svc.getString("state", "?"));
    }
    return List.of(s.getString("id", ""), s.getString("project", ""), s.getString("type", ""),
        s.getString("state", ""), String.join(",", parts), s.getString("reason", ""));
  }

  static final List<String> HEADER = List.of("ID", "PROJECT", "TYPE", "STATE", "SERVICES", "REASON");

  /** Prints one session: its fields, then its services as a table. */
  static void show(Output out, JsonObject s) {
    if (out.structured()) {
      out.json(s);
      return;
    }
    JsonObject shown = s.copy();
    JsonObject queue = s.getJsonObject("queue");
    if (queue != null && queue.getValue("position") != null) {
      shown.put("queue", "position " + queue.getValue("position"));
    }
    out.fields(shown, "id", "project", "type", "profile", "pool", "owner", "state", "reason", "queue", "lastActivityAt", "access");
    JsonArray services = s.getJsonArray("services", new JsonArray());
    if (!services.isEmpty()) {
      List<List<String>> rows = new ArrayList<>();
      for (int i = 0; i < services.size(); i++) {
        JsonObject svc = services.getJsonObject(i);
        rows.add(List.of(svc.getString("name", ""), svc.getString("state", ""), svc.getString("endpoint", ""),
            Output.text(svc.getValue("exitCode")), Output.text(svc.getValue("restarts")), svc.getString("reason", "")));
      }
      System.out.println();
      out.table(List.of("SERVICE", "STATE", "ENDPOINT", "EXIT CODE", "RESTARTS", "REASON"), rows);
    }
  }

  /** A session as one table row, or its JSON. */
  static void printRow(Otctl root, JsonObject session) {
    if (root.output().structured()) {
      root.output().json(session);
    } else {
      root.output().table(HEADER, List.of(row(session)));
    }
  }

  /** One progress entry as a line for people: the event, its service, the session's state. */
  static String progressLine(JsonObject entry) {
    StringBuilder line = new StringBuilder();
    line.append(String.format("%-22s", entry.getString("type", "?")));
    String service = entry.getString("service");
    line.append(String.format(" %-12s", service == null ? "" : service));
    line.append(" ").append(entry.getString("state", ""));
    if (entry.getValue("exitCode") != null) {
      line.append("  exit code ").append(entry.getValue("exitCode"));
    }
    if (entry.getString("reason") != null) {
      line.append("  ").append(entry.getString("reason"));
    }
    if (entry.getString("message") != null) {
      // What the cluster said about a starting pod (ServiceProgress).
      line.append(": ").append(entry.getString("message"));
    }
    return line.toString();
  }

  /** Exit code of a session that ended: FAILED is a failure, with its reason and services on stderr. */
  static int ended(Otctl root, JsonObject s) {
    if (!"FAILED".equals(s.getString("state"))) {
      return Exit.OK;
    }
    StringBuilder why = new StringBuilder("session " + s.getString("id") + " FAILED: " + s.getString("reason", "no reason given"));
    JsonArray services = s.getJsonArray("services", new JsonArray());
    for (int i = 0; i < services.size(); i++) {
      JsonObject svc = services.getJsonObject(i);
      if (svc.getValue("exitCode") != null || svc.getString("reason") != null) {
        why.append("; ").append(svc.getString("name")).append(": ").append(svc.getString("state", ""));
        if (svc.getValue("exitCode") != null) {
          why.append(" exit code ").append(svc.getValue("exitCode"));
        }
        if (svc.getString("reason") != null) {
          why.append(" (").append(svc.getString("reason")).append(")");
        }
      }
    }
    System.err.println("otctl: " + why);
    return Exit.FAILED;
  }

  @Command(mixinStandardHelpOptions = true, name = "list", description = "Your sessions, newest first (--all: also those of projects shared with you).")
  static final class ListSessions implements Callable<Integer> {
    @ParentCommand SessionsCommand parent;

    @Option(names = "--all", description = "Also the sessions of projects shared with you.")
    boolean all;

    @Override
    public Integer call() {
      Platform platform = parent.root.platform();
      JsonObject answer = platform.get(platform.gss("/api/v1/sessions" + (all ? "?scope=visible" : "")));
      Output out = parent.root.output();
      if (out.structured()) {
        out.json(answer);
        return Exit.OK;
      }
      JsonArray sessions = answer.getJsonArray("sessions", new JsonArray());
      List<List<String>> rows = new ArrayList<>();
      for (int i = 0; i < sessions.size(); i++) {
        rows.add(row(sessions.getJsonObject(i)));
      }
      out.table(HEADER, rows);
      return Exit.OK;
    }
  }

  @Command(mixinStandardHelpOptions = true, name = "get", description = "One session and its compute services.")
  static final class Get implements Callable<Integer> {
    @ParentCommand SessionsCommand parent;

    @Parameters(paramLabel = "SESSION") String id;

    @Override
    public Integer call() {
      Platform platform = parent.root.platform();
      show(parent.root.output(), platform.get(platform.gss("/api/v1/sessions/" + checkedId(id))));
      return Exit.OK;
    }
  }

  @Command(mixinStandardHelpOptions = true, name = "open", description = {
      "Open a session of a project.",
      "Prints its id; with --wait follows its progress (queue position, each service's state) until it is "
          + "READY, or exits 1 with the reason and exit codes if it FAILED."},
      footerHeading = "%nExamples:%n",
      footer = {"  otctl sessions open terrain --wait", "  SESSION=$(otctl sessions open terrain --type echo --wait -q)",
          "  otctl sessions open terrain --type solver --profile gpu --wait"})
  static final class Open implements Callable<Integer> {
    @ParentCommand SessionsCommand parent;

    @Parameters(paramLabel = "PROJECT", description = "The project's name (or id).") String project;

    @Option(names = "--type", paramLabel = "TYPE", description = "The session type; default: the platform's.")
    String type;

    @Option(names = "--profile", paramLabel = "PROFILE",
        description = "One of the type's profiles (resources, GPUs, nodes; `otctl info` lists them); default: the type's.")
    String profile;

    @Option(names = "--wait", description = "Follow the progress until READY (or FAILED).")
    boolean wait;

    @Option(names = "--timeout", paramLabel = "SECONDS", defaultValue = "300",
        description = "How long --wait waits (default ${DEFAULT-VALUE} s); then exit 6, the session left as it is.")
    int timeoutSeconds;

    @Override
    public Integer call() {
      Otctl root = parent.root;
      Platform platform = root.platform();
      JsonObject body = new JsonObject().put("project", project);
      if (type != null) {
        body.put("type", type);
      }
      if (profile != null) {
        body.put("profile", profile);
      }
      JsonObject opened = platform.post(platform.gss("/api/v1/sessions"), body);
      String id = opened.getString("id");
      root.note("session " + id + " " + opened.getString("state", "OPENING")
          + (opened.getJsonObject("queue") != null ? " (queue position "
              + opened.getJsonObject("queue").getValue("position") + ")" : ""));
      JsonObject result = opened;
      if (wait) {
        new EventStream(platform, id, true).follow(Instant.now().plus(Duration.ofSeconds(timeoutSeconds)),
            entry -> root.note("  " + progressLine(entry)));
        result = platform.get(platform.gss("/api/v1/sessions/" + id));
      }
      if (root.quiet) {
        System.out.println(id);
      } else {
        printRow(root, result);
      }
      return ended(root, result);
    }
  }

  @Command(mixinStandardHelpOptions = true, name = "watch", description = "Follow a session's progress stream until it ends (CLOSED or FAILED), resuming after a drop.")
  static final class Watch implements Callable<Integer> {
    @ParentCommand SessionsCommand parent;

    @Parameters(paramLabel = "SESSION") String id;

    @Option(names = "--until-ready", description = "Stop once the session is READY.")
    boolean untilReady;

    @Option(names = "--timeout", paramLabel = "SECONDS", defaultValue = "86400",
        description = "Give up after this long (default ${DEFAULT-VALUE} s); exit 6.")
    int timeoutSeconds;

    @Override
    public Integer call() {
      Otctl root = parent.root;
      Platform platform = root.platform();
      Output out = root.output();
      new EventStream(platform, checkedId(id), untilReady).follow(Instant.now().plusSeconds(timeoutSeconds),
          entry -> {
            if (out.structured()) {
              out.streamed(entry);
            } else {
              System.out.println(progressLine(entry));
            }
            System.out.flush();
          });
      return ended(root, platform.get(platform.gss("/api/v1/sessions/" + id)));
    }
  }

  @Command(mixinStandardHelpOptions = true, name = "close", description = "Close a session: its compute services are removed. --wait: until CLOSED.")
  static final class Close implements Callable<Integer> {
    @ParentCommand SessionsCommand parent;

    @Parameters(paramLabel = "SESSION") String id;

    @Option(names = "--wait", description = "Wait until the session is CLOSED.")
    boolean wait;

    @Option(names = "--timeout", paramLabel = "SECONDS", defaultValue = "120",
        description = "How long --wait waits (default ${DEFAULT-VALUE} s); then exit 6.")
    int timeoutSeconds;

    @Override
    public Integer call() {
      Otctl root = parent.root;
      Platform platform = root.platform();
      JsonObject closing = platform.delete(platform.gss("/api/v1/sessions/" + checkedId(id)));
      JsonObject result = closing;
      if (wait && !EventStream.terminal(closing.getString("state", ""))) {
        new EventStream(platform, id, false).follow(Instant.now().plusSeconds(timeoutSeconds),
            entry -> root.note("  " + progressLine(entry)));
        result = platform.get(platform.gss("/api/v1/sessions/" + id));
      }
      if (!root.quiet) {
        printRow(root, result);
      }
      return Exit.OK;
    }
  }
}
