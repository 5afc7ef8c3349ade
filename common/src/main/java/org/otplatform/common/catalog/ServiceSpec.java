package org.otplatform.common.catalog;

import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * One compute service of a session type.
 *
 * @param name unique within its session type; the relay's {@code to}
 * @param command local mode: the command line; {@code ${java}} and {@code ${classpath}} are
 *     replaced by the LSS
 * @param image cluster mode: the container image
 * @param env extra environment for the service
 * @param mandatory whether the session fails when this service cannot start
 * @param startTimeout how long the service may take to become ready
 */
public record ServiceSpec(String name, List<String> command, String image, Map<String, String> env,
    boolean mandatory, Duration startTimeout) {}
