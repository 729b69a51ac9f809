package dev.runnel.persistence.journal;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * A test's child JVM on the test class path, whose output goes to a log file, and the side file of
 * lines it reports its progress in. The crash tests start one, wait for its progress, and kill it
 * with SIGKILL.
 */
final class ChildJvm {

  private ChildJvm() {}

  /** Starts {@code main} with {@code args}; its output goes to {@code log}. */
  static Process start(Class<?> main, Path log, String... args) throws IOException {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-Xmx256m");
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add(main.getName());
    command.addAll(List.of(args));
    return new ProcessBuilder(command)
        .redirectErrorStream(true)
        .redirectOutput(log.toFile())
        .start();
  }

  /**
   * Waits until {@code progress} has {@code target} complete lines that {@code counted} accepts,
   * failing if the child dies or a minute and a half passes.
   */
  static void awaitLines(
      Path progress, Predicate<String> counted, int target, Process child, Path log)
      throws IOException, InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
    while (count(progress, counted) < target) {
      if (!child.isAlive()) {
        throw new AssertionError(
            "child died: exit=" + child.exitValue() + ", log=" + Files.readString(log));
      }
      if (System.nanoTime() > deadline) {
        throw new AssertionError(
            "child reported " + count(progress, counted) + " of " + target + " lines");
      }
      child.waitFor(5, TimeUnit.MILLISECONDS);
    }
  }

  /** Kills the child with SIGKILL (on Linux) and waits for it to be gone. */
  static void kill(Process child) throws InterruptedException {
    child.destroyForcibly();
    child.waitFor(30, TimeUnit.SECONDS);
  }

  /** Lines that end with a newline; a kill can leave nothing half-written, but be strict. */
  static List<String> completeLines(Path file) throws IOException {
    if (!Files.exists(file)) {
      return List.of();
    }
    String text = Files.readString(file, StandardCharsets.UTF_8);
    int end = text.lastIndexOf('\n');
    return end < 0 ? List.of() : List.of(text.substring(0, end).split("\n"));
  }

  static int count(Path file, Predicate<String> counted) throws IOException {
    return (int) completeLines(file).stream().filter(counted).count();
  }
}
