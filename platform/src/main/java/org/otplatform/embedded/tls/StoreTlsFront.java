package org.otplatform.embedded.tls;

import io.vertx.core.Vertx;
import io.vertx.core.http.ClientAuth;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.NetServerOptions;
import io.vertx.core.net.NetSocket;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.core.net.PemTrustOptions;
import java.util.concurrent.TimeUnit;
import org.otplatform.common.tls.TlsSettings;
import org.otplatform.compute.contract.PeerNames;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Mutual TLS in front of the embedded Mongo-wire store, which speaks no TLS itself: listens on the
 * store's public port, demands a client certificate of the platform CA (as {@code mongod --tlsMode
 * requireTLS --tlsCAFile} does) that names a platform service, and pipes each connection to the store on a loopback port of its
 * own. The services then reach MongoDB as they would in a cluster, with {@code tls=true}.
 */
public final class StoreTlsFront implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(StoreTlsFront.class);
  private final Vertx vertx;

  private StoreTlsFront(Vertx vertx) {
    this.vertx = vertx;
  }

  /**
   * Listens on {@code host:port}, forwarding to the store at {@code 127.0.0.1:storePort}; throws
   * {@link IllegalStateException} naming the address when it cannot.
   */
  public static StoreTlsFront start(String host, int port, int storePort, TlsSettings tls) {
    Vertx vertx = Vertx.vertx();
    try {
      NetClient store = vertx.createNetClient();
      NetServer server = vertx.createNetServer(new NetServerOptions().setHost(host).setPort(port).setSsl(true)
          .setClientAuth(ClientAuth.REQUIRED)
          .setKeyCertOptions(new PemKeyCertOptions().setCertPath(tls.cert().toString())
              .setKeyPath(tls.key().toString()))
          .setTrustOptions(new PemTrustOptions().addCertPath(tls.ca().toString())));
      server.connectHandler(client -> {
        if (!platformPeer(client, tls)) {
          return;
        }
        client.pause();
        store.connect(storePort, "127.0.0.1").onSuccess(upstream -> {
          client.pipeTo(upstream);
          upstream.pipeTo(client);
          client.resume();
        }).onFailure(e -> {
          LOG.warn("the store on 127.0.0.1:{} refused a connection from {}: {}", storePort, client.remoteAddress(),
              e.getMessage());
          client.close();
        });
      });
      server.listen().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
      return new StoreTlsFront(vertx);
    } catch (Exception e) {
      vertx.close();
      Throwable cause = e.getCause() != null ? e.getCause() : e;
      throw new IllegalStateException("TLS front of the store on " + host + ":" + port + ": " + cause.getMessage(),
          cause);
    }
  }

  /**
   * Whether the client is one of the platform's services: the handshake checked the CA; a compute
   * service's certificate, of the same CA, is closed here with a warning.
   */
  private static boolean platformPeer(NetSocket client, TlsSettings tls) {
    java.util.List<java.security.cert.Certificate> chain;
    try {
      chain = client.peerCertificates();
    } catch (javax.net.ssl.SSLPeerUnverifiedException e) {
      chain = java.util.List.of();
    }
    if (tls.isPlatformPeer(chain)) {
      return true;
    }
    LOG.warn("the store refused {}: certificate of '{}', not a platform service", client.remoteAddress(),
        PeerNames.of(chain).orElse("?"));
    client.close();
    return false;
  }

  @Override
  public void close() {
    try {
      vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    } catch (Exception e) {
      LOG.warn("the store's TLS front did not stop cleanly: {}", e.toString());
    }
  }
}
