package dev.runnel.api.cli;

import java.io.PrintStream;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import picocli.CommandLine.Option;

/** Counts on standard error while a long command runs: one line every few seconds. */
final class Progress implements AutoCloseable {

  private final ScheduledExecutorService ticker;

  private Progress(ScheduledExecutorService ticker) {
    this.ticker = ticker;
  }

  @Override
  public void close() {
    if (ticker != null) {
      ticker.shutdownNow();
    }
  }

  /** The options of commands that report progress. */
  static final class Options {
    @Option(
        names = {"-q", "--quiet"},
        description = "Print no progress or summary on standard error.")
    boolean quiet;

    @Option(
        names = "--progress-seconds",
        defaultValue = "5",
        description = "How often to print counts on standard error (default: ${DEFAULT-VALUE}).")
    long seconds;

    /** Prints "{@code verb} N records" every {@link #seconds} until closed. */
    Progress start(PrintStream err, String verb, LongSupplier count) {
      if (quiet || seconds <= 0) {
        return new Progress(null);
      }
      ScheduledExecutorService ticker =
          Executors.newSingleThreadScheduledExecutor(
              task -> {
                Thread thread = new Thread(task, "runnel-progress");
                thread.setDaemon(true);
                return thread;
              });
      ticker.scheduleAtFixedRate(
          () -> err.println("... " + verb + " " + count.getAsLong() + " records"),
          seconds,
          seconds,
          TimeUnit.SECONDS);
      return new Progress(ticker);
    }

    /** Prints the summary line unless quiet. */
    void summary(PrintStream err, String line) {
      if (!quiet) {
        err.println(line);
      }
    }
  }
}
