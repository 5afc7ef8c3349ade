package org.otplatform.gss.session;

import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import org.otplatform.common.auth.Principal;
import org.otplatform.common.catalog.Catalog;
import org.otplatform.common.catalog.SessionType;
import org.otplatform.common.events.EventCodec;
import org.otplatform.common.events.SessionCommand.SessionCloseRequested;
import org.otplatform.common.events.SessionCommand.SessionOpenRequested;
import org.otplatform.common.events.SessionEvent;
import org.otplatform.common.events.Topics;
import org.otplatform.common.http.ApiException;
import org.otplatform.common.kafka.EventPublisher;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The session lifecycle as the GSS sees it: the rules on open, closing, and folding LSS progress. */
public final class SessionService {
  private static final Logger LOG = LoggerFactory.getLogger(SessionService.class);

  private final Progress progress;
  private final SessionStore store;
  private final SessionQueue queue;
  private final AuthClient auth;
  private final EventPublisher publisher;
  private final Catalog catalog;
  private final Limits limits;

  /** Collaborators, wired in {@code GssVerticle}. */
  public record Parts(Progress progress, SessionStore store, SessionQueue queue, AuthClient auth,
      EventPublisher publisher, Catalog catalog, Limits limits) {}

  /**
   * Open sessions (OPENING, READY, CLOSING) allowed.
   *
   * @param perUser one user may hold this many (429 past it)
   * @param overall the platform holds at most this many (429 with Retry-After past it)
   */
  public record Limits(int perUser, int overall) {}

  public SessionService(Parts parts) {
    this.progress = parts.progress();
    this.queue = parts.queue();
    this.store = parts.store();
    this.auth = parts.auth();
    this.publisher = parts.publisher();
    this.catalog = parts.catalog();
    this.limits = parts.limits();
  }

  public Future<JsonObject> open(Principal caller, String projectName, String typeName) {
    String typeKey = typeName == null ? catalog.defaultType() : typeName;
    SessionType type = catalog.type(typeKey).orElseThrow(() -> ApiException.badRequest(
        "unknown session type '" + typeKey + "'; known types: " + String.join(", ", catalog.types().keySet())));
    String id = UUID.randomUUID().toString();
    return auth.project(projectName, caller)
        .compose(project -> checkOverallLimit()
            .compose(ok -> store.lockUserSlot(caller.userId(), limits.perUser(), id))
            .compose(ok -> store.lockProject(project.getString("id"), project.getString("name"),
                type.maxOpenPerProject(), id, caller.username()))
            // A slot taken before a refusal goes back: the session was never stored.
            .recover(e -> store.releaseProject(id).transform(v -> Future.failedFuture(e)))
            .map(project))
        .compose(project -> queue.mustWait(Instant.now()).compose(wait -> {
          JsonObject doc = newSession(id, project, type, caller);
          wait.ifPresent(reason -> SessionQueue.enqueue(doc, reason, Instant.now()));
          return store.insert(doc).map(doc)
              .recover(e -> store.releaseProject(id).transform(v -> Future.failedFuture(e)));
        }))
        .compose(doc -> {
          if (doc.getBoolean("queued", false)) {
            LOG.atInfo().addKeyValue("session", id).log("session {} of {} for project {} queued: {}", type.name(),
                caller.username(), projectName, doc.getString("queueReason"));
            return viewWithPlace(doc);
          }
          return publisher.publish(Topics.SESSION_COMMANDS,
                  SessionOpenRequested.of(id, doc.getString("project"), type.name(), caller.userId()))
              .recover(e -> failUnpublished(id, e).mapEmpty())
              .onSuccess(v -> LOG.atInfo().addKeyValue("session", id).log("session {} of {} for project {} opening",
                  type.name(), caller.username(), projectName))
              .map(v -> view(doc));
        });
  }

  /** The platform-wide limit: a count, so parallel opens may pass it by a few (it guards capacity, not fairness). */
  private Future<Void> checkOverallLimit() {
    return store.countActive(null).compose(all -> all >= limits.overall()
        ? Future.failedFuture(ApiException.tooManyRequests("the platform holds " + all
            + " open sessions, its limit; try again later", 30))
        : Future.succeededFuture());
  }

