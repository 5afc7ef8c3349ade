package org.otplatform.faults.suite;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The compute processes on this machine, seen as {@code ps} sees them: every process whose
 * environment names an {@code OT_SESSION_ID}, sampled a few times a second. Keeps, per session
 * service, every sample with more than one alive (a session opened twice, or a copy not yet let
 * go of) and who started each (its {@code OT_PARENT_PID}, the LSS).
 */
final class ComputeWatch {
  /** One compute process. */
  record Proc(long pid, String session, String service, long parentPid, long firstSeenMillis) {}

  /** A session service seen with more than one live process. */
  record Doubled(String session, String service, List<Long> pids, List<Long> parents, long atMillis) {}

  private final Map<Long, Proc> known = new ConcurrentHashMap<>();
  private volatile List<Proc> live = List.of();
  private final List<Doubled> doubled = new ArrayList<>();

  /** One sample of {@code /proc}. */
  synchronized void sample() {
    long now = System.currentTimeMillis();
    List<Proc> seen = new ArrayList<>();
    try (var dirs = Files.newDirectoryStream(Path.of("/proc"), p -> p.getFileName().toString().matches("\\d+"))) {
      for (Path d : dirs) {
        long pid = Long.parseLong(d.getFileName().toString());
        Proc p = known.get(pid);
        if (p == null) {
          p = read(d, pid, now);
          if (p == null) {
            continue;
          }
          known.put(pid, p);
        }
        if (running(d)) {
          seen.add(p);
        }
      }
    } catch (IOException e) {
      throw new IllegalStateException("cannot read /proc: " + e.getMessage(), e);
    }
    known.keySet().removeIf(pid -> seen.stream().noneMatch(p -> p.pid() == pid) && !Files.exists(Path.of("/proc/" + pid)));
    Map<String, List<Proc>> byService = new HashMap<>();
    for (Proc p : seen) {
      byService.computeIfAbsent(p.session() + "/" + p.service(), k -> new ArrayList<>()).add(p);
    }
    byService.forEach((key, procs) -> {
      if (procs.size() > 1) {
        String[] parts = key.split("/", 2);
        doubled.add(new Doubled(parts[0], parts[1], procs.stream().map(Proc::pid).toList(),
            procs.stream().map(Proc::parentPid).distinct().toList(), now));
      }
    });
    live = List.copyOf(seen);
  }

  /** The processes alive at the last sample. */
  List<Proc> live() {
    return live;
  }

  /** The live processes of these sessions. */
  java.util.Set<Long> pidsOf(java.util.Set<String> sessions) {
    java.util.Set<Long> pids = new java.util.HashSet<>();
    live.stream().filter(p -> sessions.contains(p.session())).forEach(p -> pids.add(p.pid()));
    return pids;
  }

  synchronized List<Doubled> doubled() {
    return List.copyOf(doubled);
  }

  private static Proc read(Path dir, long pid, long now) {
    try {
      String env = new String(Files.readAllBytes(dir.resolve("environ")), StandardCharsets.UTF_8);
      String session = null;
      String service = null;
      long parent = -1;
      for (String kv : env.split("\0")) {
        if (kv.startsWith("OT_SESSION_ID=")) {
          session = kv.substring("OT_SESSION_ID=".length());
        } else if (kv.startsWith("OT_SERVICE_NAME=")) {
          service = kv.substring("OT_SERVICE_NAME=".length());
        } else if (kv.startsWith("OT_PARENT_PID=")) {
          parent = Long.parseLong(kv.substring("OT_PARENT_PID=".length()).trim());
        }
      }
      return session == null || service == null ? null : new Proc(pid, session, service, parent, now);
    } catch (IOException | RuntimeException e) {
      return null; // gone, or not ours to read
    }
  }

  /** Alive and not a zombie waiting for its parent to reap it. */
  private static boolean running(Path dir) {
    try {
      String stat = Files.readString(dir.resolve("stat"));
      int close = stat.lastIndexOf(')');
      return close > 0 && stat.length() > close + 2 && stat.charAt(close + 2) != 'Z';
    } catch (IOException e) {
      return false;
    }
  }
}
