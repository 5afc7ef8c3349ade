package org.otplatform.faults.suite;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetClientOptions;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.NetSocket;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * What a Kubernetes Service is to its pods: one address in front of a kind's replicas, each new
 * connection sent to the next replica whose last readiness probe passed (and, if that one refuses
 * the connection, to the one after). A replica that dies takes its connections with it; clients
 * reconnect and land on another.
 */
final class Balancer {
  private final List<Node> nodes;
  private final NetServer server;
  private final NetClient client;
  private final AtomicInteger next = new AtomicInteger();
  private int port;

  Balancer(Vertx vertx, List<Node> nodes) {
    this.nodes = nodes;
    this.server = vertx.createNetServer();
    this.client = vertx.createNetClient(new NetClientOptions().setConnectTimeout(2_000));
    server.connectHandler(this::accept);
  }

  Future<Balancer> listen() {
    return server.listen(0, "127.0.0.1").map(s -> {
      port = s.actualPort();
      return this;
    });
  }

  String url() {
    return "http://127.0.0.1:" + port;
  }

  int port() {
    return port;
  }

  private void accept(NetSocket front) {
    front.pause();
    connect(front, next.getAndIncrement(), nodes.size());
  }

  private void connect(NetSocket front, int start, int triesLeft) {
    Node node = null;
    int tries = triesLeft;
    int i = start;
    while (tries > 0 && node == null) {
      Node candidate = nodes.get(Math.floorMod(i, nodes.size()));
      if (candidate.ready) {
        node = candidate;
      }
      i++;
      tries--;
    }
    if (node == null) {
      front.close(); // no endpoint ready: refused, as a Service without endpoints does
      return;
    }
    int after = i;
    int left = tries;
    client.connect(node.port, "127.0.0.1").onComplete(r -> {
      if (r.failed()) {
        if (left > 0) {
          connect(front, after, left);
        } else {
          front.close();
        }
        return;
      }
      NetSocket back = r.result();
      front.pipeTo(back);
      back.pipeTo(front);
      front.resume();
    });
  }
}
