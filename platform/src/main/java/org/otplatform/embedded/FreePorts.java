package org.otplatform.embedded;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;

/** Port checks: whether a port can be bound, and an unused one to bind. */
public final class FreePorts {
  private FreePorts() {}

  /** The lowest port the kernel hands out to outgoing connections (Linux: 32768 by default). */
  private static final int EPHEMERAL_LOW = ephemeralLow();

  /** Ports this JVM handed out lately: never handed out again while remembered. */
  private static final java.util.Set<Integer> HANDED_OUT = java.util.Collections.newSetFromMap(
      new java.util.LinkedHashMap<>() {
        @Override
        protected boolean removeEldestEntry(java.util.Map.Entry<Integer, Boolean> eldest) {
          return size() > 4_096;
        }
      });

  /**
   * A port free right now, below the kernel's ephemeral range: a port from that range (what binding
   * to 0 gives) can be taken by any outgoing connection between this pick and the bind that
   * follows, which made starts fail now and then with "Address already in use". Never one this JVM
   * handed out lately: the picks of one platform (eight ports, bound one after another) are distinct,
   * and a platform does not get the port of one that has just stopped.
   */
  public static int pick() {
    java.util.concurrent.ThreadLocalRandom random = java.util.concurrent.ThreadLocalRandom.current();
    for (int i = 0; i < 200; i++) {
      int port = random.nextInt(10_000, EPHEMERAL_LOW);
      synchronized (HANDED_OUT) {
        if (!HANDED_OUT.contains(port) && isFree("127.0.0.1", port)) {
          HANDED_OUT.add(port);
          return port;
        }
      }
    }
    throw new IllegalStateException("no free port below " + EPHEMERAL_LOW + " after 200 tries");
  }

  private static int ephemeralLow() {
    try {
      String range = java.nio.file.Files.readString(java.nio.file.Path.of("/proc/sys/net/ipv4/ip_local_port_range"));
      int low = Integer.parseInt(range.trim().split("\\s+")[0]);
      return low > 11_000 ? low : 32_768;
    } catch (IOException | RuntimeException e) {
      return 32_768;
    }
  }

  /** Whether {@code port} can be bound on {@code host}. */
  public static boolean isFree(String host, int port) {
    try (ServerSocket socket = new ServerSocket(port, 1, InetAddress.getByName(host))) {
      socket.setReuseAddress(true);
      return true;
    } catch (IOException e) {
      return false;
    }
  }
}
