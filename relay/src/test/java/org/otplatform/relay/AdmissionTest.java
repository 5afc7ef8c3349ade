package org.otplatform.relay;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.JWTOptions;
import io.vertx.ext.auth.PubSecKeyOptions;
import io.vertx.ext.auth.jwt.JWTAuth;
import io.vertx.ext.auth.jwt.JWTAuthOptions;
import io.vertx.ext.web.client.WebClient;
import java.net.URI;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.interfaces.RSAPublicKey;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.otplatform.common.auth.SessionLookup;
import org.otplatform.common.auth.TokenVerifier;

/**
 * The relay's admission over real sockets, with a stand-in for the GSS's session lookup that
 * counts what it is asked and holds its answer until every connection of a burst has arrived:
 * connections with one token share the lookup under way, and an answer is not kept once it came.
 */
@Timeout(60)
class AdmissionTest {
  private Vertx vertx;
  private Context context;
  private Admission admission;
  private HttpServer gss;
  private HttpServer door;
  private WebSocketClient client;
  private final AtomicInteger gssAsked = new AtomicInteger();
  /** Connections of the current burst that reached admission, and how many the burst has. */
  private final AtomicInteger arrived = new AtomicInteger();
  private volatile int burst;
  /** What the stand-in GSS answers: a session state, or null for 404. */
  private final AtomicReference<String> state = new AtomicReference<>("READY");
  private JWTAuth signer;

  @BeforeEach
  void start() throws Exception {
    vertx = Vertx.vertx();
    context = vertx.getOrCreateContext();
    KeyPair pair = KeyPairGenerator.getInstance("RSA").generateKeyPair();
    RSAPublicKey pub = (RSAPublicKey) pair.getPublic();
    Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
    JsonObject jwk = new JsonObject().put("kty", "RSA").put("kid", "k1").put("alg", "RS256").put("use", "sig")
        .put("n", b64.encodeToString(unsigned(pub.getModulus().toByteArray())))
        .put("e", b64.encodeToString(unsigned(pub.getPublicExponent().toByteArray())));
    String pem = "-----BEGIN PRIVATE KEY-----\n" + Base64.getMimeEncoder().encodeToString(
        pair.getPrivate().getEncoded()) + "\n-----END PRIVATE KEY-----\n";
    signer = JWTAuth.create(vertx, new JWTAuthOptions().addPubSecKey(new PubSecKeyOptions().setAlgorithm("RS256")
        .setId("k1").setBuffer(pem)));
    client = vertx.createWebSocketClient(new WebSocketClientOptions().setMaxConnections(200));
    gss = on(() -> vertx.createHttpServer().requestHandler(req -> {
      gssAsked.incrementAndGet();
      String now = state.get();
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      // Answered once the burst's connections all wait for it (or after 10 s), as a slow GSS would.
      vertx.setPeriodic(5, t -> {
        if (arrived.get() < burst && System.nanoTime() < deadline) {
          return;
        }
        vertx.cancelTimer(t);
        if (now == null) {
          req.response().setStatusCode(404).end("{\"error\":\"not_found\",\"message\":\"no session\"}");
        } else {
          req.response().putHeader("content-type", "application/json").end(new JsonObject().put("id", "s-1")
              .put("state", now).put("services", new JsonArray()).encode());
        }
      });
    }).listen(0));
    door = on(() -> {
      TokenVerifier verifier = new TokenVerifier(vertx, () -> Future.succeededFuture(new JsonArray().add(jwk)));
      admission = new Admission(verifier, new SessionLookup(WebClient.create(vertx),
          URI.create("http://127.0.0.1:" + gss.actualPort())), new RelayMetrics(vertx));
      return verifier.start().compose(v -> vertx.createHttpServer().webSocketHandler(ws -> {
        ws.pause();
        Future<java.util.Optional<Admission.Admitted>> admitted = admission.admit(ws);
        arrived.incrementAndGet();
        admitted.onSuccess(a -> a.ifPresent(in -> ws.writeTextMessage("admitted")));
      }).listen(0));
    });
  }

  @AfterEach
  void stop() throws Exception {
    vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
  }

  @Test
  void connectionsWithOneTokenShareTheLookupUnderWayButNotAnAnswerThatCame() throws Exception {
    String alice = token("u-1", "alice");
    assertEquals(List.of(50), admitted(alice, 50));
    assertEquals(1, gssAsked.get(), "50 connections at once, one lookup");
    assertEquals(List.of(1), admitted(alice, 1));
    assertEquals(2, gssAsked.get(), "a connection after the answer came asks again: a grant may have changed");
    assertEquals(List.of(1), admitted(token("u-2", "bob"), 1));
    assertEquals(3, gssAsked.get(), "another token is asked for itself");
    state.set("CLOSING");
    assertEquals(List.of(0), admitted(alice, 1));
    assertEquals(0, on(() -> Future.succeededFuture(admission.lookupsUnderWay())));
  }

  @Test
  void aRefusalIsSharedOnlyWhileUnderWay() throws Exception {
    state.set(null);
    String carol = token("u-3", "carol");
    assertEquals(List.of(0), admitted(carol, 5));
    assertEquals(1, gssAsked.get());
    state.set("READY");
    assertEquals(List.of(1), admitted(carol, 1));
    assertEquals(2, gssAsked.get());
  }

  /** Opens {@code n} connections at once; the number admitted. */
  private List<Integer> admitted(String token, int n) throws Exception {
    arrived.set(0);
    burst = n;
    List<Future<Boolean>> all = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      Promise<Boolean> in = Promise.promise();
      client.connect(new WebSocketConnectOptions().setHost("127.0.0.1").setPort(door.actualPort())
          .setURI("/ws/sessions/s-1").addHeader("Authorization", "Bearer " + token)).onSuccess(ws -> {
            ws.textMessageHandler(text -> in.tryComplete("admitted".equals(text)));
            ws.closeHandler(v -> in.tryComplete(false));
          }).onFailure(in::tryFail);
      all.add(in.future());
    }
    Future.all(all).toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    return List.of((int) all.stream().filter(Future::result).count());
  }

  private String token(String sub, String name) {
    return signer.generateToken(new JsonObject().put("sub", sub).put("name", name)
        .put("roles", new JsonArray().add("user")), new JWTOptions().setAlgorithm("RS256")
        .setAudience(List.of(TokenVerifier.AUDIENCE)).setIssuer(TokenVerifier.ISSUER).setExpiresInMinutes(5));
  }

  private static byte[] unsigned(byte[] twosComplement) {
    return twosComplement[0] == 0 ? java.util.Arrays.copyOfRange(twosComplement, 1, twosComplement.length)
        : twosComplement;
  }

  private <T> T on(java.util.function.Supplier<Future<T>> action) throws Exception {
    Promise<T> done = Promise.promise();
    context.runOnContext(v -> action.get().onComplete(done));
    return done.future().toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
  }
}
