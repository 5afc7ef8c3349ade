package org.otplatform.faults;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Random;

/**
 * A WebSocket client that writes frames byte by byte, so it can write the frames a library
 * refuses to: invalid UTF-8, reserved opcodes and bits, unmasked, fragments out of order, a length
 * larger than what follows.
 */
final class RawWebSocket implements AutoCloseable {
  static final int TEXT = 1;
  static final int BINARY = 2;
  static final int CONTINUATION = 0;
  static final int CLOSE = 8;
  static final int PING = 9;

  /** A frame from the server; {@code opcode} -1 when the connection ended. */
  record Frame(int opcode, byte[] payload) {
    String text() {
      return new String(payload, StandardCharsets.UTF_8);
    }

    int closeCode() {
      return payload.length >= 2 ? ((payload[0] & 0xFF) << 8) | (payload[1] & 0xFF) : -1;
    }
  }

  private final Socket socket;
  private final DataInputStream in;
  private final OutputStream out;
  private final Random random;

  private RawWebSocket(Socket socket, Random random) throws IOException {
    this.socket = socket;
    this.in = new DataInputStream(socket.getInputStream());
    this.out = socket.getOutputStream();
    this.random = random;
  }

  /** Opens {@code path} with the token as the {@code ot.bearer} subprotocol; null if the server refuses. */
  static RawWebSocket open(String host, int port, String path, String token, Random random) throws IOException {
    Socket socket = new Socket(host, port);
    socket.setSoTimeout(5_000);
    byte[] key = new byte[16];
    random.nextBytes(key);
    String request = "GET " + path + " HTTP/1.1\r\nHost: " + host + ":" + port + "\r\nUpgrade: websocket\r\n"
        + "Connection: Upgrade\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: "
        + Base64.getEncoder().encodeToString(key) + "\r\nSec-WebSocket-Protocol: ot.bearer, " + token + "\r\n\r\n";
    socket.getOutputStream().write(request.getBytes(StandardCharsets.US_ASCII));
    ByteArrayOutputStream head = new ByteArrayOutputStream();
    int matched = 0;
    while (matched < 4) {
      int b = socket.getInputStream().read();
      if (b < 0) {
        socket.close();
        return null;
      }
      head.write(b);
      matched = (b == (matched % 2 == 0 ? '\r' : '\n')) ? matched + 1 : (b == '\r' ? 1 : 0);
    }
    if (!head.toString(StandardCharsets.US_ASCII).startsWith("HTTP/1.1 101")) {
      socket.close();
      return null;
    }
    return new RawWebSocket(socket, random);
  }

  void text(String message) throws IOException {
    frame(true, 0, TEXT, message.getBytes(StandardCharsets.UTF_8), true, -1);
  }

  /**
   * Writes one frame: {@code rsv} the three reserved bits, {@code masked} whether it is masked (a
   * client must), {@code declared} the length it claims (-1: its own).
   */
  void frame(boolean fin, int rsv, int opcode, byte[] payload, boolean masked, long declared) throws IOException {
    ByteArrayOutputStream f = new ByteArrayOutputStream();
    f.write((fin ? 0x80 : 0) | (rsv & 0x7) << 4 | (opcode & 0xF));
    long length = declared >= 0 ? declared : payload.length;
    int maskBit = masked ? 0x80 : 0;
    if (length < 126) {
      f.write(maskBit | (int) length);
    } else if (length < 65_536) {
      f.write(maskBit | 126);
      f.write((int) (length >> 8) & 0xFF);
      f.write((int) length & 0xFF);
    } else {
      f.write(maskBit | 127);
      for (int i = 7; i >= 0; i--) {
        f.write((int) (length >> (8 * i)) & 0xFF);
      }
    }
    byte[] body = payload.clone();
    if (masked) {
      byte[] mask = new byte[4];
      random.nextBytes(mask);
      f.write(mask);
      for (int i = 0; i < body.length; i++) {
        body[i] ^= mask[i % 4];
      }
    }
    f.write(body);
    out.write(f.toByteArray());
    out.flush();
  }

  /** The next data or close frame (pings answered), or null when none came within the socket's timeout. */
  Frame next() throws IOException {
    while (true) {
      int b0;
      try {
        b0 = in.read();
      } catch (SocketTimeoutException e) {
        return null;
      }
      if (b0 < 0) {
        return new Frame(-1, new byte[0]);
      }
      int b1 = in.readUnsignedByte();
      long length = b1 & 0x7F;
      if (length == 126) {
        length = in.readUnsignedShort();
      } else if (length == 127) {
        length = in.readLong();
      }
      if (length > 4 * 1024 * 1024) {
        throw new IOException("the server sent a frame of " + length + " bytes");
      }
      byte[] payload = new byte[(int) length];
      in.readFully(payload);
      int opcode = b0 & 0xF;
      if (opcode == PING) {
        frame(true, 0, 0xA, payload, true, -1);
        continue;
      }
      if (opcode == 0xA) {
        continue;
      }
      return new Frame(opcode, payload);
    }
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }
}
