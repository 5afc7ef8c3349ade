package org.otplatform.faults.suite;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code bin/ot-faults}: the platform with every service replica in a JVM of its own (two of GSS,
 * relay, LSS and logger, one AUTH) and a real broker, under load from concurrent users, while
 * faults are injected at random; then the invariants, printed as a table. Exit 0 when every
 * invariant held, 1 otherwise.
 */
@Command(name = "ot-faults", mixinStandardHelpOptions = true, version = "ot-faults 0.1.0",
    description = "Kills and stalls every kind of process of a running platform under load (services, the broker, "
        + "compute processes) and checks afterwards that no session was lost, stuck or opened twice, no process "
        + "leaked, no log line was lost silently, event streams resumed in order and the relay never hung.")
public final class FaultsMain implements Callable<Integer> {
  @Option(names = "--minutes", description = "how long faults are injected (default ${DEFAULT-VALUE})")
  double minutes = 10;
  @Option(names = "--min-faults", description = "inject at least this many (the run goes on, up to twice as long, "
      + "until it has; default ${DEFAULT-VALUE})")
  int minFaults = 200;
  @Option(names = "--users", description = "concurrent users, each opening, using and closing sessions in a loop "
      + "(default ${DEFAULT-VALUE})")
  int users = 6;
  @Option(names = "--use-seconds", description = "how long a user uses a session, on average (default ${DEFAULT-VALUE})")
  int useSeconds = 20;
  @Option(names = "--seed", description = "random seed of the faults and the users (default ${DEFAULT-VALUE})")
  long seed = 1;
  @Option(names = "--out", description = "also write the outcome as JSON here")
  Path out;
  @Option(names = "--keep", description = "keep the run's directory (every replica's output, the broker's data)")
  boolean keep;
  @Option(names = "--broker-lib", description = "the Kafka broker's class path (default ${DEFAULT-VALUE})")
  Path brokerLib = Path.of(System.getProperty("ot.broker.lib", "broker/target/lib"));

  private Cluster cluster;
  private ComputeWatch compute;
  private String adminToken;

  public static void main(String[] args) {
    System.exit(new CommandLine(new FaultsMain()).execute(args));
  }

  @Override
  public Integer call() throws Exception {
    Path dir = Files.createTempDirectory("ot-faults");
    long began = System.currentTimeMillis();
    Map<String, Integer> replicas = Map.of("auth", 1, "gss", 2, "lss", 2, "relay", 2, "logger", 2);
    say("starting the platform in %s: %s and a Kafka broker, each a JVM of its own", dir, replicas);
    ScheduledExecutorService sampler = Executors.newSingleThreadScheduledExecutor();
    try (Cluster c = new Cluster(dir, brokerLib, replicas).start()) {
      cluster = c;
      say("ready after %d s; %d users, faults for %.1f min (at least %d)", (System.currentTimeMillis() - began) / 1000,
          users, minutes, minFaults);
      adminToken = Api.login(c.url("auth"), "admin", Cluster.ADMIN_PASSWORD);
      compute = new ComputeWatch();
      sampler.scheduleWithFixedDelay(compute::sample, 0, 250, TimeUnit.MILLISECONDS);
      List<VirtualUser> load = users();
      List<Thread> threads = new ArrayList<>();
      for (VirtualUser u : load) {
        Thread t = new Thread(u, "faults-user");
        t.start();
        threads.add(t);
      }
      Injector injector = new Injector(c, compute, this::whole, seed);
      long start = System.currentTimeMillis();
      Thread progress = progress(injector, load, start);
      injector.run(start, start + (long) (minutes * 60_000), minFaults);
      long faultsEnded = System.currentTimeMillis();
      progress.interrupt();
      say("%d faults in %d s; the users finish their sessions", injector.faults.size(), (faultsEnded - start) / 1000);
      load.forEach(VirtualUser::stop);
      for (Thread t : threads) {
        t.join(10 * 60_000);
      }
      Verdict verdict = check(load, injector, (faultsEnded - start) / 1000);
      System.out.print(verdict.table());
      List<String> broken = verdict.violations();
      System.out.printf("%n%d broken invariants; %d s in all%n", broken.size(), (System.currentTimeMillis() - began) / 1000);
      broken.forEach(v -> System.out.println("  " + v));
      traceLost(dir);
      if (out != null) {
        Files.writeString(out, verdict.json().put("seed", seed).encodePrettily());
      }
      if (!broken.isEmpty()) {
        say("every replica's output is in %s", dir);
        keep = true;
      }
      return broken.isEmpty() ? 0 : 1;
    } finally {
      sampler.shutdownNow();
      if (!keep) {
        deleteTree(dir);
      }
    }
  }

