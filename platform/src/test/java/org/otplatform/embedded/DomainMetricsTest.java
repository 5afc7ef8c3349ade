package org.otplatform.embedded;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The platform's domain figures move as a user drives it, read off each service's {@code /metrics}
 * as Prometheus scrapes them: login outcomes at AUTH; opens admitted and timed to READY or FAILED
 * at the GSS, by type; failed starts by cause at the LSS. Read as differences: the shared platform
 * serves other tests too.
 */
@ExtendWith(SharedPlatform.class)
@Timeout(180)
class DomainMetricsTest {
  private static final Duration DEADLINE = Duration.ofSeconds(90);

  /** The sum of a metric's samples whose labels include {@code labels} ("k=v"); 0 when there is none. */
  static double value(String url, String name, String... labels) {
    return Api.get(url, null).expect(200).body().lines()
        .filter(l -> l.startsWith(name + "{") || l.startsWith(name + " "))
        .filter(l -> Arrays.stream(labels).allMatch(kv -> l.contains(kv.replaceFirst("=", "=\"") + "\"")))
        .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1))).sum();
  }

  @Test
  void loginsOpensAndFailedStartsAreCounted() {
    SharedPlatform.Holder p = SharedPlatform.get();
    String gss = p.gss + "/metrics";
    String auth = p.auth + "/metrics";
    String lss = p.platform.url(p.platform.ports().lss()) + "/metrics";
    double failedLogins = value(auth, "ot_auth_logins_total", "outcome=failed");
    double goodLogins = value(auth, "ot_auth_logins_total", "outcome=succeeded");
    Api.post(p.auth + "/api/v1/login", null, "{\"username\":\"admin\",\"password\":\"not-the-password\"}").expect(401);
    String token = SharedPlatform.login("admin", SharedPlatform.ADMIN_PASSWORD);
    assertEquals(failedLogins + 1, value(auth, "ot_auth_logins_total", "outcome=failed"));
    assertEquals(goodLogins + 1, value(auth, "ot_auth_logins_total", "outcome=succeeded"));

    Api.post(p.auth + "/api/v1/projects", token, "{\"name\":\"metrics-e2e\"}").expect(201);
    double opens = value(gss, "ot_session_opens_total", "type=echo");
    double ready = value(gss, "ot_session_open_seconds_count", "type=echo", "outcome=ready");
    double failed = value(gss, "ot_session_open_seconds_count", "type=broken", "outcome=failed");
    double exited = value(lss, "ot_lss_spawn_failures_total", "cause=exited");

    String echo = Api.post(p.gss + "/api/v1/sessions", token, "{\"project\":\"metrics-e2e\",\"type\":\"echo\"}")
        .expect(202).json().getString("id");
    assertEquals(opens + 1, value(gss, "ot_session_opens_total", "type=echo"), "counted when admitted");
    Api.await("the echo session READY and timed", DEADLINE,
        () -> value(gss, "ot_session_open_seconds_count", "type=echo", "outcome=ready") == ready + 1);
    assertTrue(value(gss, "ot_session_open_seconds_bucket", "type=echo", "outcome=ready", "le=+Inf") >= ready + 1,
        "a histogram, with buckets");

    String broken = Api.post(p.gss + "/api/v1/sessions", token, "{\"project\":\"metrics-e2e\",\"type\":\"broken\"}")
        .expect(202).json().getString("id");
    Api.await("the broken session FAILED and timed", DEADLINE,
        () -> value(gss, "ot_session_open_seconds_count", "type=broken", "outcome=failed") == failed + 1);
    JsonObject session = Api.get(p.gss + "/api/v1/sessions/" + broken, token).expect(200).json();
    assertEquals("FAILED", session.getString("state"), session.encode());
    assertEquals(exited + 1, value(lss, "ot_lss_spawn_failures_total", "cause=exited"),
        "the LSS counts the start that exited with code 3");

    Api.delete(p.gss + "/api/v1/sessions/" + echo, token).expect(202);
  }

  /**
   * Each consumer group's member exports how far behind its topic it is: the command and event
   * topics are quiet between tests, so those members are caught up (0); the log topic is never
   * quiet (every service logs), so the logger's figure is only required to be a number.
   */
  @Test
  void everyGroupMemberExportsItsLag() {
    SharedPlatform.Holder p = SharedPlatform.get();
    record Member(String url, String group, String topic, boolean quiet) {}
    List<Member> members = List.of(
        new Member(p.gss + "/metrics", "gss", "ot.session.events", true),
        new Member(p.platform.url(p.platform.ports().lss()) + "/metrics", "lss", "ot.session.commands", true),
        new Member(p.logger + "/metrics", "logger", "ot.logs", false));
    for (Member m : members) {
      java.util.concurrent.atomic.AtomicReference<List<String>> seen = new java.util.concurrent.atomic.AtomicReference<>(List.of());
      try {
        Api.await(m.group() + "'s lag on " + m.topic() + " in " + m.url(), DEADLINE, () -> {
          List<String> lines = Api.get(m.url(), null).expect(200).body().lines()
              .filter(l -> l.startsWith("ot_kafka_consumer_lag_records{")).toList();
          seen.set(lines);
          return lines.stream()
              .filter(l -> l.contains("group=\"" + m.group() + "\"") && l.contains("topic=\"" + m.topic() + "\""))
              .map(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1)))
              .anyMatch(v -> m.quiet() ? v == 0.0 : !v.isNaN() && v >= 0);
        });
      } catch (AssertionError e) {
        throw new AssertionError(e.getMessage() + "; last seen:\n" + String.join("\n", seen.get()), e);
      }
    }
  }

  /** Every bearer token a service checks is counted by outcome. */
  @Test
  void tokensVerifiedAreCountedByOutcome() {
    SharedPlatform.Holder p = SharedPlatform.get();
    String gss = p.gss + "/metrics";
    String token = SharedPlatform.login("admin", SharedPlatform.ADMIN_PASSWORD);
    double accepted = value(gss, "ot_tokens_verified_total", "outcome=accepted");
    double rejected = value(gss, "ot_tokens_verified_total", "outcome=rejected");
    Api.get(p.gss + "/api/v1/sessions", token).expect(200);
    Api.get(p.gss + "/api/v1/sessions", token).expect(200);
    Api.get(p.gss + "/api/v1/sessions", token.substring(0, token.length() - 4) + "AAAA").expect(401);
    assertEquals(accepted + 2, value(gss, "ot_tokens_verified_total", "outcome=accepted"), "cached or not");
    assertEquals(rejected + 1, value(gss, "ot_tokens_verified_total", "outcome=rejected"), "a bad signature");
  }

  /** HTTP figures per route template, never per id. */
  @Test
  void httpRequestsAreCountedPerRouteNotPerPath() {
    SharedPlatform.Holder p = SharedPlatform.get();
    String token = SharedPlatform.login("admin", SharedPlatform.ADMIN_PASSWORD);
    String id = java.util.UUID.randomUUID().toString();
    Api.get(p.gss + "/api/v1/sessions/" + id, token).expect(404);
    List<String> lines = Api.get(p.gss + "/metrics", null).expect(200).body().lines()
        .filter(l -> l.startsWith("vertx_http_server_requests_total{")).toList();
    assertTrue(lines.stream().anyMatch(l -> l.contains("route=\"/api/v1/sessions/")), String.join("\n", lines));
    assertTrue(lines.stream().noneMatch(l -> l.contains(id)), "no id in a label: " + String.join("\n", lines));
  }
}
