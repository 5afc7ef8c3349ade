package org.otplatform.compute.echo;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.otplatform.compute.contract.ComputeContract;
import org.otplatform.compute.sdk.Action;
import org.otplatform.compute.sdk.ActionException;
import org.otplatform.compute.sdk.ComputeService;

/**
 * A minimal compute service: echoes payloads, sends pushes and writes lines to its log. For tests,
 * demos, benchmarks and the fault-injection suite (which numbers the lines it asks for and looks for
 * each of them in the logger's store).
 * With {@code OT_ECHO_EXIT_ACTION=true} it also offers {@code exit}, which ends the process with a
 * given code, so that crash handling can be tried end to end. In a session type with {@code storage}
 * ({@code OT_STORAGE_DIR} set) it offers {@code note}: a line kept in the project's volume, so what
 * one session wrote the next one reads.
 */
public final class EchoService {
  private EchoService() {}

  public static ComputeService create(java.util.Map<String, String> env) {
    ComputeService service = ComputeService.create("echo", env);
    if (Boolean.parseBoolean(env.getOrDefault("OT_ECHO_EXIT_ACTION", "false"))) {
      service.action(new Action("exit", "ends this service's process with exit code 'code' shortly after replying",
          new JsonObject().put("code", "integer 1..255"), (payload, ctx) -> {
            int code = payload == null ? 1 : payload.getInteger("code", 1);
            if (code < 1 || code > 255) {
              throw ActionException.badPayload("'code' must be between 1 and 255");
            }
            Thread exit = new Thread(() -> {
              try {
                Thread.sleep(200); // let the reply go out first
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
              Runtime.getRuntime().halt(code);
            }, "echo-exit");
            exit.start();
            return new JsonObject().put("exiting", code);
          }));
    }
    String storage = env.get(ComputeContract.STORAGE_DIR);
    if (storage != null && !storage.isBlank()) {
      service.action(notes(Path.of(storage, "notes.txt")));
    }
    return service
        .action(new Action("echo", "returns the payload unchanged",
            new JsonObject().put("*", "any JSON"), (payload, ctx) -> payload))
        .action(new Action("log", "writes 'text' to this service's output as one line (what the LSS ships to the "
            + "logger), then replies", new JsonObject().put("text", "string, 1..1000 characters, no line breaks"),
            (payload, ctx) -> {
              String text = payload == null ? null : payload.getString("text");
              if (text == null || text.isEmpty() || text.length() > 1000 || text.indexOf('\n') >= 0
                  || text.indexOf('\r') >= 0) {
                throw ActionException.badPayload("'text' must be 1 to 1000 characters on one line");
              }
              // Written and flushed before the reply: a reply means the line left this process.
              System.out.println(text);
              System.out.flush();
              return new JsonObject().put("written", text.length());
            }))
        .action(new Action("push", "sends 'count' pushes named 'tick' to every front end of the session",
            new JsonObject().put("count", "integer 1..10000").put("size", "padding characters per push, 0..65536")
                .put("perSecond", "optional: at most this many pushes a second, 100..100000"),
            (payload, ctx) -> {
              int count = payload.getInteger("count", 1);
              int size = payload.getInteger("size", 0);
              int perSecond = payload.getInteger("perSecond", 0);
              if (count < 1 || count > 10_000) {
                throw ActionException.badPayload("'count' must be between 1 and 10000");
              }
              if (size < 0 || size > 65_536) {
                throw ActionException.badPayload("'size' must be between 0 and 65536");
              }
              if (perSecond != 0 && (perSecond < 100 || perSecond > 100_000)) {
                throw ActionException.badPayload("'perSecond' must be between 100 and 100000");
              }
              String padding = "x".repeat(size);
              for (int i = 0; i < count; i++) {
                ctx.push("tick", new JsonObject().put("n", i).put("padding", padding));
                if (perSecond > 0 && (i + 1) % (perSecond / 100) == 0) {
                  pause(); // actions run on a worker thread: pacing by sleeping blocks no event loop
                }
              }
              return new JsonObject().put("sent", count);
            }));
  }

  /** Up to this many bytes of notes a project keeps. */
  private static final long MAX_NOTES = 1 << 20;

  /** {@code note}: appends 'text' (if given) to the project's notes, replies with every note. */
  private static Action notes(Path file) {
    return new Action("note", "appends 'text' (optional) to the notes the project keeps across sessions in its "
        + "volume, then replies with all of them", new JsonObject().put("text", "optional string, 1..1000 characters, "
        + "no line breaks"), (payload, ctx) -> {
          String text = payload == null ? null : payload.getString("text");
          try {
            synchronized (EchoService.class) {
              if (text != null) {
                if (text.isEmpty() || text.length() > 1000 || text.indexOf('\n') >= 0 || text.indexOf('\r') >= 0) {
                  throw ActionException.badPayload("'text' must be 1 to 1000 characters on one line");
                }
                if (Files.exists(file) && Files.size(file) + text.length() > MAX_NOTES) {
                  throw ActionException.badPayload("the project's notes are full (" + MAX_NOTES + " bytes)");
                }
                Files.writeString(file, text + "\n", StandardCharsets.UTF_8,
                    StandardOpenOption.CREATE, StandardOpenOption.APPEND);
              }
              JsonArray all = new JsonArray();
              if (Files.exists(file)) {
                Files.readAllLines(file, StandardCharsets.UTF_8).forEach(all::add);
              }
              return new JsonObject().put("notes", all);
            }
          } catch (IOException e) {
            throw new UncheckedIOException("cannot use the notes in " + file, e);
          }
        });
  }

  private static void pause() {
    try {
      Thread.sleep(10);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  public static void main(String[] args) {
    ComputeService.main(() -> create(System.getenv()));
  }
}
