package org.otplatform.compute.sdk;

import io.opentelemetry.api.trace.Span;
import io.opentelemetry.context.Scope;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * Runs a compute service's actions on threads of their own: at most {@code maxConcurrent} at once
 * ({@code OT_COMPUTE_MAX_CONCURRENT_ACTIONS}, default the cores, at least 2; more are answered
 * {@code busy}), each interrupted and answered {@code cancelled} when it runs past
 * {@code timeout} ({@code OT_COMPUTE_ACTION_TIMEOUT_SECONDS}, default 55: just under the relay's
 * 60 s, so the work stops about when the front end is told it timed out). One outcome per request.
 */
final class ActionRunner {
  private static final Logger LOG = LoggerFactory.getLogger(ActionRunner.class);

  /** What became of a request: its result, or an error with a code. */
  record Outcome(JsonObject result, String code, String message) {
    JsonObject reply(Object id) {
      return result != null ? new JsonObject().put("re", id).put("result", result)
          : ComputeService.error(id, code, message);
    }
  }

  private final int maxConcurrent;
  private final Duration timeout;
  private final AtomicInteger running = new AtomicInteger();
  private final ExecutorService workers;

  ActionRunner(int maxConcurrent, Duration timeout) {
    this.maxConcurrent = maxConcurrent;
    this.timeout = timeout;
    AtomicInteger threads = new AtomicInteger();
    this.workers = Executors.newFixedThreadPool(maxConcurrent, r -> {
      Thread t = new Thread(r, "compute-action-" + threads.incrementAndGet());
      t.setDaemon(true);
      return t;
    });
  }

  /** From {@code OT_COMPUTE_*}; a bad value is an {@link IllegalArgumentException} naming it. */
  static ActionRunner from(Map<String, String> env) {
    return new ActionRunner(positive(env, "OT_COMPUTE_MAX_CONCURRENT_ACTIONS",
        Math.max(2, Runtime.getRuntime().availableProcessors())),
        Duration.ofSeconds(positive(env, "OT_COMPUTE_ACTION_TIMEOUT_SECONDS", 55)));
  }

  /** A whole number above 0 from {@code env}, {@code fallback} when unset. */
  static int positive(Map<String, String> env, String name, int fallback) {
    String value = env.get(name);
    if (value == null || value.isBlank()) {
      return fallback;
    }
    try {
      int n = Integer.parseInt(value.trim());
      if (n > 0) {
        return n;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new IllegalArgumentException(name + " must be a whole number above 0, got '" + value + "'");
  }

  /** Runs {@code action} (or refuses it as {@code busy}); {@code done} gets exactly one outcome. */
  void run(Vertx vertx, Action action, JsonObject payload, ServiceContext context, Consumer<Outcome> done) {
    run(vertx, action, payload, context, null, done);
  }

  /**
   * {@link #run(Vertx, Action, JsonObject, ServiceContext, Consumer)} within {@code span} (null: not
   * traced): current on the action's thread while it runs, ended with its outcome.
   */
  void run(Vertx vertx, Action action, JsonObject payload, ServiceContext context, Span span,
      Consumer<Outcome> done) {
    String name = action.name();
    if (running.incrementAndGet() > maxConcurrent) {
      running.decrementAndGet();
      Outcome busy = new Outcome(null, "busy", context.serviceName() + " is running " + maxConcurrent
          + " actions, its limit; try again when one has finished");
      ComputeTracing.ended(span, busy.code(), busy.message());
      done.accept(busy);
      return;
    }
    long begin = System.nanoTime();
    AtomicBoolean answered = new AtomicBoolean();
    AtomicLong timer = new AtomicLong(-1);
    // One reply per request: the action's, or the cancellation's when its time ran out first.
    Consumer<Outcome> answer = outcome -> {
      if (answered.compareAndSet(false, true)) {
        vertx.cancelTimer(timer.get());
        ComputeTracing.ended(span, outcome.code(), outcome.message());
        done.accept(outcome);
      }
    };
    Future<?> work = workers.submit(() -> {
      // The span current and its ids in the logging context until the last line about the action.
      try (Scope scope = span == null ? Scope.noop() : span.makeCurrent();
          Traced traced = Traced.logging(span)) {
        try {
          answer.accept(new Outcome(action.handler().handle(payload, context), null, null));
        } catch (ActionException ae) {
          answer.accept(new Outcome(null, ae.code(), ae.getMessage()));
        } catch (CancellationException | InterruptedException e) {
          answer.accept(cancelled());
        } catch (Exception e) {
          LOG.error("action {} failed", name, e);
          answer.accept(new Outcome(null, "internal", "action '" + name + "' failed: " + e.getMessage()));
        } finally {
          running.decrementAndGet();
          LOG.debug("action {} took {} ms", name, (System.nanoTime() - begin) / 1_000_000);
        }
      }
    });
    // Past its time limit the action is interrupted: long actions check for it and stop.
    timer.set(vertx.setTimer(timeout.toMillis(), t -> {
      if (!answered.get()) {
        LOG.warn("action {} ran past {} s: cancelled", name, timeout.toSeconds());
        work.cancel(true);
        answer.accept(cancelled());
      }
    }));
  }

  /**
   * The trace and span ids in the logging context while a traced action runs: its lines say them
   * ({@code traceId=… spanId=…}, the logging pattern's), and the LSS ships them as the record's fields.
   */
  private record Traced(boolean set) implements AutoCloseable {
    static Traced logging(Span span) {
      if (span == null) {
        return new Traced(false);
      }
      MDC.put("traceId", span.getSpanContext().getTraceId());
      MDC.put("spanId", span.getSpanContext().getSpanId());
      return new Traced(true);
    }

    @Override
    public void close() {
      if (set) {
        MDC.remove("traceId");
        MDC.remove("spanId");
      }
    }
  }

  private Outcome cancelled() {
    return new Outcome(null, "cancelled", "the action ran past its time limit of " + timeout.toSeconds()
        + " s and was cancelled");
  }

  /** Stops taking work and interrupts what runs. */
  void shutdown() {
    workers.shutdownNow();
  }
}
