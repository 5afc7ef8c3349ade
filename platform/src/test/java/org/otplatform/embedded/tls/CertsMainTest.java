package org.otplatform.embedded.tls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** {@code ot-certs}: a CA, a certificate per service signed by it, with its cluster names; the CA kept on a rerun. */
class CertsMainTest {
  private static X509Certificate read(Path file) throws Exception {
    try (InputStream in = Files.newInputStream(file)) {
      return (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
    }
  }

  @Test
  void writesACaAndACertificatePerServiceAndKeepsTheCaOnARerun() throws Exception {
    Path out = Files.createTempDirectory("ot-certs-test");
    assertEquals(0, new CommandLine(new CertsMain()).execute("--out", out.toString(), "--namespace", "lab"));
    X509Certificate ca = read(out.resolve("ca.crt"));
    for (String service : CertsMain.SERVICES) {
      Path dir = out.resolve(service);
      X509Certificate cert = read(dir.resolve("tls.crt"));
      cert.verify(ca.getPublicKey());
      cert.checkValidity();
      assertEquals(List.of("1.3.6.1.5.5.7.3.1", "1.3.6.1.5.5.7.3.2"), cert.getExtendedKeyUsage(), service);
      List<String> names = cert.getSubjectAlternativeNames().stream().map(n -> String.valueOf(n.get(1))).toList();
      assertTrue(names.contains("localhost") && names.contains("127.0.0.1"), names.toString());
      if (!service.equals("compute")) {
        assertTrue(names.contains(service + ".lab.svc"), service + ": " + names);
      }
      assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("tls.key"))));
      assertTrue(Files.readString(dir.resolve("tls.key")).startsWith("-----BEGIN PRIVATE KEY-----"), "PKCS#8");
    }
    String combined = Files.readString(out.resolve("mongodb").resolve("tls-combined.pem"));
    assertTrue(combined.contains("-----BEGIN PRIVATE KEY-----") && combined.contains("-----BEGIN CERTIFICATE-----"),
        "mongod's key file holds key and certificate");
    assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(
        out.resolve("mongodb").resolve("tls-combined.pem"))));
    byte[] before = Files.readAllBytes(out.resolve("ca.crt"));
    assertEquals(0, new CommandLine(new CertsMain()).execute("--out", out.toString()));
    assertTrue(java.util.Arrays.equals(before, Files.readAllBytes(out.resolve("ca.crt"))), "the CA is reused");
    read(out.resolve("gss").resolve("tls.crt")).verify(ca.getPublicKey());
  }
}
