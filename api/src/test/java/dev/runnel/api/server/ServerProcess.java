package dev.runnel.api.server;

import dev.runnel.api.cli.RunnelCli;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code runnel server} in a JVM of its own, started with this JVM's class path. Collects its
 * output (standard output and error together) for the test to wait on, and ends the process when
 * closed: SIGTERM first, then SIGKILL if it has not stopped in time.
 */
public final class ServerProcess implements AutoCloseable {

  private static final Pattern READY_PORT =
      Pattern.compile(RunnelServer.READY + ": grpc=[^:]+:(\\d+)");

  private final Process process;
  private final List<String> lines = new ArrayList<>();

  /** Whether the output has ended (guarded by {@link #lines}). */
  private boolean ended;

  private ServerProcess(Process process) {
    this.process = process;
    Thread reader =
        new Thread(
            () -> {
              try (BufferedReader in =
                  new BufferedReader(
                      new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = in.readLine()) != null) {
                  synchronized (lines) {
                    lines.add(line);
                    lines.notifyAll();
                  }
                }
              } catch (IOException ended) {
                // the process is gone; what it printed is kept
              }
              synchronized (lines) {
                ended = true;
                lines.notifyAll();
              }
            },
            "server-output");
    reader.setDaemon(true);
    reader.start();
  }

  /**
   * Starts {@code runnel server} on {@code dataDir} with free ports, fsync off, the given JVM
   * options, environment variables and extra arguments.
   */
  public static ServerProcess start(
      Path dataDir, List<String> jvmOptions, Map<String, String> environment, String... args)
      throws IOException {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(jvmOptions);
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add(RunnelCli.class.getName());
    command.add("server");
    if (dataDir != null) {
      command.add("--data-dir=" + dataDir);
    }
    command.add("--fsync=never");
    command.add("--cluster-port=0");
    command.addAll(List.of(args));
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
    builder.environment().putAll(environment);
    return new ServerProcess(builder.start());
  }

  /** Starts a server on {@code dataDir} on a free gRPC port. */
  public static ServerProcess start(Path dataDir) throws IOException {
    return start(dataDir, List.of("-Xmx256m"), Map.of(), "--port=0");
  }

  /** Waits until a line matches; fails with the output so far if none does in time. */
  public String awaitLine(Predicate<String> matches, Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    int seen = 0;
    synchronized (lines) {
      while (true) {
        for (; seen < lines.size(); seen++) {
          if (matches.test(lines.get(seen))) {
            return lines.get(seen);
          }
        }
        long left = deadline - System.nanoTime();
        if (left <= 0 || (ended && seen == lines.size())) {
          throw new AssertionError(
              "No matching line from the server (alive=" + process.isAlive() + "):\n" + output());
        }
        lines.wait(Math.max(1, TimeUnit.NANOSECONDS.toMillis(Math.min(left, 200_000_000L))));
      }
    }
  }

  /** Waits for the ready line; answers the gRPC port it names. */
  public int awaitReady() throws InterruptedException {
    String line = awaitLine(l -> READY_PORT.matcher(l).find(), Duration.ofSeconds(60));
    Matcher matcher = READY_PORT.matcher(line);
    matcher.find();
    return Integer.parseInt(matcher.group(1));
  }

  /** Everything the process printed so far. */
  public String output() {
    synchronized (lines) {
      return String.join("\n", lines);
    }
  }

  /** Waits for the process to end; answers its exit code. */
  public int awaitExit(Duration timeout) throws InterruptedException {
    if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
      throw new AssertionError("Server did not exit in " + timeout + ":\n" + output());
    }
    return process.exitValue();
  }

  /** Sends SIGTERM (through the process handle: {@link Process#destroy} closes the output). */
  public void terminate() {
    process.toHandle().destroy();
  }

  /** Sends SIGKILL and waits for the process to be gone. */
  public void kill() throws InterruptedException {
    process.destroyForcibly();
    process.waitFor(30, TimeUnit.SECONDS);
  }

  public boolean isAlive() {
    return process.isAlive();
  }

  public long pid() {
    return process.pid();
  }

  /** Stops the process: SIGTERM, then SIGKILL after 30 seconds. */
  @Override
  public void close() throws InterruptedException {
    if (process.isAlive()) {
      process.destroy();
      if (!process.waitFor(30, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        process.waitFor(30, TimeUnit.SECONDS);
      }
    }
  }
}
