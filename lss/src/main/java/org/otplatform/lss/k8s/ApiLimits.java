package org.otplatform.lss.k8s;

/**
 * Limits of the LSS towards the Kubernetes API server.
 *
 * @param maxConcurrentStarts pods being started (created and not yet ready or failed) at once
 * @param apiQps API writes (create, delete) per second, sustained
 * @param apiBurst API writes allowed at once before the rate applies
 */
public record ApiLimits(int maxConcurrentStarts, double apiQps, int apiBurst) {
  public static final ApiLimits DEFAULT = new ApiLimits(10, 20, 40);
}
