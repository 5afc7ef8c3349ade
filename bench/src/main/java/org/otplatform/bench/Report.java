package org.otplatform.bench;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** The rows of one benchmark run: printed as a table, written as JSON so that runs can be compared. */
final class Report {
  private final List<Row> rows = new ArrayList<>();
  private final List<String> notes = new ArrayList<>();
  private final Instant started = Instant.now();

  synchronized void add(List<Row> section) {
    rows.addAll(section);
  }

  /** A remark printed under the table and kept in the JSON (a section that could not run, and why). */
  synchronized void note(String text) {
    notes.add(text);
  }

  synchronized void print(PrintStream out) {
    String[] head = {"section", "figure", "value: median (min–max, runs)", "reference, same run", "reference value",
        "value/ref"};
    List<String[]> lines = new ArrayList<>();
    for (Row r : rows) {
      Stats v = r.value();
      Stats ref = r.referenceValue();
      lines.add(new String[] {r.section(), r.figure(), spread(v) + " " + r.unit(),
          r.reference() == null ? "" : r.reference(),
          r.reference() == null ? "" : spread(ref) + " " + r.unit(),
          r.reference() == null || ref.p50() == 0 ? "" : String.format(Locale.ROOT, "%.2f", v.p50() / ref.p50())});
    }
    printTable(out, head, lines);
    notes.forEach(n -> out.println("note: " + n));
  }

  /** A Markdown table: the head, a rule, one line per row, each column as wide as its widest cell. */
  static void printTable(PrintStream out, String[] head, List<String[]> lines) {
    int[] width = new int[head.length];
    for (int i = 0; i < head.length; i++) {
      width[i] = head[i].length();
      for (String[] l : lines) {
        width[i] = Math.max(width[i], l[i].length());
      }
    }
    out.println(line(head, width));
    StringBuilder rule = new StringBuilder();
    for (int w : width) {
      rule.append("|").append("-".repeat(w + 2));
    }
    out.println(rule.append("|"));
    lines.forEach(l -> out.println(line(l, width)));
  }

  synchronized void writeJson(Path file) throws IOException {
    JsonArray array = new JsonArray();
    rows.forEach(r -> array.add(r.toJson()));
    JsonObject json = new JsonObject().put("started", started.toString()).put("finished", Instant.now().toString())
        .put("cores", Runtime.getRuntime().availableProcessors())
        .put("java", System.getProperty("java.version"))
        .put("rows", array).put("notes", new JsonArray(List.copyOf(notes)));
    Files.createDirectories(file.toAbsolutePath().getParent());
    Files.writeString(file, json.encodePrettily());
  }

  private static String line(String[] cells, int[] width) {
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < cells.length; i++) {
      b.append("| ").append(cells[i]).append(" ".repeat(width[i] - cells[i].length() + 1));
    }
    return b.append("|").toString();
  }

  static String spread(Stats s) {
    if (s.n() == 0) {
      return "n/a";
    }
    if (s.n() == 1) {
      return number(s.p50()) + " (1 run)";
    }
    return number(s.p50()) + " (" + number(s.min()) + "–" + number(s.max()) + ", " + s.n() + ")";
  }

  /** Enough digits to tell runs apart, no more. */
  static String number(double v) {
    double a = Math.abs(v);
    String format = a >= 1000 ? "%,.0f" : a >= 100 ? "%.0f" : a >= 10 ? "%.1f" : a >= 1 ? "%.2f" : "%.3f";
    return String.format(Locale.ROOT, format, v);
  }
}
