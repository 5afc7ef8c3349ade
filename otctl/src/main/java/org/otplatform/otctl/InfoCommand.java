package org.otplatform.otctl;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.ParentCommand;

@Command(mixinStandardHelpOptions = true, name = "info", description = "The platform's version, its services' addresses and its session types.")
final class InfoCommand implements Callable<Integer> {
  @ParentCommand Otctl root;

  @Override
  public Integer call() {
    Platform platform = root.platform();
    JsonObject info = platform.get(platform.gss("/api/v1/info"));
    Output out = root.output();
    if (out.structured()) {
      out.json(info);
      return Exit.OK;
    }
    out.fields(info, "version", "authUrl", "relayUrl", "loggerUrl", "defaultSessionType");
    List<List<String>> rows = new ArrayList<>();
    JsonArray types = info.getJsonArray("sessionTypes", new JsonArray());
    for (int i = 0; i < types.size(); i++) {
      JsonObject t = types.getJsonObject(i);
      rows.add(List.of(t.getString("name", ""), Output.text(t.getValue("services")),
          Output.text(t.getValue("maxOpenPerProject")), t.getString("pool", ""), profiles(t)));
    }
    System.out.println();
    out.table(List.of("TYPE", "SERVICES", "MAX OPEN PER PROJECT", "POOL", "PROFILES"), rows);
    return Exit.OK;
  }

  /**
   * A type's profiles, the default marked {@code *}, a group-limited one with its groups and one of
   * another pool than the type's with it: {@code cpu*,gpu(gpu-users)@gpu-nodes}.
   */
  static String profiles(JsonObject type) {
    List<String> names = new ArrayList<>();
    JsonArray profiles = type.getJsonArray("profiles", new JsonArray());
    for (int i = 0; i < profiles.size(); i++) {
      JsonObject p = profiles.getJsonObject(i);
      String name = p.getString("name", "?");
      JsonArray groups = p.getJsonArray("groups", new JsonArray());
      names.add(name + (name.equals(type.getString("defaultProfile")) ? "*" : "")
          + (groups.isEmpty() ? "" : "(" + String.join(",", groups.stream().map(String::valueOf).toList()) + ")")
          + (p.getString("pool", type.getString("pool", "")).equals(type.getString("pool", "")) ? ""
              : "@" + p.getString("pool")));
    }
    return names.isEmpty() ? "-" : String.join(",", names);
  }
}
