package org.otplatform.embedded;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.otplatform.common.ExitCodes;
import org.otplatform.common.config.ConfigException;
import org.otplatform.common.config.Env;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code ot-platform}: runs the whole platform on this machine until Ctrl-C or SIGTERM. */
@Command(name = "ot-platform", mixinStandardHelpOptions = true, version = "ot-platform 0.1.0",
    description = "Runs OT Platform on this machine: a Kafka broker, the Mongo-wire store, GSS, AUTH, LSS, "
        + "relay and logger. Compute services run as local processes.",
    exitCodeListHeading = "Exit codes:%n",
    exitCodeList = {
        "0:stopped cleanly",
        "69:a dependency (Kafka broker, store) could not start",
        "70:internal error",
        "73:a port is in use or the data directory cannot be written",
        "78:invalid configuration"})
public final class EmbeddedMain implements Callable<Integer> {

  @Option(names = "--data-dir", description = "where users, projects, logs and Kafka's data live "
      + "(default: $OT_DATA_DIR, else ./data)")
  private Path dataDir;

  @Option(names = "--broker-lib", description = "the Kafka broker's classpath directory "
      + "(default: $OT_BROKER_LIB, else broker/target/lib)")
  private Path brokerLib;

  @Option(names = "--tls", description = "run the services' HTTP and WebSockets on mutual TLS too (the broker and "
      + "the store always are): a platform CA and certificates are made under <data-dir>/tls on first use "
      + "(same as OT_EMBEDDED_TLS=true)")
  private boolean tls;

  public static void main(String[] args) {
    System.exit(new CommandLine(new EmbeddedMain()).execute(args));
  }

  @Override
  public Integer call() {
    Env env = Env.system();
    Path data = dataDir != null ? dataDir : Path.of(env.string("OT_DATA_DIR", "data"));
    Path lib = brokerLib != null ? brokerLib
        : Path.of(env.string("OT_BROKER_LIB", System.getProperty("ot.broker.lib", "broker/target/lib")));
    EmbeddedPlatform.Ports ports;
    try {
      ports = EmbeddedPlatform.Ports.defaults(env);
      env.validate();
    } catch (ConfigException e) {
      System.err.println("ot-platform: " + e.getMessage());
      return ExitCodes.CONFIG;
    }
    java.util.Map<String, String> vars = new java.util.HashMap<>(System.getenv());
    if (tls) {
      vars.put("OT_EMBEDDED_TLS", "true");
    }
    EmbeddedPlatform platform = new EmbeddedPlatform(
        new EmbeddedPlatform.Settings(data.toAbsolutePath(), lib, vars, ports));
    try {
      platform.start();
    } catch (EmbeddedException e) {
      System.err.println("ot-platform: " + e.getMessage());
      return e.exitCode();
    }
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      System.out.println("ot-platform: stopping…");
      platform.close();
      stopped.countDown();
    }, "ot-platform-shutdown"));
    System.out.println(banner(platform, data));
    try {
      stopped.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return ExitCodes.OK;
  }

  private static String banner(EmbeddedPlatform platform, Path data) {
    EmbeddedPlatform.Ports p = platform.ports();
    StringBuilder sb = new StringBuilder()
        .append("\nOT Platform is running (Ctrl-C stops it).\n")
        .append("  console ").append(platform.consoleUrl()).append('\n')
        .append("  GSS     ").append(platform.url(p.gss())).append("/api/v1/info\n")
        .append("  AUTH    ").append(platform.url(p.auth())).append("/api/v1/login\n")
        .append("  relay   ").append(platform.url(p.relay()).replaceFirst("^http", "ws")).append("/ws/sessions/{id}\n")
        .append("  logger  ").append(platform.url(p.logger())).append("/api/v1/logs\n")
        .append("  LSS     ").append(platform.url(p.lss())).append("/health/ready\n")
        .append("  Kafka   127.0.0.1:").append(p.kafka()).append("   MongoDB  ").append(platform.mongoUri())
        .append("\n  data    ").append(data.toAbsolutePath()).append('\n');
    platform.generatedAdminPassword().ifPresent(pw -> sb
        .append("\nFirst start: log in as '").append(platform.adminUser()).append("' with password ").append(pw)
        .append("\n(shown once; set OT_ADMIN_PASSWORD before the first start to choose it)\n"));
    return sb.toString();
  }
}
