package org.otplatform.common.events;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/** Progress of a session on {@link Topics#SESSION_EVENTS}, folded into the session by the GSS. */
public sealed interface SessionEvent extends PlatformEvent {

  /** The session the event is about; also the Kafka key. */
  String sessionId();

  @Override
  default String key() {
    return sessionId();
  }

  private static String newId() {
    return UUID.randomUUID().toString();
  }

  /** An LSS has taken the session and is starting one of its compute services. */
  record ServiceStarting(String id, Instant time, String sessionId, String service, String lss)
      implements SessionEvent {
    public static ServiceStarting of(String sessionId, String service, String lss) {
      return new ServiceStarting(newId(), Instant.now(), sessionId, service, lss);
    }

    @Override
    public JsonObject fields() {
      return new JsonObject().put("service", service).put("lss", lss);
    }
  }

  /** A compute service answers its readiness probe at {@code endpoint} (host:port). */
  record ServiceReady(String id, Instant time, String sessionId, String service, String endpoint)
      implements SessionEvent {
    public static ServiceReady of(String sessionId, String service, String endpoint) {
      return new ServiceReady(newId(), Instant.now(), sessionId, service, endpoint);
    }

    @Override
    public JsonObject fields() {
      return new JsonObject().put("service", service).put("endpoint", endpoint);
    }
  }

  /** A compute service could not start or died; {@code exitCode} is null when it never ran. */
  record ServiceFailed(String id, Instant time, String sessionId, String service, Integer exitCode, String reason)
      implements SessionEvent {
    public static ServiceFailed of(String sessionId, String service, Integer exitCode, String reason) {
      return new ServiceFailed(newId(), Instant.now(), sessionId, service, exitCode, reason);
    }

    @Override
    public JsonObject fields() {
      return new JsonObject().put("service", service).put("exitCode", exitCode).put("reason", reason);
    }
  }

  /**
   * A compute service died after it was ready and is started again in {@code delayMillis}: restart
   * {@code attempt} of at most {@code restartLimit}. The session stays usable; its new endpoint
   * follows in a {@link ServiceReady}.
   */
  record ServiceRestarting(String id, Instant time, String sessionId, String service, int attempt,
      int restartLimit, long delayMillis) implements SessionEvent {
    public static ServiceRestarting of(String sessionId, String service, int attempt, int restartLimit,
        long delayMillis) {
      return new ServiceRestarting(newId(), Instant.now(), sessionId, service, attempt, restartLimit, delayMillis);
    }

    @Override
    public JsonObject fields() {
      return new JsonObject().put("service", service).put("attempt", attempt).put("restartLimit", restartLimit)
          .put("delayMillis", delayMillis);
    }
  }

  /**
   * What the cluster says about a compute service that is starting — a Kubernetes event of its pod
   * ({@code FailedScheduling}, {@code TriggeredScaleUp}, {@code Pulling}, {@code BackOff}, …), so a
   * user sees why the start takes long. Rate-limited by the LSS; it changes no state.
   */
  record ServiceProgress(String id, Instant time, String sessionId, String service, String reason, String message)
      implements SessionEvent {
    public static ServiceProgress of(String sessionId, String service, String reason, String message) {
      return new ServiceProgress(newId(), Instant.now(), sessionId, service, reason, message);
    }

    @Override
    public JsonObject fields() {
      return new JsonObject().put("service", service).put("reason", reason).put("message", message);
    }
  }

  /** Every compute service of the session is ready. */
  record SessionReady(String id, Instant time, String sessionId, List<ServiceEndpoint> services)
      implements SessionEvent {
    public static SessionReady of(String sessionId, List<ServiceEndpoint> services) {
      return new SessionReady(newId(), Instant.now(), sessionId, List.copyOf(services));
    }

    @Override
    public JsonObject fields() {
      JsonArray array = new JsonArray();
      services.forEach(s -> array.add(new JsonObject().put("name", s.name()).put("endpoint", s.endpoint())));
      return new JsonObject().put("services", array);
    }
  }

  /** The session could not be opened; nothing of it is left running. */
  record SessionFailed(String id, Instant time, String sessionId, String reason) implements SessionEvent {
    public static SessionFailed of(String sessionId, String reason) {
      return new SessionFailed(newId(), Instant.now(), sessionId, reason);
    }

    @Override
    public JsonObject fields() {
      return new JsonObject().put("reason", reason);
    }
  }

  /** The session's compute services are gone. */
  record SessionClosed(String id, Instant time, String sessionId, String reason) implements SessionEvent {
    public static SessionClosed of(String sessionId, String reason) {
      return new SessionClosed(newId(), Instant.now(), sessionId, reason);
    }

    @Override
    public JsonObject fields() {
      return new JsonObject().put("reason", reason);
    }
  }

  /** A front end used the session (sent a message through the relay); throttled, for idle culling. */
  record SessionActivity(String id, Instant time, String sessionId, String user) implements SessionEvent {
    public static SessionActivity of(String sessionId, String user) {
      return new SessionActivity(newId(), Instant.now(), sessionId, user);
    }

    @Override
    public JsonObject fields() {
      return new JsonObject().put("user", user);
    }
  }

  /** Name and network endpoint (host:port) of a running compute service. */
  record ServiceEndpoint(String name, String endpoint) {}
}
