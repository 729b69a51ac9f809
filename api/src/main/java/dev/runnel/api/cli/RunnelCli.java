package dev.runnel.api.cli;

import dev.runnel.actors.error.ErrorCode;
import dev.runnel.actors.error.RunnelException;
import dev.runnel.api.grpc.GrpcErrors;
import dev.runnel.api.internal.Completions;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.io.InputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.util.Optional;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.HelpCommand;

/**
 * The {@code runnel} command: starts a server ({@code runnel server}) or talks to one over gRPC
 * (topics, produce, consume, groups, offsets). Every command has {@code --help}.
 *
 * <p>Exit codes, for scripts: {@value #OK} success; {@value #FAILED} the server refused or failed
 * the request; {@value #USAGE} bad arguments; {@value #UNAVAILABLE} the server could not be
 * reached, stopped answering or is stopping; {@value #NOT_FOUND} the topic or partition does not
 * exist; {@value #ALREADY_EXISTS} the topic exists already.
 */
@Command(
    name = "runnel",
    mixinStandardHelpOptions = true,
    versionProvider = RunnelCli.Version.class,
    description = "Runnel: durable, partitioned, replayable logs of records.",
    subcommands = {
      ServerCommand.class,
      TopicsCommand.class,
      ProduceCommand.class,
      ConsumeCommand.class,
      GroupsCommand.class,
      OffsetsCommand.class,
      ClusterCommand.class,
      SchemaCommand.class,
      HelpCommand.class
    },
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {
      "0:success",
      "1:the server refused or failed the request",
      "2:bad arguments",
      "3:the server could not be reached or is not available",
      "4:no such topic, partition or group",
      "5:the topic exists already"
    })
public final class RunnelCli implements Runnable {

  static final int OK = 0;
  static final int FAILED = 1;
  static final int USAGE = 2;
  static final int UNAVAILABLE = 3;
  static final int NOT_FOUND = 4;
  static final int ALREADY_EXISTS = 5;

  final InputStream in;
  final PrintStream out;
  final PrintStream err;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  RunnelCli(InputStream in, PrintStream out, PrintStream err) {
    this.in = in;
    this.out = out;
    this.err = err;
  }

  /** Runs the command line and exits with its exit code. */
  public static void main(String[] args) {
    if (System.getProperty("logback.configurationFile") == null) {
      // The server logs its progress; the other commands only what goes wrong.
      boolean server = args.length > 0 && args[0].equals("server");
      System.setProperty(
          "logback.configurationFile",
          server ? "dev/runnel/api/cli/logback-server.xml" : "dev/runnel/api/cli/logback-cli.xml");
    }
    // Logging starts here, on one thread: when Akka's threads start it at once, SLF4J warns on
    // stderr that it replays their first calls.
    LoggerFactory.getILoggerFactory();
    System.exit(execute(args, System.in, System.out, System.err));
  }

  /** Runs the command line on the given streams; answers the exit code. */
  public static int execute(String[] args, InputStream in, PrintStream out, PrintStream err) {
    CommandLine line = new CommandLine(new RunnelCli(in, out, err));
    line.setOut(new PrintWriter(out, true));
    line.setErr(new PrintWriter(err, true));
    line.setExecutionExceptionHandler(
        (failure, commandLine, parseResult) -> {
          err.println("runnel: " + describe(failure));
          return exitCode(failure);
        });
    return line.execute(args);
  }

  @Override
  public void run() {
    spec.commandLine().usage(out);
  }

  /** The exit code for a failure. */
  static int exitCode(Throwable failure) {
    Throwable cause = Completions.unwrap(failure);
    if (cause instanceof IllegalArgumentException
        || cause instanceof CommandLine.ParameterException) {
      return USAGE;
    }
    Optional<RunnelException> runnel =
        cause instanceof RunnelException known ? Optional.of(known) : GrpcErrors.fromGrpc(cause);
    if (runnel.isPresent()) {
      ErrorCode code = runnel.get().code();
      return switch (code) {
        case UNKNOWN_TOPIC_OR_PARTITION, GROUP_ID_NOT_FOUND -> NOT_FOUND;
        case TOPIC_ALREADY_EXISTS -> ALREADY_EXISTS;
        case NOT_AVAILABLE -> UNAVAILABLE;
        default -> FAILED;
      };
    }
    if (cause instanceof StatusRuntimeException grpc) {
      Status.Code code = grpc.getStatus().getCode();
      return code == Status.Code.UNAVAILABLE || code == Status.Code.DEADLINE_EXCEEDED
          ? UNAVAILABLE
          : FAILED;
    }
    return FAILED;
  }

  /** A failure as one line for the user. */
  static String describe(Throwable failure) {
    Throwable cause = Completions.unwrap(failure);
    Optional<RunnelException> runnel =
        cause instanceof RunnelException known ? Optional.of(known) : GrpcErrors.fromGrpc(cause);
    if (runnel.isPresent()) {
      return runnel.get().getMessage();
    }
    if (cause instanceof StatusRuntimeException grpc) {
      Status status = grpc.getStatus();
      return status.getCode()
          + (status.getDescription() == null ? "" : ": " + status.getDescription());
    }
    return cause.getMessage() == null ? cause.toString() : cause.getMessage();
  }

  /** The version from the jar's manifest, when there is one. */
  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      String version = RunnelCli.class.getPackage().getImplementationVersion();
      return new String[] {"runnel " + (version == null ? "(development build)" : version)};
    }
  }
}
