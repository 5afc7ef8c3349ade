package org.otplatform.otctl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

/** How otctl writes progress entries and session types for people. */
class HumanOutputTest {
  @Test
  void aClusterNoteShowsItsReasonAndMessage() {
    JsonObject note = new JsonObject().put("type", "ServiceProgress").put("service", "kriging").put("state", "OPENING")
        .put("reason", "TriggeredScaleUp").put("message", "pod triggered scale-up");
    assertEquals("ServiceProgress        kriging      OPENING  TriggeredScaleUp: pod triggered scale-up",
        SessionsCommand.progressLine(note));
  }

  @Test
  void infoShowsATypesProfilesWithTheDefaultTheirGroupsAndAnotherPool() {
    JsonObject type = new JsonObject("""
        {"name": "solver", "defaultProfile": "cpu", "pool": "default", "profiles": [
          {"name": "cpu", "description": "", "groups": [], "pool": "default"},
          {"name": "gpu", "description": "one GPU", "groups": ["gpu-users", "staff"], "pool": "gpu-nodes"}]}""");
    assertEquals("cpu*,gpu(gpu-users,staff)@gpu-nodes", InfoCommand.profiles(type));
    assertEquals("-", InfoCommand.profiles(new JsonObject().put("name", "echo")));
  }

  @Test
  void aListIsATableWhoseNullAndAbsentFieldsAreEmpty() {
    java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
    Output out = new Output(new java.io.PrintStream(bytes, true, java.nio.charset.StandardCharsets.UTF_8),
        Output.Format.table);
    out.listed(new JsonObject("""
        {"events": [{"action": "ProjectCreated", "address": null, "details": {"name": "geology"}},
                    {"action": "LoginFailed", "address": "10.0.0.7"}]}"""), "events",
        java.util.List.of("ACTION", "FROM", "DETAILS"), "action", "address", "details");
    assertEquals("""
        ACTION          FROM      DETAILS
        ProjectCreated            {"name":"geology"}
        LoginFailed     10.0.0.7
        """, bytes.toString(java.nio.charset.StandardCharsets.UTF_8));
  }

  @Test
  void aFailureShowsItsExitCodeAndReason() {
    JsonObject failed = new JsonObject().put("type", "ServiceFailed").put("service", "kriging").put("state", "FAILED")
        .put("exitCode", 3).put("reason", "exited with code 3");
    assertEquals("ServiceFailed          kriging      FAILED  exit code 3  exited with code 3",
        SessionsCommand.progressLine(failed));
  }

  @Test
  void aTraceIsAWaterfallOfSpansUnderTheirParents() {
    JsonObject trace = new JsonObject("""
        {"traceId": "t", "start": "2026-12-03T10:00:00Z", "durationMs": 100.0, "spans": [
          {"spanId": "a", "parentSpanId": null, "name": "POST /api/v1/sessions", "service": "ot-gss", "startMs": 0.0, "durationMs": 20.0, "status": "UNSET"},
          {"spanId": "c", "parentSpanId": "b", "name": "start echo", "service": "ot-lss", "startMs": 30.0, "durationMs": 70.0, "status": "ERROR"},
          {"spanId": "b", "parentSpanId": "a", "name": "send ot.session.commands", "service": "ot-gss", "startMs": 10.0, "durationMs": 5.0, "status": "UNSET"},
          {"spanId": "x", "parentSpanId": "elsewhere", "name": "GET", "service": "ot-gss", "startMs": 50.0, "durationMs": 1.0, "status": "UNSET"}]}""");
    java.util.List<java.util.List<String>> rows = AdminCommand.Trace.rows(trace);
    assertEquals(java.util.List.of("POST /api/v1/sessions", "  send ot.session.commands", "    start echo  (error)", "GET"),
        rows.stream().map(r -> r.get(4)).toList(), "depth first, children under their parent; an orphan at the top");
    assertEquals("|" + "=".repeat(6) + " ".repeat(26) + "|", rows.get(0).get(2), "0..20 of 100 ms on 32 columns");
    assertEquals("|" + " ".repeat(9) + "=".repeat(22) + " |", rows.get(2).get(2));
    assertEquals("30.0 ms", rows.get(2).get(0));
  }

  @Test
  void yamlIsTheSameDataNestedAndWithStringsThatLookLikeOtherTypesQuoted() throws Exception {
    io.vertx.core.json.JsonObject answer = new io.vertx.core.json.JsonObject()
        .put("session", new io.vertx.core.json.JsonObject().put("id", "1e5").put("state", "READY").put("ok", "yes")
            .put("kid", "0x1F").put("at", "1:30").put("version", "1.10").put("dash", "-").put("nan", ".nan")
            .put("services", new io.vertx.core.json.JsonArray().add(new io.vertx.core.json.JsonObject()
                .put("name", "kriging").put("port", 40123).put("exitCode", (Object) null))))
        .put("empty", new io.vertx.core.json.JsonArray()).put("ratio", 0.5).put("on", true);
    String yaml = Output.yaml(answer);
    assertTrue(yaml.contains("  services:\n  - name: kriging\n"), yaml);
    Object back = new com.fasterxml.jackson.dataformat.yaml.YAMLMapper().readValue(yaml, Object.class);
    assertEquals(answer.encode(), io.vertx.core.json.Json.encode(back), yaml);
  }

  @Test
  void sinceIsHowLongAgoOrAnInstant() {
    java.time.Instant now = java.time.Instant.parse("2026-12-03T12:00:00Z");
    assertEquals(java.time.Instant.parse("2026-12-03T11:50:00Z"), LogsCommand.instant("10m", now));
    assertEquals(java.time.Instant.parse("2026-12-01T12:00:00Z"), LogsCommand.instant("2d", now));
    assertEquals(java.time.Instant.parse("2026-12-03T10:00:00Z"), LogsCommand.instant("2026-12-03T10:00:00Z", now));
    Exit.Failure bad = org.junit.jupiter.api.Assertions.assertThrows(Exit.Failure.class,
        () -> LogsCommand.instant("yesterday", now));
    assertEquals(Exit.USAGE, bad.code());
  }
}
