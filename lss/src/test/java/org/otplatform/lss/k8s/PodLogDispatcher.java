package org.otplatform.lss.k8s;

import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.mockwebserver.http.MockResponse;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The API mock's CRUD dispatcher plus the {@code pods/{name}/log} endpoint, which the mock lacks:
 * it serves the lines the fake kubelet wrote for a pod, with time stamps when asked, from
 * {@code sinceTime} on. A followed log ends after what is there (a real API server keeps it
 * open), so readers must resume — which is what the LSS does when a stream is cut.
 */
public final class PodLogDispatcher extends KubernetesCrudDispatcher {
  private static final Pattern LOG_PATH = Pattern.compile("/api/v1/namespaces/[^/]+/pods/([^/?]+)/log(\\?(.*))?");

  private record Line(Instant time, String text) {}

  private final Map<String, List<Line>> logs = new ConcurrentHashMap<>();
  private final AtomicInteger reads = new AtomicInteger();
  private final Map<String, AtomicInteger> readsByPod = new ConcurrentHashMap<>();

  /** The container of {@code pod} writes {@code text}. */
  public void write(String pod, String text) {
    logs.computeIfAbsent(pod, p -> new CopyOnWriteArrayList<>()).add(new Line(Instant.now(), text));
  }

  /** How many times a log was read. */
  public int reads() {
    return reads.get();
  }

  /** How many times the log of {@code pod} was read. */
  public int reads(String pod) {
    AtomicInteger n = readsByPod.get(pod);
    return n == null ? 0 : n.get();
  }

  @Override
  public MockResponse handleGet(String path) {
    Matcher m = LOG_PATH.matcher(path);
    if (!m.matches()) {
      return super.handleGet(path);
    }
    reads.incrementAndGet();
    readsByPod.computeIfAbsent(m.group(1), p -> new AtomicInteger()).incrementAndGet();
    Map<String, String> query = new java.util.HashMap<>();
    if (m.group(3) != null) {
      for (String pair : m.group(3).split("&")) {
        int eq = pair.indexOf('=');
        if (eq > 0) {
          query.put(pair.substring(0, eq), URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
        }
      }
    }
    Instant since = query.containsKey("sinceTime") ? Instant.parse(query.get("sinceTime")) : Instant.EPOCH;
    boolean timestamps = "true".equals(query.get("timestamps"));
    StringBuilder body = new StringBuilder();
    for (Line line : logs.getOrDefault(m.group(1), List.of())) {
      if (!line.time().isBefore(since)) {
        body.append(timestamps ? line.time() + " " : "").append(line.text()).append('\n');
      }
    }
    return new MockResponse().setResponseCode(200).setHeader("Content-Type", "text/plain").setBody(body.toString());
  }
}
