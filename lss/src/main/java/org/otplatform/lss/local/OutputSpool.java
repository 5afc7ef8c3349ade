package org.otplatform.lss.local;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import java.util.function.Predicate;
import java.util.stream.Stream;
import org.otplatform.common.logging.LogShipping;
import org.otplatform.lss.spawn.ComputeOutput;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Compute processes' output through files, as a kubelet keeps a container's: each process writes
 * its stdout and stderr straight into files of this directory ({@code <session>/<service>.<n>.out}
 * and {@code .err}), and the LSS reads them line by line into the log pipeline. A line is in the
 * file once the process wrote it, so it survives the LSS being killed before it shipped it: the LSS
 * started again on the same directory ships what is left ({@link #recover}). Every record's id is
 * derived from its file and line number, so a line shipped twice is stored once (the logger writes
 * by id). A file is deleted once its process ended, every line of it was read and the log shipper
 * has them all. Beside them, {@code <n>.pid} names the process that writes them (pid and start
 * time): a process of an earlier run may outlive it for a moment (it exits once it sees its LSS
 * gone), so {@link #recover} stops it before it reads its files to their end.
 */
public final class OutputSpool {
  private static final Logger LOG = LoggerFactory.getLogger(OutputSpool.class);
  private static final Logger OUTPUT = LoggerFactory.getLogger("org.otplatform.lss.compute");
  private static final long POLL_MILLIS = 20;
  private static final int MAX_LINE = 64 * 1024;
  /** How long a process of an earlier run gets to end on SIGTERM before SIGKILL. */
  private static final long STOP_GRACE_MILLIS = 5_000;

  private final Path dir;
  private final AtomicLong files = new AtomicLong();
  /** The files of this run's processes: an earlier run's are the others. */
  private final java.util.Set<Path> own = ConcurrentHashMap.newKeySet();
  /** Files fully read, waiting for the shipper to settle their last record (value: its mark). */
  private final Map<Path, Long> done = new ConcurrentHashMap<>();

  /** The spool in {@code dir}, made (owner only: it holds the services' output) if missing. */
  public OutputSpool(Path dir) throws IOException {
    this.dir = dir;
    Files.createDirectories(dir);
    Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
  }

  /**
   * Makes this LSS the spool's only user, until the returned handle is closed or the process ends:
   * a second LSS on the same directory would take the first one's files for a killed run's, stop
   * its live processes and ship their output twice. Fails, naming the directory, when another
   * process (or this one) holds it.
   */
  public java.io.Closeable claim() throws IOException {
    Path file = dir.resolve(".lock");
    java.nio.channels.FileChannel channel = java.nio.channels.FileChannel.open(file,
        java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.WRITE);
    java.nio.channels.FileLock lock;
    try {
      lock = channel.tryLock();
    } catch (java.nio.channels.OverlappingFileLockException e) {
      lock = null;
    }
    if (lock == null) {
      channel.close();
      throw new IOException("another LSS uses this spool (" + file + " is locked); give each LSS a spool of its own");
    }
    java.nio.channels.FileLock held = lock;
    return () -> {
      held.release();
      channel.close();
    };
  }

  /** Where the files are. */
  public Path dir() {
    return dir;
  }

  /** A new spool under the temp directory (tests, and tools that start a spawner of their own). */
  public static OutputSpool temporary() {
    try {
      return new OutputSpool(Files.createTempDirectory("ot-lss-spool"));
    } catch (IOException e) {
      throw new IllegalStateException("cannot make a spool directory: " + e.getMessage(), e);
    }
  }

  /** Where one process's output goes. */
  record Output(Path out, Path err) {
    /** Which process writes them. */
    Path writer() {
      return writerOf(out);
    }
  }

  /** The {@code .pid} file beside an {@code .out} or {@code .err} file. */
  private static Path writerOf(Path file) {
    String name = file.getFileName().toString();
    return file.resolveSibling(name.substring(0, name.lastIndexOf('.')) + ".pid");
  }

  /**
   * The directory of warm processes' files (no session yet; see {@link #assigned}). Not a session
   * id: those are UUIDs.
   */
  static final String WARM = "_warm";

  /** New files for a process of {@code session}'s {@code service} ({@link #WARM} for a warm one). */
  Output files(String session, String service) throws IOException {
    Path sessionDir = dir.resolve(session);
    Files.createDirectories(sessionDir);
    String base = service + "." + System.currentTimeMillis() + "-" + files.incrementAndGet();
    Output output = new Output(sessionDir.resolve(base + ".out"), sessionDir.resolve(base + ".err"));
    own.add(output.out());
    own.add(output.err());
    return output;
  }

  /**
   * Notes that {@code process} writes {@code output}, for the next run of this LSS should this one
   * die before the process does.
   */
  void started(Output output, Process process) {
    long since = process.info().startInstant().map(java.time.Instant::toEpochMilli).orElse(-1L);
    try {
      Files.writeString(output.writer(), process.pid() + " " + since + "\n");
    } catch (IOException e) {
      LOG.warn("cannot note pid {} in the spool ({}): a restart of this LSS may ship its output before it ended",
          process.pid(), e.getMessage());
    }
  }

  /**
   * Notes that the warm process writing {@code output} now serves {@code session}, for the next run
   * of this LSS should this one die before the process: its files are then shipped as the session's.
   */
  void assigned(Output output, String session) {
    try {
      Files.writeString(sessionOf(output.out()), session + "\n");
    } catch (IOException e) {
      LOG.atWarn().addKeyValue("session", session).log("cannot note the session of {} in the spool ({}): a restart "
          + "of this LSS would ship its output without it", output.out(), e.getMessage());
    }
  }

  /** The {@code .session} file beside a warm process's {@code .out} or {@code .err} file. */
  private static Path sessionOf(Path file) {
    String name = file.getFileName().toString();
    return file.resolveSibling(name.substring(0, name.lastIndexOf('.')) + ".session");
  }

  /**
   * Reads {@code file} on a thread of its own while {@code running}, and to its end once not; each
   * line that {@code consume} does not take is a record tagged with service and the session
   * {@code session} yields then (null: none yet, a warm process).
   */
  void follow(Path file, java.util.function.Supplier<String> session, String service, boolean stderr,
      Predicate<String> consume, BooleanSupplier running) {
    Thread t = new Thread(() -> read(file, session, service, stderr, consume, running),
        "compute-" + service + (stderr ? "-err" : "-out"));
    t.setDaemon(true);
    t.start();
  }

  /**
   * Ships what a previous run of this LSS left in the spool (its processes died with it), then
   * removes it; called once, before this run starts a process.
   */
  public void recover() {
    List<Path> left;
    removeEmptySessionDirectories();
    try (Stream<Path> paths = Files.walk(dir)) {
      left = paths.filter(p -> p.toString().endsWith(".out") || p.toString().endsWith(".err"))
          .filter(p -> !own.contains(p)).toList();
    } catch (IOException e) {
      LOG.error("cannot read the spool {}: {}", dir, e.getMessage(), e);
      return;
    }
    if (left.isEmpty()) {
      return;
    }
    LOG.info("shipping what {} compute process(es) of an earlier run left in {}",
        left.stream().filter(p -> p.toString().endsWith(".out")).count(), dir);
    for (Path file : left) {
      stopWriter(file);
      String directory = file.getParent().getFileName().toString();
      String session = directory.equals(WARM) ? noted(sessionOf(file)) : directory;
      String name = file.getFileName().toString();
      String service = name.substring(0, name.indexOf('.'));
      read(file, () -> session, service, name.endsWith(".err"),
          line -> org.otplatform.compute.contract.ComputeContract.listeningPort(line).isPresent(), () -> false);
    }
  }

  /**
   * Stops the process of an earlier run that still writes {@code file}: lines it writes after the
   * file was read to its end would be lost. It is the one its {@code .pid} names only if its start
   * time matches too (a pid is reused); without that file or match, nothing is stopped.
   */
  private static void stopWriter(Path file) {
    Path writer = writerOf(file);
    String[] noted;
    try {
      noted = Files.readString(writer).trim().split(" ");
    } catch (IOException e) {
      return; // none noted (an earlier version's file, or the process never started)
    }
    try {
      long pid = Long.parseLong(noted[0]);
      long since = Long.parseLong(noted[1]);
      ProcessHandle.of(pid).filter(ProcessHandle::isAlive)
          .filter(h -> since >= 0 && h.info().startInstant().map(java.time.Instant::toEpochMilli).orElse(-2L) == since)
          .ifPresent(h -> {
            LOG.warn("compute process {} of an earlier run still writes {}; stopping it before shipping the rest", pid,
                file);
            h.destroy();
            if (!exited(h, STOP_GRACE_MILLIS)) {
              h.destroyForcibly();
              exited(h, STOP_GRACE_MILLIS);
            }
          });
    } catch (RuntimeException e) {
      LOG.warn("unreadable {} in the spool ({}): not stopping its process", writer, e.getMessage());
    }
  }

  /** The session a warm process's {@code .session} file names; null when it was never assigned. */
  private static String noted(Path file) {
    try {
      return Files.readString(file).strip();
    } catch (IOException e) {
      return null;
    }
  }

  private static boolean exited(ProcessHandle process, long millis) {
    long deadline = System.nanoTime() + millis * 1_000_000;
    while (process.isAlive() && System.nanoTime() < deadline) {
      try {
        Thread.sleep(POLL_MILLIS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return false;
      }
    }
    return !process.isAlive();
  }

  /** Session directories an earlier run emptied; called before this run starts processes. */
  private void removeEmptySessionDirectories() {
    try (Stream<Path> sessions = Files.list(dir)) {
      for (Path session : sessions.filter(Files::isDirectory).toList()) {
        try (Stream<Path> pids = Files.list(session)) {
          for (Path writer : pids.filter(p -> p.toString().endsWith(".pid") || p.toString().endsWith(".session"))
              .toList()) {
            String base = writer.getFileName().toString().replaceFirst("\\.(pid|session)$", "");
            if (!Files.exists(writer.resolveSibling(base + ".out")) && !Files.exists(writer.resolveSibling(base + ".err"))) {
              Files.deleteIfExists(writer); // its output was shipped and deleted
            }
          }
        }
        try (Stream<Path> inside = Files.list(session)) {
          if (inside.findAny().isEmpty()) {
            Files.deleteIfExists(session);
          }
        }
      }
    } catch (IOException e) {
      LOG.warn("cannot tidy the spool {}: {}", dir, e.getMessage());
    }
  }

  /** Deletes the files whose records the shipper has all; called now and then. */
  public void sweep() {
    done.entrySet().removeIf(e -> {
      if (!LogShipping.settled(e.getValue())) {
        return false;
      }
      own.remove(e.getKey());
      try {
        // Files only: a session's directory may be about to get a restarted service's files.
        Files.deleteIfExists(e.getKey());
        Files.deleteIfExists(writerOf(e.getKey()));
        Files.deleteIfExists(sessionOf(e.getKey()));
      } catch (IOException ex) {
        LOG.warn("cannot delete {} from the spool: {}", e.getKey(), ex.getMessage());
      }
      return true;
    });
  }

  private void read(Path file, java.util.function.Supplier<String> session, String service, boolean stderr,
      Predicate<String> consume, BooleanSupplier running) {
    long lineNo = 0;
    byte[] buffer = new byte[8192];
    java.io.ByteArrayOutputStream line = new java.io.ByteArrayOutputStream();
    try (RandomAccessFile in = new RandomAccessFile(file.toFile(), "r")) {
      while (true) {
        boolean live = running.getAsBoolean(); // before the read: what it wrote before it ended is read after
        int n = in.read(buffer);
        if (n > 0) {
          for (int i = 0; i < n; i++) {
            if (buffer[i] == '\n') {
              ship(file, ++lineNo, line.toString(StandardCharsets.UTF_8), session.get(), service, stderr, consume);
              line.reset();
            } else if (line.size() < MAX_LINE) {
              line.write(buffer[i]);
            }
          }
        } else if (live) {
          Thread.sleep(POLL_MILLIS);
        } else {
          break;
        }
      }
      if (line.size() > 0) {
        ship(file, ++lineNo, line.toString(StandardCharsets.UTF_8), session.get(), service, stderr, consume);
      }
    } catch (IOException e) {
      LOG.atError().addKeyValue("session", session.get()).log("cannot read the output of {} from {}: {}", service, file,
          e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return;
    }
    done.put(file, LogShipping.mark());
  }

  private static void ship(Path file, long lineNo, String text, String session, String service, boolean stderr,
      Predicate<String> consume) {
    if (consume.test(text)) {
      return;
    }
    // By file and line, whatever the session: a line shipped again (after a restart) is the same record.
    String id = UUID.nameUUIDFromBytes((file.getParent().getFileName() + "/" + file.getFileName() + '#' + lineNo)
        .getBytes(StandardCharsets.UTF_8)).toString();
    org.slf4j.spi.LoggingEventBuilder record = (stderr ? OUTPUT.atWarn() : OUTPUT.atInfo()).addKeyValue("id", id);
    if (session != null) {
      record = record.addKeyValue("session", session);
    }
    ComputeOutput.traced(record.addKeyValue("service", service).addKeyValue("source", "compute"), text).log(text);
  }
}
