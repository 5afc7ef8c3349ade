package org.otplatform.compute.echo;

import io.vertx.core.json.JsonObject;
import org.otplatform.compute.sdk.Action;
import org.otplatform.compute.sdk.ActionException;
import org.otplatform.compute.sdk.ComputeService;

/** A minimal compute service: echoes payloads and sends pushes. For tests, demos and benchmarks. */
public final class EchoService {
  private EchoService() {}

  public static ComputeService create(java.util.Map<String, String> env) {
    return ComputeService.create("echo", env)
        .action(new Action("echo", "returns the payload unchanged",
            new JsonObject().put("*", "any JSON"), (payload, ctx) -> payload))
        .action(new Action("push", "sends 'count' pushes named 'tick' to every front end of the session",
            new JsonObject().put("count", "integer 1..1000"), (payload, ctx) -> {
              int count = payload.getInteger("count", 1);
              if (count < 1 || count > 1000) {
                throw ActionException.badPayload("'count' must be between 1 and 1000");
              }
              for (int i = 0; i < count; i++) {
                ctx.push("tick", new JsonObject().put("n", i));
              }
              return new JsonObject().put("sent", count);
            }));
  }

  public static void main(String[] args) {
    create(System.getenv()).run();
  }
}
