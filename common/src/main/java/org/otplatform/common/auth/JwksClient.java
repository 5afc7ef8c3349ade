package org.otplatform.common.auth;

import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.ext.web.client.WebClient;
import java.net.URI;

/** Fetches AUTH's published verification keys. */
public final class JwksClient {
  private final WebClient client;
  private final URI authUrl;

  public JwksClient(WebClient client, URI authUrl) {
    this.client = client;
    this.authUrl = authUrl;
  }

  public Future<JsonArray> fetch() {
    return client.getAbs(authUrl.resolve("/.well-known/jwks.json").toString())
        .timeout(5_000)
        .send()
        .compose(resp -> resp.statusCode() == 200
            ? Future.succeededFuture(resp.bodyAsJsonObject().getJsonArray("keys", new JsonArray()))
            : Future.failedFuture("AUTH answered " + resp.statusCode() + " for its keys"));
  }
}
