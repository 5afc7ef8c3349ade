package org.otplatform.common.tls;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.ext.web.client.WebClient;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One service's TLS at run time: makes its servers and clients from {@link TlsSettings} and keeps
 * them current — the certificate files are checked every {@code OT_TLS_RELOAD_SECONDS}, and when
 * they change (a cert-manager renewal rewrites the mounted Secret) every server and client takes
 * the new material for its next handshakes, without a restart. With TLS off it makes plain ones.
 */
public final class ServiceTls {
  private static final Logger LOG = LoggerFactory.getLogger(ServiceTls.class);

  private final Vertx vertx;
  private final TlsSettings settings;
  private final List<HttpServer> servers = new CopyOnWriteArrayList<>();
  private final List<HttpClientAgent> clients = new CopyOnWriteArrayList<>();
  private String state;
  private long timer = -1;

  private ServiceTls(Vertx vertx, TlsSettings settings) {
    this.vertx = vertx;
    this.settings = settings;
  }

  /** Starts watching the certificate files when TLS is on. */
  public static ServiceTls start(Vertx vertx, TlsSettings settings) {
    ServiceTls tls = new ServiceTls(vertx, settings);
    if (settings.enabled()) {
      tls.state = settings.fileState();
      long every = Math.max(1, settings.reloadInterval().toMillis());
      tls.timer = vertx.setPeriodic(every, t -> tls.check());
    }
    return tls;
  }

  public TlsSettings settings() {
    return settings;
  }

  /** Server options with TLS when it is on; the server is to be {@link #track tracked}. */
  public HttpServerOptions server(HttpServerOptions base) {
    return settings.server(base);
  }

  /** Follows a started server, so that it gets renewed certificates. */
  public HttpServer track(HttpServer server) {
    if (settings.https()) {
      servers.add(server);
    }
    return server;
  }

  /** An HTTP client for calls to other services, presenting this service's certificate. */
  public HttpClientAgent httpClient(HttpClientOptions base) {
    HttpClientAgent client = vertx.createHttpClient(settings.client(base));
    if (settings.https()) {
      clients.add(client);
    }
    return client;
  }

  /** A web client over {@link #httpClient}. */
  public WebClient webClient() {
    return WebClient.wrap(httpClient(new HttpClientOptions()));
  }

  private void check() {
    vertx.executeBlocking(settings::fileState, false).onSuccess(now -> {
      if (now.equals(state)) {
        return;
      }
      state = now;
      reload().onComplete(r -> {
        if (r.succeeded()) {
          LOG.info("TLS certificates reloaded from {} ({} servers, {} clients)", settings.cert(), servers.size(),
              clients.size());
        } else {
          LOG.error("TLS certificates changed but could not be loaded; keeping the previous ones: {}",
              r.cause().getMessage());
        }
      });
    });
  }

  /** Hands the files' current material to every server and client. */
  public Future<Void> reload() {
    List<Future<Boolean>> updates = new java.util.ArrayList<>();
    servers.forEach(s -> updates.add(s.updateSSLOptions(settings.serverSsl(), true)));
    clients.forEach(c -> updates.add(c.updateSSLOptions(settings.clientSsl(), true)));
    return Future.all(updates).mapEmpty();
  }

  public void close() {
    if (timer >= 0) {
      vertx.cancelTimer(timer);
    }
  }
}
