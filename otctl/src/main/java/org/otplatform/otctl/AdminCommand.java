package org.otplatform.otctl;

import io.vertx.core.json.JsonObject;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

@Command(mixinStandardHelpOptions = true, name = "admin",
    description = "For administrators: the LSS instances, draining one, the audit trail.",
    subcommands = {AdminCommand.Lss.class, AdminCommand.Drain.class, AdminCommand.Undrain.class,
        AdminCommand.Audit.class})
final class AdminCommand {
  @ParentCommand Otctl root;

  private static String encoded(String value) {
    return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
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
      StringBuilder query = new StringBuilder("?limit=").append(limit);
      for (String[] p : new String[][] {{"actor", actor}, {"action", action}, {"subject", subject}, {"since", since}}) {
        if (p[1] != null) {
          query.append('&').append(p[0]).append('=').append(encoded(p[1]));
        }
      }
      Platform platform = parent.root.platform();
      parent.root.output().listed(platform.get(platform.logger("/api/v1/audit" + query)), "events",
          List.of("TIME", "ACTION", "ACTOR", "FROM", "DETAILS"), "time", "action", "actor", "address", "details");
      return Exit.OK;
    }
  }
}
