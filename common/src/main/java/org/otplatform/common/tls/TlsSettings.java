package org.otplatform.common.tls;

import io.vertx.core.http.ClientAuth;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.net.ClientSSLOptions;
import io.vertx.core.net.OpenSSLEngineOptions;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.core.net.PemTrustOptions;
import io.vertx.core.net.ServerSSLOptions;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.otplatform.common.config.Env;
import org.otplatform.compute.contract.ComputeContract;
import org.otplatform.compute.contract.PeerNames;

/**
 * The one TLS configuration every server and client of a service uses: PEM files named by the
 * environment — {@code OT_TLS_CERT} (this service's certificate chain), {@code OT_TLS_KEY} (its
 * PKCS#8 key), {@code OT_TLS_CA} (the platform CA) — the OpenSSL engine (netty-tcnative BoringSSL),
 * TLS 1.3 ({@code OT_TLS_PROTOCOLS} may add TLSv1.2). None of the three set: TLS is off. Some set:
 * a configuration error naming what is missing.
 *
 * <p>Servers ask every client for a certificate and refuse one that the platform CA did not sign
 * or that has expired; a client without one still gets through the handshake, for public routes
 * (front ends), while internal routes demand one ({@link org.otplatform.common.http.ClientCertificates}).
 * Clients present the service's certificate and check the server's against the CA and its name.
 *
 * <p>The CA says a certificate is the platform's; its name says whose. Internal doors admit only the
 * names {@code OT_TLS_PEERS} lists (default: the platform's services), so a compute service's
 * certificate — same CA, name {@code compute} — opens none of them.
 */
