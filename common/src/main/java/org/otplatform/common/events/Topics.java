package org.otplatform.common.events;

import java.util.List;

/** Names of the platform's Kafka topics: part of the public contract (see docs/architecture.md). */
public final class Topics {
  /** {@link SessionCommand}s from the GSS to the LSS instances, keyed by session id. */
  public static final String SESSION_COMMANDS = "ot.session.commands";
  /** {@link SessionEvent}s from the LSS instances about a session's services, keyed by session id. */
  public static final String SESSION_EVENTS = "ot.session.events";
  /**
   * {@link SessionEvent.SessionActivity} from the relay, keyed by session id: a topic of its own so
   * that only the LSS instances may write {@link #SESSION_EVENTS} (Kafka ACLs; the GSS refuses
   * activity there and anything else here).
   */
  public static final String SESSION_ACTIVITY = "ot.session.activity";
  /** LSS heartbeats with capacity and load, keyed by LSS id. */
  public static final String REGISTRY = "ot.registry";
  /** Log records of every service and compute service, keyed by service instance. */
  public static final String LOGS = "ot.logs";
  /** Security-relevant events (logins, user and project changes), keyed by subject. */
  public static final String AUDIT = "ot.audit";
  /** {@link UserRevoked}: users whose earlier access tokens stop working, keyed by user id. */
  public static final String REVOCATIONS = "ot.auth.revocations";

  /**
   * {@link DeadLetter}s: records a consumer gave up on (its handler failed past the retries, or the
   * record cannot be read), keyed as the record was; the logger stores them for administrators.
   */
  public static final String DEAD_LETTERS = "ot.dead-letters";

  public static final List<String> ALL = List.of(SESSION_COMMANDS, SESSION_EVENTS, SESSION_ACTIVITY, REGISTRY, LOGS, AUDIT,
      REVOCATIONS, DEAD_LETTERS);

  private Topics() {}
}
