package org.otplatform.faults.suite;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * One service replica as a deployment runs it: a JVM of its own (under {@code WithParent}, so it
 * ends with the suite even when the suite is killed), on a port and an instance id that it keeps
 * across restarts, like a container restarted in its pod. The suite kills it with SIGKILL, stalls
 * it with SIGSTOP and lets it go on with SIGCONT.
 */
final class Node {
  final String kind;
  final int replica;
  final int port;
  private final List<String> command;
  private final Map<String, String> env;
  private final Path log;
  private volatile Process process;
  private volatile boolean paused;
  /** Last health probe: 200 from {@code /health/ready}; what a Service's endpoints follow. */
  volatile boolean ready;

  Node(String kind, int replica, int port, List<String> command, Map<String, String> env, Path log) {
    this.kind = kind;
    this.replica = replica;
    this.port = port;
    this.command = command;
    this.env = env;
    this.log = log;
  }

  /** {@code gss-1}: also its {@code OT_INSTANCE_ID}. */
  String name() {
    return kind + "-" + replica;
  }

  String url() {
    return "http://127.0.0.1:" + port;
  }

  static String mainClass(String kind) {
    return "org.otplatform." + kind + "." + kind.substring(0, 1).toUpperCase(Locale.ROOT) + kind.substring(1) + "Main";
  }

  synchronized void start() throws IOException {
    List<String> cmd = new ArrayList<>(command);
    ProcessBuilder b = new ProcessBuilder(cmd).redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
    b.environment().putAll(env);
    process = b.start();
    paused = false;
    ready = false;
  }

  boolean alive() {
    Process p = process;
    return p != null && p.isAlive();
  }

  boolean paused() {
    return paused;
  }

  long pid() {
    return process.pid();
  }

  /** SIGKILL, and waits until the kernel has reaped it. */
  synchronized void kill() {
    Process p = process;
    ready = false;
    paused = false;
    p.destroyForcibly();
    try {
      p.waitFor(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  synchronized void pause() {
    signal("STOP", process.pid());
    paused = true;
  }

  synchronized void resume() {
    signal("CONT", process.pid());
    paused = false;
  }

  /** SIGTERM, then SIGKILL after 20 s: the end of the run. */
  void stop() {
    Process p = process;
    if (p == null || !p.isAlive()) {
      return;
    }
    if (paused) {
      resume();
    }
    p.destroy();
    try {
      if (!p.waitFor(20, TimeUnit.SECONDS)) {
        p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      p.destroyForcibly();
    }
  }

  Path log() {
    return log;
  }

  static void signal(String signal, long pid) {
    if (!trySignal(signal, pid)) {
      throw new IllegalStateException("kill -" + signal + " " + pid + " failed");
    }
  }

  /** False when the process is gone (or the signal could not be sent). */
  static boolean trySignal(String signal, long pid) {
    try {
      Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(pid)).redirectErrorStream(true).start();
      return kill.waitFor(10, TimeUnit.SECONDS) && kill.exitValue() == 0;
    } catch (IOException e) {
      throw new IllegalStateException("cannot run kill: " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }
}
