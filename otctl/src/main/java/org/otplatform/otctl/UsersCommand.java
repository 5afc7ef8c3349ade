package org.otplatform.otctl;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

@Command(mixinStandardHelpOptions = true, name = "users",
    description = "For administrators: the platform's users — create, disable, enable, delete, set a password.",
    subcommands = {UsersCommand.ListUsers.class, UsersCommand.Get.class, UsersCommand.Create.class,
        UsersCommand.Disable.class, UsersCommand.Enable.class, UsersCommand.SetPassword.class, UsersCommand.Delete.class},
    footerHeading = "%nExamples:%n",
    footer = {"  echo \"$PASSWORD\" | otctl admin users create carol --password-stdin",
        "  otctl admin users disable carol", "  otctl admin users list -o json"})
final class UsersCommand {
  private static final int PAGE = 200;
  @ParentCommand AdminCommand parent;

  Otctl root() {
    return parent.root;
  }

  static String path(String username) {
    return "/api/v1/users/" + Platform.encoded(username);
  }

  @Command(mixinStandardHelpOptions = true, name = "list", description = "Every user in name order (all pages).")
  static final class ListUsers implements Callable<Integer> {
    @ParentCommand UsersCommand parent;

    @Override
    public Integer call() {
      Platform platform = parent.root().platform();
      JsonArray all = new JsonArray();
      String after = null;
      do {
        JsonObject page = platform.get(platform.auth("/api/v1/users?limit=" + PAGE
            + (after == null ? "" : "&after=" + Platform.encoded(after))));
        all.addAll(page.getJsonArray("users", new JsonArray()));
        after = page.getString("next");
      } while (after != null);
      parent.root().output().listed(new JsonObject().put("users", all), "users",
          List.of("USERNAME", "ROLES", "DISABLED", "CREATED", "ID"), "username", "roles", "disabled", "created", "id");
      return Exit.OK;
    }
  }

  @Command(mixinStandardHelpOptions = true, name = "get", description = "A user and the groups they are in.")
  static final class Get implements Callable<Integer> {
    @ParentCommand UsersCommand parent;
    @Parameters(paramLabel = "USER") String username;

    @Override
    public Integer call() {
      Platform platform = parent.root().platform();
      JsonObject user = platform.get(platform.auth(path(username)));
      JsonArray groups = platform.get(platform.auth(path(username) + "/groups")).getJsonArray("groups", new JsonArray());
      user.put("groups", new JsonArray(groups.stream().map(g -> ((JsonObject) g).getString("name")).toList()));
      Output out = parent.root().output();
      if (out.structured()) {
        out.json(user);
      } else {
        out.fields(user, "username", "id", "roles", "disabled", "created", "groups");
      }
      return Exit.OK;
    }
  }

  @Command(mixinStandardHelpOptions = true, name = "create",
      description = "Create a user; the password is asked for without echo, or read from stdin.")
  static final class Create implements Callable<Integer> {
    @ParentCommand UsersCommand parent;
    @Parameters(paramLabel = "USER") String username;
    @Option(names = "--admin", description = "An administrator (role admin besides user).") boolean admin;
    @Option(names = "--password-stdin", description = "Read the password from the first line of stdin.") boolean passwordStdin;

    @Override
    public Integer call() {
      Platform platform = parent.root().platform();
      String password = Passwords.read(passwordStdin, "Password for the new user " + username + ": ");
      JsonArray roles = new JsonArray().add("user");
      if (admin) {
        roles.add("admin");
      }
      JsonObject user = platform.post(platform.auth("/api/v1/users"),
          new JsonObject().put("username", username).put("password", password).put("roles", roles));
      parent.root().printed(user, "user " + user.getString("username") + " created" + (admin ? " (admin)" : ""),
          user.getString("id"));
      return Exit.OK;
    }
  }

  @Command(mixinStandardHelpOptions = true, name = "disable",
      description = "The user can no longer log in; their refresh tokens are revoked and their sessions closed.")
  static final class Disable implements Callable<Integer> {
    @ParentCommand UsersCommand parent;
    @Parameters(paramLabel = "USER") String username;

    @Override
    public Integer call() {
      return disabled(parent, username, true);
    }
  }

  @Command(mixinStandardHelpOptions = true, name = "enable", description = "A disabled user may log in again.")
  static final class Enable implements Callable<Integer> {
    @ParentCommand UsersCommand parent;
    @Parameters(paramLabel = "USER") String username;

    @Override
    public Integer call() {
      return disabled(parent, username, false);
    }
  }

  private static int disabled(UsersCommand parent, String username, boolean disabled) {
    Platform platform = parent.root().platform();
    JsonObject user = platform.call("PATCH", platform.auth(path(username)), new JsonObject().put("disabled", disabled));
    parent.root().printed(user, "user " + username + (disabled ? " is disabled" : " may log in again"), username);
    return Exit.OK;
  }

  @Command(mixinStandardHelpOptions = true, name = "set-password",
      description = "Set a user's password; their refresh tokens are revoked (they log in again).")
  static final class SetPassword implements Callable<Integer> {
    @ParentCommand UsersCommand parent;
    @Parameters(paramLabel = "USER") String username;
    @Option(names = "--password-stdin", description = "Read the password from the first line of stdin.") boolean passwordStdin;

    @Override
    public Integer call() {
      Platform platform = parent.root().platform();
      String password = Passwords.read(passwordStdin, "New password for " + username + ": ");
      platform.post(platform.auth(path(username) + "/password"), new JsonObject().put("password", password));
      parent.root().printed(new JsonObject().put("username", username), "the password of " + username + " is set", username);
      return Exit.OK;
    }
  }

  @Command(mixinStandardHelpOptions = true, name = "delete",
      description = "Delete a user with their refresh tokens, memberships and grants.")
  static final class Delete implements Callable<Integer> {
    @ParentCommand UsersCommand parent;
    @Parameters(paramLabel = "USER") String username;

    @Override
    public Integer call() {
      Platform platform = parent.root().platform();
      platform.delete(platform.auth(path(username)));
      parent.root().printed(new JsonObject().put("deleted", username), "user " + username + " deleted", username);
      return Exit.OK;
    }
  }
}
