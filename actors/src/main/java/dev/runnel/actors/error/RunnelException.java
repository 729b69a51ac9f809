package dev.runnel.actors.error;

import java.util.Objects;

/**
 * A failure with a named {@link ErrorCode}: what every Runnel API completes exceptionally with when
 * a request fails for a reason the client can act on. The message carries the facts as {@code
 * name=value} pairs.
 */
public class RunnelException extends RuntimeException {

  private final ErrorCode code;
  private final String detail;

  public RunnelException(ErrorCode code, String message) {
    super(code + ": " + message);
    this.code = Objects.requireNonNull(code, "code");
    this.detail = message;
  }

  public RunnelException(ErrorCode code, String message, Throwable cause) {
    super(code + ": " + message, cause);
    this.code = Objects.requireNonNull(code, "code");
    this.detail = message;
  }

  /** What went wrong, by name. */
  public ErrorCode code() {
    return code;
  }

  /**
   * The message as given, without the code in front: what a failed reply carries beside its code,
   * so that the exception rebuilt from the reply reads the same.
   */
  public String detail() {
    return detail;
  }

  /** Whether sending the same request again may succeed. */
  public boolean retriable() {
    return code.retriable();
  }
}
