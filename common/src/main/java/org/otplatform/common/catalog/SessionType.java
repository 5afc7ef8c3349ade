package org.otplatform.common.catalog;

import java.util.List;

/**
 * A kind of session a front end can open, and the compute services it runs.
 *
 * @param maxOpenPerProject how many sessions of this type one project may have open at once
 */
public record SessionType(String name, int maxOpenPerProject, List<ServiceSpec> services) {}
