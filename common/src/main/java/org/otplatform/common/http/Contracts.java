package org.otplatform.common.http;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonObject;
import io.vertx.openapi.contract.OpenAPIContract;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.composer.Composer;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.parser.ParserImpl;
import org.yaml.snakeyaml.reader.StreamReader;
import org.yaml.snakeyaml.resolver.Resolver;

/**
 * Reads a service's OpenAPI contract (YAML on the class path) into an {@link OpenAPIContract}.
 *
 * <p>Vert.x's own {@code OpenAPIContract.from(vertx, path)} parses YAML through snakeyaml's
 * {@code Yaml} facade, whose representer needs {@code java.beans} — the JDK's {@code java.desktop}
 * module, 8 MB that the services' images leave out of their Java runtime (deploy/images/base). The
 * contract is data, so this reads it with snakeyaml's parser and safe constructor alone: plain maps,
 * lists and scalars, no beans.
 */
public final class Contracts {
  private Contracts() {}

  /** The contract at {@code resource} (a class-path path such as {@code openapi/gss.yaml}). */
  public static Future<OpenAPIContract> from(Vertx vertx, String resource) {
    return vertx.fileSystem().readFile(resource)
        .compose(yaml -> vertx.executeBlocking(() -> parse(yaml.toString())))
        .compose(json -> OpenAPIContract.from(vertx, json));
  }

  /** A YAML document as JSON: keys become strings (a response code {@code 200:} is read as a number). */
  static JsonObject parse(String yaml) {
    LoaderOptions options = new LoaderOptions();
    Composer composer = new Composer(new ParserImpl(new StreamReader(yaml), options), new Resolver(), options);
    SafeConstructor constructor = new SafeConstructor(options);
    constructor.setComposer(composer);
    Object document = constructor.getSingleData(Object.class);
    if (!(document instanceof java.util.Map)) {
      throw new IllegalArgumentException("an OpenAPI contract is a mapping, not " + document);
    }
    return new JsonObject(Json.encode(document));
  }
}
