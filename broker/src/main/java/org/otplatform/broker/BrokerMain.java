package org.otplatform.broker;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * A single-node Kafka broker (KRaft, broker and controller in one) configured from the
 * environment, as the broker's container image runs it: it writes {@code server.properties} into
 * its data directory, formats the storage on the first start, then runs {@code kafka.Kafka} in this
 * JVM — one process, PID 1 in its container, no start script.
 *
 * <p>For tests, offline use and small installations; a cluster runs its own Kafka
 * (deploy/k8s/base/kafka.yaml, or Strimzi). Environment:
 * <ul>
 *   <li>{@code OT_BROKER_PORT} (9092): the client listener, on every address;</li>
 *   <li>{@code OT_BROKER_CONTROLLER_PORT} (9093): the controller's, on loopback only;</li>
 *   <li>{@code OT_BROKER_ADVERTISED_HOST} (this host's name): the name clients are told to use;</li>
 *   <li>{@code OT_BROKER_DATA} ({@code /var/lib/ot/kafka}): the log directory and its properties;</li>
 *   <li>{@code OT_BROKER_PARTITIONS} (6): partitions of a topic created without a count.</li>
 * </ul>
 * Exit codes: 78 a bad setting (named on stderr), 73 the data directory cannot be written, 70 the
 * storage could not be formatted; then the broker's own.
 */
public final class BrokerMain {
  static final int CONFIG = 78;
  static final int CANNOT_CREATE = 73;
  static final int SOFTWARE = 70;

  private BrokerMain() {}

  public static void main(String[] args) throws Exception {
    Map<String, String> env = System.getenv();
    List<String> problems = new ArrayList<>();
    int port = port(env, "OT_BROKER_PORT", 9092, problems);
    int controllerPort = port(env, "OT_BROKER_CONTROLLER_PORT", 9093, problems);
    int partitions = number(env, "OT_BROKER_PARTITIONS", 6, 1, 1000, problems);
    String host = env.getOrDefault("OT_BROKER_ADVERTISED_HOST", "").isBlank()
        ? InetAddress.getLocalHost().getHostName() : env.get("OT_BROKER_ADVERTISED_HOST").trim();
    if (!host.matches("[A-Za-z0-9.:\\[\\]-]+")) {
      problems.add("OT_BROKER_ADVERTISED_HOST: not a host name or address: '" + host + "'");
    }
    if (port == controllerPort && problems.isEmpty()) {
      problems.add("OT_BROKER_CONTROLLER_PORT: the same port as OT_BROKER_PORT (" + port + ")");
    }
    if (!problems.isEmpty()) {
      problems.forEach(p -> System.err.println("broker: bad configuration: " + p));
      System.exit(CONFIG);
    }
    Path data = Path.of(env.getOrDefault("OT_BROKER_DATA", "/var/lib/ot/kafka"));
    Path properties = data.resolve("server.properties");
    try {
      Files.createDirectories(data.resolve("logs"));
      Files.writeString(properties, properties(data, host, port, controllerPort, partitions));
    } catch (IOException e) {
      System.err.println("broker: cannot write to OT_BROKER_DATA " + data + ": " + e);
      System.exit(CANNOT_CREATE);
    }
    if (!Files.exists(data.resolve("logs/meta.properties"))) {
      int formatted = kafka.tools.StorageTool$.MODULE$.execute(new String[] {"format", "-t",
          UUID.randomUUID().toString(), "-c", properties.toString(), "--standalone"}, System.out);
      if (formatted != 0) {
        System.err.println("broker: formatting the storage in " + data + " failed (" + formatted + ")");
        System.exit(SOFTWARE);
      }
    }
    kafka.Kafka.main(new String[] {properties.toString()});
  }

  /** The broker's properties: what a single node needs (see STACK.md's Kafka section). */
  static String properties(Path data, String host, int port, int controllerPort, int partitions) {
    return String.join("\n",
        "process.roles=broker,controller",
        "node.id=1",
        "listeners=PLAINTEXT://0.0.0.0:" + port + ",CONTROLLER://127.0.0.1:" + controllerPort,
        "advertised.listeners=PLAINTEXT://" + host + ":" + port,
        "controller.listener.names=CONTROLLER",
        "listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT",
        "controller.quorum.bootstrap.servers=127.0.0.1:" + controllerPort,
        "log.dirs=" + data.resolve("logs").toAbsolutePath(),
        "num.partitions=" + partitions,
        "auto.create.topics.enable=false",
        "offsets.topic.replication.factor=1",
        "transaction.state.log.replication.factor=1",
        "transaction.state.log.min.isr=1",
        "share.coordinator.state.topic.replication.factor=1",
        "group.initial.rebalance.delay.ms=0",
        "log.retention.hours=168",
        "");
  }

  private static int port(Map<String, String> env, String name, int fallback, List<String> problems) {
    return number(env, name, fallback, 1, 65535, problems);
  }

  private static int number(Map<String, String> env, String name, int fallback, int min, int max,
      List<String> problems) {
    String value = env.get(name);
    if (value == null || value.isBlank()) {
      return fallback;
    }
    try {
      int n = Integer.parseInt(value.trim());
      if (n >= min && n <= max) {
        return n;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    problems.add(name + ": expected a whole number from " + min + " to " + max + ", got '" + value + "'");
    return fallback;
  }
}
