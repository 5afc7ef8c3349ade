package org.otplatform.embedded;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.mongo.MongoClient;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Embedded mode as {@code bin/ot-platform} starts it, without {@code --tls}: its HTTP is plain on
 * the loopback interface, but the broker and the store — which hold the signing keys' seals,
 * password hashes and every session's events — take only a client with the platform's
 * certificate, so another user of the machine can neither read nor write them.
 */
@ExtendWith(SharedPlatform.class)
class EmbeddedAccessTest {
  private final Vertx vertx = Vertx.vertx();

  @AfterEach
  void close() throws Exception {
    vertx.close().toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
  }

  @Test
  void theBrokerTakesOnlyThePlatformsCertificate() throws Exception {
    EmbeddedPlatform platform = SharedPlatform.get().platform;
    assertTrue(SharedPlatform.get().gss.startsWith("http://"), "HTTP stays plain without --tls");
    Properties plain = new Properties();
    plain.put("bootstrap.servers", platform.kafka().bootstrap());
    plain.put("request.timeout.ms", "3000");
    plain.put("default.api.timeout.ms", "6000");
    try (Admin admin = Admin.create(plain)) {
      String outcome;
      try {
        outcome = "listed " + admin.listTopics().names().get(20, TimeUnit.SECONDS);
      } catch (Exception e) {
        outcome = "refused: " + e;
      }
      assertTrue(outcome.startsWith("refused"), "a client without a certificate: " + outcome);
    }
    try (Admin admin = Admin.create(LogRecords.properties(platform))) {
      assertTrue(admin.listTopics().names().get(20, TimeUnit.SECONDS).contains("ot.session.events"));
    }
  }

  @Test
  void theStoreTakesOnlyThePlatformsCertificate() throws Exception {
    EmbeddedPlatform platform = SharedPlatform.get().platform;
    MongoClient plain = MongoClient.create(vertx, new JsonObject()
        .put("connection_string", "mongodb://127.0.0.1:" + platform.ports().mongo())
        .put("db_name", "ot_auth").put("serverSelectionTimeoutMS", 3_000));
    String outcome;
    try {
      outcome = "read " + plain.find("users", new JsonObject()).toCompletionStage().toCompletableFuture()
          .get(20, TimeUnit.SECONDS).size() + " users";
    } catch (Exception e) {
      outcome = "refused: " + e;
    } finally {
      plain.close();
    }
    assertTrue(outcome.startsWith("refused"), "a client without a certificate: " + outcome);
    MongoClient platformClient = MongoClient.create(vertx, platform.mongoOptions("ot_auth")
        .put("serverSelectionTimeoutMS", 10_000));
    try {
      List<JsonObject> users = platformClient.find("users", new JsonObject().put("username", "admin"))
          .toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
      assertEquals(1, users.size(), "with the platform's certificate the store answers");
    } finally {
      platformClient.close();
    }
  }
}
