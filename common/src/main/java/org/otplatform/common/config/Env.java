package org.otplatform.common.config;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Typed reads of {@code OT_*} variables from an environment map.
 *
 * <p>Each read records a problem instead of throwing, so that a service reports every bad value in
 * one message; {@link #validate()} throws a {@link ConfigException} naming them all. Built from a
 * {@code Map} so that tests pass their own environment.
 */
public final class Env {
  private final Map<String, String> vars;
  private final List<String> problems = new ArrayList<>();
  /** Set by {@link #validate()}: a bad value read after it fails at once, so no read escapes validation. */
  private boolean validated;

  public Env(Map<String, String> vars) {
    this.vars = Map.copyOf(vars);
  }

  public static Env system() {
    return new Env(System.getenv());
  }

  public Optional<String> optional(String name) {
    String value = vars.get(name);
    return value == null || value.isBlank() ? Optional.empty() : Optional.of(value.trim());
  }

  public String string(String name, String defaultValue) {
    return optional(name).orElse(defaultValue);
  }

  public String required(String name) {
    Optional<String> value = optional(name);
    if (value.isEmpty()) {
      record(name + " is required but not set");
      return "";
    }
    return value.get();
  }

  public int port(String name, int defaultValue) {
    int port = integer(name, defaultValue);
    if (port < 0 || port > 65535) {
      record(name + " must be a port between 0 and 65535, got " + port);
    }
    return port;
  }

  public int integer(String name, int defaultValue) {
    Optional<String> value = optional(name);
    if (value.isEmpty()) {
      return defaultValue;
    }
    try {
      return Integer.parseInt(value.get());
    } catch (NumberFormatException e) {
      record(name + " must be an integer, got '" + value.get() + "'");
      return defaultValue;
    }
  }

  public int positive(String name, int defaultValue) {
    int n = integer(name, defaultValue);
    if (n <= 0) {
      record(name + " must be positive, got " + n);
    }
    return n;
  }

  public Duration seconds(String name, Duration defaultValue) {
    Optional<String> value = optional(name);
    if (value.isEmpty()) {
      return defaultValue;
    }
    try {
      double s = Double.parseDouble(value.get());
      if (s <= 0) {
        record(name + " must be a positive number of seconds, got " + value.get());
        return defaultValue;
      }
      return Duration.ofMillis(Math.round(s * 1000));
    } catch (NumberFormatException e) {
      record(name + " must be a number of seconds, got '" + value.get() + "'");
      return defaultValue;
    }
  }

  public boolean bool(String name, boolean defaultValue) {
    Optional<String> value = optional(name);
    if (value.isEmpty()) {
      return defaultValue;
    }
    switch (value.get().toLowerCase()) {
      case "true", "yes", "1", "on" -> {
        return true;
      }
      case "false", "no", "0", "off" -> {
        return false;
      }
      default -> {
        record(name + " must be true or false, got '" + value.get() + "'");
        return defaultValue;
      }
    }
  }

  public URI url(String name, String defaultValue) {
    String value = string(name, defaultValue);
    try {
      URI uri = URI.create(value);
      if (uri.getScheme() == null || uri.getHost() == null
          || !(uri.getScheme().equals("http") || uri.getScheme().equals("https"))) {
        record(name + " must be an http(s) URL, got '" + value + "'");
      }
      return uri;
    } catch (IllegalArgumentException e) {
      record(name + " must be an http(s) URL, got '" + value + "'");
      return URI.create("http://invalid");
    }
  }

  /** Records a problem found by a caller's own check. */
  public void problem(String message) {
    record(message);
  }

  /** Throws a {@link ConfigException} listing every problem recorded so far. */
  public void validate() {
    validated = true;
    if (!problems.isEmpty()) {
      throw new ConfigException(problems);
    }
  }

  private void record(String problem) {
    problems.add(problem);
    if (validated) {
      throw new ConfigException(List.of(problem));
    }
  }
}
