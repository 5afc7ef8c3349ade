package org.otplatform.compute.sdk;

import io.vertx.core.http.ClientAuth;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.ServerWebSocketHandshake;
import io.vertx.core.net.OpenSSLEngineOptions;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.core.net.PemTrustOptions;
import java.util.Map;
import java.util.Set;
import javax.net.ssl.SSLPeerUnverifiedException;
import org.otplatform.compute.contract.ComputeContract;
import org.otplatform.compute.contract.PeerNames;

/**
 * TLS of a compute service, from the files the LSS hands it ({@code OT_TLS_CERT}, {@code OT_TLS_KEY},
 * {@code OT_TLS_CA}, as for the platform's services): HTTPS with the OpenSSL engine, and the relay's
 * WebSocket only for a caller with a certificate of the platform CA that names the relay
 * ({@code OT_TLS_PEERS}, default {@code relay,embedded}) — not for another compute service, whose
 * certificate is of the same CA. Health stays open to probes.
 * Kept apart from the platform's {@code TlsSettings} so that compute services need nothing of the
 * platform's libraries.
 */
final class ComputeTls {
  private final Map<String, String> env;

  private final Set<String> admitted;

  ComputeTls(Map<String, String> env) {
    this.env = env;
    this.admitted = PeerNames.parse(env.get(PeerNames.VARIABLE), PeerNames.RELAY);
  }

  boolean enabled() {
    return env.get(ComputeContract.TLS_CERT) != null && env.get(ComputeContract.TLS_KEY) != null
        && env.get(ComputeContract.TLS_CA) != null;
  }

  HttpServerOptions apply(HttpServerOptions options) {
    if (!enabled()) {
      return options;
    }
    return options.setSsl(true)
        .setSslEngineOptions(new OpenSSLEngineOptions())
        .setKeyCertOptions(new PemKeyCertOptions().setCertPath(env.get(ComputeContract.TLS_CERT))
            .setKeyPath(env.get(ComputeContract.TLS_KEY)))
        .setTrustOptions(new PemTrustOptions().addCertPath(env.get(ComputeContract.TLS_CA)))
        .setClientAuth(ClientAuth.REQUEST)
        .setEnabledSecureTransportProtocols(Set.of("TLSv1.3"));
  }

  /** Whether the caller may assign a warm instance: anyone without TLS (the token decides), else an LSS's certificate. */
  boolean admitsAssigner(io.vertx.core.http.HttpServerRequest request) {
    if (!enabled()) {
      return true;
    }
    try {
      return request.isSSL() && PeerNames.admits(request.connection().peerCertificates(), PeerNames.ASSIGNERS);
    } catch (SSLPeerUnverifiedException e) {
      return false;
    }
  }

  /** Whether the caller may open the relay's WebSocket: always without TLS, else with a verified certificate of the relay. */
  boolean admits(ServerWebSocketHandshake handshake) {
    if (!enabled()) {
      return true;
    }
    try {
      return handshake.isSsl() && PeerNames.admits(handshake.peerCertificates(), admitted);
    } catch (SSLPeerUnverifiedException e) {
      return false;
    }
  }
}
