package org.otplatform.auth.login;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;

/**
 * Which peers may say who the client is ({@code X-Forwarded-For}): the ingress or load balancer in
 * front of AUTH, as addresses or CIDR blocks ({@code OT_AUTH_TRUSTED_PROXIES}). Behind one, every
 * login would otherwise come from the proxy's address, and one attacker's failures would block
 * everyone; anyone else could forge the header, so it is read only from these peers.
 */
public final class TrustedProxies {
  private record Block(byte[] network, int bits) {
    boolean contains(byte[] address) {
      if (address.length != network.length) {
        return false;
      }
      int full = bits / 8;
      for (int i = 0; i < full; i++) {
        if (address[i] != network[i]) {
          return false;
        }
      }
      int rest = bits % 8;
      if (rest == 0) {
        return true;
      }
      int mask = 0xff << (8 - rest) & 0xff;
      return (address[full] & mask) == (network[full] & mask);
    }
  }

  /** Trusts nobody: the peer's address is the client's. */
  public static final TrustedProxies NONE = new TrustedProxies(List.of());

  private final List<Block> blocks;

  private TrustedProxies(List<Block> blocks) {
    this.blocks = blocks;
  }

  /**
   * Parses a comma-separated list of literal addresses and CIDR blocks ({@code 10.0.0.0/8},
   * {@code 192.0.2.7}, {@code fd00::/8}); throws {@link IllegalArgumentException} naming a bad entry.
   */
  public static TrustedProxies parse(String list) {
    List<Block> blocks = new ArrayList<>();
    for (String entry : list.split(",")) {
      String e = entry.trim();
      if (e.isEmpty()) {
        continue;
      }
      String[] parts = e.split("/", 2);
      byte[] network = literal(parts[0]);
      if (network == null) {
        throw new IllegalArgumentException("'" + e + "' is not an IP address or CIDR block");
      }
      int bits = network.length * 8;
      if (parts.length == 2) {
        try {
          bits = Integer.parseInt(parts[1]);
        } catch (NumberFormatException x) {
          bits = -1;
        }
        if (bits < 0 || bits > network.length * 8) {
          throw new IllegalArgumentException("'" + e + "' has a bad prefix length");
        }
      }
      blocks.add(new Block(network, bits));
    }
    return new TrustedProxies(List.copyOf(blocks));
  }

  /**
   * The client's address: the peer's, unless the peer is a trusted proxy — then the right-most
   * address of {@code forwardedFor} that is not itself a trusted proxy (the left ones could have
   * been written by the client).
   */
  public String client(String peer, String forwardedFor) {
    if (blocks.isEmpty() || forwardedFor == null || !trusted(peer)) {
      return peer;
    }
    String[] hops = forwardedFor.split(",");
    for (int i = hops.length - 1; i >= 0; i--) {
      String hop = hops[i].trim();
      if (literal(hop) == null) {
        return peer; // garbage in the header: count the proxy, never a made-up name
      }
      if (!trusted(hop)) {
        return hop;
      }
    }
    return hops[0].trim();
  }

  private boolean trusted(String address) {
    byte[] bytes = literal(address);
    return bytes != null && blocks.stream().anyMatch(b -> b.contains(bytes));
  }

  /** The bytes of a literal IPv4 or IPv6 address; null for anything else (never a DNS lookup). */
  private static byte[] literal(String s) {
    if (s == null || s.isEmpty() || !s.matches("(\\d{1,3}\\.){3}\\d{1,3}|[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*")) {
      return null;
    }
    try {
      return InetAddress.getByName(s).getAddress();
    } catch (UnknownHostException e) {
      return null;
    }
  }
}
