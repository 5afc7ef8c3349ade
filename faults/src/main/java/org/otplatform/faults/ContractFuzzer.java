package org.otplatform.faults;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.zip.GZIPOutputStream;

/**
 * Requests made from the services' OpenAPI documents: for each operation a valid request, and
 * mutations of it — wrong types, missing and extra fields, huge, empty and odd unicode values, bad
 * JSON, a gzip bomb, wrong methods and content types, path tricks, missing or forged tokens. Every
 * answer must be below 500, arrive within the timeout, and (when an error) be a JSON
 * {@code {error, message}}.
 */
final class ContractFuzzer {
  /** The kinds of request sent, each with how a request of the kind is made from a valid one. */
  enum Kind { VALID, WRONG_TYPE, MISSING_FIELD, EXTRA_FIELD, HUGE_VALUE, EMPTY_VALUE, UNICODE, BAD_JSON, DEEP_JSON,
    GZIP_BOMB, HUGE_BODY, WRONG_METHOD, WRONG_CONTENT_TYPE, PATH_TRICK, QUERY_TRICK, NO_TOKEN, FORGED_TOKEN,
    USER_TOKEN }

  static final Duration TIMEOUT = Duration.ofSeconds(15);
  private static final List<String> ODD_STRINGS = List.of("", " ", "\u0000", "é́́", "𝕆𝕋 🚀", "\u202Eevil", "\uFEFF",
      "' OR 1=1 --", "{\"$gt\": \"\"}", "../../etc/passwd", "%00", "<script>alert(1)</script>", "${jndi:ldap://x}",
      "a".repeat(300), "\\", "\"", "null", "-1", "1e309", "NaN");
  private static final List<String> PATH_TRICKS = List.of("/..", "/%2e%2e", "/%2e%2e/%2e%2e/admin", "//", "/%00",
      "/%ff", "/" + "a".repeat(5000), "/~", "/%E2%80%AE", "/.%2e/", ";jsessionid=x", "/*");

