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
 */
public record LoggerConfig(CommonConfig common, int port, String database, URI gssUrl, URI authUrl) {

  public static LoggerConfig from(Env env) {
    CommonConfig common = CommonConfig.from(env, "logger");
    int port = env.port("OT_LOGGER_PORT", 8095);
    URI gss = env.url("OT_GSS_URL", "http://localhost:8091");
    URI auth = env.url("OT_AUTH_URL", "http://localhost:8092");
    env.validate();
    return new LoggerConfig(common, port, env.string("OT_LOGGER_DB", "ot_logs"), gss, auth);
  }
}
