package dev.runnel.api;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import dev.runnel.actors.error.ErrorCode;
import dev.runnel.actors.error.RunnelException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

/** Starts Runnel nodes for tests: a cluster of one on a data directory, fsync off, a free port. */
public final class TestNode {

  private TestNode() {}

  /** A node on {@code dataDir} with {@code overrides} (HOCON paths to values) on top. */
  public static Runnel start(Path dataDir, Map<String, Object> overrides) {
    Config config =
        ConfigFactory.parseMap(overrides)
            .withFallback(
                ConfigFactory.parseMap(
                    Map.of(
                        "runnel.data-dir",
                        dataDir.toString(),
                        "runnel.fsync",
                        "never",
                        "runnel.cluster.port",
                        0)))
            .withFallback(ConfigFactory.load());
    return Runnel.start(config);
  }

  /** A node on {@code dataDir} with the defaults. */
  public static Runnel start(Path dataDir) {
    return start(dataDir, Map.of());
  }

  /** The stage's value; fails the test if it fails or takes longer than 30 seconds. */
  public static <T> T result(CompletionStage<T> stage) {
    try {
      return stage.toCompletableFuture().get(30, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      throw new AssertionError("Stage failed: " + e.getCause(), e.getCause());
    } catch (InterruptedException | TimeoutException e) {
      throw new AssertionError("Stage did not complete: " + e, e);
    }
  }

  /** Asserts that the stage fails with a {@link RunnelException} of {@code code}; returns it. */
  public static RunnelException assertFails(ErrorCode code, CompletionStage<?> stage) {
    try {
      Object value = stage.toCompletableFuture().get(30, TimeUnit.SECONDS);
      throw new AssertionError("Expected " + code + " but got " + value);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof RunnelException error && error.code() == code) {
        return error;
      }
      throw new AssertionError("Expected " + code + " but failed with " + e.getCause(), e);
    } catch (InterruptedException | TimeoutException e) {
      throw new AssertionError("Expected " + code + " but the stage did not complete", e);
    }
  }

  /**
   * Polls {@code condition} for {@code duration} and fails as soon as it does not hold: for what
   * must stay true while time passes (a timeout that must not strike, a window that must stay
   * full).
   */
  public static void assertHoldsFor(BooleanSupplier condition, Duration duration, String what) {
    long end = System.nanoTime() + duration.toNanos();
    while (System.nanoTime() < end) {
      if (!condition.getAsBoolean()) {
        throw new AssertionError("No longer holds: " + what);
      }
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20));
    }
  }

  /** Polls {@code condition} until it holds; fails after {@code timeout}. */
  public static void awaitCondition(BooleanSupplier condition, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("Condition not met within " + timeout);
      }
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20));
    }
  }
}
