package dev.runnel.api.cli;

import static dev.runnel.api.TestNode.awaitCondition;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.runnel.api.server.ServerProcess;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The {@code runnel} command line against a server running as its own process. */
class CliEndToEndTest {

  @TempDir static Path dir;

  private static ServerProcess server;
  private static String address;

  @BeforeAll
  static void startServer() throws Exception {
    server = ServerProcess.start(dir.resolve("data"));
    address = "--server=127.0.0.1:" + server.awaitReady();
  }

  @AfterAll
  static void stopServer() throws Exception {
    if (server != null) {
      server.close();
    }
  }

  /** What one run of the command line did. */
  record Run(int exitCode, String out, String err) {
    List<String> lines() {
      return out.isEmpty() ? List.of() : List.of(out.split("\n"));
    }
  }

  private static Run runnel(String stdin, String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code =
        RunnelCli.execute(
            args,
            new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)),
            new PrintStream(out, true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8));
    return new Run(
        code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }

  private static Run ok(String stdin, String... args) {
    Run run = runnel(stdin, args);
    assertEquals(0, run.exitCode(), "runnel " + String.join(" ", args) + ": " + run);
    return run;
  }

  @Test
  void shouldAdministerTopics() {
    ok("", "topics", "create", "admin", "--partitions=2", "--config=retention.ms=60000", address);
    assertTrue(ok("", "topics", "list", address).lines().contains("admin"));
    Run described = ok("", "topics", "describe", "admin", address);
    assertTrue(described.out().startsWith("topic=admin partitions=2"), described.out());
    assertTrue(described.lines().contains("  retention.ms=60000"), described.out());

    Run altered =
        ok("", "topics", "alter", "admin", "--set=retention.ms=120000", "--partitions=3", address);
    assertTrue(altered.out().startsWith("topic=admin partitions=3"), altered.out());
    assertTrue(altered.lines().contains("  retention.ms=120000"), altered.out());

    assertEquals(
        RunnelCli.ALREADY_EXISTS, runnel("", "topics", "create", "admin", address).exitCode());
    ok("", "topics", "delete", "admin", address);
    assertTrue(!ok("", "topics", "list", address).lines().contains("admin"));
  }

  @Test
  void shouldProduceLinesAndConsumeThemByOffsetWithTheChosenFields() {
    ok("", "topics", "create", "lines", "--partitions=1", address);
    Run produced =
        ok(
            "k1\tfirst\nk2\tsecond\nthird without key\n",
            "produce",
            "lines",
            "--parse-key",
            "--header=source=test",
            address);
    assertTrue(produced.err().contains("Produced 3 records to lines"), produced.err());

    Run consumed =
        ok(
            "",
            "consume",
            "lines",
            "--partition=0",
            "--offset=1",
            "--no-follow",
            "--print=offset,key,headers",
            address);
    assertEquals(
        List.of("1\tk2\tsource=test\tsecond", "2\t\tsource=test\tthird without key"),
        consumed.lines());

    Run json =
        ok("", "consume", "lines", "--from-beginning", "--max-records=1", "--format=json", address);
    assertTrue(json.out().contains("\"key\":\"k1\""), json.out());
    assertTrue(json.out().contains("\"value\":\"first\""), json.out());

    Run offsets = ok("", "offsets", "lines", address);
    assertEquals(List.of("0\t0\t3"), offsets.lines());
  }

  @Test
  void shouldProduceAFileAcrossPartitionsByKey() throws Exception {
    ok("", "topics", "create", "spread", "--partitions=3", address);
    Path file = dir.resolve("records.txt");
    StringBuilder lines = new StringBuilder();
    for (int i = 0; i < 300; i++) {
      lines.append("key-").append(i % 10).append('\t').append("value-").append(i).append('\n');
    }
    Files.writeString(file, lines);

    ok("", "produce", "spread", "--file=" + file, "--parse-key", "--batch-records=7", address);

    Run consumed =
        ok("", "consume", "spread", "--from-beginning", "--no-follow", "--print=key", address);
    assertEquals(300, consumed.lines().size());
    List<String> keyTen = new ArrayList<>();
    for (String line : consumed.lines()) {
      if (line.startsWith("key-3\t")) {
        keyTen.add(line.substring("key-3\t".length()));
      }
    }
    List<String> expected = new ArrayList<>();
    for (int i = 3; i < 300; i += 10) {
      expected.add("value-" + i);
    }
    assertEquals(expected, keyTen, "one key's records stay in order in one partition");
  }

  @Test
  void shouldConsumeAsAGroupMemberResumeFromItsCommitsAndAdministerTheGroup() {
    ok("", "topics", "create", "grouped", "--partitions=2", address);
    ok("0\ta\n1\tb\n0\tc\n1\td\n", "produce", "grouped", "-k", address);
    Run first = ok("", "consume", "grouped", "--group=cli", "--from-beginning", "-n", "4", address);
    assertEquals(List.of("a", "b", "c", "d"), first.lines().stream().sorted().toList());

    awaitCondition(
        () -> ok("", "groups", "describe", "cli", address).out().contains("state=EMPTY"),
        Duration.ofSeconds(30));
    assertTrue(ok("", "groups", "list", address).lines().contains("cli\tEMPTY"));
    Run described = ok("", "groups", "describe", "cli", address);
    List<String> lags = described.lines().stream().filter(line -> line.contains(" lag=")).toList();
    assertFalse(lags.isEmpty(), described.out());
    assertTrue(lags.stream().allMatch(line -> line.endsWith(" lag=0")), described.out());

    ok("0\te\n", "produce", "grouped", "-k", address);
    assertEquals(
        List.of("e"), ok("", "consume", "grouped", "--group=cli", "-n", "1", address).lines());

    awaitCondition(
        () -> ok("", "groups", "describe", "cli", address).out().contains("state=EMPTY"),
        Duration.ofSeconds(30));
    Run dryRun =
        ok(
            "",
            "groups",
            "reset-offsets",
            "cli",
            "--topic=grouped",
            "--to-earliest",
            "--dry-run",
            address);
    assertTrue(dryRun.out().startsWith("Would commit"), dryRun.out());
    Run reset =
        ok("", "groups", "reset-offsets", "cli", "--topic=grouped", "--to-earliest", address);
    assertEquals(
        2, reset.lines().stream().filter(line -> line.endsWith(" offset=0")).count(), reset.out());
    ok("", "groups", "delete", "cli", address);
    assertTrue(ok("", "groups", "list", address).out().isEmpty());
  }

  @Test
  void shouldExitWithCodesScriptsCanRelyOn() throws Exception {
    Run missing = runnel("", "topics", "describe", "missing", address);
    assertEquals(RunnelCli.NOT_FOUND, missing.exitCode());
    assertTrue(missing.err().contains("UNKNOWN_TOPIC_OR_PARTITION"), missing.err());

    assertEquals(RunnelCli.NOT_FOUND, runnel("x\n", "produce", "missing", address).exitCode());
    assertEquals(RunnelCli.USAGE, runnel("", "topics", "create", address).exitCode());
    assertEquals(RunnelCli.USAGE, runnel("", "consume", "t", "--format=xml", address).exitCode());
    assertEquals(
        RunnelCli.USAGE,
        runnel("", "consume", "t", "--group=g", "--partition=0", address).exitCode());

    ok("", "topics", "create", "ranged", "--partitions=1", address);
    Run outOfRange =
        runnel("", "consume", "ranged", "--partition=0", "--offset=5", "--no-follow", address);
    assertEquals(RunnelCli.FAILED, outOfRange.exitCode());
    assertTrue(outOfRange.err().contains("OFFSET_OUT_OF_RANGE"), outOfRange.err());

    Run noGroup = runnel("", "groups", "delete", "never-used", address);
    assertEquals(RunnelCli.NOT_FOUND, noGroup.exitCode());
    assertTrue(noGroup.err().contains("GROUP_ID_NOT_FOUND"), noGroup.err());

    int closedPort;
    try (ServerSocket free = new ServerSocket(0)) {
      closedPort = free.getLocalPort();
    }
    Run unreachable =
        runnel("", "topics", "list", "--server=127.0.0.1:" + closedPort, "--timeout=10");
    assertEquals(RunnelCli.UNAVAILABLE, unreachable.exitCode(), unreachable.toString());
  }

  /** A command line run on its own thread, its output kept as it comes. */
  private record Running(
      CompletableFuture<Integer> exit, ByteArrayOutputStream out, ByteArrayOutputStream err) {
    static Running start(String... args) {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      ByteArrayOutputStream err = new ByteArrayOutputStream();
      CompletableFuture<Integer> exit = new CompletableFuture<>();
      // A thread of its own: a command blocks until it ends, and several run at once.
      Thread thread =
          new Thread(
              () ->
                  exit.complete(
                      RunnelCli.execute(
                          args,
                          new ByteArrayInputStream(new byte[0]),
                          new PrintStream(out, true, StandardCharsets.UTF_8),
                          new PrintStream(err, true, StandardCharsets.UTF_8))),
              "runnel " + String.join(" ", args));
      thread.setDaemon(true);
      thread.start();
      return new Running(exit, out, err);
    }

    /** Waits for the exit code; fails when it is not 0, showing what went to standard error. */
    String output() throws Exception {
      assertEquals(0, exit.get(60, TimeUnit.SECONDS), text(err));
      return text(out);
    }
  }

  @Test
  void shouldResumeFollowingConsumersAfterTheServerRestarted() throws Exception {
    Path data = dir.resolve("restart");
    int port;
    try (ServerSocket free = new ServerSocket(0)) {
      port = free.getLocalPort();
    }
    String at = "--server=127.0.0.1:" + port;
    try (ServerProcess first =
        ServerProcess.start(data, List.of("-Xmx256m"), Map.of(), "--port=" + port)) {
      first.awaitReady();
      ok("", "topics", "create", "resumed", "--partitions=1", at);
      ok("a\nb\n", "produce", "resumed", at);
      // One that printed records, one that has printed nothing yet, and a group member that
      // committed what it printed.
      Running printing = Running.start("consume", "resumed", "--from-beginning", "-n", "4", at);
      Running waiting =
          Running.start("consume", "resumed", "--from-end", "-n", "2", "--progress-seconds=1", at);
      Running member =
          Running.start(
              "consume",
              "resumed",
              "--group=riders",
              "--from-beginning",
              "--commit-interval-ms=100",
              "-n",
              "4",
              at);
      awaitCondition(
          () ->
              text(printing.out()).equals("a\nb\n")
                  && text(waiting.err()).contains("consumed 0 records")
                  && text(member.out()).equals("a\nb\n")
                  && runnel("", "groups", "describe", "riders", at).out().contains(" offset=2 "),
          Duration.ofSeconds(30));
      first.kill();
      try (ServerProcess second =
          ServerProcess.start(data, List.of("-Xmx256m"), Map.of(), "--port=" + port)) {
        second.awaitReady();
        ok("c\nd\n", "produce", "resumed", at);
        assertEquals("a\nb\nc\nd\n", printing.output(), "each record once, in order");
        assertEquals("c\nd\n", waiting.output(), "from where it started");
        assertEquals("a\nb\nc\nd\n", member.output(), "on from the group's commit");
      }
    }
  }

  @Test
  void shouldCommitWhatAGroupConsumerPrintedWhenItIsStoppedBySigterm() throws Exception {
    ok("", "topics", "create", "stopped", "--partitions=1", address);
    ok("a\nb\nc\n", "produce", "stopped", address);
    // A separate JVM, as a user runs it; commits on an interval far longer than the test, so
    // only the commit on the signal can store the offset.
    Process consumer =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp",
                System.getProperty("java.class.path"),
                RunnelCli.class.getName(),
                "consume",
                "stopped",
                "--group=stopped-by-signal",
                "--from-beginning",
                "--commit-interval-ms=3600000",
                address)
            .redirectError(ProcessBuilder.Redirect.DISCARD)
            .start();
    try {
      List<String> printed = new ArrayList<>();
      try (var lines = consumer.inputReader(StandardCharsets.UTF_8)) {
        while (printed.size() < 3) {
          String line = lines.readLine();
          assertTrue(line != null, "the consumer ended early, printed " + printed);
          printed.add(line);
        }
        assertEquals(List.of("a", "b", "c"), printed);
        consumer.destroy(); // SIGTERM, as Ctrl-C's SIGINT, runs the shutdown hooks
        assertTrue(consumer.waitFor(30, TimeUnit.SECONDS), "the consumer stopped");
      }
    } finally {
      consumer.destroyForcibly();
    }
    Run described = ok("", "groups", "describe", "stopped-by-signal", address);
    assertTrue(
        described.lines().stream().anyMatch(line -> line.contains(" offset=3 ")),
        "offset 3 committed on SIGTERM: " + described.out());
  }

  private static String text(ByteArrayOutputStream stream) {
    synchronized (stream) {
      return stream.toString(StandardCharsets.UTF_8);
    }
  }
}
