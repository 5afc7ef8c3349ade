package org.otplatform.otctl;

import io.vertx.core.json.JsonObject;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.ParentCommand;

@Command(mixinStandardHelpOptions = true, name = "whoami", description = "The logged-in user as AUTH knows them (name, roles, groups).")
final class WhoamiCommand implements Callable<Integer> {
  @ParentCommand Otctl root;

  @Override
  public Integer call() {
    Platform platform = root.platform();
    JsonObject me = platform.get(platform.auth("/api/v1/me"));
    Output out = root.output();
    if (out.structured()) {
      out.json(me);
    } else {
      out.fields(me.copy().put("context", root.contextName()).put("server", platform.context().getString("server")),
          "username", "roles", "groups", "context", "server");
    }
    return Exit.OK;
  }
}
