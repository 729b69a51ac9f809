package dev.runnel.api.cli;

import com.typesafe.config.ConfigFactory;
import dev.runnel.api.server.ServerConfig;
import dev.runnel.sharding.JdbcSchema;
import dev.runnel.sharding.JdbcSettings;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/** {@code runnel schema create}: the PostgreSQL schema of {@code runnel.storage = jdbc}. */
@Command(
    name = "schema",
    mixinStandardHelpOptions = true,
    description = "The PostgreSQL schema that nodes with runnel.storage = jdbc share.",
    subcommands = {SchemaCommand.Create.class})
final class SchemaCommand implements Runnable {

  @ParentCommand RunnelCli cli;

  @picocli.CommandLine.Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(cli.out);
  }

  @Command(
      name = "create",
      mixinStandardHelpOptions = true,
      description = {
        "Creates the journal, snapshot and tag tables in the database runnel.jdbc names, unless"
            + " they are there; safe to run again and while nodes start.",
        "Settings as for `runnel server`: RUNNEL_JDBC_URL, RUNNEL_JDBC_USER, RUNNEL_JDBC_PASSWORD,"
            + " then --config (HOCON), then the defaults (docs/operations.md)."
      },
      exitCodeListHeading = "%nExit codes:%n",
      exitCodeList = {
        "0:created, or already present",
        "1:the database could not be reached or refused a statement",
        "2:bad configuration or arguments"
      })
  static final class Create implements Callable<Integer> {
    @ParentCommand SchemaCommand schema;

    @Option(names = "--config", paramLabel = "FILE", description = "A HOCON configuration file.")
    Path config;

    @Override
    public Integer call() {
      JdbcSettings settings =
          JdbcSettings.fromConfig(
              ConfigFactory.load(
                      ServerConfig.load(
                          ConfigFactory.empty(), Optional.ofNullable(config), System.getenv()))
                  .getConfig("runnel.jdbc"));
      boolean created = JdbcSchema.create(settings);
      schema.cli.out.println(
          (created ? "Created the schema" : "Schema already present, nothing to do")
              + ": url="
              + settings.url());
      return RunnelCli.OK;
    }
  }
}
