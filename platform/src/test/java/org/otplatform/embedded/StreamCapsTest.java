package org.otplatform.embedded;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonObject;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Long-lived streams are bounded per user: GSS event streams (16 by default) and logger live tails
 * (8), counted even when requested all at once; a closed one frees its place.
 */
@ExtendWith(SharedPlatform.class)
@Timeout(180)
class StreamCapsTest {

  @Test
  void eventStreamsAndLiveTailsAreCappedPerUser() throws Exception {
    SharedPlatform.Holder p = SharedPlatform.get();
    String admin = SharedPlatform.login("admin", SharedPlatform.ADMIN_PASSWORD);
    Api.post(p.auth + "/api/v1/users", admin, "{\"username\":\"sam-streams\",\"password\":\"sams-long-password\"}")
        .expect(201);
    String sam = SharedPlatform.login("sam-streams", "sams-long-password");
    Api.post(p.auth + "/api/v1/projects", sam, "{\"name\":\"sams-project\"}").expect(201);
    String session = Api.post(p.gss + "/api/v1/sessions", sam, "{\"project\":\"sams-project\",\"type\":\"echo\"}")
        .expect(202).json().getString("id");
    try {
      capped(p.gss + "/api/v1/sessions/" + session + "/events", sam, 16);
      capped(p.logger + "/api/v1/logs/tail?session=" + session, sam, 8);
    } finally {
      Api.delete(p.gss + "/api/v1/sessions/" + session, sam);
    }
  }

  /** {@code cap} streams at once are served, the rest 429; closing one makes room again. */
  private static void capped(String url, String token, int cap) throws Exception {
    List<CompletableFuture<HttpResponse<InputStream>>> requests = new ArrayList<>();
    for (int i = 0; i < cap + 4; i++) {
      requests.add(Api.CLIENT.sendAsync(HttpRequest.newBuilder(URI.create(url))
          .header("authorization", "Bearer " + token).build(), HttpResponse.BodyHandlers.ofInputStream()));
    }
    List<InputStream> open = new ArrayList<>();
    try {
      checkCapped(url, token, cap, requests, open);
    } finally {
      for (InputStream in : open) {
        in.close(); // never left open for the other tests on the shared platform
      }
    }
  }

  private static void checkCapped(String url, String token, int cap,
      List<CompletableFuture<HttpResponse<InputStream>>> requests, List<InputStream> open) throws Exception {
    int refused = 0;
    for (CompletableFuture<HttpResponse<InputStream>> r : requests) {
      HttpResponse<InputStream> response = r.get(60, TimeUnit.SECONDS);
      if (response.statusCode() == 200) {
        open.add(response.body());
      } else {
        String body = new String(response.body().readAllBytes());
        assertEquals(429, response.statusCode(), body);
        JsonObject error = new JsonObject(body);
        assertTrue(error.getString("message").contains("the limit"), error.encode());
        refused++;
      }
    }
    assertEquals(cap, open.size(), url + ": served " + open.size() + ", refused " + refused);
    open.remove(0).close();
    Api.await("a closed stream frees its place", Duration.ofSeconds(30), () -> {
      try {
        HttpResponse<InputStream> again = Api.CLIENT.send(HttpRequest.newBuilder(URI.create(url))
            .header("authorization", "Bearer " + token).build(), HttpResponse.BodyHandlers.ofInputStream());
        if (again.statusCode() == 200) {
          open.add(again.body());
          return true;
        }
        again.body().close();
        return false;
      } catch (java.io.IOException | InterruptedException e) {
        throw new IllegalStateException(e);
      }
    });
  }
}
