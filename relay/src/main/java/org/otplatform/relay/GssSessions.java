package org.otplatform.relay;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.WebClient;
import java.net.URI;
import org.otplatform.common.auth.Principal;

/**
 * Looks a session up in the GSS with the user's own token, so the GSS's visibility rule (owner or
 * admin) decides who may join it.
 */
public final class GssSessions {
  private final WebClient client;
  private final URI gssUrl;

  public GssSessions(WebClient client, URI gssUrl) {
    this.client = client;
    this.gssUrl = gssUrl;
  }

  /** The outcome of a lookup: the session, or the close code and reason to refuse with. */
  public record Lookup(JsonObject session, short closeCode, String reason) {
    boolean found() {
      return session != null;
    }
  }

  public Future<Lookup> lookup(String sessionId, Principal user) {
    return client.getAbs(gssUrl.resolve("/api/v1/sessions/" + sessionId).toString())
        .bearerTokenAuthentication(user.token())
        .timeout(5_000)
        .send()
        .map(resp -> switch (resp.statusCode()) {
          case 200 -> new Lookup(resp.bodyAsJsonObject(), (short) 0, null);
          case 404 -> new Lookup(null, CloseCodes.NOT_FOUND, "no session " + sessionId);
          case 401 -> new Lookup(null, CloseCodes.UNAUTHORIZED, "token rejected");
          case 403 -> new Lookup(null, CloseCodes.FORBIDDEN, "you may not join session " + sessionId);
          default -> new Lookup(null, CloseCodes.UNAVAILABLE, "GSS answered " + resp.statusCode());
        })
        .otherwise(e -> new Lookup(null, CloseCodes.UNAVAILABLE, "GSS unreachable"));
  }
}
