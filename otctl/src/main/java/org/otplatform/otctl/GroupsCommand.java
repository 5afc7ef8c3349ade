package org.otplatform.otctl;

import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

@Command(mixinStandardHelpOptions = true, name = "groups",
    description = "Groups of users, to give a project's role to all of them at once (otctl projects grant --group).",
    subcommands = {GroupsCommand.ListGroups.class, GroupsCommand.Get.class, GroupsCommand.Create.class,
        GroupsCommand.Rename.class, GroupsCommand.Delete.class, GroupsCommand.Add.class, GroupsCommand.Remove.class},
    footerHeading = "%nExamples:%n",
    footer = {"  otctl groups create analysts",
        "  otctl groups add analysts bob carol",
        "  otctl projects grant terrain --group analysts --role viewer"})
final class GroupsCommand {
  @ParentCommand Otctl root;

  static String path(String name) {
    return "/api/v1/groups/" + Platform.encoded(name);
  }

  /** Adds {@code users} to group {@code name} (PUT of each membership), or removes them (DELETE). */
  private static int members(GroupsCommand parent, String name, List<String> users, boolean add) {
    Platform platform = parent.root.platform();
    for (String user : users) {
      platform.call(add ? "PUT" : "DELETE", platform.auth(path(name) + "/members/" + Platform.encoded(user)), null);
    }
    parent.root.printed(new JsonObject().put("group", name).put(add ? "added" : "removed", users),
        String.join(", ", users) + (users.size() == 1 ? " is" : " are") + (add ? " in group " : " no longer in group ")
            + name, name);
    return Exit.OK;
  }

  @Command(mixinStandardHelpOptions = true, name = "list", description = "Your groups (an admin sees all).")
  static final class ListGroups implements Callable<Integer> {
    @ParentCommand GroupsCommand parent;

    @Override
    public Integer call() {
      Platform platform = parent.root.platform();
      parent.root.output().listed(platform.get(platform.auth("/api/v1/groups")), "groups",
          List.of("NAME", "CREATED", "ID"), "name", "created", "id");
      return Exit.OK;
    }
  }

  @Command(mixinStandardHelpOptions = true, name = "get", description = "A group and its members (members and admins).")
  static final class Get implements Callable<Integer> {
    @ParentCommand GroupsCommand parent;
    @Parameters(paramLabel = "NAME") String name;

    @Override
    public Integer call() {
      Platform platform = parent.root.platform();
      JsonObject group = platform.get(platform.auth(path(name)));
      Output out = parent.root.output();
      if (out.structured()) {
        out.json(group);
      } else {
        out.fields(group, "name", "id", "created", "members");
      }
      return Exit.OK;
    }
  }

  @Command(mixinStandardHelpOptions = true, name = "create", description = "Create a group; you own it and are its first member.")
  static final class Create implements Callable<Integer> {
    @ParentCommand GroupsCommand parent;
    @Parameters(paramLabel = "NAME") String name;

    @Override
    public Integer call() {
      Platform platform = parent.root.platform();
      JsonObject group = platform.post(platform.auth("/api/v1/groups"), new JsonObject().put("name", name));
      parent.root.printed(group, "group " + group.getString("name") + " created", group.getString("name"));
      return Exit.OK;
    }
  }

  @Command(mixinStandardHelpOptions = true, name = "rename", description = "Rename a group (owner or admin); its members and grants stay.")
  static final class Rename implements Callable<Integer> {
    @ParentCommand GroupsCommand parent;
    @Parameters(index = "0", paramLabel = "NAME") String name;
    @Parameters(index = "1", paramLabel = "NEW-NAME") String newName;

    @Override
    public Integer call() {
      Platform platform = parent.root.platform();
      JsonObject group = platform.call("PATCH", platform.auth(path(name)), new JsonObject().put("name", newName));
      parent.root.printed(group, "group " + name + " is now " + group.getString("name"), group.getString("name"));
      return Exit.OK;
    }
  }

  @Command(mixinStandardHelpOptions = true, name = "delete", description = "Delete a group and its grants on projects (owner or admin).")
  static final class Delete implements Callable<Integer> {
    @ParentCommand GroupsCommand parent;
    @Parameters(paramLabel = "NAME") String name;

    @Override
    public Integer call() {
      Platform platform = parent.root.platform();
      platform.delete(platform.auth(path(name)));
      parent.root.printed(new JsonObject().put("deleted", name), "group " + name + " deleted", name);
      return Exit.OK;
    }
  }

  @Command(mixinStandardHelpOptions = true, name = "add", description = "Add users to a group (owner or admin).")
  static final class Add implements Callable<Integer> {
    @ParentCommand GroupsCommand parent;
    @Parameters(index = "0", paramLabel = "NAME") String name;
    @Parameters(index = "1..*", arity = "1..*", paramLabel = "USER") List<String> users;

    @Override
    public Integer call() {
      return members(parent, name, users, true);
    }
  }

  @Command(mixinStandardHelpOptions = true, name = "remove", description = "Take users out of a group (owner or admin).")
  static final class Remove implements Callable<Integer> {
    @ParentCommand GroupsCommand parent;
    @Parameters(index = "0", paramLabel = "NAME") String name;
    @Parameters(index = "1..*", arity = "1..*", paramLabel = "USER") List<String> users;

    @Override
    public Integer call() {
      return members(parent, name, users, false);
    }
  }
}