  /** 20 MB of zeros, gzipped (about 20 KB): made once, sent as often as the kind comes up. */
  private static final byte[] GZIP_BOMB_BYTES = gzipOfZeros(20 * 1024 * 1024);
  private static final byte[] HUGE_BODY_BYTES = ("{\"a\":\"" + "y".repeat(3 * 1024 * 1024) + "\"}")
      .getBytes(StandardCharsets.UTF_8);
  private static final byte[] DEEP_JSON_BYTES = ("[".repeat(20_000) + "]".repeat(20_000))
      .getBytes(StandardCharsets.UTF_8);

  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5))
      // As browsers and curl do over plain HTTP; the JDK's default asks every connection to upgrade to h2c.
      .version(HttpClient.Version.HTTP_1_1).build();
  private final Fixtures fixtures;
  private final Random random;
  private final Findings findings;

  ContractFuzzer(Fixtures fixtures, Random random, Findings findings) {
    this.fixtures = fixtures;
    this.random = random;
    this.findings = findings;
  }

  /** Sends {@code count} requests, spread over the operations and kinds at random (seeded). */
  void run(List<Operation> ops, int count) throws Exception {
    Kind[] kinds = Kind.values();
    for (int i = 0; i < count; i++) {
      Operation op = ops.get(random.nextInt(ops.size()));
      // Valid requests one in five, so that the paths behind the checks are taken too.
      Kind kind = random.nextInt(5) == 0 ? Kind.VALID : kinds[1 + random.nextInt(kinds.length - 1)];
      send(op, kind);
    }
  }

  private void send(Operation op, Kind kind) throws Exception {
    String method = op.method();
    String path = op.path(name -> fixtures.value(op, name));
    Map<String, String> query = new LinkedHashMap<>();
    for (JsonObject p : op.parameters()) {
      if ("query".equals(p.getString("in")) && (p.getBoolean("required", false) || random.nextBoolean())) {
        query.put(p.getString("name"), Values.string(p.getJsonObject("schema", new JsonObject()), p.getString("name"),
            random));
      }
    }
    Object body = op.body() == null ? null : Values.of(op.body(), "body", random);
    byte[] raw = null;
    String contentType = op.body() == null ? null : "application/json";
    String contentEncoding = null;
    String token = op.secured() ? fixtures.admin() : null;
    switch (kind) {
      case VALID -> { }
      case WRONG_TYPE -> body = mutateField(body, (name, v) -> Values.otherType(v, random));
      case MISSING_FIELD -> body = body instanceof JsonObject o && !o.isEmpty() ? without(o) : null;
      case EXTRA_FIELD -> body = body instanceof JsonObject o ? o.copy().put("extra" + random.nextInt(100),
          Values.otherType("x", random)) : new JsonObject().put("unexpected", true);
      case HUGE_VALUE -> body = mutateField(body, (name, v) -> "x".repeat(100_000 + random.nextInt(400_000)));
      case EMPTY_VALUE -> body = mutateField(body, (name, v) -> v instanceof String ? "" : v instanceof JsonArray
          ? new JsonArray() : new JsonObject());
      case UNICODE -> body = mutateField(body, (name, v) -> ODD_STRINGS.get(random.nextInt(ODD_STRINGS.size())));
      case BAD_JSON -> raw = badJson(body);
      case DEEP_JSON -> raw = DEEP_JSON_BYTES;
      case GZIP_BOMB -> {
        raw = GZIP_BOMB_BYTES;
        contentEncoding = "gzip";
      }
      case HUGE_BODY -> raw = HUGE_BODY_BYTES;
      case WRONG_METHOD -> method = List.of("GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "PROPFIND", "TRACE")
          .get(random.nextInt(8));
      case WRONG_CONTENT_TYPE -> contentType = List.of("text/plain", "application/xml", "multipart/form-data",
          "application/json; charset=utf-16", "application/x-www-form-urlencoded", "").get(random.nextInt(6));
      case PATH_TRICK -> path = random.nextBoolean() ? path + PATH_TRICKS.get(random.nextInt(PATH_TRICKS.size()))
          : path.replaceFirst("/[^/]*$", PATH_TRICKS.get(random.nextInt(PATH_TRICKS.size())));
      case QUERY_TRICK -> query.put(random.nextBoolean() && !query.isEmpty() ? query.keySet().iterator().next()
          : "limit", ODD_STRINGS.get(random.nextInt(ODD_STRINGS.size())) + (random.nextBoolean() ? "" : "z".repeat(9000)));
      case NO_TOKEN -> token = null;
      case FORGED_TOKEN -> token = forged(random);
      case USER_TOKEN -> token = fixtures.userToken;
    }
    if (raw == null && body != null) {
      raw = (body instanceof JsonObject o ? o.encode() : String.valueOf(body)).getBytes(StandardCharsets.UTF_8);
    }
    StringBuilder url = new StringBuilder(op.base()).append(path);
    String sep = "?";
    for (Map.Entry<String, String> q : query.entrySet()) {
      url.append(sep).append(q.getKey()).append('=').append(java.net.URLEncoder.encode(q.getValue(), StandardCharsets.UTF_8));
      sep = "&";
    }
    URI uri;
    try {
      uri = URI.create(url.toString());
    } catch (IllegalArgumentException e) {
      return; // not a request a client could send
    }
    HttpRequest.Builder b = HttpRequest.newBuilder(uri).timeout(TIMEOUT)
        .method(method, raw == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(raw));
    if (contentType != null && !contentType.isEmpty()) {
      b.header("content-type", contentType);
    }
    if (contentEncoding != null) {
      b.header("content-encoding", contentEncoding);
    }
    if (token != null) {
      b.header("authorization", "Bearer " + token);
    }
    String what = op.service() + " " + method + " " + op.path() + " [" + kind + "]";
    long began = System.nanoTime();
    try {
      HttpResponse<InputStream> response = http.send(b.build(), HttpResponse.BodyHandlers.ofInputStream());
      String type = response.headers().firstValue("content-type").orElse("");
      byte[] answer;
      try (InputStream in = response.body()) {
        // A stream (events, a live tail) is cut here: its status and type are the answer.
        answer = type.startsWith("text/event-stream") ? new byte[0] : in.readNBytes(65_536);
      }
      findings.answer(op.service(), kind, what, response.statusCode(), type, answer,
          Duration.ofNanos(System.nanoTime() - began));
    } catch (HttpTimeoutException e) {
      findings.hang(op.service(), kind, what);
    } catch (IOException e) {
      // A connection the server ended without an answer: fine for a body past its limit (it says
      // 413 first when it can), a violation otherwise.
      findings.noAnswer(op.service(), kind, what, e, kind == Kind.HUGE_BODY || kind == Kind.GZIP_BOMB
          || kind == Kind.HUGE_VALUE || kind == Kind.DEEP_JSON);
    }
  }

  private Object mutateField(Object body, java.util.function.BiFunction<String, Object, Object> change) {
    if (!(body instanceof JsonObject o) || o.isEmpty()) {
      return change.apply("body", body == null ? "x" : body);
    }
    JsonObject copy = o.copy();
    List<String> names = List.copyOf(copy.fieldNames());
    String name = names.get(random.nextInt(names.size()));
    copy.put(name, change.apply(name, copy.getValue(name)));
    return copy;
  }

  private JsonObject without(JsonObject o) {
    JsonObject copy = o.copy();
    List<String> names = List.copyOf(copy.fieldNames());
    copy.remove(names.get(random.nextInt(names.size())));
    return copy;
  }

  private byte[] badJson(Object body) {
    String json = body instanceof JsonObject o ? o.encode() : "{\"a\":1}";
    List<String> broken = List.of(json.substring(0, Math.max(1, json.length() / 2)), json + "}", json + "garbage",
        "{'single': 'quotes'}", "{\"a\":}", "\u0000\u0001\u0002", "[1,2,", "{\"a\":1,\"a\":2}", "\"just a string\"",
        "12345678901234567890123456789", "{\"a\":\"\\ud800\"}", "");
    byte[] bytes = broken.get(random.nextInt(broken.size())).getBytes(StandardCharsets.UTF_8);
    if (random.nextInt(4) == 0) {
      return new byte[] {(byte) 0xC3, (byte) 0x28, '{', (byte) 0xFF, '}'}; // invalid UTF-8
    }
    return bytes;
  }

  private static byte[] gzipOfZeros(int size) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
      byte[] zeros = new byte[65_536];
      for (int n = 0; n < size; n += zeros.length) {
        gz.write(zeros);
      }
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  private static String forged(Random random) {
    String header = java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(
        List.of("{\"alg\":\"none\"}", "{\"alg\":\"HS256\",\"kid\":\"x\"}", "{\"alg\":\"RS256\",\"kid\":\"../../k\"}")
            .get(random.nextInt(3)).getBytes(StandardCharsets.UTF_8));
    String claims = java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(
        "{\"sub\":\"admin\",\"roles\":[\"admin\"],\"exp\":99999999999}".getBytes(StandardCharsets.UTF_8));
    return List.of(header + "." + claims + ".", header + "." + claims + ".c2ln", "not-a-jwt", "a.b.c.d", "")
        .get(random.nextInt(5));
  }
}
