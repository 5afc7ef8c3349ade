package org.otplatform.gss;

import java.net.URI;
import org.otplatform.common.catalog.Catalog;
import org.otplatform.common.config.CommonConfig;
import org.otplatform.common.config.Env;

/**
 * GSS configuration, from {@code OT_*} environment variables.
 *
 * @param port HTTP port ({@code OT_GSS_PORT}, default 8091)
 * @param database MongoDB database ({@code OT_GSS_DB}, default {@code ot_gss})
 * @param authUrl AUTH as the GSS reaches it: keys and project checks ({@code OT_AUTH_URL})
 * @param publicAuthUrl AUTH as front ends reach it, returned by {@code /api/v1/info}
 *     ({@code OT_PUBLIC_AUTH_URL}, default {@code authUrl})
 * @param publicRelayUrl the relay's WebSocket base URL for front ends ({@code OT_PUBLIC_RELAY_URL})
 * @param publicLoggerUrl the logger for front ends ({@code OT_PUBLIC_LOGGER_URL})
 * @param limits open sessions one user may hold ({@code OT_GSS_MAX_SESSIONS_PER_USER}, 5) and the
 *     platform may hold ({@code OT_GSS_MAX_SESSIONS}, 1000)
 * @param catalog the service catalog ({@code OT_CATALOG}: a JSON file; default built in)
 * @param sweepInterval how often sessions stuck OPENING, and sessions of lost LSS instances, are
 *     looked for ({@code OT_GSS_SWEEP_SECONDS}, 5)
 * @param lssLostAfter an LSS not heard for this long is lost and its sessions are handed over
 *     ({@code OT_GSS_LSS_LOST_SECONDS}, default 20: four missed heartbeats)
 * @param maxHandovers how often one session may be handed to another LSS before it fails
 *     ({@code OT_GSS_MAX_HANDOVERS}, default 3)
 * @param queueTimeout how long a new session may wait for a free LSS slot before it fails
 *     ({@code OT_GSS_QUEUE_TIMEOUT_SECONDS}, default 300)
 * @param maxStreamsPerUser event streams one user may hold open at once
 *     ({@code OT_GSS_MAX_STREAMS_PER_USER}, default 16; more get 429)
 */
public record GssConfig(CommonConfig common, int port, String database, URI authUrl, String publicAuthUrl,
    String publicRelayUrl, String publicLoggerUrl, SessionLimits limits, Catalog catalog,
    java.time.Duration sweepInterval, java.time.Duration lssLostAfter, int maxHandovers,
    java.time.Duration queueTimeout, int maxStreamsPerUser) {

  /**
   * Open sessions (OPENING, READY, CLOSING) allowed.
   *
   * @param perUser one user may hold this many (429 past it)
   * @param overall the platform holds at most this many (429 with Retry-After past it)
   */
  public record SessionLimits(int perUser, int overall) {}

  public static GssConfig from(Env env) {
    CommonConfig common = CommonConfig.from(env, "gss");
    int port = env.port("OT_GSS_PORT", 8091);
    URI auth = env.url("OT_AUTH_URL", "http://localhost:8092");
    String publicAuth = env.string("OT_PUBLIC_AUTH_URL", auth.toString());
    String relay = env.string("OT_PUBLIC_RELAY_URL", "ws://localhost:8094");
    String logger = env.string("OT_PUBLIC_LOGGER_URL", "http://localhost:8095");
    SessionLimits limits = new SessionLimits(env.positive("OT_GSS_MAX_SESSIONS_PER_USER", 5),
        env.positive("OT_GSS_MAX_SESSIONS", 1000));
    Catalog catalog = Catalog.fromEnv(env);
    java.time.Duration sweep = env.seconds("OT_GSS_SWEEP_SECONDS", java.time.Duration.ofSeconds(5));
    java.time.Duration lostAfter = env.seconds("OT_GSS_LSS_LOST_SECONDS", java.time.Duration.ofSeconds(20));
    int maxHandovers = env.integer("OT_GSS_MAX_HANDOVERS", 3);
    if (maxHandovers < 0) {
      env.problem("OT_GSS_MAX_HANDOVERS must be 0 or more, got " + maxHandovers);
    }
    java.time.Duration queueTimeout = env.seconds("OT_GSS_QUEUE_TIMEOUT_SECONDS", java.time.Duration.ofSeconds(300));
    int maxStreams = env.positive("OT_GSS_MAX_STREAMS_PER_USER", 16);
    String database = env.string("OT_GSS_DB", "ot_gss");
    env.validate(); // after every read: a bad value of any of them stops the service
    return new GssConfig(common, port, database, auth, publicAuth, relay, logger, limits, catalog, sweep, lostAfter,
        maxHandovers, queueTimeout, maxStreams);
  }
}
