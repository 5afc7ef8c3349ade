package org.otplatform.otctl;

import io.vertx.core.json.JsonObject;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.ParentCommand;

@Command(mixinStandardHelpOptions = true, name = "keys",
    description = "For administrators: AUTH's token signing keys.",
    subcommands = KeysCommand.Rotate.class)
final class KeysCommand {
  @ParentCommand AdminCommand parent;

  @Command(mixinStandardHelpOptions = true, name = "rotate",
      description = "AUTH signs new tokens with a new key; tokens signed with the earlier keys stay valid until they expire.")
  static final class Rotate implements Callable<Integer> {
    @ParentCommand KeysCommand parent;

    @Override
    public Integer call() {
      Otctl root = parent.parent.root;
      Platform platform = root.platform();
      JsonObject key = platform.post(platform.auth("/api/v1/admin/keys/rotate"), new JsonObject());
      root.printed(key, "tokens are now signed with key " + key.getString("kid"), key.getString("kid"));
      return Exit.OK;
    }
  }
}
