package org.otplatform.gss.access;

import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.Optional;
import java.util.Set;
import org.otplatform.common.auth.Principal;
import org.otplatform.common.http.ApiException;

/** Asks AUTH, with the caller's own token, whether the caller may open a project. */
public final class AuthClient implements ProjectAccess {
  private final WebClient client;
  private final URI authUrl;

  public AuthClient(WebClient client, URI authUrl) {
    this.client = client;
    this.authUrl = authUrl;
  }

  /** The project when the caller may open it; 403/404 as AUTH says; 503 when AUTH is unreachable. */
  @Override
  public Future<JsonObject> project(String name, Principal caller) {
    return ask(name, caller, "viewer").compose(resp -> switch (resp.statusCode()) {
      case 200 -> Future.succeededFuture(resp.bodyAsJsonObject());
      case 403 -> Future.failedFuture(ApiException.forbidden("you have no access to project '" + name + "'"));
      case 404 -> Future.failedFuture(ApiException.notFound("no project named '" + name + "'"));
      case 401 -> Future.failedFuture(ApiException.unauthorized("AUTH rejected the token"));
      default -> Future.failedFuture(ApiException.unavailable("AUTH answered " + resp.statusCode()));
    });
  }

  /**
   * The caller's role on the project ({@code owner}, {@code editor} or {@code viewer}) when it is at
   * least {@code role}; empty on 403/404; a failed future (503) when AUTH cannot say.
   */
  @Override
  public Future<Optional<String>> roleOn(String name, Principal caller, String role) {
    return ask(name, caller, role).compose(resp -> switch (resp.statusCode()) {
      case 200 -> Future.succeededFuture(Optional.of(resp.bodyAsJsonObject().getString("role", role)));
      case 403, 404 -> Future.succeededFuture(Optional.empty());
      default -> Future.failedFuture(ApiException.unavailable("AUTH answered " + resp.statusCode()));
    });
  }

  /**
   * The caller's role on the project with this id, as {@link #roleOn}: what a session's access goes
   * by, so a rename keeps its grantees and a new project of an old name gains nobody's sessions.
   */
  @Override
  public Future<Optional<String>> roleOnProjectId(String projectId, Principal caller, String role) {
    return ask("/api/v1/project-ids/", projectId, caller, role).compose(resp -> switch (resp.statusCode()) {
      case 200 -> Future.succeededFuture(Optional.of(resp.bodyAsJsonObject().getString("role", role)));
      case 403, 404 -> Future.succeededFuture(Optional.empty());
      default -> Future.failedFuture(ApiException.unavailable("AUTH answered " + resp.statusCode()));
    });
  }

  /** AUTH's list of the caller's projects, {@code GET /api/v1/projects}, with the caller's own token. */
  @Override
  public Future<Set<String>> visibleProjectIds(Principal caller) {
    return listed("/api/v1/projects", "projects", "id", caller);
  }

  /** AUTH's {@code GET /api/v1/users/{caller}/groups}, with the caller's own token. */
  @Override
  public Future<Set<String>> groupsOf(Principal caller) {
    return listed("/api/v1/users/" + encoded(caller.username()) + "/groups", "groups", "name", caller);
  }

  /** The {@code field} of every item of the list {@code list} that AUTH answers at {@code path}. */
  private Future<Set<String>> listed(String path, String list, String field, Principal caller) {
    return get(authUrl.resolve(path).toString(), caller).compose(resp -> {
      if (resp.statusCode() != 200) {
        return Future.failedFuture(resp.statusCode() == 401 ? ApiException.unauthorized("AUTH rejected the token")
            : ApiException.unavailable("AUTH answered " + resp.statusCode() + " for " + path));
      }
      Set<String> values = new HashSet<>();
      resp.bodyAsJsonObject().getJsonArray(list, new JsonArray())
          .forEach(item -> values.add(((JsonObject) item).getString(field)));
      values.remove(null);
      return Future.succeededFuture(values);
    });
  }

  /** AUTH's access check, {@code GET /api/v1/projects/{name}?role=}, with the caller's own token. */
  private Future<HttpResponse<Buffer>> ask(String name, Principal caller, String role) {
    return ask("/api/v1/projects/", name, caller, role);
  }

  private Future<HttpResponse<Buffer>> ask(String base, String key, Principal caller, String role) {
    return get(authUrl.resolve(base + encoded(key) + "?role=" + role).toString(), caller);
  }

  private static String encoded(String value) {
    return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
  }

  /** A GET with the caller's own token; AUTH unreachable or too slow is 503. */
  private Future<HttpResponse<Buffer>> get(String url, Principal caller) {
    return client.getAbs(url)
        .bearerTokenAuthentication(caller.token())
        .timeout(5_000)
        .send()
        .recover(e -> Future.failedFuture(ApiException.unavailable("AUTH cannot be reached: " + e.getMessage())));
  }
}
