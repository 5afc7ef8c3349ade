package org.otplatform.bench;

import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code ot-bench}: measures the platform section by section, each figure beside a reference
 * measured in the same run, and prints one table (also written as JSON).
 */
@Command(name = "ot-bench", mixinStandardHelpOptions = true, version = "ot-bench 0.1.0",
    description = "Measures OT Platform on this machine and prints a table; every figure is the median of "
        + "repeated runs with its spread, next to its reference measured in the same run.",
    exitCodeListHeading = "Exit codes:%n",
    exitCodeList = {"0:every section ran (or the comparison was printed)",
        "1:a section failed (the table holds the others)",
        "2:unknown section or option, or a results file to compare that cannot be read"})
public final class BenchSuite implements Callable<Integer> {
  /** Held, or java.util.logging forgets the level set on it. */
  private static final java.util.logging.Logger MOCK_LOG =
      java.util.logging.Logger.getLogger("io.fabric8.mockwebserver");

  /** What one section needs from the run. */
  record Context(Path brokerLib, Report report, Size size) {}

  /** One part of the table. */
  @FunctionalInterface
  interface Section {
    List<Row> run(Context context) throws Exception;
  }

  /** The default sections, in the order they run, then those run only when named. */
  static final Map<String, Section> SECTIONS = new LinkedHashMap<>();
  static final List<String> DEFAULT = List.of("startup", "auth", "open", "relay", "sessions", "logs");

  static {
    SECTIONS.put("startup", StartupBench::measure);
    SECTIONS.put("auth", AuthBench::measure);
    SECTIONS.put("open", OpenBench::measure);
    SECTIONS.put("relay", RelayBench::measure);
    SECTIONS.put("sessions", SessionsBench::measure);
    SECTIONS.put("logs", LogBench::measure);
    SECTIONS.put("lss", LssBench::measure);
    SECTIONS.put("tls", TlsCostBench::measure);
    SECTIONS.put("tracing", TracingCostBench::measure);
    SECTIONS.put("images", ImagesBench::measure);
  }

  @Parameters(arity = "0..*", paramLabel = "SECTION",
      description = "sections to run (default: ${DEFAULT-VALUE}); also: lss (spawner against the API mock), "
          + "tls (session open and relay with mutual TLS vs without), tracing (the same with OT_TRACING on vs "
          + "off), images (each image's start against the "
          + "same jar on the host, and its size; needs podman); all: every section",
      defaultValue = "startup,auth,open,relay,sessions,logs", split = ",")
  private List<String> sections = new ArrayList<>();

  @Option(names = "--size", paramLabel = "full|tiny", defaultValue = "full",
      description = "full (default): the figures to report; tiny: every section once with small counts, "
          + "in a few minutes for all — a check that the benchmark works, not figures to quote")
  private String size;

  @Option(names = "--out", description = "the JSON results file (default: bench-results/ot-bench-<time>.json)")
  private Path out;

  @Option(names = "--broker-lib", description = "the Kafka broker's class path directory (default: ${DEFAULT-VALUE})",
      defaultValue = "broker/target/lib")
  private Path brokerLib;

  @Option(names = "--compare", arity = "2", paramLabel = "FILE",
      description = "runs nothing: prints two results files side by side (BEFORE AFTER), each figure's change "
          + "and its ratio to its reference in each run")
  private List<Path> compare;

  public static void main(String[] args) {
    System.exit(new CommandLine(new BenchSuite()).execute(args));
  }

  @Override
  public Integer call() throws Exception {
    if (compare != null) {
      try {
        Comparison.print(compare.get(0), compare.get(1), System.out);
        return 0;
      } catch (Comparison.BadFile e) {
        System.err.println("ot-bench: " + e.getMessage());
        return 2;
      }
    }
    if (sections.contains("all")) {
      sections = new ArrayList<>(SECTIONS.keySet());
    }
    Size chosen;
    try {
      chosen = Size.of(size, System.getenv());
    } catch (IllegalArgumentException e) {
      System.err.println("ot-bench: " + e.getMessage());
      return 2;
    }
    for (String s : sections) {
      if (!SECTIONS.containsKey(s)) {
        System.err.println("ot-bench: unknown section '" + s + "' (known: " + String.join(", ", SECTIONS.keySet())
            + ")");
        return 2;
      }
    }
    // The fabric8 mock server logs every request through java.util.logging.
    MOCK_LOG.setLevel(java.util.logging.Level.WARNING);
    Report report = new Report();
    Context context = new Context(brokerLib, report, chosen);
    int failed = 0;
    long begin = System.nanoTime();
    for (String name : sections) {
      long t0 = System.nanoTime();
      System.out.printf("== %s ...%n", name);
      try {
        List<Row> rows = SECTIONS.get(name).run(context);
        report.add(rows);
        System.out.printf("== %s done in %.0f s%n", name, (System.nanoTime() - t0) / 1e9);
      } catch (Exception e) {
        failed++;
        report.note(name + " failed: " + e);
        System.out.printf("== %s FAILED after %.0f s: %s%n", name, (System.nanoTime() - t0) / 1e9, e);
        e.printStackTrace(System.out);
      }
    }
    System.out.printf("%nOT Platform benchmarks, %d cores, Java %s, %.1f min%s%n%n",
        Runtime.getRuntime().availableProcessors(), System.getProperty("java.version"),
        (System.nanoTime() - begin) / 60e9, chosen.tiny() ? " (size tiny: a check, not figures to quote)" : "");
    if (chosen.tiny()) {
      report.note("size tiny: every section once with small counts; not figures to quote");
    }
    report.print(System.out);
    Path file = out != null ? out : Path.of("bench-results",
        "ot-bench-" + LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")) + ".json");
    report.writeJson(file);
    System.out.println("\nresults written to " + file);
    return failed == 0 ? 0 : 1;
  }
}
