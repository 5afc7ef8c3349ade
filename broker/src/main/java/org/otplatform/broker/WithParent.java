package org.otplatform.broker;

import java.lang.reflect.Method;
import java.util.Arrays;
import java.util.Optional;

/**
 * Runs a main class (the Kafka broker's) for as long as a parent process lives:
 * {@code WithParent <parent pid> <main class> [args...]}.
 *
 * <p>The embedded platform starts its broker as a JVM of its own. When the platform ends normally it
 * stops the broker; when it is killed (SIGKILL, the OOM killer) nothing of it runs any more, and the
 * broker would go on holding its ports and its data directory. So the broker watches its parent
 * itself: once the parent is gone it exits, through its own shutdown hooks (a controlled shutdown,
 * the log flushed); if that takes longer than {@link #GRACE_MILLIS}, it halts.
 */
public final class WithParent {
  /** How long the broker may take to shut down cleanly once its parent is gone. */
  static final long GRACE_MILLIS = 30_000;
  /** Exit code once the parent is gone: 69, EX_UNAVAILABLE — what the broker served is no more. */
  static final int PARENT_GONE = 69;

  private WithParent() {}

  public static void main(String[] args) throws Throwable {
    if (args.length < 2 || !args[0].matches("\\d+")) {
      System.err.println("usage: WithParent <parent pid> <main class> [args...]");
      System.exit(64);
    }
    long parentPid = Long.parseLong(args[0]);
    Optional<ProcessHandle> parent = ProcessHandle.of(parentPid);
    if (parent.isEmpty() || !parent.get().isAlive()) {
      System.err.println("WithParent: parent process " + parentPid + " is already gone; not starting " + args[1]);
      System.exit(PARENT_GONE);
    }
    parent.get().onExit().thenRun(() -> {
      System.err.println("WithParent: parent process " + parentPid + " is gone; shutting down");
      Thread halt = new Thread(() -> {
        try {
          Thread.sleep(GRACE_MILLIS);
        } catch (InterruptedException e) {
          return;
        }
        System.err.println("WithParent: no clean shutdown within " + GRACE_MILLIS + " ms; halting");
        Runtime.getRuntime().halt(PARENT_GONE);
      }, "with-parent-halt");
      halt.setDaemon(true);
      halt.start();
      System.exit(PARENT_GONE);
    });
    Method main = Class.forName(args[1]).getMethod("main", String[].class);
    main.invoke(null, (Object) Arrays.copyOfRange(args, 2, args.length));
  }
}
