package org.otplatform.otctl;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.InputStream;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** The logger's records: a query (oldest of the page first, as a terminal reads), then, with -f, the live tail. */
@Command(mixinStandardHelpOptions = true, name = "logs",
    description = {"Log records of the platform's services and of compute services, as the logger keeps them: the "
        + "last ones matching the filters, oldest first; with --follow, then every new one as it arrives.",
        "Without --session an admin sees every record; a user sees only the sessions they may see."},
    footerHeading = "%nExamples:%n",
    footer = {"  otctl logs --session 9b1f6c4e-… --follow", "  otctl logs --service lss --level WARN --since 10m",
        "  otctl logs --session 9b1f6c4e-… --grep 'ready at' -o json"})
final class LogsCommand implements Callable<Integer> {
  @picocli.CommandLine.ParentCommand Otctl root;

  @Option(names = "--session", paramLabel = "ID") String session;
  @Option(names = "--service", paramLabel = "NAME", description = "e.g. gss, lss, relay, or a compute service's name")
  String service;
  @Option(names = "--level", paramLabel = "LEVEL", description = "the least: TRACE, DEBUG, INFO, WARN, ERROR") String level;
  @Option(names = "--grep", paramLabel = "TEXT", description = "only records whose message contains TEXT (any case)")
  String grep;
  @Option(names = "--since", paramLabel = "WHEN",
      description = "how long ago (30s, 10m, 2h, 1d) or an ISO-8601 instant (2026-12-03T10:00:00Z)") String since;
  @Option(names = "--limit", paramLabel = "N", defaultValue = "100", description = "the last N (1-1000; default ${DEFAULT-VALUE})")
  int limit;
  @Option(names = {"-f", "--follow"}, description = "then every new record, until interrupted") boolean follow;

  @Override
  public Integer call() {
    if (session != null && !session.matches("[A-Za-z0-9][A-Za-z0-9_-]{0,63}")) {
      throw new Exit.Failure(Exit.USAGE, "not a session id: " + session);
    }
    Platform platform = root.platform();
    Output out = root.output();
    // Following, the live tail is opened first: nothing logged while the page is read is missed,
    // and what is in both is printed once.
    String tailQuery = filters(true);
    InputStream live = follow
        ? platform.stream(platform.logger("/api/v1/logs/tail" + (tailQuery.isEmpty() ? "" : "?" + tailQuery.substring(1))), null)
        : null;
    try {
      JsonObject page = platform.get(platform.logger("/api/v1/logs?limit=" + limit + filters(false)));
      JsonArray records = page.getJsonArray("records", new JsonArray());
      if (out.structured() && !follow) {
        out.json(page);
        return Exit.OK;
      }
      java.util.Set<String> printed = new java.util.HashSet<>();
      // The page is newest first; a terminal reads top to bottom, oldest first.
      for (int i = records.size() - 1; i >= 0; i--) {
        print(out, records.getJsonObject(i));
        printed.add(records.getJsonObject(i).getString("id"));
      }
      System.out.flush();
      if (live != null) {
        tail(live, out, printed);
      }
      return Exit.OK;
    } finally {
      if (live != null) {
        try {
          live.close();
        } catch (IOException ignored) {
          // ending anyway
        }
      }
    }
  }

  private String filters(boolean tail) {
    StringBuilder q = new StringBuilder();
    List<String[]> params = new ArrayList<>(List.of(new String[] {"session", session}, new String[] {"service", service},
        new String[] {"level", level}, new String[] {"q", grep}));
    if (!tail && since != null) {
      params.add(new String[] {"from", instant(since, java.time.Instant.now()).toString()});
    }
    for (String[] p : params) {
      if (p[1] != null) {
        q.append('&').append(p[0]).append('=').append(URLEncoder.encode(p[1], StandardCharsets.UTF_8).replace("+", "%20"));
      }
    }
    return q.toString();
  }

  /** {@code 10m} ago (s, m, h, d), or an ISO-8601 instant as it is. */
  static java.time.Instant instant(String since, java.time.Instant now) {
    java.util.regex.Matcher m = java.util.regex.Pattern.compile("(\\d{1,9})([smhd])").matcher(since);
    if (m.matches()) {
      long n = Long.parseLong(m.group(1));
      java.time.Duration ago = switch (m.group(2)) {
        case "s" -> java.time.Duration.ofSeconds(n);
        case "m" -> java.time.Duration.ofMinutes(n);
        case "h" -> java.time.Duration.ofHours(n);
        default -> java.time.Duration.ofDays(n);
      };
      return now.minus(ago);
    }
    try {
      return java.time.Instant.parse(since);
    } catch (java.time.format.DateTimeParseException e) {
      throw new Exit.Failure(Exit.USAGE, "--since takes 30s, 10m, 2h, 1d or an instant like 2026-12-03T10:00:00Z, not '"
          + since + "'");
    }
  }

  /** The live tail (Server-Sent Events), until interrupted or the logger ends it; a record the page had is not printed again. */
  private void tail(InputStream in, Output out, java.util.Set<String> printed) {
    try {
      SseReader.read(in, (id, name, body) -> {
        if ("skipped".equals(name)) {
          root.note("(" + body.getValue("skipped") + " records skipped: this terminal read too slowly)");
        } else if (!printed.remove(body.getString("id", ""))) {
          print(out, body);
          System.out.flush();
        }
      });
    } catch (IOException e) {
      throw new Exit.Failure(Exit.UNAVAILABLE, "the live tail dropped: " + e.getMessage());
    }
  }

  private static void print(Output out, JsonObject record) {
    if (out.structured()) {
      out.streamed(record);
      return;
    }
    String where = record.getString("service", "-") + (record.getString("session") == null ? ""
        : " " + record.getString("session").substring(0, Math.min(8, record.getString("session").length())));
    System.out.printf("%s %-5s %-18s %s%n", record.getString("time", "-"), record.getString("level", "-"), where,
        record.getString("message", ""));
    if (record.getString("exception") != null) {
      System.out.println(record.getString("exception").stripTrailing());
    }
  }
}
