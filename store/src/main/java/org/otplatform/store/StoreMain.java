package org.otplatform.store;

import de.bwaldvogel.mongo.MongoBackend;
import de.bwaldvogel.mongo.MongoServer;
import de.bwaldvogel.mongo.backend.h2.H2Backend;
import de.bwaldvogel.mongo.backend.memory.MemoryBackend;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

/**
 * The Mongo wire-protocol store as a process of its own, configured from the environment, as its
 * container image runs it (PID 1, logs on stderr):
 * <ul>
 *   <li>{@code OT_STORE_PORT} (27017) and {@code OT_STORE_BIND} (0.0.0.0): where it listens;</li>
 *   <li>{@code OT_STORE_DATA} ({@code /var/lib/ot/store}): the directory of its H2 file
 *       {@code mongo.mv}; {@code memory} keeps everything in memory instead.</li>
 * </ul>
 * It has no users and no TLS: it is for tests and offline use on one machine, where nothing but the
 * platform reaches it; a cluster runs MongoDB. Exit codes: 78 a bad setting, 73 the data directory
 * cannot be written, 69 the port cannot be bound. SIGTERM closes the H2 file cleanly.
 */
public final class StoreMain {
  private StoreMain() {}

  public static void main(String[] args) throws Exception {
    Map<String, String> env = System.getenv();
    String bind = env.getOrDefault("OT_STORE_BIND", "0.0.0.0").trim();
    String portText = env.getOrDefault("OT_STORE_PORT", "27017").trim();
    int port = portText.matches("[0-9]{1,5}") ? Integer.parseInt(portText) : -1;
    if (port < 1 || port > 65535) {
      fail(78, "bad configuration: OT_STORE_PORT: expected a port from 1 to 65535, got '" + portText + "'");
    }
    String data = env.getOrDefault("OT_STORE_DATA", "/var/lib/ot/store").trim();
    MongoBackend backend;
    if (data.equals("memory")) {
      backend = new MemoryBackend();
    } else {
      Path dir = Path.of(data);
      try {
        Files.createDirectories(dir);
        if (!Files.isWritable(dir)) {
          throw new java.io.IOException("not writable by this user");
        }
      } catch (java.io.IOException | SecurityException e) {
        fail(73, "cannot use OT_STORE_DATA " + dir + ": " + e.getMessage());
      }
      backend = new H2Backend(dir.resolve("mongo.mv").toString());
    }
    MongoServer server = new MongoServer(backend);
    try {
      server.bind(bind, port);
    } catch (RuntimeException e) {
      fail(69, "cannot listen on " + bind + ":" + port + ": " + e.getMessage());
    }
    System.err.println("store: Mongo wire protocol on " + bind + ":" + port + " ("
        + (data.equals("memory") ? "in memory" : Path.of(data).resolve("mongo.mv")) + ")");
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      server.shutdown();
      stopped.countDown();
    }, "store-shutdown"));
    stopped.await();
  }

  private static void fail(int code, String message) {
    System.err.println("store: " + message);
    System.exit(code);
  }
}
