package org.otplatform.otctl;

import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Optional;

/**
 * The per-user configuration: named contexts, one per platform (like kubectl's), each with the
 * GSS's address, the other services' addresses found through {@code /api/v1/info}, the user and
 * the tokens. The file is created 0600 in a directory created 0700, and replaced atomically. Its
 * place: {@code --config}, else {@code $OTCTL_CONFIG}, else {@code ~/.config/otctl/config.json}.
 */
final class Contexts {
  static final String DEFAULT = "default";

  private final Path file;
  private final JsonObject doc;

  private Contexts(Path file, JsonObject doc) {
    this.file = file;
    this.doc = doc;
  }

  static Path defaultFile() {
    String env = System.getenv("OTCTL_CONFIG");
    if (env != null && !env.isBlank()) {
      return Path.of(env);
    }
    // $HOME, as a shell's ~ (the JVM's user.home is the password file's, whatever HOME says).
    String home = System.getenv("HOME");
    return Path.of(home != null && !home.isBlank() ? home : System.getProperty("user.home"), ".config", "otctl",
        "config.json");
  }

  static Contexts load(Path file) {
    if (!Files.exists(file)) {
      return new Contexts(file, new JsonObject().put("current", DEFAULT).put("contexts", new JsonObject()));
    }
    try {
      JsonObject doc = new JsonObject(Files.readString(file, StandardCharsets.UTF_8));
      if (!(doc.getValue("contexts") instanceof JsonObject)) {
        doc.put("contexts", new JsonObject());
      }
      return new Contexts(file, doc);
    } catch (IOException e) {
      throw new Exit.Failure(Exit.USAGE, "cannot read " + file + ": " + e.getMessage());
    } catch (DecodeException | ClassCastException e) {
      throw new Exit.Failure(Exit.USAGE, file + " is not an otctl configuration (not a JSON object): "
          + e.getMessage());
    }
  }

  Path file() {
    return file;
  }

  /** The context to use: the one named, else the current one. */
  String resolve(String named) {
    return named != null ? named : doc.getString("current", DEFAULT);
  }

  Optional<JsonObject> get(String name) {
    return Optional.ofNullable(doc.getJsonObject("contexts").getJsonObject(name));
  }

  /** The context, or a failure that says to log in. */
  JsonObject require(String name) {
    return get(name).orElseThrow(() -> new Exit.Failure(Exit.AUTH,
        "no context '" + name + "' in " + file + "; run: otctl login --server URL"
            + (DEFAULT.equals(name) ? "" : " --context " + name)));
  }

  void put(String name, JsonObject context) {
    doc.getJsonObject("contexts").put(name, context);
  }

  void remove(String name) {
    doc.getJsonObject("contexts").remove(name);
  }

  void setCurrent(String name) {
    doc.put("current", name);
  }

  String current() {
    return doc.getString("current", DEFAULT);
  }

  JsonObject all() {
    return doc.getJsonObject("contexts");
  }

  /** Writes the file: 0600 from its first byte (it holds tokens), replacing the old one atomically. */
  void save() {
    try {
      Path dir = file.toAbsolutePath().getParent();
      boolean posix = FileSystems.getDefault().supportedFileAttributeViews().contains("posix");
      if (!Files.isDirectory(dir)) {
        if (posix) {
          Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        } else {
          Files.createDirectories(dir);
        }
      }
      Path tmp = posix
          ? Files.createTempFile(dir, ".otctl-", ".tmp",
              PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")))
          : Files.createTempFile(dir, ".otctl-", ".tmp");
      try {
        Files.writeString(tmp, doc.encodePrettily() + "\n", StandardCharsets.UTF_8);
        try {
          Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
          Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
        }
      } finally {
        Files.deleteIfExists(tmp);
      }
    } catch (IOException e) {
      throw new Exit.Failure(Exit.USAGE, "cannot write " + file + ": " + e.getMessage());
    }
  }
}
