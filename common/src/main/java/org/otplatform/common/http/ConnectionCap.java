package org.otplatform.common.http;

import io.vertx.core.Handler;
import io.vertx.core.http.HttpConnection;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * At most {@code perAddress} open connections from one client address
 * ({@code OT_HTTP_MAX_CONNECTIONS_PER_ADDRESS}): one more is closed at once, so a single client
 * cannot hold every connection a service can serve (half-sent bodies, idle sockets). Behind an
 * ingress every client has the ingress's address: set it to 0 (no cap) there, the ingress bounds
 * its clients.
 */
public final class ConnectionCap implements Handler<HttpConnection> {
  private static final Logger LOG = LoggerFactory.getLogger(ConnectionCap.class);
  /** Refusals are logged at most this often per service (a flood must not flood the log). */
  private static final long LOG_EVERY_MS = 10_000;

  private final int perAddress;
  private final Map<String, Integer> open = new ConcurrentHashMap<>();
  private final AtomicLong lastLogged = new AtomicLong();

  public ConnectionCap(int perAddress) {
    this.perAddress = perAddress;
  }

  @Override
  public void handle(HttpConnection connection) {
    String address = connection.remoteAddress() == null ? "unknown" : connection.remoteAddress().hostAddress();
    int now = open.merge(address, 1, Integer::sum);
    connection.closeHandler(v -> open.computeIfPresent(address, (a, n) -> n <= 1 ? null : n - 1));
    if (now > perAddress) {
      long t = System.currentTimeMillis();
      long last = lastLogged.get();
      if (t - last > LOG_EVERY_MS && lastLogged.compareAndSet(last, t)) {
        LOG.warn("refusing connections from {}: it holds {} already (OT_HTTP_MAX_CONNECTIONS_PER_ADDRESS)",
            address, perAddress);
      }
      connection.close();
    }
  }

  /** Open connections from {@code address} (tests, metrics). */
  public int openFrom(String address) {
    return open.getOrDefault(address, 0);
  }
}
