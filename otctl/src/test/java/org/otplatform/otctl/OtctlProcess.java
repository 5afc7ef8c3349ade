package org.otplatform.otctl;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** otctl as bin/otctl starts it — a JVM of its own, on its runtime class path — with HOME under a test's directory. */
final class OtctlProcess {
  private OtctlProcess() {}

  /** An ended run: its exit code and what it printed (fields, as the tests read them a lot). */
  static final class Run {
    final int code;
    final String out;
    final String err;

    Run(int code, String out, String err) {
      this.code = code;
      this.out = out;
      this.err = err;
    }

    @Override
    public String toString() {
      return "exit " + code + "\n--- stdout\n" + out + "--- stderr\n" + err;
    }
  }

  /** Runs otctl to its end (at most 120 s) with {@code stdin} as its input (else empty). */
  static Run run(Path dir, String stdin, String... args) throws Exception {
    ProcessBuilder pb = builder(dir, List.of(args));
    Path out = Files.createTempFile(dir, "out", ".txt");
    Path err = Files.createTempFile(dir, "err", ".txt");
    pb.redirectOutput(out.toFile()).redirectError(err.toFile());
    Process p = pb.start();
    try (var in = p.getOutputStream()) {
      if (stdin != null) {
        in.write(stdin.getBytes(StandardCharsets.UTF_8));
      }
    }
    if (!p.waitFor(120, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new AssertionError("otctl " + String.join(" ", args) + " did not end within 120 s");
    }
    return new Run(p.exitValue(), Files.readString(out), Files.readString(err));
  }

  static ProcessBuilder builder(Path dir, List<String> args) throws IOException {
    List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-cp", runtimeClasspath(), Otctl.class.getName()));
    command.addAll(args);
    ProcessBuilder pb = new ProcessBuilder(command);
    pb.environment().put("HOME", dir.resolve("home").toString());
    pb.environment().remove("OTCTL_CONFIG");
    return pb;
  }

  /** otctl's classes and its runtime dependencies only, as bin/otctl runs it (written by the build). */
  private static String runtimeClasspath() throws IOException {
    String deps = Files.readString(Path.of(System.getProperty("otctl.classpath.file"))).strip();
    return System.getProperty("otctl.classes") + (deps.isEmpty() ? "" : java.io.File.pathSeparator + deps);
  }
}
