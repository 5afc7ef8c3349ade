package org.otplatform.embedded;

import de.bwaldvogel.mongo.MongoBackend;
import de.bwaldvogel.mongo.MongoServer;
import de.bwaldvogel.mongo.backend.h2.H2Backend;
import de.bwaldvogel.mongo.backend.memory.MemoryBackend;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import java.util.Set;
import org.otplatform.auth.token.KeyEncryption;
import org.otplatform.common.ExitCodes;
import org.otplatform.common.config.Env;
import org.otplatform.common.tls.TlsSettings;
import org.otplatform.embedded.tls.StoreTlsFront;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The embedded platform's store: a Mongo wire-protocol server, in memory or in {@code mongo.mv} in
 * the data directory (H2), behind a mutual-TLS front when the platform runs on TLS (the store
 * itself speaks no TLS, so it then listens on a loopback port of its own).
 */
final class EmbeddedStore implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(EmbeddedStore.class);
  private static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rwx------");

  private final MongoServer server;
  private final StoreTlsFront front;

  private EmbeddedStore(MongoServer server, StoreTlsFront front) {
    this.server = server;
    this.front = front;
  }

  /** Starts the store on {@code port}; {@code tls} the platform's {@code OT_TLS_*} (empty: plain, in tests of the store alone). */
  static EmbeddedStore start(Path dataDir, int port, Map<String, String> tls) throws IOException {
    MongoBackend backend;
    if (dataDir == null) {
      backend = new MemoryBackend();
    } else {
      Files.createDirectories(dataDir);
      backend = new H2Backend(dataDir.resolve("mongo.mv").toString());
    }
    MongoServer server = new MongoServer(backend);
    StoreTlsFront front = null;
    if (tls.isEmpty()) {
      server.bind("127.0.0.1", port);
    } else {
      int storePort = FreePorts.pick();
      server.bind("127.0.0.1", storePort);
      try {
        front = StoreTlsFront.start("127.0.0.1", port, storePort, TlsSettings.from(new Env(tls)));
      } catch (IllegalStateException e) {
        server.shutdownNow();
        throw new EmbeddedException(ExitCodes.CANNOT_BIND, e.getMessage(), e);
      }
    }
    LOG.info("Mongo-wire store on 127.0.0.1:{}{} ({})", port, tls.isEmpty() ? "" : " (mutual TLS)",
        dataDir == null ? "in memory" : dataDir.resolve("mongo.mv"));
    return new EmbeddedStore(server, front);
  }

  /**
   * The data directory holds the signing keys, password hashes and logs: only this user may enter
   * it (0700), made so when created and tightened when found wider.
   */
  static void prepareDataDir(Path dir) throws IOException {
    if (dir == null) {
      return;
    }
    if (!Files.exists(dir)) {
      Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(OWNER_ONLY));
      Files.setPosixFilePermissions(dir, OWNER_ONLY); // the umask may have taken bits away, never added them
    } else if (!Files.getPosixFilePermissions(dir).equals(OWNER_ONLY)) {
      LOG.info("data directory {} was {}; now rwx------ (it holds signing keys and password hashes)", dir,
          PosixFilePermissions.toString(Files.getPosixFilePermissions(dir)));
      Files.setPosixFilePermissions(dir, OWNER_ONLY);
    }
  }

  /**
   * The key that seals AUTH's signing keys: read from {@code signing-keys.kek} in the data
   * directory (made 0600 on first use, so the store's file alone cannot mint tokens), or a fresh
   * one for an in-memory store, whose keys die with it anyway.
   */
  static String keyEncryptionKey(Path dataDir) throws IOException {
    if (dataDir == null) {
      return KeyEncryption.generate();
    }
    Path file = dataDir.resolve("signing-keys.kek");
    if (!Files.exists(file)) {
      Files.writeString(Files.createFile(file, PosixFilePermissions.asFileAttribute(
          PosixFilePermissions.fromString("rw-------"))), KeyEncryption.generate());
      LOG.info("made {}: the key that seals the token signing keys (back it up with the data directory)", file);
    }
    return Files.readString(file).trim();
  }

  @Override
  public void close() {
    if (front != null) {
      front.close();
    }
    server.shutdownNow();
  }
}
