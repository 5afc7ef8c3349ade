package org.otplatform.bench;

import io.vertx.core.Vertx;

/**
 * The start-up benchmark's reference: a bare Vert.x HTTP server in a JVM of its own, answering 200
 * on every path once it listens on {@code OT_HELLO_PORT}. What any Vert.x service pays before its
 * own start-up work.
 */
public final class HelloServer {
  private HelloServer() {}

  public static void main(String[] args) {
    Vertx.vertx().createHttpServer().requestHandler(request -> request.response().end("ok"))
        .listen(Integer.parseInt(System.getenv("OT_HELLO_PORT")), "127.0.0.1")
        .onFailure(e -> {
          System.err.println("hello server: " + e.getMessage());
          System.exit(70);
        });
  }
}
