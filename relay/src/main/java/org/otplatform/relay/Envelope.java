package org.otplatform.relay;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.io.JsonStringEncoder;
import java.io.IOException;

/**
 * The relay's view of a message: only the top-level fields it routes by, read with a streaming
 * parser, each kept as its original JSON text. A message is checked to be one well-formed JSON
 * object, but its payload is never built into a tree nor encoded again: the relay forwards the
 * bytes it was sent, wrapped in a new envelope ({@code id} becomes the relay's own, {@code from}
 * names the service).
 *
 * <p>Duplicate keys keep the last value, as a JSON tree would.
 */
final class Envelope {
  private static final JsonFactory JSON = JsonFactory.builder()
      .disable(JsonFactory.Feature.INTERN_FIELD_NAMES)
      .disable(JsonFactory.Feature.CANONICALIZE_FIELD_NAMES)
      .build();

  /** A message that is not a JSON object; its text says what is wrong. */
  static final class NotAnObject extends Exception {
    NotAnObject(String message) {
      super(message, null, false, false);
    }
  }

  /**
   * A front end's request, as JSON text: {@code to} and {@code action} as strings (null when absent
   * or not strings), {@code id} and {@code payload} as raw JSON (null when absent), and the W3C
   * {@code traceparent} a front end asks for a trace of the call with (null when absent or not a string).
   */
  record Request(String to, String action, String actionJson, String idJson, String payloadJson,
      String traceparent) {}

  /**
   * What a compute service sent, as raw JSON: an event ({@code eventJson} not null) with its
   * payload, or a reply to the relay id {@code re} (-1 when there is none) with its result or error.
   */
  record Upstream(String eventJson, String payloadJson, long re, String resultJson, String errorJson) {
    boolean isEvent() {
      return eventJson != null;
    }
  }

  private Envelope() {}

  static Request request(String text) throws NotAnObject {
    String to = null;
    String action = null;
    String actionJson = null;
    String id = null;
    String payload = null;
    String traceparent = null;
    try (JsonParser p = object(text)) {
      for (JsonToken t = p.nextToken(); t != JsonToken.END_OBJECT; t = p.nextToken()) {
        String field = p.currentName();
        JsonToken value = p.nextToken();
        switch (field) {
          case "traceparent" -> traceparent = value == JsonToken.VALUE_STRING ? p.getText() : skip(p, null);
          case "to" -> to = value == JsonToken.VALUE_STRING ? p.getText() : skip(p, null);
          case "action" -> {
            action = value == JsonToken.VALUE_STRING ? p.getText() : skip(p, null);
            actionJson = action == null ? null : raw(text, p, value);
          }
          case "id" -> id = raw(text, p, value);
          case "payload" -> payload = raw(text, p, value);
          default -> p.skipChildren();
        }
      }
      end(p);
    } catch (IOException e) {
      throw new NotAnObject("message is not a JSON object");
    }
    return new Request(to, action, actionJson, id, payload, traceparent);
  }

  static Upstream upstream(String text) throws NotAnObject {
    String event = null;
    String payload = null;
    long re = -1;
    String result = null;
    String error = null;
    try (JsonParser p = object(text)) {
      for (JsonToken t = p.nextToken(); t != JsonToken.END_OBJECT; t = p.nextToken()) {
        String field = p.currentName();
        JsonToken value = p.nextToken();
        switch (field) {
          case "event" -> event = raw(text, p, value);
          case "payload" -> payload = raw(text, p, value);
          case "re" -> re = value == JsonToken.VALUE_NUMBER_INT
              && p.getNumberType() != JsonParser.NumberType.BIG_INTEGER ? p.getLongValue() : skip(p, -1L);
          case "result" -> result = raw(text, p, value);
          case "error" -> error = raw(text, p, value);
          default -> p.skipChildren();
        }
      }
      end(p);
    } catch (IOException e) {
      throw new NotAnObject("message is not a JSON object");
    }
    return new Upstream(event, payload, re, result, error);
  }

  /** The request as a compute service gets it: the relay's id, the action, the original payload. */
  static String toService(long relayId, Request request) {
    return toService(relayId, request, null);
  }

  /**
   * {@link #toService(long, Request)} within a trace: with the {@code traceparent} of the relay's
   * span of the call (none when null), which the compute service continues.
   */
  static String toService(long relayId, Request request, String traceparent) {
    String payload = request.payloadJson() == null ? "null" : request.payloadJson();
    StringBuilder out = new StringBuilder(96 + request.actionJson().length() + payload.length())
        .append("{\"id\":").append(relayId)
        .append(",\"action\":").append(request.actionJson());
    if (traceparent != null) {
      out.append(",\"traceparent\":").append(quote(traceparent));
    }
    return out.append(",\"payload\":").append(payload).append('}').toString();
  }

  /** A service's push as front ends get it. */
  static String event(String fromJson, Upstream push) {
    String payload = orNull(push.payloadJson());
    return new StringBuilder(40 + fromJson.length() + push.eventJson().length() + payload.length())
        .append("{\"from\":").append(fromJson)
        .append(",\"event\":").append(push.eventJson())
        .append(",\"payload\":").append(payload)
        .append('}').toString();
  }

  /** A service's reply as its requester gets it, with the requester's own id. */
  static String reply(String fromJson, String clientIdJson, Upstream reply) {
    boolean failed = reply.errorJson() != null;
    String body = failed ? reply.errorJson() : orNull(reply.resultJson());
    String id = orNull(clientIdJson);
    return new StringBuilder(40 + fromJson.length() + id.length() + body.length())
        .append("{\"from\":").append(fromJson)
        .append(",\"re\":").append(id)
        .append(failed ? ",\"error\":" : ",\"result\":").append(body)
        .append('}').toString();
  }

  /** An error the relay itself answers with, for the request whose id is {@code clientIdJson}. */
  static String error(String fromJson, String clientIdJson, String code, String message) {
    return "{\"from\":" + fromJson + ",\"re\":" + orNull(clientIdJson) + ",\"error\":{\"code\":" + quote(code)
        + ",\"message\":" + quote(message) + "}}";
  }

  /** A string as JSON text, quotes included. */
  static String quote(String s) {
    return '"' + new String(JsonStringEncoder.getInstance().quoteAsString(s)) + '"';
  }

  private static JsonParser object(String text) throws IOException {
    JsonParser p = JSON.createParser(text);
    if (p.nextToken() != JsonToken.START_OBJECT) {
      throw new IOException("not an object");
    }
    return p;
  }

  /** Nothing may follow the object. */
  private static void end(JsonParser p) throws IOException {
    if (p.nextToken() != null) {
      throw new IOException("text after the object");
    }
  }

  /** The current value's original text (a whole object or array with what it holds). */
  private static String raw(String text, JsonParser p, JsonToken value) throws IOException {
    int start = (int) p.currentTokenLocation().getCharOffset();
    if (value.isStructStart()) {
      p.skipChildren();
    } else if (value == JsonToken.VALUE_STRING) {
      p.getText(); // strings are read lazily: reading it moves the location past the closing quote
    }
    int end = (int) p.currentLocation().getCharOffset();
    return text.substring(start, end);
  }

  /** Skips the current value (with what it holds), answering {@code result}. */
  private static <T> T skip(JsonParser p, T result) throws IOException {
    p.skipChildren();
    return result;
  }

  private static String orNull(String json) {
    return json == null ? "null" : json;
  }
}
