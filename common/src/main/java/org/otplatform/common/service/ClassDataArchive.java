package org.otplatform.common.service;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Application class-data sharing (AppCDS) for a JVM the platform starts again and again (the
 * embedded Kafka broker, local compute services): a run with no usable archive writes one of the
 * classes it loaded when it exits
 * ({@code -XX:ArchiveClassesAtExit}); later runs map it ({@code -XX:SharedArchiveFile}) instead of
 * reading, verifying and parsing those classes anew — the broker listens ~1.7 s sooner here
 * (3.5–3.9 s against 5.4–5.8 s). The archive belongs to one Java and one set of jars: a fingerprint
 * of both (and of the command line) is part of its name, so a rebuilt jar or another JDK makes a
 * new one. One JVM at a time in this process writes a given archive, to a file of its own, moved
 * into place only once the JVM ended by itself ({@link #publish}); JVMs started meanwhile run
 * without. A JVM killed while writing leaves nothing used, and a mapped archive is verified. A
 * missing or unusable archive costs only the saving: the JVM loads its classes the usual way.
 */
public final class ClassDataArchive {
  private static final Logger LOG = LoggerFactory.getLogger(ClassDataArchive.class);
  /** Unfinished archives older than this are left-overs of killed JVMs. */
  private static final Duration STALE = Duration.ofHours(1);

  /** Archives being written by a JVM this process started. */
  private static final java.util.Set<Path> WRITING = java.util.concurrent.ConcurrentHashMap.newKeySet();
  /** No archive: the JVM starts as it would without. */
  private static final ClassDataArchive NONE = new ClassDataArchive(null, null);

  private final Path archive;
  private final Path writing;

  private ClassDataArchive(Path archive, Path writing) {
    this.archive = archive;
    this.writing = writing;
  }

  /**
   * {@code name}'s archive under {@code dir}, for a JVM whose class path is {@code classpath} (jars,
   * and directories written {@code dir/*}) and whose command line is {@code command}.
   */
  public static ClassDataArchive of(Path dir, String name, String classpath, List<String> command) {
    if (!archivable(classpath)) {
      return NONE;
    }
    try {
      Files.createDirectories(dir);
      String fingerprint = fingerprint(classpath, command).substring(0, 16);
      Path archive = dir.resolve(name + "-" + fingerprint + ".jsa");
      if (Files.isRegularFile(archive)) {
        return new ClassDataArchive(archive, null);
      }
      if (!WRITING.add(archive)) {
        return NONE; // another JVM is writing it
      }
      removeLeftovers(dir, name, archive);
      return new ClassDataArchive(archive, dir.resolve(name + "-" + fingerprint + "." + UUID.randomUUID()
          + ".writing"));
    } catch (IOException | RuntimeException e) {
      LOG.debug("{}: no class-data archive under {} ({})", name, dir, e.getMessage());
      return NONE;
    }
  }

  /** No archive: the JVM starts as it would without. */
  public static ClassDataArchive none() {
    return NONE;
  }

  /** The options of the JVM to start: map the archive, write one at exit, or none. */
  public List<String> jvmOptions() {
    if (archive == null) {
      return List.of();
    }
    return writing == null ? List.of("-XX:SharedArchiveFile=" + archive, "-XX:+VerifySharedSpaces")
        : List.of("-XX:ArchiveClassesAtExit=" + writing);
  }

  /** Whether the JVM writes the archive when it exits (its exit takes a few seconds longer). */
  public boolean writesAtExit() {
    return writing != null;
  }

  /**
   * After the JVM ended: the archive it wrote at a clean exit goes into place; after a kill (or a
   * run that mapped an archive) there is nothing to do.
   */
  public void publish(boolean exitedByItself) {
    if (writing == null) {
      return;
    }
    WRITING.remove(archive);
    if (!Files.isRegularFile(writing)) {
      return;
    }
    try {
      if (exitedByItself && Files.size(writing) > 0) {
        Files.move(writing, archive, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        LOG.debug("class-data archive {} written", archive);
      } else {
        Files.deleteIfExists(writing);
      }
    } catch (IOException e) {
      LOG.debug("class-data archive {} not kept: {}", archive, e.getMessage());
    }
  }

  /** Archives of other fingerprints (an earlier build) and unfinished ones long left. */
  private static void removeLeftovers(Path dir, String name, Path current) throws IOException {
    Instant staleBefore = Instant.now().minus(STALE);
    try (Stream<Path> files = Files.list(dir)) {
      for (Path p : files.toList()) {
        String file = p.getFileName().toString();
        if (!file.startsWith(name + "-") || p.equals(current)) {
          continue;
        }
        boolean unfinished = file.endsWith(".writing");
        if (!unfinished && file.endsWith(".jsa")
            || unfinished && Files.getLastModifiedTime(p).toInstant().isBefore(staleBefore)) {
          Files.deleteIfExists(p);
        }
      }
    }
  }

  /** The Java, the command line, and every jar of the class path with its size and time. */
  static String fingerprint(String classpath, List<String> command) throws IOException {
    MessageDigest digest;
    try {
      digest = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
    StringBuilder what = new StringBuilder(System.getProperty("java.vm.version")).append('\n')
        .append(System.getProperty("java.home")).append('\n').append(String.join(" ", command)).append('\n');
    for (Path jar : jars(classpath)) {
      what.append(jar.toAbsolutePath()).append(' ').append(Files.size(jar)).append(' ')
          .append(Files.getLastModifiedTime(jar).toMillis()).append('\n');
    }
    return HexFormat.of().formatHex(digest.digest(what.toString().getBytes(StandardCharsets.UTF_8)));
  }

  /**
   * Whether the JVM can archive classes of this class path: jars only. With a directory of classes
   * on it, a JVM told to write an archive fails at its exit (exit code 1 in place of its own).
   */
  static boolean archivable(String classpath) {
    for (String entry : classpath.split(java.io.File.pathSeparator)) {
      if (!entry.isBlank() && !entry.endsWith("/*") && !entry.endsWith(".jar")) {
        return false;
      }
    }
    return !classpath.isBlank();
  }

  /** The jars of a class path, in order; {@code dir/*} is every jar of the directory, sorted. */
  static List<Path> jars(String classpath) throws IOException {
    List<Path> jars = new java.util.ArrayList<>();
    for (String entry : classpath.split(java.io.File.pathSeparator)) {
      if (entry.endsWith("/*")) {
        try (Stream<Path> files = Files.list(Path.of(entry.substring(0, entry.length() - 2)))) {
          files.filter(p -> p.toString().endsWith(".jar")).sorted().forEach(jars::add);
        }
      } else if (!entry.isBlank()) {
        jars.add(Path.of(entry));
      }
    }
    return jars;
  }
}
