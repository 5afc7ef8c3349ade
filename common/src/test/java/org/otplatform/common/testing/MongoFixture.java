package org.otplatform.common.testing;

import de.bwaldvogel.mongo.MongoServer;
import de.bwaldvogel.mongo.backend.memory.MemoryBackend;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.mongo.MongoClient;
import java.util.concurrent.TimeUnit;

/** A Mongo wire-protocol server in memory with a Vert.x client on it, for the services' store tests. */
public final class MongoFixture implements AutoCloseable {
  public final Vertx vertx = Vertx.vertx();
  public final MongoServer server = new MongoServer(new MemoryBackend());
  public final MongoClient mongo;
  private final String uri;

  public MongoFixture() {
    uri = server.bindAndGetConnectionString();
    mongo = client("t");
  }

  /** Another client on the same server, for another database. */
  public MongoClient client(String database) {
    return MongoClient.create(vertx, new JsonObject().put("connection_string", uri).put("db_name", database));
  }

  public static <T> T await(Future<T> f) throws Exception {
    return f.toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
  }

  @Override
  public void close() throws Exception {
    mongo.close();
    vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    server.shutdownNow();
  }
}
