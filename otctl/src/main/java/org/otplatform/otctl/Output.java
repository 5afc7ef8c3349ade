package org.otplatform.otctl;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import com.fasterxml.jackson.dataformat.yaml.util.StringQuotingChecker;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;

/**
 * What a command prints: an aligned table for people (the default), or the platform's answer as it
 * is, in JSON or YAML, for scripts.
 */
final class Output {
  enum Format { table, json, yaml }

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final YAMLMapper YAML = new YAMLMapper(YAMLFactory.builder()
      .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
      .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES)
      .enable(YAMLGenerator.Feature.ALWAYS_QUOTE_NUMBERS_AS_STRINGS)
      .stringQuotingChecker(new NumberQuoting())
      .build());

  /**
   * Strings unquoted where YAML allows it (as kubectl writes them), but every string a YAML reader
   * would take for a number quoted: Jackson's own check misses exponents ("1e5") and hex ("0x1F").
   */
  private static final class NumberQuoting extends StringQuotingChecker.Default {
    private static final java.util.regex.Pattern NUMBER = java.util.regex.Pattern.compile(
        "[-+]?(\\.[0-9]+|[0-9][0-9_]*(\\.[0-9_]*)?)([eE][-+]?[0-9]+)?|[-+]?\\.(inf|Inf|INF)|\\.(nan|NaN|NAN)"
            + "|0x[0-9a-fA-F_]+|0o[0-7_]+|0b[01_]+|[-+]?[0-9][0-9_]*(:[0-5]?[0-9])+(\\.[0-9_]*)?");

    @Override
    public boolean needToQuoteValue(String value) {
      return super.needToQuoteValue(value) || NUMBER.matcher(value).matches();
    }
  }

  private final PrintStream out;
  private final Format format;

  Output(PrintStream out, Format format) {
    this.out = out;
    this.format = format;
  }

  /** {@code -o json} or {@code -o yaml}: the answer as data, not for people. */
  boolean structured() {
    return format != Format.table;
  }

  /** A whole answer, pretty JSON or a YAML document. */
  void json(Object value) {
    if (format == Format.yaml) {
      out.print(yaml(value));
    } else {
      out.println(value instanceof JsonObject o ? o.encodePrettily()
          : value instanceof JsonArray a ? a.encodePrettily() : String.valueOf(value));
    }
  }

  /** One item of a stream (a log record, an event): a JSON line, or a YAML document after its "---". */
  void streamed(JsonObject item) {
    if (format == Format.yaml) {
      out.print("---\n" + yaml(item));
    } else {
      out.println(item.encode());
    }
    out.flush();
  }

  static String yaml(Object value) {
    // Through the JSON text: Jackson would write a nested JsonObject as a bean.
    String json = value instanceof JsonObject o ? o.encode() : value instanceof JsonArray a ? a.encode()
        : io.vertx.core.json.Json.encode(value);
    try {
      return YAML.writeValueAsString(JSON.readTree(json));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("not representable as YAML: " + e.getMessage(), e);
    }
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
    if (structured()) {
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