  /**
   * Every session matching the filter ({@code state}, {@code owner} user name, {@code project},
   * {@code type}, {@code lss}), newest first: the admin's list.
   */
  public Future<JsonObject> listAll(JsonObject filter, int limit) {
    JsonObject query = new JsonObject();
    copy(filter, "state", query, "state");
    copy(filter, "owner", query, "ownerName");
    copy(filter, "project", query, "project");
    copy(filter, "type", query, "type");
    copy(filter, "lss", query, "lss");
    return store.find(query, limit).map(docs -> {
      JsonArray views = new JsonArray();
      docs.forEach(d -> views.add(view(d).put("lss", d.getString("lss")).put("queued", d.getBoolean("queued", false))));
      return new JsonObject().put("sessions", views).put("count", views.size());
    });
  }

  private static void copy(JsonObject from, String key, JsonObject to, String field) {
    if (from.getString(key) != null) {
      to.put(field, from.getString(key));
    }
  }

  /** The view, and for a session waiting in the queue its place there. */
  private Future<JsonObject> viewWithPlace(JsonObject doc) {
    if (!doc.getBoolean("queued", false)) {
      return Future.succeededFuture(view(doc));
    }
    return queue.place(doc).map(place -> view(doc).put("queue", place));
  }

  private Future<JsonObject> failUnpublished(String id, Throwable e) {
    LOG.atError().addKeyValue("session", id).log("could not publish the open request: {}", e.getMessage());
    return store.update(id, doc -> {
      SessionFold.transition(doc, SessionState.FAILED, Instant.now(), "the platform's event bus is unreachable");
      return true;
    }).compose(v -> store.releaseProject(id))
        .transform(v -> Future.failedFuture(ApiException.unavailable("cannot open sessions now: Kafka unreachable")));
  }

  private static JsonObject newSession(String id, JsonObject project, SessionType type, Principal caller) {
    JsonArray services = new JsonArray();
    type.services().forEach(s -> services.add(new JsonObject().put("name", s.name()).put("state", "PENDING")));
    String now = Instant.now().toString();
    JsonObject doc = new JsonObject()
        .put("_id", id)
        .put("project", project.getString("name"))
        .put("projectId", project.getString("id"))
        .put("type", type.name())
        .put("owner", caller.userId())
        .put("ownerName", caller.username())
        .put("state", SessionState.OPENING.name())
        .put("services", services)
        .put("created", now)
        .put("openingAt", now)
        .put("eventIds", new JsonArray());
    SessionFold.record(doc, new JsonObject().put("type", "SessionOpenRequested").put("sessionId", id)
        .put("time", now).put("project", project.getString("name")).put("sessionType", type.name()));
    return doc;
  }

  /**
   * A session the caller may see and join: their own, any for an admin, or one of a project on
   * which AUTH grants them a role; else 404, so other users' sessions are not even confirmed.
   */
  public Future<JsonObject> visible(Principal caller, String id) {
    return withRole(caller, id, "viewer").map(Access::doc);
  }

  /**
   * What the caller may do with a session: {@code admin}, {@code owner} (theirs), or the role a
   * project grant gives ({@code owner}, {@code editor}, {@code viewer}). Viewers watch; the others
   * may also act (the relay forwards their messages to the compute services).
   */
  public record Access(JsonObject doc, String role) {}

  private Future<Access> withRole(Principal caller, String id, String role) {
    ApiException notFound = ApiException.notFound("no session " + id);
    return store.get(id).compose(found -> {
      if (found.isEmpty()) {
        return Future.failedFuture(notFound);
      }
      JsonObject doc = found.get();
      if (caller.isAdmin()) {
        return Future.succeededFuture(new Access(doc, "admin"));
      }
      if (caller.userId().equals(doc.getString("owner"))) {
        return Future.succeededFuture(new Access(doc, "owner"));
      }
      // By the project's id, which a rename keeps (sessions stored before ids were kept go by name).
      String projectId = doc.getString("projectId");
      Future<Optional<String>> access = projectId != null ? auth.roleOnProjectId(projectId, caller, role)
          : auth.roleOn(doc.getString("project"), caller, role);
      return access.compose(granted -> granted
          .map(r -> Future.succeededFuture(new Access(doc, r)))
          .orElseGet(() -> Future.failedFuture(notFound)));
    });
  }

  /** The session's stored progress log (entries {@code {seq, event, state}}), without access checks. */
  public Future<JsonArray> storedProgress(String id) {
    return store.get(id).map(found -> found.map(d -> d.getJsonArray("events", new JsonArray())).orElse(new JsonArray()));
  }

  /** The session as the caller sees it, with {@code access}: what they may do with it. */
  public Future<JsonObject> get(Principal caller, String id) {
    return withRole(caller, id, "viewer")
        .compose(a -> viewWithPlace(a.doc()).map(view -> view.put("access", a.role())));
  }

