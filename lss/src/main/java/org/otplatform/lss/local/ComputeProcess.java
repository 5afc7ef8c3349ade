package org.otplatform.lss.local;

import java.util.concurrent.atomic.AtomicReference;
import org.otplatform.common.catalog.ServiceSpec;

/**
 * A compute process this LSS launched: for a session, or warm (no session until it is assigned
 * one, with the secret that assigns it). Its output is tagged with whatever session it has then.
 */
final class ComputeProcess {
  final ServiceSpec spec;
  final Process process;
  final OutputSpool.Output output;
  /** Null while a warm process waits for its session. */
  final AtomicReference<String> session;
  /** The assignment secret of a warm process; null for one launched for a session. */
  final String assignToken;
  /** Where it listens, once it said so. */
  volatile int port;

  ComputeProcess(ServiceSpec spec, Process process, OutputSpool.Output output, String session, String assignToken) {
    this.spec = spec;
    this.process = process;
    this.output = output;
    this.session = new AtomicReference<>(session);
    this.assignToken = assignToken;
  }

  long pid() {
    return process.pid();
  }
}
