package org.otplatform.logger;

import java.net.URI;
import org.otplatform.common.config.CommonConfig;
import org.otplatform.common.config.Env;

/**
 * Logger configuration, from {@code OT_*} environment variables.
 *
 * @param port HTTP port ({@code OT_LOGGER_PORT}, default 8095)
 * @param database MongoDB database ({@code OT_LOGGER_DB}, default {@code ot_logs})
 * @param gssUrl the GSS, asked with the user's token whether a session is theirs ({@code OT_GSS_URL})
 * @param authUrl AUTH, for token verification keys ({@code OT_AUTH_URL})
 * @param retention records kept for {@code OT_LOGGER_MAX_AGE_HOURS} (default 168) and up to
 *     {@code OT_LOGGER_MAX_MEGABYTES} (default 1024) in all
 * @param retentionInterval how often retention runs ({@code OT_LOGGER_RETENTION_SECONDS}, default 60)
 * @param maxTailsPerUser live tails one user may hold open at once ({@code OT_LOGGER_MAX_TAILS_PER_USER},
 *     default 8; more get 429)
 * @param sessionRecordsPerMinute log records one session may store per minute
 *     ({@code OT_LOGGER_SESSION_RECORDS_PER_MINUTE}, default 6,000); more are dropped and counted
 *     in one record of the session per minute
 */
public record LoggerConfig(CommonConfig common, int port, String database, URI gssUrl, URI authUrl,
    Retention retention, java.time.Duration retentionInterval, int maxTailsPerUser, int sessionRecordsPerMinute) {

  public static LoggerConfig from(Env env) {
    CommonConfig common = CommonConfig.from(env, "logger");
    int port = env.port("OT_LOGGER_PORT", 8095);
    URI gss = env.url("OT_GSS_URL", "http://localhost:8091");
    URI auth = env.url("OT_AUTH_URL", "http://localhost:8092");
    Retention retention = new Retention(java.time.Duration.ofHours(env.positive("OT_LOGGER_MAX_AGE_HOURS", 168)),
        env.positive("OT_LOGGER_MAX_MEGABYTES", 1024) * 1024L * 1024L);
    java.time.Duration interval = env.seconds("OT_LOGGER_RETENTION_SECONDS", java.time.Duration.ofSeconds(60));
    int maxTails = env.positive("OT_LOGGER_MAX_TAILS_PER_USER", 8);
    String database = env.string("OT_LOGGER_DB", "ot_logs");
    int perSession = env.positive("OT_LOGGER_SESSION_RECORDS_PER_MINUTE", 6_000);
    env.validate(); // after every read
    return new LoggerConfig(common, port, database, gss, auth, retention, interval, maxTails, perSession);
  }
}
