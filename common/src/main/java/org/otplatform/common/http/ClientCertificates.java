package org.otplatform.common.http;

import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;
import java.security.cert.Certificate;
import java.util.List;
import javax.net.ssl.SSLPeerUnverifiedException;
import org.otplatform.common.tls.TlsSettings;
import org.otplatform.compute.contract.PeerNames;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Guards internal routes — the ones other services call — when TLS is on: the caller must have
 * presented a certificate the platform CA signed (the handshake has already refused foreign and
 * expired ones) naming one of the platform's services ({@link TlsSettings#isPlatformPeer}), else
 * 403 {@code client_certificate_required} — a compute service's certificate, of the same CA, is
 * refused too. Front ends, without certificates, use the public routes only.
 */
public final class ClientCertificates {
  private static final Logger LOG = LoggerFactory.getLogger(ClientCertificates.class);

  private ClientCertificates() {}

  /** The guard; with HTTP not on TLS it lets every request through. */
  public static Handler<RoutingContext> require(TlsSettings tls) {
    return ctx -> {
      if (!tls.https()) {
        ctx.next();
        return;
      }
      List<Certificate> chain = chain(ctx);
      if (tls.isPlatformPeer(chain)) {
        ctx.next();
        return;
      }
      LOG.warn("internal route {} refused to {}: {}", ctx.request().path(), ctx.request().remoteAddress(),
          chain.isEmpty() ? "no client certificate" : "certificate of '" + PeerNames.of(chain).orElse("?")
              + "', not a platform service");
      ctx.fail(new ApiException(403, "client_certificate_required",
          "this route is for platform services: present a platform service's certificate"));
    };
  }

  private static List<Certificate> chain(RoutingContext ctx) {
    if (!ctx.request().isSSL()) {
      return List.of();
    }
    try {
      List<Certificate> chain = ctx.request().connection().peerCertificates();
      return chain == null ? List.of() : chain;
    } catch (SSLPeerUnverifiedException e) {
      return List.of();
    }
  }
}
