package org.otplatform.gss.lifecycle;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.UUID;
import org.otplatform.common.auth.Principal;
import org.otplatform.common.catalog.Catalog;
import org.otplatform.common.catalog.Profile;
import org.otplatform.common.catalog.SessionType;
import org.otplatform.common.catalog.ServiceSpec;
import org.otplatform.common.http.ApiException;
import org.otplatform.gss.GssConfig.SessionLimits;
import org.otplatform.gss.access.ProjectAccess;
import org.otplatform.gss.session.Session;
import org.otplatform.gss.store.SessionStore;
import org.otplatform.common.tracing.Traces;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The rules on opening a session: a known type, a project the caller may open (AUTH says), the
 * platform's limit, the caller's own limit and the type's per-project limit — the last two taken
 * as slots, atomically, so parallel opens cannot all pass — then the queue when no LSS slot is
 * free. A refused open holds nothing afterwards.
 */
public final class Admission {
  private static final Logger LOG = LoggerFactory.getLogger(Admission.class);

  private final SessionStore store;
  private final Lifecycle lifecycle;
  private final SessionQueue queue;
  private final ProjectAccess projects;
  private final Catalog catalog;
  private final SessionLimits limits;

  public Admission(SessionStore store, Lifecycle lifecycle, SessionQueue queue, ProjectAccess projects,
      Catalog catalog, SessionLimits limits) {
    this.store = store;
    this.lifecycle = lifecycle;
    this.queue = queue;
    this.projects = projects;
    this.catalog = catalog;
    this.limits = limits;
  }

  /** Opens a session of {@code typeName} (the catalog's default when null) on the project; yields it as stored. */
  public Future<Session> open(Principal caller, String projectName, String typeName) {
    return open(caller, projectName, typeName, null);
  }

  /**
   * Opens a session of {@code typeName} (the catalog's default when null) with {@code profileName}
   * (the type's default when null) on the project; yields it as stored.
   */
  public Future<Session> open(Principal caller, String projectName, String typeName, String profileName) {
    String typeKey = typeName == null ? catalog.defaultType() : typeName;
    SessionType type = catalog.type(typeKey).orElseThrow(() -> ApiException.badRequest(
        "unknown session type '" + typeKey + "'; known types: " + String.join(", ", catalog.types().keySet())));
    Profile profile = profile(type, profileName);
    String pool = type.poolFor(profile == null ? null : profile.name());
    String id = UUID.randomUUID().toString();
    return mayUse(caller, profile).compose(v -> projects.project(projectName, caller))
        .compose(project -> checkOverallLimit()
            .compose(ok -> claimUserSlot(caller, id))
            .compose(ok -> claimProjectSlot(project, type, id, caller))
            // A slot taken before a refusal goes back: the session was never stored.
            .recover(e -> store.releaseSlots(id).transform(v -> Future.failedFuture(e)))
            .map(project))
        .compose(project -> queue.mustWait(pool).compose(wait -> {
          Instant now = lifecycle.clock().instant();
          Session.Origin origin = new Session.Origin(project.getString("name"), project.getString("id"), type.name(),
              caller.userId(), caller.username(), now, profile == null ? null : profile.name(), pool);
          Session fresh = Session.open(id, origin, type.services().stream().map(ServiceSpec::name).toList(), now);
          return lifecycle.open(wait.map(reason -> fresh.enqueue(reason, now, Traces.traceparent())).orElse(fresh));
        }))
        .onSuccess(s -> LOG.atInfo().addKeyValue("session", id).log("session {} of {} for project {} {}",
            type.name(), caller.username(), projectName,
            s.isQueued() ? "queued: " + s.queued().reason() : "opening"));
  }

  /** The profile asked for, or the type's default; a 400 naming the type's profiles for an unknown one. */
  private static Profile profile(SessionType type, String name) {
    if (name == null) {
      return type.profile(null).orElse(null);
    }
    return type.profile(name).orElseThrow(() -> ApiException.badRequest(type.profiles().isEmpty()
        ? "session type '" + type.name() + "' has no profiles; open it without 'profile'"
        : "session type '" + type.name() + "' has no profile '" + name + "'; its profiles: "
            + String.join(", ", type.profiles().keySet())));
  }

  /** A profile limited to groups is for their members (and admins): AUTH says which groups the caller is in. */
  private Future<Void> mayUse(Principal caller, Profile profile) {
    if (profile == null || profile.groups().isEmpty() || caller.isAdmin()) {
      return Future.succeededFuture();
    }
    return projects.groupsOf(caller).compose(groups -> profile.allows(groups, false) ? Future.<Void>succeededFuture()
        : Future.failedFuture(ApiException.forbidden("profile '" + profile.name() + "' is for members of "
            + String.join(", ", profile.groups().stream().sorted().toList()))));
  }

  /** The platform-wide limit: a count, so parallel opens may pass it by a few (it guards capacity, not fairness). */
  private Future<Void> checkOverallLimit() {
    return store.countActive().compose(all -> all >= limits.overall()
        ? Future.failedFuture(ApiException.tooManyRequests("the platform holds " + all
            + " open sessions, its limit; try again later", 30))
        : Future.succeededFuture());
  }

  private Future<Void> claimUserSlot(Principal caller, String sessionId) {
    int slots = limits.perUser();
    return store.claimSlot("user:" + caller.userId(), slots, sessionId, caller.username())
        .compose(claimed -> claimed ? Future.succeededFuture() : Future.failedFuture(new ApiException(429,
            "too_many_sessions", "you have " + slots + " open sessions; the limit is " + slots)));
  }

  /** One of the type's per-project slots; the 409 names the holding session only to its own owner. */
  private Future<Void> claimProjectSlot(JsonObject project, SessionType type, String sessionId, Principal caller) {
    String projectId = project.getString("id");
    int slots = type.maxOpenPerProject();
    return store.claimSlot(projectId, slots, sessionId, caller.username()).compose(claimed -> claimed
        ? Future.succeededFuture()
        : store.slotHolder(projectId).compose(holder -> Future.failedFuture(ApiException.conflict(
            "project '" + project.getString("name") + "' already has "
                + (slots == 1 ? "an open session" : slots + " open sessions")
                + holder.filter(h -> caller.username().equals(h.ownerName()))
                    .map(h -> " (your session " + h.sessionId() + ")").orElse("")))));
  }
}
