package org.otplatform.common.service;

import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.datagram.DatagramSocketOptions;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.json.JsonObject;
import io.vertx.core.metrics.MetricsOptions;
import io.vertx.core.net.NetClientOptions;
import io.vertx.core.net.NetServerOptions;
import io.vertx.core.net.SocketAddress;
import io.vertx.core.spi.VertxMetricsFactory;
import io.vertx.core.spi.metrics.ClientMetrics;
import io.vertx.core.spi.metrics.DatagramSocketMetrics;
import io.vertx.core.spi.metrics.EventBusMetrics;
import io.vertx.core.spi.metrics.HttpClientMetrics;
import io.vertx.core.spi.metrics.HttpServerMetrics;
import io.vertx.core.spi.metrics.PoolMetrics;
import io.vertx.core.spi.metrics.TCPMetrics;
import io.vertx.core.spi.metrics.VertxMetrics;
import io.vertx.core.spi.observability.HttpRequest;
import io.vertx.core.spi.observability.HttpResponse;

/**
 * Vert.x metrics (Micrometer's) that survive connections accepted before their server's metrics
 * exist.
 *
 * <p>vertx-core 5.0.7 binds a server's socket first and creates its TCP metrics afterwards, in the
 * bind's listener; a connection accepted in between carries no socket metric. Micrometer's server
 * metrics dereference it on the first request, the request is never answered, and the client waits
 * until the idle timeout (2 min) — seen when a readiness probe reached the GSS the moment it bound
 * on a loaded machine. Here such a connection is simply not measured; everything else goes to
 * Micrometer unchanged.
 */
public final class GuardedMetrics implements VertxMetricsFactory {

  private final VertxMetricsFactory delegate;

  public GuardedMetrics(VertxMetricsFactory delegate) {
    this.delegate = delegate;
  }

  @Override
  public VertxMetrics metrics(VertxOptions options) {
    return new Guarded(delegate.metrics(options));
  }

  @Override
  public MetricsOptions newOptions() {
    return delegate.newOptions();
  }

  @Override
  public MetricsOptions newOptions(MetricsOptions options) {
    return delegate.newOptions(options);
  }

  @Override
  public MetricsOptions newOptions(JsonObject json) {
    return delegate.newOptions(json);
  }

  /** The Vert.x instance's metrics: servers' metrics guarded, the rest as they are. */
  private record Guarded(VertxMetrics metrics) implements VertxMetrics {

    @Override
    public HttpServerMetrics<?, ?, ?> createHttpServerMetrics(HttpServerOptions options,
        SocketAddress localAddress) {
      HttpServerMetrics<?, ?, ?> server = metrics.createHttpServerMetrics(options, localAddress);
      return server == null ? null : new HttpServerGuard(server);
    }

    @Override
    public TCPMetrics<?> createNetServerMetrics(NetServerOptions options, SocketAddress localAddress) {
      TCPMetrics<?> server = metrics.createNetServerMetrics(options, localAddress);
      return server == null ? null : new TcpGuard(server);
    }

    @Override
    public EventBusMetrics<?> createEventBusMetrics() {
      return metrics.createEventBusMetrics();
    }

    @Override
    public ClientMetrics<?, ?, ?> createClientMetrics(SocketAddress remoteAddress, String type,
        String namespace) {
      return metrics.createClientMetrics(remoteAddress, type, namespace);
    }

    @Override
    public HttpClientMetrics<?, ?, ?> createHttpClientMetrics(HttpClientOptions options) {
      return metrics.createHttpClientMetrics(options);
    }

    @Override
    public TCPMetrics<?> createNetClientMetrics(NetClientOptions options) {
      return metrics.createNetClientMetrics(options);
    }

    @Override
    public DatagramSocketMetrics createDatagramSocketMetrics(DatagramSocketOptions options) {
      return metrics.createDatagramSocketMetrics(options);
    }

    @Override
    public PoolMetrics<?, ?> createPoolMetrics(String type, String name, int maxSize) {
      return metrics.createPoolMetrics(type, name, maxSize);
    }

    @Override
    public void vertxCreated(Vertx vertx) {
      metrics.vertxCreated(vertx);
    }

    @Override
    public boolean isMetricsEnabled() {
      return metrics.isMetricsEnabled();
    }

    @Override
    public void close() {
      metrics.close();
    }
  }

  /** A server's TCP metrics; a socket without a metric is not measured. */
  @SuppressWarnings({"unchecked", "rawtypes"})
  static class TcpGuard implements TCPMetrics<Object> {
    private final TCPMetrics tcp;

    TcpGuard(TCPMetrics<?> tcp) {
      this.tcp = tcp;
    }

    @Override
    public Object connected(SocketAddress remoteAddress, String remoteName) {
      return tcp.connected(remoteAddress, remoteName);
    }

    @Override
    public void disconnected(Object socket, SocketAddress remoteAddress) {
      if (socket != null) {
        tcp.disconnected(socket, remoteAddress);
      }
    }

    @Override
    public void bytesRead(Object socket, SocketAddress remoteAddress, long bytes) {
      if (socket != null) {
        tcp.bytesRead(socket, remoteAddress, bytes);
      }
    }

    @Override
    public void bytesWritten(Object socket, SocketAddress remoteAddress, long bytes) {
      if (socket != null) {
        tcp.bytesWritten(socket, remoteAddress, bytes);
      }
    }

    @Override
    public void exceptionOccurred(Object socket, SocketAddress remoteAddress, Throwable t) {
      if (socket != null) {
        tcp.exceptionOccurred(socket, remoteAddress, t);
      }
    }

    @Override
    public void close() {
      tcp.close();
    }
  }

  /**
   * A server's HTTP metrics; a request on a socket without a metric gets none, and what follows
   * from a request or WebSocket without a metric is not measured.
   */
  @SuppressWarnings({"unchecked", "rawtypes"})
  static final class HttpServerGuard extends TcpGuard implements HttpServerMetrics<Object, Object, Object> {
    private final HttpServerMetrics http;

    HttpServerGuard(HttpServerMetrics<?, ?, ?> http) {
      super(http);
      this.http = http;
    }

    @Override
    public Object requestBegin(Object socket, HttpRequest request) {
      return socket == null ? null : http.requestBegin(socket, request);
    }

    @Override
    public void requestEnd(Object request, HttpRequest req, long bytesRead) {
      if (request != null) {
        http.requestEnd(request, req, bytesRead);
      }
    }

    @Override
    public void requestReset(Object request) {
      if (request != null) {
        http.requestReset(request);
      }
    }

    @Override
    public void responseBegin(Object request, HttpResponse response) {
      if (request != null) {
        http.responseBegin(request, response);
      }
    }

    @Override
    public Object responsePushed(Object socket, HttpMethod method, String uri, HttpResponse response) {
      return socket == null ? null : http.responsePushed(socket, method, uri, response);
    }

    @Override
    public void responseEnd(Object request, HttpResponse response, long bytesWritten) {
      if (request != null) {
        http.responseEnd(request, response, bytesWritten);
      }
    }

    @Override
    public Object connected(Object socket, Object request, ServerWebSocket webSocket) {
      return socket == null || request == null ? null : http.connected(socket, request, webSocket);
    }

    @Override
    public void disconnected(Object webSocket) {
      if (webSocket != null) {
        http.disconnected(webSocket);
      }
    }

    @Override
    public void requestRouted(Object request, String route) {
      if (request != null) {
        http.requestRouted(request, route);
      }
    }
  }
}
