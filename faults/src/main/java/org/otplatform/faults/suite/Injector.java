package org.otplatform.faults.suite;

import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;

/**
 * Injects faults at random moments while the load runs, one at a time per component and never
 * all replicas of a kind at once (a fault, not an outage): SIGKILL of each kind of service (an
 * LSS with sessions on it), of the broker (started again on its data) and of compute processes;
 * SIGSTOP/SIGCONT stalls of any of them, and an LSS stalled past the GSS's lost-LSS time, so that
 * its sessions are handed over while it still lives. Each fault is followed to its recovery.
 */
final class Injector {
  /** What was done. */
  enum Kind {
    KILL_GSS("gss"), KILL_RELAY("relay"), KILL_LOGGER("logger"), KILL_AUTH("auth"), KILL_LSS("lss"),
    KILL_BROKER("broker"), KILL_COMPUTE("compute"), PAUSE("*"), STALL_LSS("lss");

    final String component;

    Kind(String component) {
      this.component = component;
    }
  }

  /** One fault: when, on what, and how long until what it hit was whole again (-1: not within the bound). */
  record Fault(Kind kind, String target, long atMillis, long recoveryMillis, String note, Set<String> sessions) {
    Fault(Kind kind, String target, long atMillis, long recoveryMillis, String note) {
      this(kind, target, atMillis, recoveryMillis, note, Set.of());
    }

    Fault on(Set<String> held) {
      return new Fault(kind, target, atMillis, recoveryMillis, note, Set.copyOf(held));
    }
  }

  /** A fault that does not recover within this is a finding of its own. */
  static final long RECOVERY_BOUND_MILLIS = 180_000;

  private final Cluster cluster;
  private final ComputeWatch compute;
  private final Sessions sessions;
  private final Random random;
  private final Set<String> busy = ConcurrentHashMap.newKeySet();
  final List<Fault> faults = new CopyOnWriteArrayList<>();
  /** A process held by SIGSTOP from {@code from} to {@code to} (ms): it could not act meanwhile. */
  record Stall(long pid, long from, long to) {}

  final List<Stall> stalls = new CopyOnWriteArrayList<>();
  /** The broker away (killed until it listened again, or stopped): pid {@link #BROKER}. */
  static final long BROKER = -1;
  private volatile long brokerBackAt;
  private final List<Thread> inFlight = new CopyOnWriteArrayList<>();

  /** What the injector asks of the sessions: whether a session is whole again. */
  interface Sessions {
    /** True when the session is READY with every service READY on a live process not in {@code notPids}, or over. */
    boolean whole(String session, Set<Long> notPids) throws InterruptedException;
  }

  Injector(Cluster cluster, ComputeWatch compute, Sessions sessions, long seed) {
    this.cluster = cluster;
    this.compute = compute;
    this.sessions = sessions;
    this.random = new Random(seed);
  }

  /** Injects until {@code untilMillis} and at least {@code minFaults} (within twice the time), then waits for recoveries. */
  void run(long startMillis, long untilMillis, int minFaults) throws InterruptedException {
    long span = untilMillis - startMillis;
    long hardEnd = untilMillis + span;
    double meanGap = Math.max(300, span / (minFaults * 1.3));
    while (System.currentTimeMillis() < untilMillis
        || faults.size() + inFlight.size() < minFaults && System.currentTimeMillis() < hardEnd) {
      Thread.sleep((long) (-Math.log(1 - random.nextDouble()) * meanGap) + 100);
      List<Kind> eligible = new ArrayList<>();
      for (Kind k : Kind.values()) {
        if (eligible(k)) {
          eligible.add(k);
        }
      }
      if (!eligible.isEmpty()) {
        start(eligible.get(random.nextInt(eligible.size())));
      }
      inFlight.removeIf(t -> !t.isAlive());
    }
    for (Thread t : inFlight) {
      t.join(RECOVERY_BOUND_MILLIS + 60_000);
    }
  }

  int injected() {
    return faults.size() + inFlight.size();
  }

