package org.otplatform.common.auth;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.WebClient;
import java.net.URI;
import java.util.regex.Pattern;
import org.otplatform.common.http.ApiException;

/**
 * Asks the GSS for a session with the user's own token, so the GSS's visibility rule (owner,
 * admin, or a grant on the project) decides who may join it or read its logs.
 */
public final class SessionLookup {
  /**
   * What a session id may look like (the GSS makes UUIDs): checked before an id goes into a URL, so
   * that {@code ../info} or {@code a?b} never reaches another route of the GSS.
   */
  public static final Pattern SESSION_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_-]{0,63}");
  private final WebClient client;
  private final URI gssUrl;

  public SessionLookup(WebClient client, URI gssUrl) {
    this.client = client;
    this.gssUrl = gssUrl;
  }

  /**
   * The session as the GSS shows it to the user; fails with an {@link ApiException}: 404 when it
   * does not exist or the user may not see it, 401 when the GSS rejects the token, 400 when the id
   * cannot be one, 503 otherwise.
   */
  public Future<JsonObject> visible(String sessionId, Principal user) {
    if (sessionId == null || !SESSION_ID.matcher(sessionId).matches()) {
      return Future.failedFuture(ApiException.badRequest("not a session id: letters, digits, '-' and '_', at most 64"));
    }
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
