package org.otplatform.compute.contract;

import java.util.OptionalInt;

/**
 * What an LSS and the compute services it starts agree on — one definition used by both sides
 * (the LSS's spawners and the compute SDK), so neither can drift from the other.
 *
 * <p>The LSS starts a compute service with these environment variables; the service binds
 * {@link #BIND_HOST}:{@link #PORT} (port 0: any free port), prints {@link #listeningLine} on
 * stdout once it listens (how a local spawner learns the port), answers {@link #READY_PATH} with
 * 200 once it can serve, and serves the relay on the WebSocket {@link #WEBSOCKET_PATH}. With
 * {@link #TLS_CERT}, {@link #TLS_KEY} and {@link #TLS_CA} set it serves TLS and admits only callers
 * with a certificate of that CA. A local service whose {@link #PARENT_PID} is gone exits.
 *
 * <p><b>Warm instances.</b> An LSS may start a service before any session wants it: without
 * {@link #SESSION_ID}, with {@link #ASSIGN_TOKEN} instead. Such an instance listens and is ready, but
 * refuses the relay's WebSocket (503) until the LSS assigns it to a session: {@code POST}
 * {@link #ASSIGN_PATH} with {@code Authorization: Bearer <token>} and {@code {"sessionId": ...}}
 * (200; the same session again is 200 too, another one 409, a wrong token 401; with TLS on, only a
 * certificate named in {@link PeerNames#ASSIGNERS} may ask). The assignment is once and for good.
 */
public final class ComputeContract {
  /** The session the service belongs to. */
  public static final String SESSION_ID = "OT_SESSION_ID";
  /** The service's name in its session type. */
  public static final String SERVICE_NAME = "OT_SERVICE_NAME";
  /** The port to listen on; 0 for any free one (then announced by the listening line). */
  public static final String PORT = "OT_PORT";
  /** The address to bind. */
  public static final String BIND_HOST = "OT_BIND_HOST";
  /** Local mode: the LSS's process id; the service exits when that process is gone. */
  public static final String PARENT_PID = "OT_PARENT_PID";
  /**
   * A directory the service's project keeps across sessions (set only for a session type with
   * {@code storage}): a mounted volume in a cluster, a directory of the LSS's in local mode.
   */
  public static final String STORAGE_DIR = "OT_STORAGE_DIR";
  /**
   * A warm instance's secret, given instead of {@link #SESSION_ID}: who presents it may assign the
   * instance to a session (the LSS that started it, or another of its pool that reads the pod).
   */
  public static final String ASSIGN_TOKEN = "OT_ASSIGN_TOKEN";
  /** Where a warm instance is assigned to its session. */
  public static final String ASSIGN_PATH = "/assign";

  /** PEM files of the service's certificate, its key, and the platform CA. */
  public static final String TLS_CERT = "OT_TLS_CERT";
  public static final String TLS_KEY = "OT_TLS_KEY";
  public static final String TLS_CA = "OT_TLS_CA";

  /** Answers 200 once the service can serve (the default readiness probe). */
  public static final String READY_PATH = "/health/ready";
  /** Answers 200 while the process is alive. */
  public static final String LIVE_PATH = "/health/live";
  /** Where the relay connects. */
  public static final String WEBSOCKET_PATH = "/ws";

  private static final String LISTENING = "OT-LISTENING ";
  private static final int MAX_PORT = 65_535;

  private ComputeContract() {}

  /** The line a service prints on stdout, on a line of its own, once it listens on {@code port}. */
  public static String listeningLine(int port) {
    if (port < 1 || port > MAX_PORT) {
      throw new IllegalArgumentException("not a port: " + port);
    }
    return LISTENING + port;
  }

  /** The port a line of the service's stdout announces, or empty for any other line. */
  public static OptionalInt listeningPort(String line) {
    if (line == null || !line.startsWith(LISTENING)) {
      return OptionalInt.empty();
    }
    try {
      int port = Integer.parseInt(line.substring(LISTENING.length()).trim());
      return port >= 1 && port <= MAX_PORT ? OptionalInt.of(port) : OptionalInt.empty();
    } catch (NumberFormatException e) {
      return OptionalInt.empty();
    }
  }
}