  private boolean eligible(Kind k) {
    return switch (k) {
      case PAUSE -> true; // picks a free component itself
      // One AUTH and one broker: killed whenever up and not already under a fault (the others' faults go on).
      case KILL_AUTH -> !busy.contains("auth") && cluster.nodes("auth").get(0).ready;
      // The broker at most once a minute: while it is away nothing of the platform moves.
      case KILL_BROKER -> !busy.contains("broker") && cluster.broker().pid().isPresent()
          && System.currentTimeMillis() - brokerBackAt > 60_000;
      case KILL_COMPUTE -> !busy.contains("compute") && !compute.live().isEmpty();
      default -> !busy.contains(k.component) && cluster.nodes(k.component).stream().allMatch(n -> n.ready);
    };
  }

  private void start(Kind kind) {
    String component = kind == Kind.PAUSE ? pauseTarget() : kind.component;
    if (component == null || !busy.add(component)) {
      return;
    }
    long seed = random.nextLong();
    Thread t = new Thread(() -> {
      try {
        Fault fault = inject(kind, component, new Random(seed));
        if (fault != null) {
          faults.add(fault);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      } catch (RuntimeException e) {
        faults.add(new Fault(kind, component, System.currentTimeMillis(), -1, "the suite failed: " + e));
      } finally {
        busy.remove(component);
      }
    }, "faults-" + kind);
    inFlight.add(t);
    t.start();
  }

  /** A component with every replica ready and no fault in flight, for a stall. */
  private String pauseTarget() {
    List<String> free = new ArrayList<>();
    for (String kind : Cluster.KINDS) {
      if (!busy.contains(kind) && cluster.nodes(kind).stream().allMatch(n -> n.ready)) {
        free.add(kind);
      }
    }
    if (!busy.contains("broker") && cluster.broker().pid().isPresent()) {
      free.add("broker");
    }
    return free.isEmpty() ? null : free.get(random.nextInt(free.size()));
  }

  private Fault inject(Kind kind, String component, Random r) throws InterruptedException {
    return switch (kind) {
      case KILL_BROKER -> killBroker(r);
      case KILL_COMPUTE -> killCompute(r);
      case KILL_LSS -> killLss(r);
      case PAUSE -> pause(component, r);
      case STALL_LSS -> stallLss(r);
      default -> killService(kind, pick(cluster.nodes(component), r), r, n -> true);
    };
  }

  private static Node pick(List<Node> nodes, Random r) {
    return nodes.get(r.nextInt(nodes.size()));
  }

  /** SIGKILL, restarted after a moment as the kubelet would; recovered when ready again and {@code whole}. */
  private Fault killService(Kind kind, Node node, Random r, Function<Node, Boolean> whole) throws InterruptedException {
    long at = System.currentTimeMillis();
    node.kill();
    Thread.sleep(200 + r.nextInt(1300));
    try {
      node.start();
    } catch (java.io.IOException e) {
      return new Fault(kind, node.name(), at, -1, "cannot start again: " + e.getMessage());
    }
    long recovered = until(at, () -> node.ready && whole.apply(node));
    return new Fault(kind, node.name(), at, recovered, "");
  }

  /** An LSS that runs sessions: they must be READY again on a live process, or over. */
  private Fault killLss(Random r) throws InterruptedException {
    List<Node> lss = new ArrayList<>(cluster.nodes("lss"));
    Collections.shuffle(lss, r);
    lss.sort((a, b) -> Long.compare(held(b).size(), held(a).size()));
    Node node = lss.get(0);
    Set<String> held = held(node);
    Set<Long> pids = compute.pidsOf(held);
    return killService(Kind.KILL_LSS, node, r, n -> allWhole(held, pids)).on(held);
  }

  private Set<String> held(Node lss) {
    if (!lss.alive()) {
      return Set.of();
    }
    long pid = lss.pid();
    Set<String> held = new java.util.TreeSet<>();
    compute.live().stream().filter(p -> p.parentPid() == pid).forEach(p -> held.add(p.session()));
    return held;
  }

  private boolean allWhole(Set<String> held, Set<Long> oldPids) {
    try {
      for (String s : held) {
        if (!sessions.whole(s, oldPids)) {
          return false;
        }
      }
      return true;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  private Fault killCompute(Random r) throws InterruptedException {
    List<ComputeWatch.Proc> live = compute.live();
    if (live.isEmpty()) {
      return null; // none alive now: no fault injected
    }
    ComputeWatch.Proc victim = live.get(r.nextInt(live.size()));
    long at = System.currentTimeMillis();
    if (!Node.trySignal("KILL", victim.pid())) {
      return null; // it ended by itself meanwhile: no fault injected
    }
    long recovered = until(at, () -> allWhole(Set.of(victim.session()), Set.of(victim.pid())));
    return new Fault(Kind.KILL_COMPUTE, victim.session() + "/" + victim.service(), at, recovered, "");
  }

  private Fault killBroker(Random r) throws InterruptedException {
    long at = System.currentTimeMillis();
    cluster.broker().kill();
    Thread.sleep(200 + r.nextInt(1300));
    cluster.broker().start(java.time.Duration.ofSeconds(120));
    brokerBackAt = System.currentTimeMillis();
    stalls.add(new Stall(BROKER, at, brokerBackAt));
    long recovered = until(at, this::readyButFaulted);
    return new Fault(Kind.KILL_BROKER, "kafka", at, recovered, "");
  }

  /** SIGSTOP for 1–8 s, then SIGCONT; recovered (from SIGCONT) when ready again. */
  private Fault pause(String component, Random r) throws InterruptedException {
    long held = 1_000 + r.nextInt(7_000);
    if (component.equals("broker")) {
      long pid = cluster.broker().pid().orElseThrow();
      Node.signal("STOP", pid);
      Thread.sleep(held);
      Node.signal("CONT", pid);
      long at = System.currentTimeMillis();
      stalls.add(new Stall(BROKER, at - held, at));
      return new Fault(Kind.PAUSE, "kafka", at, until(at, this::readyButFaulted), "stopped " + held + " ms");
    }
    Node node = pick(cluster.nodes(component), r);
    long at = hold(node, held);
    return new Fault(Kind.PAUSE, node.name(), at, until(at, () -> node.ready), "stopped " + held + " ms");
  }

  /** SIGSTOP for {@code millis}, then SIGCONT; recorded as a stall; the time it goes on again. */
  private long hold(Node node, long millis) throws InterruptedException {
    long pid = node.pid();
    long from = System.currentTimeMillis();
    node.pause();
    Thread.sleep(millis);
    node.resume();
    long at = System.currentTimeMillis();
    stalls.add(new Stall(pid, from, at));
    return at;
  }

  /**
   * An LSS stalled past the lost-LSS time: the GSS hands its sessions over while its processes
   * still live. Recovered (from SIGCONT) when every one of them runs once, READY, on one LSS.
   */
  private Fault stallLss(Random r) throws InterruptedException {
    List<Node> lss = new ArrayList<>(cluster.nodes("lss"));
    lss.sort((a, b) -> Long.compare(held(b).size(), held(a).size()));
    Node node = lss.get(0);
    Set<String> held = held(node);
    long stalled = (Cluster.LSS_LOST_SECONDS + 4) * 1000L;
    long at = hold(node, stalled);
    long recovered = until(at, () -> node.ready && allWhole(held, Set.of()) && held.stream()
        .noneMatch(s -> compute.live().stream().filter(p -> p.session().equals(s)).count() > 1));
    return new Fault(Kind.STALL_LSS, node.name() + " (" + held.size() + " sessions)", at, recovered,
        "stopped " + stalled + " ms").on(held);
  }

  /** The broker up and every replica ready, except those of components under another fault now. */
  private boolean readyButFaulted() {
    return cluster.broker().pid().isPresent() && Cluster.KINDS.stream()
        .filter(kind -> !busy.contains(kind))
        .allMatch(kind -> cluster.nodes(kind).stream().allMatch(n -> n.ready));
  }

  /** Ms from {@code at} until {@code done}, or -1 past {@link #RECOVERY_BOUND_MILLIS}. */
  private static long until(long at, java.util.function.BooleanSupplier done) throws InterruptedException {
    while (!done.getAsBoolean()) {
      if (System.currentTimeMillis() - at > RECOVERY_BOUND_MILLIS) {
        return -1;
      }
      Thread.sleep(100);
    }
    return System.currentTimeMillis() - at;
  }

  static Map<Kind, List<Fault>> byKind(List<Fault> faults) {
    Map<Kind, List<Fault>> map = new EnumMap<>(Kind.class);
    faults.forEach(f -> map.computeIfAbsent(f.kind(), k -> new ArrayList<>()).add(f));
    return map;
  }
}
