package org.otplatform.relay;

import java.net.URI;
import java.time.Duration;
import org.otplatform.common.config.CommonConfig;
import org.otplatform.common.config.Env;

/**
 * Relay configuration, from {@code OT_*} environment variables.
 *
 * @param port WebSocket/HTTP port ({@code OT_RELAY_PORT}, default 8094)
 * @param gssUrl the GSS, asked (with the user's token) which sessions a user may join and where
 *     their services are ({@code OT_GSS_URL})
 * @param authUrl AUTH, for the token verification keys ({@code OT_AUTH_URL})
 * @param requestTimeout how long a compute service may take to reply ({@code OT_RELAY_REQUEST_TIMEOUT_SECONDS})
 * @param maxFrameBytes largest WebSocket message from a front end ({@code OT_RELAY_MAX_MESSAGE_BYTES})
 * @param maxQueuedBytes what may wait to be sent to one front end before it counts as too slow and
 *     is closed ({@code OT_RELAY_MAX_QUEUED_BYTES}, default 1 MiB)
 * @param ping how often the relay pings front ends; one silent for two intervals is closed
 *     ({@code OT_RELAY_PING_SECONDS}, default 30)
 * @param activityInterval at most one activity event per session this often
 *     ({@code OT_RELAY_ACTIVITY_SECONDS}, default 30)
 */
public record RelayConfig(CommonConfig common, int port, URI gssUrl, URI authUrl, Duration requestTimeout,
    int maxFrameBytes, int maxQueuedBytes, Duration ping, Duration activityInterval) {

  public static RelayConfig from(Env env) {
    CommonConfig common = CommonConfig.from(env, "relay");
    int port = env.port("OT_RELAY_PORT", 8094);
    URI gss = env.url("OT_GSS_URL", "http://localhost:8091");
    URI auth = env.url("OT_AUTH_URL", "http://localhost:8092");
    Duration timeout = env.seconds("OT_RELAY_REQUEST_TIMEOUT_SECONDS", Duration.ofSeconds(60));
    int maxFrame = env.positive("OT_RELAY_MAX_MESSAGE_BYTES", 4 * 1024 * 1024);
    int maxQueued = env.positive("OT_RELAY_MAX_QUEUED_BYTES", 1024 * 1024);
    Duration ping = env.seconds("OT_RELAY_PING_SECONDS", Duration.ofSeconds(30));
    Duration activity = env.seconds("OT_RELAY_ACTIVITY_SECONDS", Duration.ofSeconds(30));
    env.validate();
    return new RelayConfig(common, port, gss, auth, timeout, maxFrame, maxQueued, ping, activity);
  }
}
