package org.otplatform.embedded.tls;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.otplatform.common.ExitCodes;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code ot-certs}: the platform CA and a certificate per service, for clusters without
 * cert-manager (and for running services by hand on TLS). Each service's directory holds
 * {@code tls.crt}, {@code tls.key} and {@code ca.crt} — the keys of a {@code kubernetes.io/tls}
 * Secret — and the command prints the {@code kubectl} lines that create those Secrets.
 */
@Command(name = "ot-certs", mixinStandardHelpOptions = true, version = "ot-certs 0.1.0",
    description = "Creates the platform CA (or reuses the one in --out) and a certificate per service, with the "
        + "names it is reached by: localhost, 127.0.0.1 and its cluster Service names.",
    exitCodeListHeading = "Exit codes:%n",
    exitCodeList = {"0:written", "64:bad arguments", "73:the output directory cannot be written"})
public final class CertsMain implements Callable<Integer> {
  static final List<String> SERVICES = List.of("gss", "auth", "lss", "relay", "logger", "kafka", "mongodb",
      "compute");

  @Option(names = "--out", description = "where to write (default: ${DEFAULT-VALUE})", defaultValue = "certs")
  private Path out;

  @Option(names = "--namespace", description = "the platform's namespace (default: ${DEFAULT-VALUE})",
      defaultValue = "ot-platform")
  private String namespace;

  @Option(names = "--compute-namespace", description = "where compute pods run (default: ${DEFAULT-VALUE})",
      defaultValue = "ot-compute")
  private String computeNamespace;

  @Option(names = "--days", description = "validity of the service certificates (default: ${DEFAULT-VALUE})",
      defaultValue = "365")
  private int days;

  public static void main(String[] args) {
    CommandLine command = new CommandLine(new CertsMain());
    command.setParameterExceptionHandler((e, given) -> {
      System.err.println("ot-certs: " + e.getMessage());
      e.getCommandLine().usage(System.err);
      return ExitCodes.USAGE;
    });
    System.exit(command.execute(args));
  }

  @Override
  public Integer call() {
    if (days < 1 || days > 3650) {
      System.err.println("ot-certs: --days must be 1 to 3650, got " + days);
      return ExitCodes.USAGE;
    }
    try {
      Files.createDirectories(out);
      Path caCert = out.resolve("ca.crt");
      CertificateAuthority ca;
      if (Files.exists(caCert)) {
        ca = CertificateAuthority.load(caCert, out.resolve("ca.key"));
        System.out.println("ot-certs: using the CA in " + caCert);
      } else {
        ca = CertificateAuthority.create("OT Platform CA", Duration.ofDays(3650));
        ca.write(out);
        System.out.println("ot-certs: new CA " + caCert + " (keep ca.key safe; it signs every certificate)");
      }
      for (String service : SERVICES) {
        ca.issue(service, names(service), Duration.ofDays(days)).write(out.resolve(service), ca.certificate());
      }
      combinedPem(out.resolve("mongodb"));
      System.out.println("ot-certs: certificates for " + String.join(", ", SERVICES) + " in " + out);
      System.out.println("To store them in the cluster:");
      for (String service : SERVICES) {
        String ns = service.equals("compute") ? computeNamespace : namespace;
        System.out.printf("  kubectl -n %s create secret generic ot-tls-%s --from-file=%s%n", ns, service,
            out.resolve(service));
      }
      return ExitCodes.OK;
    } catch (IOException e) {
      System.err.println("ot-certs: cannot write " + out + ": " + e.getMessage());
      return ExitCodes.CANNOT_BIND;
    }
  }

  /** mongod reads key and certificate from one file, as cert-manager's CombinedPEM output names it. */
  private static void combinedPem(Path dir) throws IOException {
    Path combined = dir.resolve("tls-combined.pem");
    Files.deleteIfExists(combined);
    Files.createFile(combined, java.nio.file.attribute.PosixFilePermissions.asFileAttribute(
        java.nio.file.attribute.PosixFilePermissions.fromString("rw-------")));
    Files.writeString(combined, Files.readString(dir.resolve("tls.key")) + Files.readString(dir.resolve("tls.crt")));
  }

  /** The names a service is reached by, in the cluster and on this machine. */
  List<String> names(String service) {
    List<String> names = new ArrayList<>(List.of("localhost", "127.0.0.1"));
    if (service.equals("compute")) {
      // Reached by pod address: the relay checks the CA and this name, not the address.
      names.add("compute");
      names.add("compute." + computeNamespace + ".svc");
      return names;
    }
    for (String host : List.of(service, service + "-headless")) {
      if (host.endsWith("-headless") && !service.equals("kafka")) {
        continue;
      }
      names.add(host);
      names.add(host + "." + namespace);
      names.add(host + "." + namespace + ".svc");
      names.add(host + "." + namespace + ".svc.cluster.local");
    }
    if (service.equals("kafka")) {
      names.add("*.kafka-headless." + namespace + ".svc");
      names.add("*.kafka-headless." + namespace + ".svc.cluster.local");
    }
    return names;
  }
}
