package org.otplatform.bench;

import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Two result files side by side ({@code ot-bench --compare BEFORE AFTER}): each figure's median in
 * both, the change, and each run's ratio to its own reference — the ratio is what to compare, since
 * figures on one machine move 15–25 % between runs while a figure and its reference move together.
 */
final class Comparison {
  private Comparison() {}

  /** A results file that cannot be read or is not one; the message names it. */
  static final class BadFile extends Exception {
    BadFile(String message) {
      super(message);
    }
  }

  static void print(Path before, Path after, PrintStream out) throws BadFile {
    Map<String, JsonObject> a = rows(before);
    Map<String, JsonObject> b = rows(after);
    List<String[]> lines = new ArrayList<>();
    for (Map.Entry<String, JsonObject> e : b.entrySet()) {
      JsonObject was = a.get(e.getKey());
      JsonObject now = e.getValue();
      lines.add(new String[] {now.getString("section"), label(now),
          was == null ? "—" : median(was), median(now), was == null ? "new" : change(was, now),
          ratio(was), ratio(now)});
    }
    a.forEach((key, was) -> {
      if (!b.containsKey(key)) {
        lines.add(new String[] {was.getString("section"), label(was), median(was), "—", "gone", ratio(was), ""});
      }
    });
    String[] head = {"section", "figure (vs its reference)", before.getFileName().toString(),
        after.getFileName().toString(), "change", "value/ref before", "value/ref after"};
    Report.printTable(out, head, lines);
  }

  private static Map<String, JsonObject> rows(Path file) throws BadFile {
    JsonObject json;
    try {
      json = new JsonObject(Files.readString(file));
    } catch (java.nio.file.NoSuchFileException e) {
      throw new BadFile("no such results file: " + file);
    } catch (IOException e) {
      throw new BadFile("cannot read " + file + ": " + e.getMessage());
    } catch (DecodeException | ClassCastException e) {
      throw new BadFile(file + " is not an ot-bench results file (not a JSON object)");
    }
    if (!(json.getValue("rows") instanceof io.vertx.core.json.JsonArray array)) {
      throw new BadFile(file + " is not an ot-bench results file (no 'rows')");
    }
    Map<String, JsonObject> rows = new LinkedHashMap<>();
    for (Object o : array) {
      if (o instanceof JsonObject row && row.getString("figure") != null && row.getJsonObject("value") != null) {
        rows.put(row.getString("section") + "\n" + label(row), row);
      }
    }
    return rows;
  }

  private static String label(JsonObject row) {
    JsonObject ref = row.getJsonObject("reference");
    return row.getString("figure") + (ref == null ? "" : " (vs " + ref.getString("name") + ")");
  }

  private static double median(JsonObject summary, String field) {
    JsonObject s = summary.getJsonObject(field);
    return s == null || s.getValue("median") == null ? Double.NaN : s.getDouble("median");
  }

  private static String median(JsonObject row) {
    return Report.number(median(row, "value")) + " " + row.getString("unit", "");
  }

  private static String change(JsonObject was, JsonObject now) {
    double a = median(was, "value");
    double b = median(now, "value");
    return a == 0 || Double.isNaN(a) || Double.isNaN(b) ? "" : String.format(Locale.ROOT, "%+.0f %%", (b / a - 1) * 100);
  }

  private static String ratio(JsonObject row) {
    if (row == null || row.getJsonObject("reference") == null) {
      return "";
    }
    double ref = median(row, "reference");
    return ref == 0 || Double.isNaN(ref) ? "" : String.format(Locale.ROOT, "%.2f", median(row, "value") / ref);
  }
}
