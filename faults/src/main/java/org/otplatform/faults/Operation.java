package org.otplatform.faults;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.openapi.contract.OpenAPIContract;
import java.util.ArrayList;
import java.util.List;

/**
 * One operation of a service's OpenAPI document, as the fuzzer needs it: where it is, its
 * parameters and the JSON schema of its body (references to {@code components} resolved).
 *
 * @param base the service's URL
 * @param parameters each {@code {name, in, required, schema}}
 * @param body the request body's schema, or null when it takes none
 */
record Operation(String service, String base, String id, String method, String path, List<JsonObject> parameters,
    JsonObject body, boolean secured) {

  /** Every operation of the contract at {@code resource} (on the class path), served at {@code base}. */
  static List<Operation> of(Vertx vertx, String service, String base, String resource) throws Exception {
    JsonObject raw = OpenAPIContract.from(vertx, resource).toCompletionStage().toCompletableFuture().get()
        .getRawContract();
    JsonObject components = raw.getJsonObject("components", new JsonObject());
    List<Operation> ops = new ArrayList<>();
    JsonObject paths = raw.getJsonObject("paths");
    for (String path : paths.fieldNames()) {
      if (!path.startsWith("/") || !(paths.getValue(path) instanceof JsonObject item)) {
        continue; // the parser's own bookkeeping (__absolute_uri__)
      }
      for (String method : item.fieldNames()) {
        if (method.startsWith("__") || !(item.getValue(method) instanceof JsonObject op) || !op.containsKey("operationId")) {
          continue;
        }
        List<JsonObject> params = new ArrayList<>();
        for (Object p : op.getJsonArray("parameters", item.getJsonArray("parameters", new JsonArray()))) {
          params.add(resolve((JsonObject) p, components));
        }
        JsonObject body = null;
        JsonObject requestBody = op.getJsonObject("requestBody");
        if (requestBody != null) {
          JsonObject json = resolve(requestBody, components).getJsonObject("content", new JsonObject())
              .getJsonObject("application/json");
          body = json == null ? new JsonObject() : resolveDeep(json.getJsonObject("schema", new JsonObject()), components);
        }
        boolean secured = op.containsKey("security") && !op.getJsonArray("security").isEmpty();
        ops.add(new Operation(service, base, op.getString("operationId"), method.toUpperCase(), path, params, body,
            secured));
      }
    }
    return ops;
  }

  private static JsonObject resolve(JsonObject node, JsonObject components) {
    String ref = node.getString("$ref");
    if (ref == null) {
      return node;
    }
    String[] parts = ref.replaceFirst("^#/components/", "").split("/");
    return resolve(components.getJsonObject(parts[0]).getJsonObject(parts[1]), components);
  }

  private static JsonObject resolveDeep(JsonObject schema, JsonObject components) {
    JsonObject s = resolve(schema, components).copy();
    JsonObject props = s.getJsonObject("properties");
    if (props != null) {
      for (String name : props.fieldNames()) {
        props.put(name, resolveDeep(props.getJsonObject(name), components));
      }
    }
    if (s.getValue("items") instanceof JsonObject items) {
      s.put("items", resolveDeep(items, components));
    }
    return s;
  }

  /** The path with its parameters filled from {@code values}. */
  String path(java.util.function.Function<String, String> values) {
    java.util.regex.Matcher m = java.util.regex.Pattern.compile("\\{([^}]+)}").matcher(path);
    StringBuilder sb = new StringBuilder();
    while (m.find()) {
      m.appendReplacement(sb, java.util.regex.Matcher.quoteReplacement(
          java.net.URLEncoder.encode(values.apply(m.group(1)), java.nio.charset.StandardCharsets.UTF_8)
              .replace("+", "%20")));
    }
    m.appendTail(sb);
    return sb.toString();
  }
}