  private List<VirtualUser> users() throws Exception {
    List<VirtualUser> list = new ArrayList<>();
    for (int i = 1; i <= users; i++) {
      String name = "faults-user-" + i;
      String password = "faults-password-" + i + "-x";
      expect(Api.send("POST", cluster.url("auth") + "/api/v1/users", adminToken,
          new JsonObject().put("username", name).put("password", password)), 201, "create " + name);
      String token = Api.login(cluster.url("auth"), name, password);
      String project = "faults-project-" + i;
      expect(Api.send("POST", cluster.url("auth") + "/api/v1/projects", token, new JsonObject().put("name", project)),
          201, "create " + project);
      list.add(new VirtualUser(cluster, name, password, project, seed * 1000 + i, useSeconds * 1000L));
    }
    return list;
  }

  private Thread progress(Injector injector, List<VirtualUser> load, long start) {
    Thread t = new Thread(() -> {
      try {
        while (true) {
          Thread.sleep(30_000);
          long sessions = load.stream().mapToLong(u -> u.sessions.size()).sum();
          say("%d s: %d faults, %d sessions, %d compute processes", (System.currentTimeMillis() - start) / 1000,
              injector.injected(), sessions, compute.live().size());
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }, "faults-progress");
    t.setDaemon(true);
    t.start();
    return t;
  }

  /** READY with every service READY on a live process other than {@code notPids}; or over, or being closed. */
  private boolean whole(String session, Set<Long> notPids) throws InterruptedException {
    Api.Answer a = Api.trySend("GET", cluster.url("gss") + "/api/v1/sessions/" + session, adminToken, null);
    if (a == null || !a.is(200)) {
      return false;
    }
    String state = a.body().getString("state");
    if (Set.of("CLOSED", "FAILED", "CLOSING").contains(state)) {
      return true;
    }
    JsonArray services = a.body().getJsonArray("services", new JsonArray());
    boolean allReady = !services.isEmpty() && services.stream()
        .allMatch(s -> "READY".equals(((JsonObject) s).getString("state")));
    return "READY".equals(state) && allReady && compute.live().stream()
        .anyMatch(p -> p.session().equals(session) && !notPids.contains(p.pid()));
  }

  private Verdict check(List<VirtualUser> load, Injector injector, long faultSeconds) throws Exception {
    List<SessionTrace> traces = load.stream().flatMap(u -> u.sessions.stream()).toList();
    Verdict v = new Verdict();
    faults(v, injector.faults, faultSeconds);
    sessions(v, traces, load);
    processes(v, injector.stalls);
    streams(v, traces);
    relay(v, traces);
    logs(v, traces, injector.faults);
    return v;
  }

  private void faults(Verdict v, List<Injector.Fault> faults, long seconds) {
    v.section(String.format("faults: %d in %d s (recovery: from a kill's SIGKILL, or a stall's SIGCONT, until what it "
        + "hit is whole again)", faults.size(), seconds));
    List<String> unrecovered = new ArrayList<>();
    Map<String, Object> json = new TreeMap<>();
    Injector.byKind(faults).forEach((kind, list) -> {
      List<Long> times = list.stream().mapToLong(Injector.Fault::recoveryMillis).filter(t -> t >= 0).sorted().boxed()
          .toList();
      list.stream().filter(f -> f.recoveryMillis() < 0).forEach(f -> unrecovered.add(kind + " " + f.target() + " "
          + f.note()));
      String figure = String.format("%3d   recovery p50 %6.1f s   max %6.1f s", list.size(),
          times.isEmpty() ? 0 : times.get(times.size() / 2) / 1000.0, times.isEmpty() ? 0 : times.get(times.size() - 1)
              / 1000.0);
      v.figure(kind.name(), figure);
      json.put(kind.name(), new JsonObject().put("count", list.size()).put("recoveryMillis", new JsonArray(times)));
    });
    v.invariant("faults recovered within " + Injector.RECOVERY_BOUND_MILLIS / 1000 + " s", unrecovered.size(),
        unrecovered);
    v.put("faults", json);
  }

  private void sessions(Verdict v, List<SessionTrace> traces, List<VirtualUser> load) throws InterruptedException {
    v.section("sessions");
    Map<String, Integer> refused = new TreeMap<>();
    load.forEach(u -> u.refused.forEach((k, n) -> refused.merge(k, n, Integer::sum)));
    v.figure("opens accepted (202)", traces.size());
    v.figure("opens refused, by answer (a clear error, tried again)", refused);
    List<String> stuck = new ArrayList<>();
    List<String> noReason = new ArrayList<>();
    List<String> unasked = new ArrayList<>();
    Map<String, Integer> failures = new TreeMap<>();
    int closed = 0;
    int ready = 0;
    for (SessionTrace t : traces) {
      if (t.readyAt > 0) {
        ready++;
      }
      if (!t.over()) {
        Api.Answer a = Api.trySend("GET", cluster.url("gss") + "/api/v1/sessions/" + t.id, adminToken, null);
        stuck.add(t.id + " " + (a == null ? "(no answer)" : a.body().getString("state")));
      } else if (t.endState.equals("FAILED")) {
        if (t.reason == null || t.reason.isBlank()) {
          noReason.add(t.id);
        } else {
          failures.merge(t.reason.replaceAll("[0-9a-f]{8,}|\\d+", "#"), 1, Integer::sum);
        }
      } else if (t.closeAskedAt == 0) {
        unasked.add(t.id);
      } else {
        closed++;
      }
    }
    v.figure("reached READY", ready);
    v.figure("ended CLOSED when asked", closed);
    v.figure("ended FAILED with a reason", failures.values().stream().mapToInt(Integer::intValue).sum());
    failures.forEach((reason, n) -> v.figure("  " + n + " x", reason));
    v.invariant("accepted opens not ended (stuck OPENING, READY or CLOSING)", stuck.size(), stuck);
    v.invariant("FAILED without a reason", noReason.size(), noReason);
    v.invariant("CLOSED without being asked", unasked.size(), unasked);
  }

  private void processes(Verdict v, List<Injector.Stall> stalls) throws InterruptedException {
    v.section("compute processes");
    // Claims keep two LSS from starting one session; an LSS stalled while its sessions were handed
    // over still runs its copies until it is heard again and told to let go. A second process for
    // that long — not counting time its LSS was held by SIGSTOP or the broker was away, when no
    // release could reach it — is such a release; longer, a session run twice.
    Map<String, List<ComputeWatch.Doubled>> byService = new TreeMap<>();
    for (ComputeWatch.Doubled d : compute.doubled()) {
      byService.computeIfAbsent(d.session() + "/" + d.service(), k -> new ArrayList<>()).add(d);
    }
    List<String> twice = new ArrayList<>();
    long released = 0;
    long longestRelease = 0;
    for (Map.Entry<String, List<ComputeWatch.Doubled>> e : byService.entrySet()) {
      long longest = longestRun(e.getValue(), stalls);
      if (longest > DOUBLED_BOUND_MILLIS) {
        twice.add(e.getKey() + " pids " + e.getValue().get(0).pids() + " for " + longest + " ms");
      } else {
        released++;
        longestRelease = Math.max(longestRelease, longest);
      }
    }
    v.figure("second processes let go of within " + DOUBLED_BOUND_MILLIS / 1000 + " s (count, longest)",
        released + ", " + longestRelease + " ms");
    v.invariant("session services run twice (two live processes past " + DOUBLED_BOUND_MILLIS / 1000
        + " s of LSS and broker up)",
        twice.size(), twice);
    long deadline = System.currentTimeMillis() + 30_000;
    while (!compute.live().isEmpty() && System.currentTimeMillis() < deadline) {
      Thread.sleep(250);
    }
    v.invariant("compute processes left after every session ended (30 s grace)", compute.live().size(),
        compute.live().stream().map(p -> p.session() + "/" + p.service() + " pid " + p.pid()).toList());
  }

  /**
   * How long a second process may live, beyond its LSS's stall, before that LSS lets go of it: its
   * next heartbeat heard by a GSS replica (1 s here; a replica killed meanwhile leaves it to the
   * other), the release reaching it (asked again every 5 s: a reader of the registry that joins its
   * group anew after a stall starts from the newest record) and the kill.
   */
  static final long DOUBLED_BOUND_MILLIS = 15_000;

  /** The longest run of consecutive samples (at most a second apart), in ms. */
  private static long longestRun(List<ComputeWatch.Doubled> samples, List<Injector.Stall> stalls) {
    long longest = 0;
    int first = 0;
    for (int i = 1; i <= samples.size(); i++) {
      if (i == samples.size() || samples.get(i).atMillis() - samples.get(i - 1).atMillis() > 1_000) {
        long start = samples.get(first).atMillis();
        long end = samples.get(i - 1).atMillis() + 250;
        java.util.Set<Long> parents = new java.util.HashSet<>();
        samples.subList(first, i).forEach(d -> parents.addAll(d.parents()));
        // Time when no release could reach the LSS: it was stopped, or the broker was away.
        List<long[]> away = new ArrayList<>();
        stalls.stream().filter(s -> parents.contains(s.pid()) || s.pid() == Injector.BROKER)
            .forEach(s -> away.add(new long[] {Math.max(start, s.from()), Math.min(end, s.to())}));
        away.removeIf(iv -> iv[1] <= iv[0]);
        away.sort((a, b) -> Long.compare(a[0], b[0]));
        long held = 0;
        long reach = start;
        for (long[] iv : away) {
          long from = Math.max(iv[0], reach);
          if (iv[1] > from) {
            held += iv[1] - from;
            reach = iv[1];
          }
        }
        longest = Math.max(longest, end - start - held);
        first = i;
      }
    }
    return longest;
  }

  private void streams(Verdict v, List<SessionTrace> traces) throws InterruptedException {
    v.section("progress streams (SSE, resumed with Last-Event-ID through the GSS Service)");
    int reconnects = 0;
    long entries = 0;
    List<String> unordered = new ArrayList<>();
    List<String> missed = new ArrayList<>();
    List<String> unended = new ArrayList<>();
    for (SessionTrace t : traces) {
      reconnects += t.streamReconnects;
      List<Long> seen = t.streamedSoFar();
      entries += seen.size();
      for (int i = 1; i < seen.size(); i++) {
        if (seen.get(i) <= seen.get(i - 1)) {
          unordered.add(t.id + " " + seen);
          break;
        }
      }
      if (!t.streamEnded) {
        unended.add(t.id + " after " + seen);
        continue;
      }
      List<Long> stored = EventStream.replay(cluster.url("gss"), adminToken, t.id);
      if (stored == null || !stored.equals(seen)) {
        missed.add(t.id + " streamed " + seen + ", stored " + stored);
      }
    }
    v.figure("streams / entries / reconnects", traces.size() + " / " + entries + " / " + reconnects);
    v.invariant("streams with an entry twice or out of order", unordered.size(), unordered);
    v.invariant("streams that missed entries (against the stored log)", missed.size(), missed);
    v.invariant("streams that did not end after the session did", unended.size(), unended);
  }

  private void relay(Verdict v, List<SessionTrace> traces) {
    v.section("relay (requests to the echo service: each ends in a reply, an error reply or its socket's close)");
    Map<String, Integer> outcomes = SessionTrace.sum(traces);
    int connects = traces.stream().mapToInt(t -> t.relayConnects).sum();
    v.figure("connections", connects);
    outcomes.forEach((k, n) -> v.figure("  " + k, n));
    int hangs = outcomes.getOrDefault("hang", 0);
    v.invariant("requests without an answer within " + RelayClient.HANG_MILLIS / 1000 + " s (hangs)", hangs,
        hangs == 0 ? List.of() : List.of(hangs + " requests"));
    v.put("relay", outcomes);
  }

  /**
   * Every line a reply said was written is in the store once, or its loss is accounted for: the
   * LSS that held it was killed (SIGKILL leaves no process to count it) within 10 s after.
   */
  /** Sessions with a confirmed line lost silently. */
  private final Map<SessionTrace, List<Integer>> lostLines = new java.util.LinkedHashMap<>();

  private void logs(Verdict v, List<SessionTrace> traces, List<Injector.Fault> faults) throws Exception {
    v.section("log lines (numbered by the users, written by the echo service, shipped by the LSS, stored by the logger)");
    Map<String, Map<Integer, Integer>> stored = storedLines(traces, v);
    long confirmed = 0;
    long storedOnce = 0;
    long unconfirmedStored = 0;
    List<String> twice = new ArrayList<>();
    List<String> lost = new ArrayList<>();
    List<String> lostWithLss = new ArrayList<>();
    for (SessionTrace t : traces) {
      Map<Integer, Integer> counts = stored.getOrDefault(t.id, Map.of());
      counts.forEach((n, c) -> {
        if (c > 1) {
          twice.add(t.id + " line " + n + " x" + c);
        }
      });
      for (Map.Entry<Integer, Long> line : t.confirmed.entrySet()) {
        confirmed++;
        int c = counts.getOrDefault(line.getKey(), 0);
        if (c == 1) {
          storedOnce++;
        } else if (c == 0) {
          long at = line.getValue();
          boolean killed = faults.stream().anyMatch(f -> f.kind() == Injector.Kind.KILL_LSS
              && f.sessions().contains(t.id) && f.atMillis() >= at - 1_000 && f.atMillis() <= at + 10_000);
          (killed ? lostWithLss : lost).add(t.id + " line " + line.getKey());
          if (!killed) {
            lostLines.computeIfAbsent(t, k -> new ArrayList<>()).add(line.getKey());
          }
        }
      }
      unconfirmedStored += counts.keySet().stream().filter(n -> !t.confirmed.containsKey(n)).count();
    }
    v.figure("lines asked for / confirmed written", traces.stream().mapToInt(t -> t.linesAsked).sum() + " / " + confirmed);
    v.figure("confirmed lines stored once", storedOnce);
    v.figure("unconfirmed lines stored (written, the reply lost)", unconfirmedStored);
    v.figure("confirmed lines lost with their LSS (SIGKILL within 10 s after)", lostWithLss.size());
    v.figure("log records dropped and counted by the services (ot_log_records_dropped_total)", metric(
        "ot_log_records_dropped_total"));
    v.figure("dead letters (ot_dead_letters_total)", metric("ot_dead_letters_total"));
    v.invariant("lines stored more than once", twice.size(), twice);
    v.invariant("confirmed lines lost silently", lost.size(), lost);
  }

  /**
   * For a run that lost lines, what the replicas said about their sessions (the last lines of it,
   * oldest first): whether an LSS read the lost line and logged it, when the session moved — what
   * CI keeps of a failure.
   */
  private void traceLost(Path dir) throws java.io.IOException {
    for (SessionTrace t : lostLines.keySet().stream().limit(2).toList()) {
      // The session's own lines but the users' numbered ones, which are there only when lost.
      List<String> lost = lostLines.get(t).stream().map(n -> t.linePrefix() + n + "\"").toList();
      List<String> said = new ArrayList<>();
      try (var logs = Files.list(dir)) {
        for (Path log : logs.filter(f -> f.toString().endsWith(".log")).sorted().toList()) {
          try (var lines = Files.lines(log, StandardCharsets.UTF_8)) {
            lines.filter(l -> l.contains(t.id) && (!l.contains(t.linePrefix()) || lost.stream().anyMatch(l::contains)))
                .forEach(l -> said.add(time(l) + " " + log.getFileName() + " "
                + (l.length() > 400 ? l.substring(0, 400) + "…" : l)));
          } catch (java.io.UncheckedIOException e) {
            said.add("(" + log.getFileName() + " unreadable: " + e.getMessage() + ")");
          }
        }
      }
      said.sort(null);
      System.out.printf("%nwhat the replicas logged about session %s (%d lines; the last 60):%n", t.id, said.size());
      said.subList(Math.max(0, said.size() - 60), said.size()).forEach(l -> System.out.println("  " + l));
    }
  }

  /** A JSON log line's time, for sorting lines of several replicas. */
  private static String time(String line) {
    int at = line.indexOf("\"time\":\"");
    return at < 0 ? "" : line.substring(at + 8, Math.min(line.length(), at + 32));
  }

  /**
   * Per session, how often each numbered line is stored: once every confirmed line is there and the
   * count held still between two looks, or at the deadline. A steady count alone is not enough: a
   * killed logger's partitions wait for the group to notice (its session timeout) and an LSS's
   * queue for a broker started again, so lines may still be on their way after a quiet look.
   */
  private Map<String, Map<Integer, Integer>> storedLines(List<SessionTrace> traces, Verdict v) throws Exception {
    Map<String, Map<Integer, Integer>> stored = new HashMap<>();
    long total = -1;
    long begin = System.currentTimeMillis();
    long deadline = begin + 90_000;
    while (true) {
      stored.clear();
      long now = 0;
      boolean complete = true;
      for (SessionTrace t : traces) {
        if (t.linesAsked > 0) {
          Map<Integer, Integer> counts = lines(t);
          stored.put(t.id, counts);
          now += counts.values().stream().mapToInt(Integer::intValue).sum();
          complete &= counts.keySet().containsAll(t.confirmed.keySet());
        }
      }
      if (complete && now == total || System.currentTimeMillis() >= deadline) {
        break;
      }
      total = now;
      Thread.sleep(3_000);
    }
    v.figure("seconds until every confirmed line was stored and the count held (after the load)",
        (System.currentTimeMillis() - begin) / 1000);
    return stored;
  }

  private Map<Integer, Integer> lines(SessionTrace t) throws Exception {
    Map<Integer, Integer> counts = new HashMap<>();
    String prefix = t.linePrefix();
    String cursor = null;
    do {
      String url = cluster.url("logger") + "/api/v1/logs?limit=1000&order=oldest&session=" + t.id + "&q="
          + URLEncoder.encode(prefix, StandardCharsets.UTF_8)
          + (cursor == null ? "" : "&cursor=" + URLEncoder.encode(cursor, StandardCharsets.UTF_8));
      Api.Answer a = Api.send("GET", url, adminToken, null);
      if (!a.is(200)) {
        throw new IllegalStateException("logger query " + url + " answered " + a.describe());
      }
      for (Object o : a.body().getJsonArray("records")) {
        String message = ((JsonObject) o).getString("message", "");
        int at = message.indexOf(prefix);
        if (at >= 0) {
          counts.merge(Integer.parseInt(message.substring(at + prefix.length()).trim()), 1, Integer::sum);
        }
      }
      cursor = a.body().getString("next");
    } while (cursor != null);
    return counts;
  }

  /** A counter summed over every live replica's {@code /metrics} (a killed one's count went with it). */
  private double metric(String name) {
    double sum = 0;
    for (Node n : cluster.all()) {
      try {
        var r = Api.HTTP.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(n.url() + "/metrics"))
            .timeout(java.time.Duration.ofSeconds(5)).build(), java.net.http.HttpResponse.BodyHandlers.ofLines());
        sum += r.body().filter(l -> l.startsWith(name)).mapToDouble(l -> Double.parseDouble(l.substring(
            l.lastIndexOf(' ') + 1))).sum();
      } catch (Exception e) {
        // not answering now: its figure is missing from the sum
      }
    }
    return sum;
  }

  private static void expect(Api.Answer a, int status, String what) {
    if (!a.is(status)) {
      throw new IllegalStateException(what + ": expected " + status + ", got " + a.describe());
    }
  }

  private static void say(String format, Object... args) {
    System.out.printf("ot-faults: " + format + "%n", args);
  }

  private static void deleteTree(Path dir) {
    try (var paths = Files.walk(dir)) {
      paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (java.io.IOException e) {
      System.err.println("ot-faults: could not remove " + dir + ": " + e.getMessage());
    }
  }
}
