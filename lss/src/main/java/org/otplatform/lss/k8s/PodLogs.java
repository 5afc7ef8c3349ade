package org.otplatform.lss.k8s;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.LogWatch;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.otplatform.lss.spawn.ComputeOutput;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Follows the container log of each compute pod through the API ({@code pods/log}, follow with
 * time stamps) into the log pipeline, tagged with session and service — the cluster's counterpart
 * of the local spawner's output capture.
 *
 * <p>A log stream that ends while the pod is still followed (the API server cut it, the pod
 * restarted) is opened again from the last time stamp seen, with growing back-off. Each line's
 * record id is derived from pod, time stamp and text, so lines read twice — the overlap of a
 * resumed stream, or an LSS that adopts a pod and reads its log from the start — are stored once
 * (the logger's writes are keyed by record id).
 */
public final class PodLogs {
  private static final Logger LOG = LoggerFactory.getLogger(PodLogs.class);
  private static final Logger OUTPUT = LoggerFactory.getLogger("org.otplatform.lss.compute");
  /** Longer lines are cut: one runaway line must not hold the LSS's memory. */
  static final int MAX_LINE_BYTES = 16 * 1024;
  private static final long FIRST_RETRY_MS = 1_000;
  private static final long MAX_RETRY_MS = 30_000;
  private static final long DRAIN_MS = 5_000;

  private final Vertx vertx;
  private final KubernetesClient client;
  private final String namespace;
  private final WorkerExecutor blocking;
  private final Map<String, Follow> follows = new ConcurrentHashMap<>();

  PodLogs(Vertx vertx, KubernetesClient client, String namespace, WorkerExecutor blocking) {
    this.vertx = vertx;
    this.client = client;
    this.namespace = namespace;
    this.blocking = blocking;
  }

  /** One pod's log being followed. */
  private final class Follow {
    final String pod;
    final String container;
    final String sessionId;
    final String service;
    volatile String lastTimestamp;
    volatile java.time.Instant lastTime = java.time.Instant.MIN;
    volatile LogWatch watch;
    volatile boolean stopped;
    long retryMs = FIRST_RETRY_MS;

    Follow(String pod, String container, String sessionId, String service) {
      this.pod = pod;
      this.container = container;
      this.sessionId = sessionId;
      this.service = service;
    }

    void open() {
      if (stopped) {
        return;
      }
      blocking.executeBlocking(() -> {
        var log = client.pods().inNamespace(namespace).withName(pod).inContainer(container).usingTimestamps();
        String since = lastTimestamp;
        LogWatch w = since == null ? log.watchLog(new Lines(this)) : log.sinceTime(since).watchLog(new Lines(this));
        watch = w;
        if (stopped) {
          w.close();
        }
        return w;
      }, false).onSuccess(w -> w.onClose().whenComplete((cause, error) -> ended(cause != null ? cause : error)))
          .onFailure(this::ended);
    }

    /** The stream ended: open it again later unless the pod is no longer followed. */
    void ended(Throwable cause) {
      if (stopped) {
        return;
      }
      if (cause != null) {
        LOG.atDebug().addKeyValue("session", sessionId).log("log stream of pod {} ended: {}", pod, cause.getMessage());
      }
      long delay = retryMs;
      retryMs = Math.min(retryMs * 2, MAX_RETRY_MS);
      vertx.setTimer(delay, t -> open());
    }

    void line(String raw) {
      int space = raw.indexOf(' ');
      String timestamp = space > 0 ? raw.substring(0, space) : null;
      String text = space > 0 ? raw.substring(space + 1) : raw;
      if (timestamp != null) {
        java.time.Instant time = parse(timestamp);
        if (time != null && time.isAfter(lastTime)) {
          // Something new: the stream is alive, the next cut is resumed quickly again.
          lastTime = time;
          lastTimestamp = timestamp;
          retryMs = FIRST_RETRY_MS;
        }
      }
      String id = UUID.nameUUIDFromBytes((pod + '\n' + timestamp + '\n' + text).getBytes(StandardCharsets.UTF_8))
          .toString();
      var record = OUTPUT.atInfo().addKeyValue("id", id).addKeyValue("session", sessionId)
          .addKeyValue("service", service).addKeyValue("source", "compute").addKeyValue("pod", pod);
      if (timestamp != null) {
        record = record.addKeyValue("time", timestamp);
      }
      ComputeOutput.traced(record, text).log(text);
    }
  }

  private static java.time.Instant parse(String timestamp) {
    try {
      return java.time.Instant.parse(timestamp);
    } catch (java.time.format.DateTimeParseException e) {
      return null;
    }
  }

  /** Splits the stream into lines as bytes arrive (on the HTTP client's threads). */
  private static final class Lines extends OutputStream {
    private final Follow follow;
    private final ByteArrayOutputStream current = new ByteArrayOutputStream();

    Lines(Follow follow) {
      this.follow = follow;
    }

    @Override
    public synchronized void write(int b) {
      if (b == '\n') {
        emit();
      } else if (current.size() < MAX_LINE_BYTES) {
        current.write(b);
      }
    }

    @Override
    public synchronized void write(byte[] bytes, int off, int len) {
      for (int i = off; i < off + len; i++) {
        write(bytes[i]);
      }
    }

    @Override
    public synchronized void close() {
      if (current.size() > 0) {
        emit();
      }
    }

    private void emit() {
      String line = current.toString(StandardCharsets.UTF_8);
      current.reset();
      if (line.endsWith("\r")) {
        line = line.substring(0, line.length() - 1);
      }
      if (!line.isEmpty()) {
        follow.line(line);
      }
    }
  }

  /** Starts following a pod's container log, unless it is followed already. */
  void follow(String pod, String container, String sessionId, String service) {
    Follow follow = new Follow(pod, container, sessionId, service);
    if (follows.putIfAbsent(pod, follow) == null) {
      follow.open();
    }
  }

  /**
   * Stops following a pod that ended or is being deleted. The stream is not cut at once: its last
   * lines (often the reason it died) are still arriving, and the API ends it when the container is
   * gone; it is closed after {@link #DRAIN_MS} at the latest.
   */
  void stop(String pod) {
    Follow follow = follows.remove(pod);
    if (follow != null) {
      follow.stopped = true;
      vertx.setTimer(DRAIN_MS, t -> closeWatch(follow));
    }
  }

  private static void closeWatch(Follow follow) {
    LogWatch w = follow.watch;
    if (w != null) {
      w.close();
    }
  }

  /** Pods whose logs are being followed. */
  int followed() {
    return follows.size();
  }

  /** Stops following every pod at once (the LSS is stopping; the pods stay). */
  void close() {
    follows.values().forEach(f -> {
      f.stopped = true;
      closeWatch(f);
    });
    follows.clear();
  }
}
