package org.otplatform.images;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The podman command line, as the tests use it. On machines like these (hybrid cgroups, no
 * setrlimit in the sandbox) containers run only with runc and without default ulimits, which
 * {@code deploy/images/containers.conf} sets; it is used when runc is installed and no
 * {@code CONTAINERS_CONF} is set already.
 *
 * <p>On a CI machine the first use runs {@code podman system renumber}: podman's locks are
 * semaphores in {@code /dev/shm}, and one a podman process held when it was killed (a machine
 * restored from a snapshot, a timed-out command) stays held — every later {@code kube play} of a
 * pod hangs on it, as CI saw. Renumbering gives every container and pod a fresh lock. It is not
 * run elsewhere: on a developer's machine it would touch their own containers' locks.
 */
final class Podman {
  /** What a command printed (stdout and stderr together) and how it ended. */
  record Result(int exitCode, String output) {
    Result orFail(String what) {
      if (exitCode != 0) {
        throw new AssertionError(what + " failed (exit " + exitCode + "):\n" + output);
      }
      return this;
    }
  }

  private static final java.util.concurrent.atomic.AtomicBoolean RENUMBERED =
      new java.util.concurrent.atomic.AtomicBoolean();

  private final Map<String, String> environment;

  private Podman(Map<String, String> environment) {
    this.environment = environment;
  }

  /** Podman if it is installed, else null. */
  static Podman find(Path root) {
    if (!onPath("podman")) {
      return null;
    }
    Map<String, String> env = new java.util.HashMap<>();
    if (System.getenv("CONTAINERS_CONF") == null && onPath("runc")) {
      env.put("CONTAINERS_CONF", root.resolve("deploy/images/containers.conf").toString());
    }
    Podman podman = new Podman(env);
    if ("true".equals(System.getenv("CI")) && RENUMBERED.compareAndSet(false, true)) {
      Result renumber = podman.podman(Duration.ofMinutes(1), "system", "renumber");
      System.err.println("podman system renumber (CI): exit " + renumber.exitCode() + " " + renumber.output().strip());
    }
    return podman;
  }

  /**
   * Holds, until closed, the build's lock on changing the host's network: every container started
   * or network made adds an interface, and Chromium aborts the page loads and requests under way
   * when one appears ({@code net::ERR_NETWORK_CHANGED}) — which failed the console's browser test
   * running beside this module (Maven builds two modules at a time). ConsoleBrowserTest takes the
   * same lock, {@code target/host-network.lock} in the project's root, so the two take turns.
   */
  static AutoCloseable holdHostNetwork(Path root) throws IOException {
    Path file = Files.createDirectories(root.resolve("target")).resolve("host-network.lock");
    java.nio.channels.FileChannel channel = java.nio.channels.FileChannel.open(file,
        java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.WRITE);
    long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(10);
    while (true) {
      java.nio.channels.FileLock lock = channel.tryLock();
      if (lock != null) {
        return () -> {
          lock.release();
          channel.close();
        };
      }
      if (System.nanoTime() > deadline) {
        channel.close();
        throw new AssertionError(file + " held for 10 min by another test process (the console's browser test?)");
      }
      java.util.concurrent.locks.LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(500));
    }
  }

  static boolean onPath(String command) {
    for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
      if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, command))) {
        return true;
      }
    }
    return Files.isExecutable(Path.of("/usr/sbin", command));
  }

  /** Settings a child process of the tests needs to run containers here (CONTAINERS_CONF). */
  Map<String, String> environment() {
    return environment;
  }

  Result podman(Duration timeout, String... args) {
    List<String> command = new ArrayList<>();
    command.add("podman");
    command.addAll(List.of(args));
    return exec(command, timeout, null);
  }

  /** Runs {@code command} with this environment; the output also goes to {@code log} when given. */
  Result exec(List<String> command, Duration timeout, Path log) {
    return exec(command, Map.of(), timeout, log);
  }

  /** As {@link #exec(List, Duration, Path)}, with {@code extra} variables set too. */
  Result exec(List<String> command, Map<String, String> extra, Duration timeout, Path log) {
    try {
      Path out = log != null ? log : Files.createTempFile("podman", ".out");
      ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
          .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
          .redirectOutput(out.toFile());
      builder.environment().putAll(environment);
      builder.environment().putAll(extra);
      Process process = builder.start();
      try {
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
          process.descendants().forEach(ProcessHandle::destroyForcibly);
          process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
          throw new AssertionError(String.join(" ", command) + " did not end within " + timeout.toSeconds()
              + " s:\n" + Files.readString(out, StandardCharsets.UTF_8));
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        process.destroyForcibly();
        throw new AssertionError("interrupted", e);
      }
      String output = Files.readString(out, StandardCharsets.UTF_8);
      if (log == null) {
        Files.delete(out);
      }
      return new Result(process.exitValue(), output);
    } catch (IOException e) {
      throw new AssertionError("cannot run " + command + ": " + e.getMessage(), e);
    }
  }
}