public record TlsSettings(Path cert, Path key, Path ca, Set<String> protocols, Duration reloadInterval,
    Set<String> peers, boolean http) {
  private static final Set<String> KNOWN_PROTOCOLS = Set.of("TLSv1.2", "TLSv1.3");

  /** TLS off. */
  public static final TlsSettings OFF = new TlsSettings(null, null, null, Set.of(), Duration.ZERO, Set.of(), false);

  public static TlsSettings from(Env env) {
    String cert = env.string("OT_TLS_CERT", "");
    String key = env.string("OT_TLS_KEY", "");
    String ca = env.string("OT_TLS_CA", "");
    if (cert.isEmpty() && key.isEmpty() && ca.isEmpty()) {
      return OFF;
    }
    for (var entry : Map.of("OT_TLS_CERT", cert, "OT_TLS_KEY", key, "OT_TLS_CA", ca).entrySet()) {
      if (entry.getValue().isEmpty()) {
        env.problem(entry.getKey() + " is missing: OT_TLS_CERT, OT_TLS_KEY and OT_TLS_CA go together");
      } else if (!Files.isReadable(Path.of(entry.getValue()))) {
        env.problem(entry.getKey() + " names " + entry.getValue() + ", which cannot be read");
      }
    }
    Set<String> protocols = new LinkedHashSet<>();
    for (String p : env.string("OT_TLS_PROTOCOLS", "TLSv1.3").split(",")) {
      String protocol = p.trim();
      if (!KNOWN_PROTOCOLS.contains(protocol)) {
        env.problem("OT_TLS_PROTOCOLS must list TLSv1.3 and/or TLSv1.2, got '" + protocol + "'");
      }
      protocols.add(protocol);
    }
    Duration reload = env.seconds("OT_TLS_RELOAD_SECONDS", Duration.ofSeconds(60));
    Set<String> peers = PeerNames.parse(env.string(PeerNames.VARIABLE, ""), PeerNames.PLATFORM);
    if (peers.contains(PeerNames.COMPUTE)) {
      env.problem(PeerNames.VARIABLE + " must not admit '" + PeerNames.COMPUTE
          + "': compute services' certificates are no platform identity");
    }
    boolean http = env.bool("OT_TLS_HTTP", true);
    return new TlsSettings(Path.of(cert), Path.of(key), Path.of(ca), Set.copyOf(protocols), reload, peers, http);
  }

  /** TLS is on for Kafka and MongoDB (and, see {@link #https}, for HTTP). */
  public boolean enabled() {
    return cert != null;
  }

  /**
   * TLS is on for HTTP and WebSockets too — servers, clients between services, compute services.
   * Off ({@code OT_TLS_HTTP=false}) where only the broker and the store need it: embedded mode
   * without {@code --tls}, whose HTTP stays on the loopback interface.
   */
  public boolean https() {
    return enabled() && http;
  }

  /** Whether {@code chain}, verified against the CA, is one of the platform's services ({@code OT_TLS_PEERS}). */
  public boolean isPlatformPeer(java.util.List<? extends java.security.cert.Certificate> chain) {
    return PeerNames.admits(chain, peers);
  }

  /** {@code base} serving TLS with this service's certificate, asking clients for theirs. */
  public HttpServerOptions server(HttpServerOptions base) {
    if (!https()) {
      return base;
    }
    ServerSSLOptions ssl = serverSsl();
    return base.setSsl(true)
        .setSslEngineOptions(new OpenSSLEngineOptions())
        .setKeyCertOptions(ssl.getKeyCertOptions())
        .setTrustOptions(ssl.getTrustOptions())
        .setClientAuth(ssl.getClientAuth())
        .setEnabledSecureTransportProtocols(ssl.getEnabledSecureTransportProtocols())
        .setUseAlpn(true);
  }

  /** The server side's certificate material, read anew from the files (for rotation too). */
  public ServerSSLOptions serverSsl() {
    return new ServerSSLOptions()
        .setKeyCertOptions(keyCert())
        .setTrustOptions(trust())
        .setClientAuth(ClientAuth.REQUEST)
        .setEnabledSecureTransportProtocols(protocols);
  }

  /** {@code base} connecting with TLS, presenting this service's certificate. */
  public HttpClientOptions client(HttpClientOptions base) {
    if (!https()) {
      return base;
    }
    ClientSSLOptions ssl = clientSsl();
    return base.setSsl(true)
        .setSslEngineOptions(new OpenSSLEngineOptions())
        .setKeyCertOptions(ssl.getKeyCertOptions())
        .setTrustOptions(ssl.getTrustOptions())
        .setVerifyHost(true)
        .setEnabledSecureTransportProtocols(ssl.getEnabledSecureTransportProtocols());
  }

  /**
   * {@code base} for the relay's WebSocket connections to compute services: this service's
   * certificate, the CA's chain check — but not the host name, as compute services are reached by
   * pod address, which no certificate names.
   */
  public io.vertx.core.http.WebSocketClientOptions computeClient(io.vertx.core.http.WebSocketClientOptions base) {
    if (!https()) {
      return base;
    }
    ClientSSLOptions ssl = clientSsl();
    base.setSsl(true).setSslEngineOptions(new OpenSSLEngineOptions()).setKeyCertOptions(ssl.getKeyCertOptions())
        .setTrustOptions(ssl.getTrustOptions()).setEnabledSecureTransportProtocols(protocols);
    base.setVerifyHost(false);
    return base;
  }

  /** The client side's certificate material, read anew from the files (for rotation too). */
  public ClientSSLOptions clientSsl() {
    return new ClientSSLOptions()
        .setKeyCertOptions(keyCert())
        .setTrustOptions(trust())
        .setHostnameVerificationAlgorithm("HTTPS")
        .setEnabledSecureTransportProtocols(protocols);
  }

  private PemKeyCertOptions keyCert() {
    return new PemKeyCertOptions().setCertPath(cert.toString()).setKeyPath(key.toString());
  }

  private PemTrustOptions trust() {
    return new PemTrustOptions().addCertPath(ca.toString());
  }

  /**
   * The Kafka client settings for mutual TLS, the PEM material inline (read now): empty when TLS
   * is off. The broker checks the client's certificate; the client checks the broker's name.
   */
  public Map<String, String> kafka() {
    if (!enabled()) {
      return Map.of();
    }
    Map<String, String> props = new TreeMap<>();
    props.put("security.protocol", "SSL");
    props.put("ssl.keystore.type", "PEM");
    props.put("ssl.keystore.certificate.chain", read(cert));
    props.put("ssl.keystore.key", read(key));
    props.put("ssl.truststore.type", "PEM");
    props.put("ssl.truststore.certificates", read(ca));
    props.put("ssl.enabled.protocols", String.join(",", protocols));
    props.put("ssl.protocol", protocols.contains("TLSv1.3") ? "TLSv1.3" : "TLSv1.2");
    return props;
  }

  private static String read(Path file) {
    try {
      return Files.readString(file);
    } catch (IOException e) {
      throw new IllegalStateException("cannot read " + file + ": " + e.getMessage(), e);
    }
  }

  /** A fingerprint of the files' contents: changes when any of them is replaced or rewritten. */
  String fileState() {
    try {
      java.security.MessageDigest digest = java.security.MessageDigest.getInstance("SHA-256");
      for (Path p : new Path[] {cert, key, ca}) {
        try {
          digest.update(Files.readAllBytes(p));
        } catch (IOException e) {
          digest.update(("missing " + p).getBytes(java.nio.charset.StandardCharsets.UTF_8));
        }
      }
      return java.util.HexFormat.of().formatHex(digest.digest());
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
