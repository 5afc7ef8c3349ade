package org.otplatform.embedded;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;

/** Port checks: whether a port can be bound, and an unused port from the OS. */
public final class FreePorts {
  private FreePorts() {}

  /** A port the OS reports free right now (bind to 0, read, release). */
  public static int pick() {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      socket.setReuseAddress(true);
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new IllegalStateException("no free port", e);
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
