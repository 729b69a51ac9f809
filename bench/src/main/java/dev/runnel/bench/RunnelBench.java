package dev.runnel.bench;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The benchmark command line: {@code storage} measures the storage, {@code broker} the broker,
 * {@code compaction} the log cleaner, {@code groups} consumer-group rebalances and commits.
 */
@Command(
    name = "runnel-bench",
    mixinStandardHelpOptions = true,
    subcommands = {
      StorageBenchmark.class,
      BrokerBenchmark.class,
      CompactionBenchmark.class,
      GroupsBenchmark.class
    },
    description = "Runnel's benchmarks; run one with its name, e.g. 'broker'.")
public final class RunnelBench implements Runnable {

  public static void main(String[] args) {
    System.exit(new CommandLine(new RunnelBench()).execute(args));
  }

  @Override
  public void run() {
    CommandLine.usage(this, System.out);
  }
}
