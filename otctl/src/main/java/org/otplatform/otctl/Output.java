package org.otplatform.otctl;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;

/** What a command prints: an aligned table for people (the default), or the platform's JSON. */
final class Output {
  enum Format { table, json }

  private final PrintStream out;
  private final Format format;

  Output(PrintStream out, Format format) {
    this.out = out;
    this.format = format;
  }

  boolean json() {
    return format == Format.json;
  }

  void json(Object value) {
    out.println(value instanceof JsonObject o ? o.encodePrettily()
        : value instanceof JsonArray a ? a.encodePrettily() : String.valueOf(value));
  }

  /** Rows under a header, columns padded to their widest cell. */
  void table(List<String> header, List<List<String>> rows) {
    int[] widths = new int[header.size()];
    List<List<String>> all = new ArrayList<>();
    all.add(header);
    all.addAll(rows);
    for (List<String> row : all) {
      for (int i = 0; i < widths.length; i++) {
        widths[i] = Math.max(widths[i], cell(row, i).length());
      }
    }
    for (List<String> row : all) {
      StringBuilder line = new StringBuilder();
      for (int i = 0; i < widths.length; i++) {
        String c = cell(row, i);
        line.append(c);
        if (i < widths.length - 1) {
          line.append(" ".repeat(widths[i] - c.length() + 2));
        }
      }
      out.println(line.toString().stripTrailing());
    }
  }

  /**
   * The platform's answer as it is with {@code -o json}; else the objects of its array {@code key}
   * as table rows, one cell per {@code field} (a null or absent one empty).
   */
  void listed(JsonObject answer, String key, List<String> header, String... fields) {
    if (json()) {
      json(answer);
      return;
    }
    List<List<String>> rows = new ArrayList<>();
    JsonArray items = answer.getJsonArray(key, new JsonArray());
    for (int i = 0; i < items.size(); i++) {
      JsonObject item = items.getJsonObject(i);
      List<String> row = new ArrayList<>();
      for (String field : fields) {
        row.add(text(item.getValue(field)));
      }
      rows.add(row);
    }
    table(header, rows);
  }

  /** Fields of one object, "name: value" a line, in the order given; absent ones left out. */
  void fields(JsonObject object, String... names) {
    int width = 0;
    for (String n : names) {
      width = Math.max(width, n.length());
    }
    for (String n : names) {
      Object v = object.getValue(n);
      if (v != null) {
        out.println(n + ":" + " ".repeat(width - n.length() + 1) + text(v));
      }
    }
  }

  static String text(Object v) {
    if (v == null) {
      return "";
    }
    if (v instanceof JsonArray a) {
      List<String> parts = new ArrayList<>();
      a.forEach(e -> parts.add(text(e)));
      return String.join(",", parts);
    }
    return v.toString();
  }

  private static String cell(List<String> row, int i) {
    return i < row.size() && row.get(i) != null ? row.get(i) : "";
  }
}
