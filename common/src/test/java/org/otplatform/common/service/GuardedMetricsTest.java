package org.otplatform.common.service;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.internal.VertxInternal;
import io.vertx.core.net.SocketAddress;
import io.vertx.core.spi.metrics.HttpServerMetrics;
import io.vertx.core.spi.observability.HttpRequest;
import io.vertx.core.spi.observability.HttpResponse;
import io.vertx.micrometer.backends.BackendRegistries;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The metrics of a service's Vert.x instance, as {@link ServiceLauncher#newVertx} makes it: a
 * connection accepted before its server's metrics existed has no socket metric, and a request on it
 * must still be served (Micrometer alone throws, and the request is never answered).
 */
class GuardedMetricsTest {

  private static final SocketAddress CLIENT = SocketAddress.inetSocketAddress(40000, "127.0.0.1");

  private Vertx vertx;
  private HttpServerMetrics<Object, Object, Object> server;

  @BeforeEach
  @SuppressWarnings("unchecked")
  void serverMetrics() {
    vertx = ServiceLauncher.newVertx("guarded");
    server = (HttpServerMetrics<Object, Object, Object>) ((VertxInternal) vertx).metrics()
        .createHttpServerMetrics(new HttpServerOptions(), SocketAddress.inetSocketAddress(8091, "127.0.0.1"));
  }

  @AfterEach
  void close() {
    vertx.close().await();
  }

  @Test
  void aRequestOnAConnectionWithoutASocketMetricIsServedUnmeasured() {
    assertDoesNotThrow(() -> {
      Object request = server.requestBegin(null, GET);
      assertNull(request);
      server.requestRouted(null, "/health/ready");
      server.requestEnd(null, GET, 0);
      server.responseBegin(null, OK);
      server.responseEnd(null, OK, 2);
      server.bytesRead(null, CLIENT, 120);
      server.bytesWritten(null, CLIENT, 80);
      server.exceptionOccurred(null, CLIENT, new RuntimeException("reset"));
      assertNull(server.connected(null, null, null));
      server.disconnected(null);
      server.disconnected(null, CLIENT);
    });
  }

  @Test
  void aMeasuredConnectionIsStillMeasured() {
    Object socket = server.connected(CLIENT, "127.0.0.1");
    assertNotNull(socket);
    Object request = server.requestBegin(socket, GET);
    assertNotNull(request);
    server.requestEnd(request, GET, 0);
    server.responseBegin(request, OK);
    server.responseEnd(request, OK, 2);
    server.disconnected(socket, CLIENT);

    MeterRegistry meters = BackendRegistries.getNow(ServiceLauncher.registryName(vertx));
    assertTrue(meters.find("vertx.http.server.requests").counters().stream()
        .anyMatch(c -> c.count() == 1), "the request was counted");
  }

  private static final HttpRequest GET = new HttpRequest() {
    @Override public int id() { return 1; }
    @Override public String uri() { return "/health/ready"; }
    @Override public String absoluteURI() { return "http://127.0.0.1:8091/health/ready"; }
    @Override public HttpMethod method() { return HttpMethod.GET; }
    @Override public MultiMap headers() { return MultiMap.caseInsensitiveMultiMap(); }
    @Override public SocketAddress remoteAddress() { return CLIENT; }
  };

  private static final HttpResponse OK = new HttpResponse() {
    @Override public int statusCode() { return 200; }
    @Override public MultiMap headers() { return MultiMap.caseInsensitiveMultiMap(); }
  };
}
