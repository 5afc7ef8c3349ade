package org.otplatform.otctl;

import java.io.PrintWriter;
import java.nio.file.Path;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;

/**
 * otctl: the platform from a terminal or a script, through its public APIs only (GSS, AUTH, logger).
 * Each subcommand is a class of this package; they share the global options below through
 * {@link #platform()} and {@link #output()}.
 */
@Command(name = "otctl", mixinStandardHelpOptions = true, versionProvider = Otctl.Version.class,
    description = "Open and use OT Platform sessions from a terminal or a script.",
    subcommands = {LoginCommand.class, EventsCommand.class, LogsCommand.class, LogoutCommand.class, WhoamiCommand.class, ContextsCommand.class,
        InfoCommand.class, ProjectsCommand.class, GroupsCommand.class, SessionsCommand.class, CallCommand.class, ShellCommand.class, KrigeCommand.class,
        AdminCommand.class, CompletionCommand.class,
        CommandLine.HelpCommand.class},
    footerHeading = "%nExamples:%n",
    footer = {"  otctl login --server http://127.0.0.1:8091 --username admin",
        "  otctl sessions open terrain --wait",
        "  otctl sessions list -o json",
        "  otctl call 9b1f6c4e-… echo echo --payload '{\"x\":1}'",
        "",
        "Configuration: --config, else $OTCTL_CONFIG, else ~/.config/otctl/config.json (0600)."},
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {"0:done", "1:the platform did it and it failed (a session FAILED)",
        "2:wrong command line or input", "3:not logged in, wrong password, or not allowed",
        "4:no such session, project or context", "5:refused as things stand (open already, a limit reached)",
        "6:the platform could not be reached or did not answer in time"})
public final class Otctl {
  @Option(names = "--context", scope = ScopeType.INHERIT, paramLabel = "NAME",
      description = "The platform to talk to (a context saved by login); default: the current one.")
  String context;

  @Option(names = "--config", scope = ScopeType.INHERIT, paramLabel = "FILE",
      description = "The configuration file (contexts and tokens).")
  Path config;

  @Option(names = {"-o", "--output"}, scope = ScopeType.INHERIT, paramLabel = "FORMAT",
      description = "table (default), json or yaml (the platform's answers as they are, for scripts).")
  Output.Format format = Output.Format.table;

  @Option(names = {"-q", "--quiet"}, scope = ScopeType.INHERIT,
      description = "Print only what a script needs (an id), no progress.")
  boolean quiet;

  private Contexts contexts;

  Contexts contexts() {
    if (contexts == null) {
      contexts = Contexts.load(config != null ? config : Contexts.defaultFile());
    }
    return contexts;
  }

  String contextName() {
    return contexts().resolve(context);
  }

  Platform platform() {
    return new Platform(contexts(), contextName());
  }

  Output output() {
    return new Output(System.out, format);
  }

  /** Progress and notes for people: stderr, never with --quiet or -o json. */
  void note(String line) {
    if (!quiet && format == Output.Format.table) {
      System.err.println(line);
    }
  }

  /**
   * The outcome of a change: its JSON with {@code -o json}, only {@code quietly} (an id, a name)
   * with {@code -q}, else the sentence for people — on stdout, as the result of the command.
   */
  void printed(io.vertx.core.json.JsonObject json, String sentence, String quietly) {
    if (format != Output.Format.table) {
      output().json(json);
    } else {
      System.out.println(quiet ? quietly : sentence);
    }
  }

  public static void main(String[] args) {
    System.exit(run(args));
  }

  static int run(String... args) {
    CommandLine cli = new CommandLine(new Otctl());
    cli.setCaseInsensitiveEnumValuesAllowed(true);
    // "@file" is a payload file (otctl call --payload @samples.json), not picocli's argument file.
    cli.setExpandAtFiles(false);
    cli.setExecutionExceptionHandler((e, line, parsed) -> {
      PrintWriter err = line.getErr();
      if (e instanceof Exit.Failure f) {
        err.println("otctl: " + f.getMessage());
        err.flush();
        return f.code();
      }
      err.println("otctl: " + e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage()));
      err.flush();
      return Exit.FAILED;
    });
    return cli.execute(args);
  }

  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      String v = Otctl.class.getPackage().getImplementationVersion();
      return new String[] {"otctl " + (v == null ? "0.1.0-SNAPSHOT" : v)};
    }
  }
}
