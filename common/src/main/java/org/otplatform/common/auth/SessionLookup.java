package org.otplatform.common.auth;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.WebClient;
import java.net.URI;
import org.otplatform.common.http.ApiException;

/**
 * Asks the GSS for a session with the user's own token, so the GSS's visibility rule (owner,
 * admin, or a grant on the project) decides who may join it or read its logs.
 */
public final class SessionLookup {
  private final WebClient client;
  private final URI gssUrl;

  public SessionLookup(WebClient client, URI gssUrl) {
    this.client = client;
    this.gssUrl = gssUrl;
  }

  /**
   * The session as the GSS shows it to the user; fails with an {@link ApiException}: 404 when it
   * does not exist or the user may not see it, 401 when the GSS rejects the token, 503 otherwise.
   */
  public Future<JsonObject> visible(String sessionId, Principal user) {
    return client.getAbs(gssUrl.resolve("/api/v1/sessions/" + sessionId).toString())
        .bearerTokenAuthentication(user.token())
        .timeout(5_000)
        .send()
        .recover(e -> Future.failedFuture(ApiException.unavailable("GSS cannot be reached")))
        .compose(resp -> switch (resp.statusCode()) {
          case 200 -> Future.succeededFuture(resp.bodyAsJsonObject());
          case 404 -> Future.failedFuture(ApiException.notFound("no session " + sessionId));
          case 401 -> Future.failedFuture(ApiException.unauthorized("token rejected"));
          case 403 -> Future.failedFuture(ApiException.forbidden("you may not use session " + sessionId));
          default -> Future.failedFuture(ApiException.unavailable("GSS answered " + resp.statusCode()));
        });
  }
}
