package org.otplatform.otctl;

import io.vertx.core.json.JsonObject;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.ParentCommand;

@Command(mixinStandardHelpOptions = true, name = "logout", description = {
    "Revoke the context's tokens at AUTH and forget them here.",
    "The context's addresses and user stay, for the next login. The tokens are forgotten also when AUTH "
        + "cannot be reached, and otctl says so."})
final class LogoutCommand implements java.util.concurrent.Callable<Integer> {
  @ParentCommand Otctl root;

  @Override
  public Integer call() {
    Contexts contexts = root.contexts();
    String name = root.contextName();
    JsonObject context = contexts.require(name);
    if (!context.containsKey("accessToken")) {
      root.note("not logged in (context '" + name + "')");
      return Exit.OK;
    }
    Exit.Failure failed = null;
    try {
      Platform platform = new Platform(contexts, name);
      platform.post(platform.auth("/api/v1/logout"), null);
    } catch (Exit.Failure f) {
      failed = f;
    }
    context.remove("accessToken");
    context.remove("refreshToken");
    context.remove("expiresAt");
    contexts.put(name, context);
    contexts.save();
    if (failed != null && failed.code() != Exit.AUTH) {
      throw new Exit.Failure(failed.code(), "the tokens were forgotten here, but AUTH was not told: "
          + failed.getMessage());
    }
    root.note("logged out (context '" + name + "')");
    return Exit.OK;
  }
}
