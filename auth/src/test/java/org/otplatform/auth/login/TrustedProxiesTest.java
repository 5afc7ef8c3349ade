package org.otplatform.auth.login;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class TrustedProxiesTest {
  private final TrustedProxies ingress = TrustedProxies.parse("10.0.0.0/8, 192.0.2.7, fd00::/8");

  @Test
  void onlyATrustedPeerSaysWhoTheClientIs() {
    assertEquals("203.0.113.9", ingress.client("10.1.2.3", "203.0.113.9"));
    assertEquals("203.0.113.9", ingress.client("192.0.2.7", "203.0.113.9"));
    assertEquals("198.51.100.1", ingress.client("198.51.100.1", "203.0.113.9"), "an untrusted peer is the client");
    assertEquals("198.51.100.1", TrustedProxies.NONE.client("198.51.100.1", "203.0.113.9"));
    assertEquals("10.1.2.3", ingress.client("10.1.2.3", null));
  }

  @Test
  void theRightMostUntrustedHopCountsNotWhatTheClientWrote() {
    // The client wrote "1.1.1.1" itself; the ingress appended the address it saw.
    assertEquals("203.0.113.9", ingress.client("10.1.2.3", "1.1.1.1, 203.0.113.9"));
    // Two proxies of ours in a row.
    assertEquals("203.0.113.9", ingress.client("10.1.2.3", "203.0.113.9, 10.9.9.9"));
    assertEquals("2001:db8::1", ingress.client("fd00::5", "2001:db8::1"));
    // Garbage never becomes an address: the proxy is counted.
    assertEquals("10.1.2.3", ingress.client("10.1.2.3", "evil.example.com"));
    assertEquals("10.1.2.3", ingress.client("10.1.2.3", "1.2.3"));
  }

  @Test
  void badEntriesAreRefusedByName() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> TrustedProxies.parse("10.0.0.0/8,proxy.local"));
    assertTrue(e.getMessage().contains("proxy.local"), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> TrustedProxies.parse("10.0.0.0/33"));
  }
}
