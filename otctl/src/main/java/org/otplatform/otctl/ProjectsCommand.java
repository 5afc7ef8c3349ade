package org.otplatform.otctl;

import io.vertx.core.json.JsonObject;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

@Command(mixinStandardHelpOptions = true, name = "projects",
    description = "List, create, rename and delete projects; give users and groups roles on them.",
    subcommands = {ProjectsCommand.ListProjects.class, ProjectsCommand.Create.class, ProjectsCommand.Rename.class,
        ProjectsCommand.Delete.class, ProjectsCommand.Grant.class, ProjectsCommand.Revoke.class})
final class ProjectsCommand {
  @ParentCommand Otctl root;

  static String path(String name) {
    return "/api/v1/projects/" + URLEncoder.encode(name, StandardCharsets.UTF_8).replace("+", "%20");
  }

  /** A user or a group, exactly one. */
  static final class Grantee {
    @Option(names = "--user", paramLabel = "USER", required = true) String user;
    @Option(names = "--group", paramLabel = "GROUP", required = true) String group;

    String kind() {
      return user != null ? "user" : "group";
    }

    String name() {
      return user != null ? user : group;
    }
  }

  @Command(mixinStandardHelpOptions = true, name = "list", description = "The projects you may open, with your role.")
  static final class ListProjects implements Callable<Integer> {
    @ParentCommand ProjectsCommand parent;

    @Override
    public Integer call() {
      Platform platform = parent.root.platform();
      parent.root.output().listed(platform.get(platform.auth("/api/v1/projects")), "projects",
          List.of("NAME", "ROLE", "OWNER", "ID"), "name", "role", "owner", "id");
      return Exit.OK;
    }
  }

  @Command(mixinStandardHelpOptions = true, name = "create", description = "Create a project you own.",
      footerHeading = "%nExamples:%n", footer = "  otctl projects create terrain")
  static final class Create implements Callable<Integer> {
    @ParentCommand ProjectsCommand parent;
    @Parameters(paramLabel = "NAME") String name;

    @Override
    public Integer call() {
      Platform platform = parent.root.platform();
      JsonObject project = platform.post(platform.auth("/api/v1/projects"), new JsonObject().put("name", name));
      parent.root.printed(project, "project " + project.getString("name") + " created (id " + project.getString("id")
          + ")", project.getString("id"));
      return Exit.OK;
    }
  }

  @Command(mixinStandardHelpOptions = true, name = "rename", description = "Rename a project (owner); its sessions and grants stay.")
  static final class Rename implements Callable<Integer> {
    @ParentCommand ProjectsCommand parent;
    @Parameters(index = "0", paramLabel = "NAME") String name;
    @Parameters(index = "1", paramLabel = "NEW-NAME") String newName;

    @Override
    public Integer call() {
      Platform platform = parent.root.platform();
      JsonObject project = platform.call("PATCH", platform.auth(path(name)), new JsonObject().put("name", newName));
      parent.root.printed(project, "project " + name + " is now " + project.getString("name"), project.getString("id"));
      return Exit.OK;
    }
  }

  @Command(mixinStandardHelpOptions = true, name = "delete",
      description = "Delete a project (owner); its open sessions are closed. The volumes its sessions kept "
          + "(session types with storage) stay unless --delete-storage.")
  static final class Delete implements Callable<Integer> {
    @ParentCommand ProjectsCommand parent;
    @Parameters(paramLabel = "NAME") String name;
    @Option(names = "--delete-storage", description = "remove the project's volumes too")
    boolean deleteStorage;

    @Override
    public Integer call() {
      Platform platform = parent.root.platform();
      platform.delete(platform.auth(path(name) + "?storage=" + (deleteStorage ? "delete" : "keep")));
      parent.root.printed(new JsonObject().put("deleted", name).put("storage", deleteStorage ? "deleted" : "kept"),
          "project " + name + " deleted" + (deleteStorage ? " with its storage" : ""), name);
      return Exit.OK;
    }
  }

  @Command(mixinStandardHelpOptions = true, name = "grant",
      description = "Give a user or a group a role on a project (owner): viewer watches, editor acts, owner also shares.",
      footerHeading = "%nExamples:%n",
      footer = {"  otctl projects grant terrain --user bob --role editor",
          "  otctl projects grant terrain --group analysts --role viewer"})
  static final class Grant implements Callable<Integer> {
    @ParentCommand ProjectsCommand parent;
    @Parameters(paramLabel = "NAME") String name;
    @ArgGroup(exclusive = true, multiplicity = "1") Grantee grantee;
    @Option(names = "--role", required = true, paramLabel = "ROLE", description = "viewer, editor or owner")
    String role;

    @Override
    public Integer call() {
      Platform platform = parent.root.platform();
      JsonObject grant = platform.call("PUT", platform.auth(path(name) + "/grants"),
          new JsonObject().put(grantee.kind(), grantee.name()).put("role", role));
      parent.root.printed(grant, grantee.kind() + " " + grantee.name() + " is " + grant.getString("role", role)
          + " on " + name, grantee.name());
      return Exit.OK;
    }
  }

  @Command(mixinStandardHelpOptions = true, name = "revoke", description = "Take a user's or a group's role on a project away (owner).")
  static final class Revoke implements Callable<Integer> {
    @ParentCommand ProjectsCommand parent;
    @Parameters(paramLabel = "NAME") String name;
    @ArgGroup(exclusive = true, multiplicity = "1") Grantee grantee;

    @Override
    public Integer call() {
      Platform platform = parent.root.platform();
      platform.delete(platform.auth(path(name) + "/grants/" + grantee.kind() + "/"
          + URLEncoder.encode(grantee.name(), StandardCharsets.UTF_8).replace("+", "%20")));
      parent.root.printed(new JsonObject().put("revoked", grantee.name()), grantee.kind() + " " + grantee.name()
          + " has no role on " + name + " any more", grantee.name());
      return Exit.OK;
    }
  }
}