  public Future<JsonObject> list(Principal caller) {
    return store.listByOwner(caller.userId(), 100).map(docs -> {
      JsonArray views = new JsonArray();
      docs.forEach(d -> views.add(view((JsonObject) d)));
      return new JsonObject().put("sessions", views);
    });
  }

  /**
   * Asks the LSS to close the session: for its owner, an admin, or an owner of its project. A user
   * who may only see it gets 403. Closing a closed or failed session changes nothing.
   */
  public Future<JsonObject> close(Principal caller, String id, String reason) {
    return withRole(caller, id, "owner").map(Access::doc)
        .recover(e -> visible(caller, id).compose(seen -> Future.failedFuture(
            ApiException.forbidden("only the session's owner or an owner of its project may close it"))))
        .compose(doc -> requestClose(id, reason, caller.username(), caller.isAdmin()))
        .map(SessionService::view);
  }

  /**
   * A project was deleted (AUTH's {@code ProjectDeleted}): its open sessions close, since nobody
   * but admins could reach them any more.
   */
  public Future<Void> closeProjectSessions(String projectId, String by) {
    JsonObject open = new JsonObject().put("projectId", projectId).put("state", new JsonObject().put("$in",
        new JsonArray().add(SessionState.OPENING.name()).add(SessionState.READY.name())));
    return store.find(open, 1000).compose(docs -> Future.join(docs.stream()
            .map(d -> requestClose(d.getString("_id"), "project deleted", by, false)).toList()))
        .onSuccess(v -> LOG.info("closing the open sessions of deleted project {}", projectId))
        .mapEmpty();
  }

  /**
   * Moves the session to CLOSING and asks the LSS to remove it. A closed or failed session stays
   * as it is; one already CLOSING is asked again only when {@code force} (an admin's close, for an
   * LSS that did not answer).
   */
  private Future<JsonObject> requestClose(String id, String reason, String by, boolean force) {
    AtomicInteger before = new AtomicInteger();
    boolean[] publish = {false};
    return store.update(id, d -> {
          before.set(d.getInteger("seq", 0));
          SessionState state = SessionState.valueOf(d.getString("state"));
          publish[0] = !state.isTerminal() && (state != SessionState.CLOSING || force);
          if (!publish[0]) {
            return false;
          }
          SessionFold.transition(d, SessionState.CLOSING, Instant.now(), null);
          SessionFold.record(d, new JsonObject().put("type", "SessionCloseRequested").put("sessionId", id)
              .put("time", Instant.now().toString()).put("reason", reason));
          return true;
        })
        .map(Optional::orElseThrow)
        .compose(doc -> {
          announce(doc, before.get());
          if (!publish[0]) {
            return Future.succeededFuture(doc);
          }
          LOG.atInfo().addKeyValue("session", id).log("session closing ({}) by {}", reason, by);
          return publisher.publish(Topics.SESSION_COMMANDS, SessionCloseRequested.of(id, reason)).map(doc);
        });
  }

  /**
   * Closes READY sessions with no front-end activity (relay-reported, else since READY) for longer
   * than their type's idle timeout, with reason {@code idle}.
   */
  public Future<Void> cullIdle(Instant now) {
    return store.inState(SessionState.READY).compose(docs -> {
      List<Future<JsonObject>> closes = new ArrayList<>();
      for (JsonObject doc : docs) {
        SessionType type = catalog.type(doc.getString("type")).orElse(null);
        String last = doc.getString("lastActivityAt", doc.getString("readyAt"));
        if (type == null || !type.culledWhenIdle() || last == null) {
          continue;
        }
        Instant lastUsed = Instant.parse(last);
        if (doc.getString("readyAt") != null && Instant.parse(doc.getString("readyAt")).isAfter(lastUsed)) {
          lastUsed = Instant.parse(doc.getString("readyAt"));
        }
        if (lastUsed.plus(type.idleTimeout()).isBefore(now)) {
          closes.add(requestClose(doc.getString("_id"), "idle", "the GSS (no activity for "
              + type.idleTimeout().toSeconds() + " s)", false));
        }
      }
      return Future.join(closes).mapEmpty();
    });
  }

