package org.otplatform.faults.suite;

import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A user at a front end, in a loop until told to stop: open an echo session, follow its progress
 * stream, wait for READY, use it through the relay (numbered log lines, a few a second) for a few
 * seconds, close it, wait for CLOSED. Every call goes through the kinds' Services and is retried
 * while the platform does not answer; what it was told is kept in the session's trace.
 */
final class VirtualUser implements Runnable {
  /** How long a session may take to open, or to close, before the user stops waiting (the suite then calls it stuck). */
  private static final long STATE_WAIT_MILLIS = 180_000;

  private final Cluster cluster;
  private final String name;
  private final String password;
  private final String project;
  private final Random random;
  private final long useMillis;
  final List<SessionTrace> sessions = new CopyOnWriteArrayList<>();
  /** Opens not accepted, by answer. */
  final Map<String, Integer> refused = new ConcurrentHashMap<>();
  private final List<Thread> followers = new CopyOnWriteArrayList<>();
  private volatile boolean stopping;
  private volatile String token;

  VirtualUser(Cluster cluster, String name, String password, String project, long seed, long useMillis) {
    this.cluster = cluster;
    this.name = name;
    this.password = password;
    this.project = project;
    this.random = new Random(seed);
    this.useMillis = useMillis;
  }

  void stop() {
    stopping = true;
  }

  @Override
  public void run() {
    try {
      while (!stopping) {
        SessionTrace trace = open();
        if (trace != null) {
          live(trace);
        }
      }
      for (Thread f : followers) {
        f.join(STATE_WAIT_MILLIS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private SessionTrace open() throws InterruptedException {
    Api.Answer a = call("POST", cluster.url("gss") + "/api/v1/sessions",
        new JsonObject().put("project", project).put("type", "echo"));
    if (a == null || !a.is(202)) {
      refused.merge(a == null ? "no answer" : a.status() + " " + a.body().getString("error", ""), 1, Integer::sum);
      Thread.sleep(500 + random.nextInt(1000));
      return null;
    }
    SessionTrace trace = new SessionTrace(a.body().getString("id"), name);
    sessions.add(trace);
    Thread follower = new Thread(() -> {
      try {
        EventStream.follow(cluster.url("gss"), () -> token, trace, System.currentTimeMillis() + 30 * 60_000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }, "faults-sse-" + trace.id);
    follower.setDaemon(true);
    follower.start();
    followers.add(follower);
    return trace;
  }

  private void live(SessionTrace trace) throws InterruptedException {
    String state = await(trace, "READY", "FAILED", "CLOSED");
    if ("READY".equals(state)) {
      trace.readyAt = System.currentTimeMillis();
      use(trace, System.currentTimeMillis() + useMillis / 2 + random.nextLong(useMillis));
    }
    if (!trace.over()) {
      trace.closeAskedAt = System.currentTimeMillis();
      Api.Answer a;
      while ((a = call("DELETE", cluster.url("gss") + "/api/v1/sessions/" + trace.id, null)) == null
          || a.status() >= 500) {
        Thread.sleep(500);
      }
      await(trace, "CLOSED", "FAILED");
    }
  }

  /** Waits for one of the states (recording an end state); the state reached, or null past the wait. */
  private String await(SessionTrace trace, String... states) throws InterruptedException {
    long deadline = System.currentTimeMillis() + STATE_WAIT_MILLIS;
    while (System.currentTimeMillis() < deadline) {
      Api.Answer a = call("GET", cluster.url("gss") + "/api/v1/sessions/" + trace.id, null);
      if (a != null && a.is(200)) {
        String state = a.body().getString("state");
        if (state.equals("CLOSED") || state.equals("FAILED")) {
          trace.endState = state;
          trace.reason = a.body().getString("reason");
        }
        if (List.of(states).contains(state)) {
          return state;
        }
      }
      Thread.sleep(250);
    }
    return null;
  }

  /** Numbered lines through the relay until {@code until}, reconnecting when the socket goes. */
  private void use(SessionTrace trace, long until) throws InterruptedException {
    while (System.currentTimeMillis() < until && !trace.over()) {
      RelayClient client = RelayClient.connect(cluster.relayWs(), token, trace);
      if (client == null) {
        Thread.sleep(300);
        continue;
      }
      while (System.currentTimeMillis() < until && !client.closed.isDone()) {
        client.send(++trace.linesAsked);
        Thread.sleep(100 + random.nextInt(200));
        client.expire();
      }
      client.finish();
      Integer code = client.closed.getNow(null);
      if (code != null && code == 4410) {
        return; // the session is over: the relay says so
      }
      if (System.currentTimeMillis() < until) {
        Thread.sleep(200 + random.nextInt(300)); // reconnect, to whichever relay the Service picks
      }
    }
  }

  /** One call with the user's token, signing in again when it is refused; null without an answer. */
  private Api.Answer call(String method, String url, JsonObject body) throws InterruptedException {
    if (token == null && !signIn()) {
      return null;
    }
    Api.Answer a = Api.trySend(method, url, token, body);
    if (a != null && a.is(401) && signIn()) {
      a = Api.trySend(method, url, token, body);
    }
    return a;
  }

  private boolean signIn() throws InterruptedException {
    try {
      token = Api.login(cluster.url("auth"), name, password);
      return true;
    } catch (java.io.IOException e) {
      Thread.sleep(500);
      return false;
    }
  }
}
