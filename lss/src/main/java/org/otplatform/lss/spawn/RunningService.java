package org.otplatform.lss.spawn;

/**
 * A started compute service.
 *
 * @param sessionId its session
 * @param name its name in the session type
 * @param endpoint host:port where the relay reaches it
 * @param handle the spawner's own handle (a process, a pod name)
 */
public record RunningService(String sessionId, String name, String endpoint, Object handle) {}
