package org.otplatform.common.http;

import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;
import java.security.cert.Certificate;
import java.util.List;
import javax.net.ssl.SSLPeerUnverifiedException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Guards internal routes — the ones other services call — when TLS is on: the caller must have
 * presented a certificate the platform CA signed (the handshake has already refused foreign and
 * expired ones), else 403 {@code client_certificate_required}. Front ends, without certificates,
 * use the public routes only.
 */
public final class ClientCertificates {
  private static final Logger LOG = LoggerFactory.getLogger(ClientCertificates.class);

  private ClientCertificates() {}

  /** The guard; with TLS off ({@code required} false) it lets every request through. */
  public static Handler<RoutingContext> require(boolean required) {
    return ctx -> {
      if (!required || verified(ctx)) {
        ctx.next();
        return;
      }
      LOG.warn("internal route {} refused to {}: no client certificate", ctx.request().path(),
          ctx.request().remoteAddress());
      ctx.fail(new ApiException(403, "client_certificate_required",
          "this route is for platform services: present a certificate of the platform CA"));
    };
  }

  private static boolean verified(RoutingContext ctx) {
    if (!ctx.request().isSSL()) {
      return false;
    }
    try {
      List<Certificate> chain = ctx.request().connection().peerCertificates();
      return chain != null && !chain.isEmpty();
    } catch (SSLPeerUnverifiedException e) {
      return false;
    }
  }
}
