package org.otplatform.gss.session;

import io.vertx.core.json.JsonObject;

/**
 * One compute service of a session: its state, the LSS running it, and — when ready — its
 * endpoint (host:port); the exit code and reason of its last failure; how often it was restarted.
 */
public record ServiceStatus(String name, ServiceState state, String lss, String endpoint, Integer exitCode,
    String reason, Integer restarts) {

  public static ServiceStatus pending(String name) {
    return new ServiceStatus(name, ServiceState.PENDING, null, null, null, null, null);
  }

  public ServiceStatus starting(String onLss) {
    return new ServiceStatus(name, ServiceState.STARTING, onLss, endpoint, exitCode, reason, restarts);
  }

  public ServiceStatus ready(String at) {
    return new ServiceStatus(name, ServiceState.READY, lss, at, exitCode, reason, restarts);
  }

  public ServiceStatus failed(Integer code, String why) {
    return new ServiceStatus(name, ServiceState.FAILED, lss, endpoint, code, why, restarts);
  }

  public ServiceStatus restarting(int attempt) {
    return new ServiceStatus(name, ServiceState.RESTARTING, lss, null, exitCode, reason, attempt);
  }

  public ServiceStatus in(ServiceState to) {
    return new ServiceStatus(name, to, lss, endpoint, exitCode, reason, restarts);
  }

  public JsonObject toJson() {
    JsonObject json = new JsonObject().put("name", name).put("state", state.name());
    putIfSet(json, "lss", lss);
    putIfSet(json, "endpoint", endpoint);
    putIfSet(json, "exitCode", exitCode);
    putIfSet(json, "reason", reason);
    putIfSet(json, "restarts", restarts);
    return json;
  }

  public static ServiceStatus fromJson(JsonObject json) {
    return new ServiceStatus(json.getString("name"), ServiceState.valueOf(json.getString("state", "PENDING")),
        json.getString("lss"), json.getString("endpoint"), json.getInteger("exitCode"), json.getString("reason"),
        json.getInteger("restarts"));
  }

  private static void putIfSet(JsonObject json, String key, Object value) {
    if (value != null) {
      json.put(key, value);
    }
  }
}
