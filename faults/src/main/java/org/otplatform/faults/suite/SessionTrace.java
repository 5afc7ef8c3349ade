package org.otplatform.faults.suite;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;

/** Everything a front end saw of one session it opened: states, progress entries, relay outcomes, lines. */
final class SessionTrace {
  final String id;
  final String user;
  volatile long readyAt;
  volatile long closeAskedAt;
  volatile String endState;
  volatile String reason;

  /** Progress entry ids in the order the event streams delivered them, over every reconnect. */
  final List<Long> streamed = new ArrayList<>();
  volatile int streamReconnects;
  volatile boolean streamEnded;
  /** What a full replay of the stream gave once the session was over: the stored progress log. */
  volatile List<Long> stored;

  /** Log lines asked for, by number: when each was confirmed written (absent: no reply saying so). */
  final Map<Integer, Long> confirmed = new ConcurrentSkipListMap<>();
  volatile int linesAsked;
  /** Relay outcomes: "reply", "error <code>", "closed <code>", "hang". */
  final Map<String, Integer> relay = new ConcurrentHashMap<>();
  volatile int relayConnects;

  SessionTrace(String id, String user) {
    this.id = id;
    this.user = user;
  }

  void relayOutcome(String outcome) {
    relay.merge(outcome, 1, Integer::sum);
  }

  synchronized void streamedEntry(long entry) {
    streamed.add(entry);
  }

  synchronized List<Long> streamedSoFar() {
    return List.copyOf(streamed);
  }

  boolean over() {
    return endState != null;
  }

  /** Text the compute service writes as line {@code n}: unique across the run, found by the logger's text search. */
  String line(int n) {
    return linePrefix() + n;
  }

  /** What every line of this session starts with: what the logger's text search looks for. */
  String linePrefix() {
    return "ot-faults line " + id + " ";
  }

  static Map<String, Integer> sum(List<SessionTrace> traces) {
    Map<String, Integer> total = new TreeMap<>();
    traces.forEach(t -> t.relay.forEach((k, v) -> total.merge(k, v, Integer::sum)));
    return total;
  }
}