  /**
   * Fails sessions OPENING for longer than their type's open timeout — a backstop for an LSS that
   * died or never answered — naming what they still waited for, and asks the LSS to remove
   * whatever did start. Safe on several replicas: only one update of a session wins.
   */
  public Future<Void> failStuckOpens(Instant now) {
    return store.inState(SessionState.OPENING).compose(docs -> {
      List<Future<Void>> fails = new ArrayList<>();
      for (JsonObject doc : docs) {
        if (doc.getBoolean("queued", false)) {
          continue; // waiting in the queue, with a deadline of its own
        }
        Duration timeout = catalog.type(doc.getString("type")).map(SessionType::openTimeout)
            .orElse(Duration.ofMinutes(5));
        if (Instant.parse(doc.getString("openingAt")).plus(timeout).isBefore(now)) {
          fails.add(failStuck(doc.getString("_id"), timeout));
        }
      }
      return Future.join(fails).mapEmpty();
    });
  }

  private Future<Void> failStuck(String id, Duration timeout) {
    AtomicInteger before = new AtomicInteger();
    String[] reason = new String[1];
    return store.update(id, d -> {
      reason[0] = null; // runs again when another writer got there first
      if (SessionState.valueOf(d.getString("state")) != SessionState.OPENING) {
        return false;
      }
      before.set(d.getInteger("seq", 0));
      List<String> waiting = new ArrayList<>();
      d.getJsonArray("services", new JsonArray()).forEach(o -> {
        JsonObject s = (JsonObject) o;
        if (!"READY".equals(s.getString("state"))) {
          waiting.add(s.getString("name") + " " + s.getString("state"));
        }
      });
      reason[0] = "did not open within " + timeout.toSeconds() + " s; still waiting for: "
          + (waiting.isEmpty() ? "the session to be reported ready" : String.join(", ", waiting));
      Instant now = Instant.now();
      SessionFold.transition(d, SessionState.FAILED, now, reason[0]);
      SessionFold.record(d, new JsonObject().put("type", "SessionFailed").put("sessionId", id)
          .put("time", now.toString()).put("reason", reason[0]));
      return true;
    }).compose(found -> {
      if (found.isEmpty() || reason[0] == null) {
        return Future.succeededFuture();
      }
      announce(found.get(), before.get());
      LOG.atWarn().addKeyValue("session", id).log("session failed: {}", reason[0]);
      return store.releaseProject(id)
          .compose(v -> publisher.publish(Topics.SESSION_COMMANDS, SessionCloseRequested.of(id, "open timed out")));
    });
  }

  /** Folds an LSS event into its session; idempotent. */
  public Future<Void> onEvent(SessionEvent event) {
    AtomicInteger before = new AtomicInteger();
    return store.update(event.sessionId(), doc -> {
      before.set(doc.getInteger("seq", 0));
      return SessionFold.apply(doc, event);
    }).compose(found -> {
      if (found.isEmpty()) {
        LOG.atWarn().addKeyValue("session", event.sessionId()).log("{} for an unknown session ignored",
            event.type());
        return Future.succeededFuture();
      }
      JsonObject doc = found.get();
      announce(doc, before.get());
      if (SessionState.valueOf(doc.getString("state")).isTerminal()) {
        return store.releaseProject(event.sessionId());
      }
      return Future.succeededFuture();
    });
  }

  /** Publishes the progress entries stored after {@code afterSeq} to live SSE streams. */
  private void announce(JsonObject doc, int afterSeq) {
    progress.announce(doc, afterSeq);
  }

  /** What clients see of a session. */
  public static JsonObject view(JsonObject doc) {
    JsonObject view = new JsonObject()
        .put("id", doc.getString("_id"))
        .put("project", doc.getString("project"))
        .put("type", doc.getString("type"))
        .put("owner", doc.getString("ownerName"))
        .put("state", doc.getString("state"))
        .put("services", doc.getJsonArray("services", new JsonArray()).copy())
        .put("created", doc.getString("created"));
    if (doc.containsKey("lastActivityAt")) {
      view.put("lastActivityAt", doc.getString("lastActivityAt"));
    }
    for (SessionState s : SessionState.values()) {
      String key = s.name().toLowerCase() + "At";
      if (doc.containsKey(key)) {
        view.put(key, doc.getString(key));
      }
    }
    if (doc.containsKey("reason")) {
      view.put("reason", doc.getString("reason"));
    }
    return view;
  }

  /** Decodes and folds one record of the session-events topic. */
  public Future<Void> onRecord(String value) {
    SessionEvent event;
    try {
      event = EventCodec.decodeEvent(new JsonObject(value));
    } catch (RuntimeException e) {
      return Future.failedFuture(new IllegalArgumentException("undecodable session event: " + e.getMessage()));
    }
    return onEvent(event);
  }
}
