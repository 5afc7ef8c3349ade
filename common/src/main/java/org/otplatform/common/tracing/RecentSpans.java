package org.otplatform.common.tracing;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.context.Context;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.trace.ReadWriteSpan;
import io.opentelemetry.sdk.trace.ReadableSpan;
import io.opentelemetry.sdk.trace.SpanProcessor;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The last {@value #CAPACITY} ended spans of this JVM, in memory, with the traces of each session:
 * in embedded mode every service runs in this JVM, so one session's open can be shown as a
 * waterfall across all of them without a collector. On a cluster each service holds only its own
 * spans; there, export to a collector (OTLP) to see whole traces. Bounded: the oldest span goes
 * when a new one comes, and at most {@value #SESSIONS} sessions are remembered.
 */
public final class RecentSpans implements SpanProcessor {
  public static final RecentSpans JVM = new RecentSpans();
  static final int CAPACITY = 20_000;
  static final int SESSIONS = 2_000;

  private final ArrayDeque<SpanData> spans = new ArrayDeque<>();
  private final Map<String, List<SpanData>> byTrace = new HashMap<>();
  private final Map<String, Set<String>> tracesBySession = new LinkedHashMap<>(16, 0.75f, true) {
    @Override
    protected boolean removeEldestEntry(Map.Entry<String, Set<String>> eldest) {
      return size() > SESSIONS;
    }
  };

  private RecentSpans() {}

  @Override
  public void onStart(Context parent, ReadWriteSpan span) {}

  @Override
  public boolean isStartRequired() {
    return false;
  }

  @Override
  public void onEnd(ReadableSpan span) {
    SpanData data = span.toSpanData();
    String session = data.getAttributes().get(Tracing.SESSION_ID);
    synchronized (this) {
      if (spans.size() >= CAPACITY) {
        SpanData gone = spans.removeFirst();
        List<SpanData> of = byTrace.get(gone.getTraceId());
        if (of != null && of.remove(gone) && of.isEmpty()) {
          byTrace.remove(gone.getTraceId());
        }
      }
      spans.addLast(data);
      byTrace.computeIfAbsent(data.getTraceId(), t -> new ArrayList<>()).add(data);
      if (session != null) {
        tracesBySession.computeIfAbsent(session, s -> new LinkedHashSet<>()).add(data.getTraceId());
      }
    }
  }

  @Override
  public boolean isEndRequired() {
    return true;
  }

  @Override
  public CompletableResultCode shutdown() {
    return CompletableResultCode.ofSuccess(); // shared by every service of the JVM: kept
  }

  /** The spans of a trace still held, oldest first. */
  public synchronized List<SpanData> trace(String traceId) {
    List<SpanData> of = new ArrayList<>(byTrace.getOrDefault(traceId, List.of()));
    of.sort(Comparator.comparingLong(SpanData::getStartEpochNanos));
    return of;
  }

  /** The ids of the traces still held in which a span names the session. */
  public synchronized List<String> tracesOf(String sessionId) {
    return tracesBySession.getOrDefault(sessionId, Set.of()).stream().filter(byTrace::containsKey).toList();
  }

  /**
   * A trace as a waterfall: its spans in start order, each with its parent, the service that made
   * it, its start relative to the trace's first span and its duration in milliseconds.
   */
  public static JsonObject waterfall(String traceId, List<SpanData> trace) {
    long t0 = trace.stream().mapToLong(SpanData::getStartEpochNanos).min().orElse(0);
    long t1 = trace.stream().mapToLong(SpanData::getEndEpochNanos).max().orElse(0);
    JsonArray rows = new JsonArray();
    for (SpanData s : trace) {
      JsonObject attributes = new JsonObject();
      s.getAttributes().forEach((k, v) -> attributes.put(k.getKey(), String.valueOf(v)));
      JsonObject row = new JsonObject()
          .put("spanId", s.getSpanId())
          .put("parentSpanId", s.getParentSpanContext().isValid() ? s.getParentSpanId() : null)
          .put("name", s.getName())
          .put("service", s.getResource().getAttribute(AttributeKey.stringKey("service.name")))
          .put("kind", s.getKind().name())
          .put("startMs", (s.getStartEpochNanos() - t0) / 1e6)
          .put("durationMs", (s.getEndEpochNanos() - s.getStartEpochNanos()) / 1e6)
          .put("status", s.getStatus().getStatusCode().name())
          .put("attributes", attributes);
      rows.add(row);
    }
    return new JsonObject().put("traceId", traceId)
        .put("start", java.time.Instant.ofEpochSecond(0, t0).toString())
        .put("durationMs", (t1 - t0) / 1e6)
        .put("spans", rows);
  }
}
