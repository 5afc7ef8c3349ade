package org.otplatform.common.catalog;

import java.time.Duration;
import java.util.List;

/**
 * A kind of session a front end can open, and the compute services it runs.
 *
 * @param maxOpenPerProject how many sessions of this type one project may have open at once
 * @param openTimeout how long a session may stay OPENING before the GSS fails it, whatever the LSS
 *     does ({@code openTimeoutSeconds}; default: the longest service start timeout plus 30 s)
 */
public record SessionType(String name, int maxOpenPerProject, List<ServiceSpec> services, Duration openTimeout) {}
