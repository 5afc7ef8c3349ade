package org.otplatform.otctl;

import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

@Command(mixinStandardHelpOptions = true, name = "login", description = {
    "Log in to a platform and save it as a context.",
    "Finds AUTH, the relay and the logger through the GSS's /api/v1/info, asks for the password without "
        + "echo (or reads it from stdin), keeps the tokens (refreshed when they expire) and makes the "
        + "context the current one."},
    footerHeading = "%nExamples:%n",
    footer = {"  otctl login --server http://127.0.0.1:8091 --username admin",
        "  echo \"$PASSWORD\" | otctl login --server https://ot.example.org --username ci --password-stdin --context prod"})
final class LoginCommand implements Callable<Integer> {
  @ParentCommand Otctl root;

  @Option(names = "--server", paramLabel = "URL",
      description = "The GSS (the platform's entry point); default: the context's, else http://127.0.0.1:8091.")
  String server;

  @Option(names = {"-u", "--username"}, paramLabel = "NAME", description = "Default: the context's user.")
  String username;

  @Option(names = "--ca", paramLabel = "FILE",
      description = "The platform CA's certificate (PEM) to trust for https:// (kept in the context); "
          + "default: the context's, else the JVM's trusted CAs.")
  Path ca;

  @Option(names = "--password-stdin", description = "Read the password from the first line of stdin (for scripts).")
  boolean passwordStdin;

  @Override
  public Integer call() {
    Contexts contexts = root.contexts();
    String name = root.contextName();
    JsonObject context = contexts.get(name).map(JsonObject::copy).orElseGet(JsonObject::new);
    String gss = Platform.strip(server != null ? server : context.getString("server", "http://127.0.0.1:8091"));
    URI base;
    try {
      base = URI.create(gss);
    } catch (IllegalArgumentException e) {
      throw new Exit.Failure(Exit.USAGE, "--server: not a URL: " + gss);
    }
    if (base.getScheme() == null || !base.getScheme().matches("https?") || base.getHost() == null) {
      throw new Exit.Failure(Exit.USAGE, "--server: an http:// or https:// URL is needed, got " + gss);
    }
    String user = username != null ? username : context.getString("username");
    if (user == null || user.isBlank()) {
      throw new Exit.Failure(Exit.USAGE, "--username is needed (the context has no user yet)");
    }
    String trusted = ca != null ? ca.toAbsolutePath().normalize().toString() : context.getString("ca");
    HttpClient http = Platform.client(trusted == null ? null : Path.of(trusted));
    JsonObject info = Platform.unauthenticated(http, "GET", URI.create(gss + "/api/v1/info"), null);
    String auth = info.getString("authUrl");
    if (auth == null || auth.isBlank()) {
      throw new Exit.Failure(Exit.UNAVAILABLE, gss + "/api/v1/info names no AUTH (authUrl)");
    }
    auth = Platform.strip(absolute(base, auth));
    String password = Passwords.read(passwordStdin, "Password for " + user + " at " + gss + ": ");
    JsonObject tokens = Platform.unauthenticated(http, "POST", URI.create(auth + "/api/v1/login"),
        new JsonObject().put("username", user).put("password", password));
    context.put("server", gss).put("auth", auth).put("username", user);
    if (trusted != null) {
      context.put("ca", trusted);
    }
    putUrl(context, "relay", base, info.getString("relayUrl"));
    putUrl(context, "logger", base, info.getString("loggerUrl"));
    Platform.store(context, tokens);
    contexts.put(name, context);
    contexts.setCurrent(name);
    contexts.save();
    root.note("logged in to " + gss + " as " + user + " (context '" + name + "', saved in " + contexts.file() + ")");
    if (root.output().structured()) {
      root.output().json(new JsonObject().put("context", name).put("server", gss).put("username", user));
    }
    return Exit.OK;
  }

  private static void putUrl(JsonObject context, String key, URI base, String url) {
    if (url != null && !url.isBlank()) {
      context.put(key, Platform.strip(absolute(base, url)));
    }
  }

  /** A URL from /api/v1/info, which may be relative to the GSS's (behind one ingress). */
  private static String absolute(URI base, String url) {
    return base.resolve(url).toString();
  }
}
