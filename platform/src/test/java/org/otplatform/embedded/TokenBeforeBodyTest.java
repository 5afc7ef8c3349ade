package org.otplatform.embedded;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A request to an operation that needs a token is answered 401 from its headers alone: the service
 * neither reads nor waits for the body of a caller who has not signed in (before, it waited for the
 * whole announced body, then answered 408 after the read deadline).
 */
@ExtendWith(SharedPlatform.class)
@Timeout(60)
class TokenBeforeBodyTest {
  /** Far less than the 10 s read deadline: the answer comes without the body. */
  private static final int ANSWER_WITHIN_MS = 3_000;

  private static String statusLineWithoutSendingTheBody(String base, String path, String authorization)
      throws Exception {
    URI uri = URI.create(base);
    try (Socket socket = new Socket(uri.getHost(), uri.getPort())) {
      socket.setSoTimeout(ANSWER_WITHIN_MS);
      OutputStream out = socket.getOutputStream();
      out.write(("POST " + path + " HTTP/1.1\r\nHost: " + uri.getHost() + "\r\nContent-Type: application/json\r\n"
          + (authorization == null ? "" : "Authorization: " + authorization + "\r\n")
          + "Content-Length: 1000000\r\n\r\n{\"project\":").getBytes(StandardCharsets.US_ASCII));
      out.flush();
      InputStream in = socket.getInputStream();
      StringBuilder line = new StringBuilder();
      int c;
      while ((c = in.read()) != -1 && c != '\r') {
        line.append((char) c);
      }
      return line.toString();
    }
  }

  /**
   * Right after a key rotation the GSS does not know the key of a new token and fetches it while
   * the request's body arrives: the body must wait, not be lost (it was: 500, "BodyHandler invoked
   * after the request has ended"). The verifier refetches keys at most every 5 s, so until then a
   * new key's token is refused 401; the first request after that must be served.
   */
  @Test
  void aBodyWaitsWhileTheTokensKeyIsFetched() {
    SharedPlatform.Holder p = SharedPlatform.get();
    String admin = SharedPlatform.login("admin", SharedPlatform.ADMIN_PASSWORD);
    Api.post(p.auth + "/api/v1/projects", admin, "{\"name\":\"rotation-body\"}").expect(201);
    Api.post(p.auth + "/api/v1/admin/keys/rotate", admin, null).expect(201);
    String fresh = SharedPlatform.login("admin", SharedPlatform.ADMIN_PASSWORD);
    String[] id = new String[1];
    Api.await("a session opened with the new key's token", Duration.ofSeconds(30), () -> {
      Api.Reply reply = Api.post(p.gss + "/api/v1/sessions", fresh,
          "{\"project\":\"rotation-body\",\"type\":\"echo\"}");
      assertTrue(reply.status() == 202 || reply.status() == 401, "status " + reply.status() + ": " + reply.body());
      if (reply.status() == 202) {
        id[0] = reply.json().getString("id");
      }
      return id[0] != null;
    });
    Api.delete(p.gss + "/api/v1/sessions/" + id[0], fresh).expect(202);
  }

  @Test
  void securedOperationsRefuseBeforeReadingTheBody() throws Exception {
    SharedPlatform.Holder p = SharedPlatform.get();
    for (String[] target : List.of(new String[] {p.gss, "/api/v1/sessions"},
        new String[] {p.auth, "/api/v1/projects"}, new String[] {p.auth, "/api/v1/me/password"})) {
      for (String authorization : new String[] {null, "Bearer not-a-token"}) {
        String status = statusLineWithoutSendingTheBody(target[0], target[1], authorization);
        assertTrue(status.startsWith("HTTP/1.1 401"), target[1] + " with " + authorization + ": " + status);
      }
    }
  }
}
