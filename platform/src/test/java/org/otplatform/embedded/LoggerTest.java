package org.otplatform.embedded;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Records on the log topic reach the query API once, with their secrets masked; the live tail
 * streams them filtered, and skips (and says so) for a viewer that does not keep up.
 */
@ExtendWith(SharedPlatform.class)
@Timeout(120)
class LoggerTest {

  @Test
  void secretsAreMaskedAndAReplayedRecordIsStoredOnce() throws Exception {
    SharedPlatform.Holder p = SharedPlatform.get();
    String admin = SharedPlatform.login("admin", SharedPlatform.ADMIN_PASSWORD);
    String service = "masking-" + UUID.randomUUID().toString().substring(0, 8);
    JsonObject record = new JsonObject().put("id", UUID.randomUUID().toString()).put("time", Instant.now().toString())
        .put("level", "WARN").put("service", service).put("instance", "test").put("logger", "test")
        .put("message", "retrying with password=hunter2 and Authorization: Bearer abc.def.ghi")
        .put("thread", "main");
    // The same record twice, as a producer retry or a consumer replay would deliver it.
    LogRecords.produce(p.platform, List.of(record, record));
    String url = p.logger + "/api/v1/logs?service=" + service + "&level=WARN";
    Api.await("the record in the logger", Duration.ofSeconds(60),
        () -> !Api.get(url, admin).expect(200).json().getJsonArray("records").isEmpty());
    JsonArray records = Api.get(url, admin).expect(200).json().getJsonArray("records");
    assertEquals(1, records.size(), "stored once");
    String message = records.getJsonObject(0).getString("message");
    assertEquals("retrying with password=*** and Authorization: Bearer ***", message);
    assertFalse(records.encode().contains("hunter2"));
  }

  /** An SSE viewer on a plain socket, so the test decides when (and whether) it reads. */
  private static java.net.Socket tail(String logger, String query, String token) throws Exception {
    java.net.URI uri = java.net.URI.create(logger);
    java.net.Socket socket = new java.net.Socket(uri.getHost(), uri.getPort());
    socket.setSoTimeout(60_000);
    socket.getOutputStream().write(("GET /api/v1/logs/tail?" + query + " HTTP/1.1\r\nHost: " + uri.getHost()
        + "\r\nAccept: text/event-stream\r\nAuthorization: Bearer " + token + "\r\n\r\n")
        .getBytes(java.nio.charset.StandardCharsets.UTF_8));
    return socket;
  }

  @Test
  void theLiveTailStreamsMatchingRecordsMaskedAndTellsASlowViewerWhatItSkipped() throws Exception {
    SharedPlatform.Holder p = SharedPlatform.get();
    String admin = SharedPlatform.login("admin", SharedPlatform.ADMIN_PASSWORD);
    String service = "tail-" + UUID.randomUUID().toString().substring(0, 8);
    try (java.net.Socket live = tail(p.logger, "service=" + service + "&q=wanted", admin);
         java.net.Socket slow = tail(p.logger, "service=" + service, admin)) {
      java.io.BufferedReader reader = new java.io.BufferedReader(new java.io.InputStreamReader(
          live.getInputStream(), java.nio.charset.StandardCharsets.UTF_8));
      assertEquals("HTTP/1.1 200 OK", reader.readLine());
      // Both viewers are subscribed once the tail says so.
      String line;
      while (!(line = reader.readLine()).startsWith(": tailing")) {
        assertFalse(line.startsWith("event:"), line);
      }
      Api.await("the slow viewer subscribed", Duration.ofSeconds(30), () -> Api.get(p.platform.url(
          p.platform.ports().logger()) + "/metrics", null).body().contains("ot_logger_tail_viewers 2.0"));
      LogRecords.produce(p.platform, List.of(LogRecords.record(service, "not this one"),
          LogRecords.record(service, "the WANTED one, token=s3cret")));
      String data = null;
      while ((line = reader.readLine()) != null) {
        if (line.startsWith("data: ")) {
          data = line.substring(6);
          break;
        }
      }
      assertEquals("the WANTED one, token=***", new JsonObject(data).getString("message"), "filtered and masked");

      // The slow viewer reads nothing while far more than its queue and the socket buffers hold arrives.
      List<JsonObject> flood = new java.util.ArrayList<>();
      for (int i = 0; i < 3000; i++) {
        flood.add(LogRecords.record(service, i + " " + "z".repeat(4000)));
      }
      LogRecords.produce(p.platform, flood);
      Api.await("records skipped for the slow viewer", Duration.ofSeconds(60), () -> Api.get(p.platform.url(
          p.platform.ports().logger()) + "/metrics", null).body().lines()
          .anyMatch(l -> l.startsWith("ot_logger_tail_skipped_total") && !l.endsWith(" 0.0")));
      java.io.BufferedReader slowReader = new java.io.BufferedReader(new java.io.InputStreamReader(
          slow.getInputStream(), java.nio.charset.StandardCharsets.UTF_8));
      boolean told = false;
      while (!told && (line = slowReader.readLine()) != null) {
        told = line.equals("event: skipped");
      }
      assertTrue(told, "the slow viewer is told how many records it missed");
      assertTrue(new JsonObject(slowReader.readLine().substring(6)).getLong("skipped") > 0);
      String metrics = Api.get(p.platform.url(p.platform.ports().gss()) + "/metrics", null).body();
      assertTrue(metrics.contains("ot_log_records_dropped_total") && metrics.contains("ot_log_records_queued"),
          "every service reports what its log shipping dropped and holds");
    }
  }
}
