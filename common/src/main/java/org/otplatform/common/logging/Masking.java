package org.otplatform.common.logging;

import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Masks secrets in log records: bearer tokens, anything shaped like a JWT, and the values of
 * password, secret, token and key fields in {@code k=v}, {@code k: v} and JSON form. Applied to
 * the message, the exception text and every other string field — where a record is made (stdout
 * and the log topic) and again where the logger stores it (records from other producers).
 */
public final class Masking {
  static final String MASK = "***";
  private static final String KEYS = "(?:password|passwd|pwd|secret|token|access_token|refresh_token|api[_-]?key"
      + "|client[_-]?secret)";
  private static final List<Pattern> PATTERNS = List.of(
      // "password": "value"  (JSON)
      Pattern.compile("(?i)(\"" + KEYS + "\"\\s*:\\s*\")([^\"]*)(\")"),
      // password=value, token: value
      Pattern.compile("(?i)(\\b" + KEYS + "\\b\\s*[=:]\\s*)([^\\s,;&\"']+)()"),
      // Authorization: Bearer abc / Basic abc
      Pattern.compile("(?i)(\\b(?:bearer|basic)\\s+)([A-Za-z0-9._~+/=-]+)()"),
      // a JWT anywhere
      Pattern.compile("()(eyJ[A-Za-z0-9_-]{5,}\\.eyJ[A-Za-z0-9_-]{5,}\\.[A-Za-z0-9_-]+)()"));
  private static final List<String> NOT_MASKED = List.of("id", "time", "level", "service", "instance", "session",
      "logger", "thread");

  private Masking() {}

  public static String mask(String text) {
    if (text == null) {
      return null;
    }
    String result = text;
    for (Pattern p : PATTERNS) {
      Matcher m = p.matcher(result);
      StringBuilder sb = new StringBuilder();
      while (m.find()) {
        m.appendReplacement(sb, Matcher.quoteReplacement(m.group(1) + MASK + m.group(3)));
      }
      m.appendTail(sb);
      result = sb.toString();
    }
    return result;
  }

  /** A copy of the record with every free-text field masked. */
  public static JsonObject mask(JsonObject record) {
    JsonObject masked = record.copy();
    for (String field : record.fieldNames()) {
      if (!NOT_MASKED.contains(field) && record.getValue(field) instanceof String s) {
        masked.put(field, mask(s));
      }
    }
    return masked;
  }
}
