package org.otplatform.otctl;

import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

@Command(mixinStandardHelpOptions = true, name = "contexts", description = "The saved contexts (platforms), or with a NAME: make it the current one.")
final class ContextsCommand implements Callable<Integer> {
  @ParentCommand Otctl root;

  @Parameters(arity = "0..1", paramLabel = "NAME", description = "The context to make current.")
  String use;

  @Override
  public Integer call() {
    Contexts contexts = root.contexts();
    if (use != null) {
      contexts.get(use).orElseThrow(() -> new Exit.Failure(Exit.NOT_FOUND, "no context '" + use + "' in "
          + contexts.file()));
      contexts.setCurrent(use);
      contexts.save();
      root.note("current context: " + use);
      return Exit.OK;
    }
    Output out = root.output();
    JsonObject all = contexts.all();
    if (out.structured()) {
      JsonObject shown = new JsonObject();
      all.forEach(e -> shown.put(e.getKey(), new JsonObject().put("server", ((JsonObject) e.getValue()).getString("server"))
          .put("username", ((JsonObject) e.getValue()).getString("username"))
          .put("loggedIn", ((JsonObject) e.getValue()).containsKey("accessToken"))));
      out.json(new JsonObject().put("current", contexts.current()).put("contexts", shown));
      return Exit.OK;
    }
    List<List<String>> rows = new ArrayList<>();
    all.forEach(e -> {
      JsonObject c = (JsonObject) e.getValue();
      rows.add(List.of(e.getKey().equals(contexts.current()) ? "*" : "", e.getKey(), c.getString("server", ""),
          c.getString("username", ""), c.containsKey("accessToken") ? "yes" : "no"));
    });
    out.table(List.of("CURRENT", "NAME", "SERVER", "USER", "LOGGED IN"), rows);
    return Exit.OK;
  }
}
