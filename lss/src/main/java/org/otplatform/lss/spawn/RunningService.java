package org.otplatform.lss.spawn;

/**
 * A started compute service.
 *
 * @param sessionId its session
 * @param name its name in the session type
 * @param endpoint host:port where the relay reaches it
 * @param instance which instance the spawner started (a pod's name; a process's key), by which
 *     it stops it
 */
public record RunningService(String sessionId, String name, String endpoint, String instance) {}
