package org.otplatform.relay;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.flush.FlushConsolidationHandler;
import io.vertx.core.http.WebSocketBase;
import io.vertx.core.internal.http.WebSocketInternal;

/**
 * One flush per turn of the event loop instead of one per message, on the relay's sockets.
 *
 * <p>Vert.x flushes every WebSocket message it writes unless the socket written to is itself being
 * read from; the relay reads from one socket and writes to another, so each message it forwards
 * cost a write system call of its own — four per round trip, where a proxy forwarding raw bytes
 * (configurable-http-proxy) forwards a whole read's worth of messages with one. Netty's
 * {@link FlushConsolidationHandler} defers a flush to the end of the event loop's current turn
 * (and flushes at once after {@value #MAX_WRITES} writes): the messages one read brought in go on
 * with one system call. Writes still count against the socket's writability, so back-pressure and
 * the send-queue bound are unchanged.
 */
final class Flushes {
  /** Writes after which a flush is not deferred any longer. */
  static final int MAX_WRITES = 256;
  private static final String NAME = "ot-flush-consolidation";

  private Flushes() {}

  /** Installs the consolidation in front of Vert.x's handler of the socket's connection (once). */
  static void consolidate(WebSocketBase ws) {
    if (!(ws instanceof WebSocketInternal internal)) {
      return; // not Vert.x's own implementation: flushes stay as they are
    }
    ChannelHandlerContext vertx = internal.channelHandlerContext();
    ChannelPipeline pipeline = vertx.pipeline();
    if (pipeline.get(NAME) == null) {
      pipeline.addBefore(vertx.name(), NAME, new FlushConsolidationHandler(MAX_WRITES, true));
    }
  }
}
