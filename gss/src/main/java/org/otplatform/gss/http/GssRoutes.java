package org.otplatform.gss.http;

import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.openapi.router.RouterBuilder;
import org.otplatform.common.auth.BearerAuth;
import org.otplatform.common.catalog.Catalog;
import org.otplatform.common.catalog.ServiceSpec;
import org.otplatform.common.catalog.SessionType;
import org.otplatform.common.http.Responses;
import org.otplatform.gss.GssConfig;

/** Binds the GSS's handlers to the operation ids of {@code openapi/gss.yaml}. */
public final class GssRoutes {
  /** The platform's version, reported by {@code /api/v1/info}. */
  public static final String VERSION = "0.1.0";

  private GssRoutes() {}

  public static void bind(RouterBuilder b, GssParts parts, BearerAuth auth) {
    SessionsApi sessions = new SessionsApi(parts);
    AdminApi admin = new AdminApi(parts);
    ProgressStream progress = new ProgressStream(parts);
    JsonObject info = info(parts.config());

    b.getRoute("info").addHandler(Responses.json(ctx -> Future.succeededFuture(info.copy())));
    String contract = eventContract();
    b.getRoute("eventContract").addHandler(ctx -> ctx.response().putHeader("content-type", "application/yaml")
        .end(contract));
    b.getRoute("openSession").addHandler(auth).addHandler(Responses.json(202, sessions::open));
    b.getRoute("listSessions").addHandler(auth).addHandler(Responses.json(sessions::list));
    b.getRoute("getSession").addHandler(auth).addHandler(Responses.json(sessions::get));
    b.getRoute("closeSession").addHandler(auth).addHandler(Responses.json(202, sessions::close));
    b.getRoute("sessionEvents").addHandler(auth).addHandler(progress::handle);

    b.getRoute("listAllSessions").addHandler(auth).addHandler(Responses.json(admin::listSessions));
    b.getRoute("listLss").addHandler(auth).addHandler(Responses.json(admin::listLss));
    b.getRoute("drainLss").addHandler(auth).addHandler(Responses.json(202, admin::drain));
    b.getRoute("undrainLss").addHandler(auth).addHandler(Responses.json(202, admin::undrain));
    b.getRoute("sessionTraces").addHandler(auth).addHandler(Responses.json(admin::sessionTraces));
  }

  /** The published event contract, {@code asyncapi/ot-platform.yaml} of ot-common. */
  private static String eventContract() {
    try (java.io.InputStream in = GssRoutes.class.getResourceAsStream("/asyncapi/ot-platform.yaml")) {
      if (in == null) {
        throw new IllegalStateException("asyncapi/ot-platform.yaml is not on the class path");
      }
      return new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  /**
   * A type's profiles as a picker shows them: name, description, the groups it is limited to and
   * the LSS pool its sessions run in.
   */
  private static JsonArray profiles(SessionType type) {
    JsonArray profiles = new JsonArray();
    type.profiles().values().forEach(p -> profiles.add(new JsonObject().put("name", p.name())
        .put("description", p.description())
        .put("groups", new JsonArray(p.groups().stream().sorted().toList()))
        .put("pool", type.poolFor(p.name()))));
    return profiles;
  }

  /** {@code GET /api/v1/info}: what a front end needs to find the platform's parts and session types. */
  private static JsonObject info(GssConfig config) {
    Catalog catalog = config.catalog();
    JsonArray types = new JsonArray();
    catalog.types().values().forEach(t -> types.add(new JsonObject().put("name", t.name())
        .put("services", new JsonArray(t.services().stream().map(ServiceSpec::name).toList()))
        .put("maxOpenPerProject", t.maxOpenPerProject())
        .put("profiles", profiles(t))
        .put("defaultProfile", t.defaultProfile())
        .put("pool", t.pool())
        // Whether its sessions keep a volume per project (not where: that is the LSS's business).
        .put("storage", t.storage() == null ? null : new JsonObject().put("volume", t.storage().volume())
            .put("size", t.storage().size()))));
    return new JsonObject()
        .put("version", VERSION)
        .put("authUrl", config.publicAuthUrl())
        .put("relayUrl", config.publicRelayUrl())
        .put("loggerUrl", config.publicLoggerUrl())
        .put("defaultSessionType", catalog.defaultType())
        .put("sessionTypes", types);
  }
}
