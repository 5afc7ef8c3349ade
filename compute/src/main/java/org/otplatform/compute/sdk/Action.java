package org.otplatform.compute.sdk;

import io.vertx.core.json.JsonObject;

/**
 * One action a compute service offers to front ends.
 *
 * @param name what the front end puts in {@code action}
 * @param description one line for {@code describe}
 * @param payload a short description of the payload's fields, returned by {@code describe}
 * @param handler computes the result; runs on a worker thread, so it may block or compute long
 */
public record Action(String name, String description, JsonObject payload, Handler handler) {

  /** Computes an action's result from its payload. */
  @FunctionalInterface
  public interface Handler {
    /**
     * @throws ActionException for a client error (bad payload), reported with its message
     * @throws Exception for anything else, reported as an internal error
     */
    JsonObject handle(JsonObject payload, ServiceContext context) throws Exception;
  }
}
