package org.otplatform.common.http;

/**
 * A failure with a status and a client-safe message, rendered as {@code {error, message}}.
 * Handlers fail their futures with it; {@link ErrorHandler} turns it into the response.
 */
public class ApiException extends RuntimeException {
  private final int status;
  private final String error;
  private final Long retryAfterSeconds;

  public ApiException(int status, String error, String message) {
    this(status, error, message, null);
  }

  private ApiException(int status, String error, String message, Long retryAfterSeconds) {
    super(message, null, false, false);
    this.status = status;
    this.error = error;
    this.retryAfterSeconds = retryAfterSeconds;
  }

  /** 429 with a {@code Retry-After} header. */
  public static ApiException tooManyRequests(String message, long retryAfterSeconds) {
    return new ApiException(429, "too_many_requests", message, Math.max(1, retryAfterSeconds));
  }

  /** Seconds for {@code Retry-After}, or null. */
  public Long retryAfterSeconds() {
    return retryAfterSeconds;
  }

  public static ApiException badRequest(String message) {
    return new ApiException(400, "bad_request", message);
  }

  public static ApiException unauthorized(String message) {
    return new ApiException(401, "unauthorized", message);
  }

  public static ApiException forbidden(String message) {
    return new ApiException(403, "forbidden", message);
  }

  public static ApiException notFound(String message) {
    return new ApiException(404, "not_found", message);
  }

  public static ApiException conflict(String message) {
    return new ApiException(409, "conflict", message);
  }

  public static ApiException unavailable(String message) {
    return new ApiException(503, "unavailable", message);
  }

  /** 503 with a {@code Retry-After} header: busy now, try again. */
  public static ApiException unavailable(String message, long retryAfterSeconds) {
    return new ApiException(503, "unavailable", message, Math.max(1, retryAfterSeconds));
  }

  public int status() {
    return status;
  }

  public String error() {
    return error;
  }
}
