package dev.runnel.actors.error;

import java.util.Objects;

/**
 * A failure with a named {@link ErrorCode}: what every Runnel API completes exceptionally with when
 * a request fails for a reason the client can act on. The message carries the facts as {@code
 * name=value} pairs.
 */
public class RunnelException extends RuntimeException {

  private final ErrorCode code;

  public RunnelException(ErrorCode code, String message) {
    super(code + ": " + message);
    this.code = Objects.requireNonNull(code, "code");
  }

  public RunnelException(ErrorCode code, String message, Throwable cause) {
    super(code + ": " + message, cause);
    this.code = Objects.requireNonNull(code, "code");
  }

  /** What went wrong, by name. */
  public ErrorCode code() {
    return code;
  }

  /** Whether sending the same request again may succeed. */
  public boolean retriable() {
    return code.retriable();
  }
}
