package dev.runnel.api.cli;

import dev.runnel.api.grpc.v1.AlterTopicConfigRequest;
import dev.runnel.api.grpc.v1.CreatePartitionsRequest;
import dev.runnel.api.grpc.v1.CreateTopicRequest;
import dev.runnel.api.grpc.v1.DeleteTopicRequest;
import dev.runnel.api.grpc.v1.DescribeTopicRequest;
import dev.runnel.api.grpc.v1.ListTopicsRequest;
import dev.runnel.api.grpc.v1.TopicDescription;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** {@code runnel topics create|list|describe|alter|delete}. */
@Command(
    name = "topics",
    mixinStandardHelpOptions = true,
    description = "Create, list, describe, alter and delete topics.",
    subcommands = {
      TopicsCommand.Create.class,
      TopicsCommand.ListTopics.class,
      TopicsCommand.Describe.class,
      TopicsCommand.Alter.class,
      TopicsCommand.Delete.class
    })
final class TopicsCommand implements Runnable {

  @ParentCommand RunnelCli cli;

  @picocli.CommandLine.Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(cli.out);
  }

  /** Prints a topic as {@code describe} shows it. */
  static void print(TopicDescription topic, PrintStream out) {
    out.println(
        "topic="
            + topic.getName()
            + " partitions="
            + topic.getPartitions()
            + (topic.getDeleting() ? " deleting=true" : ""));
    new TreeMap<>(topic.getConfigsMap())
        .forEach((key, value) -> out.println("  " + key + "=" + value));
  }

  @Command(name = "create", mixinStandardHelpOptions = true, description = "Creates a topic.")
  static final class Create implements Callable<Integer> {
    @ParentCommand TopicsCommand topics;
    @Mixin ClientOptions client;

    @Parameters(paramLabel = "TOPIC", description = "The topic's name.")
    String name;

    @Option(
        names = {"-p", "--partitions"},
        description = "The partition count (default: the server's topic default).")
    int partitions;

    @Option(
        names = {"-c", "--config"},
        paramLabel = "KEY=VALUE",
        description = "A topic setting under Kafka's name, e.g. retention.ms=86400000; repeatable.")
    Map<String, String> configs = new LinkedHashMap<>();

    @Override
    public Integer call() throws Exception {
      try (ClientOptions.Session session = client.connect()) {
        TopicDescription created =
            session.await(
                session
                    .client()
                    .createTopic(
                        CreateTopicRequest.newBuilder()
                            .setName(name)
                            .setPartitions(partitions)
                            .putAllConfigs(configs)
                            .build()));
        topics.cli.out.println(
            "Created topic "
                + created.getName()
                + " with "
                + created.getPartitions()
                + " partitions");
        return RunnelCli.OK;
      }
    }
  }

  @Command(name = "list", mixinStandardHelpOptions = true, description = "Lists topic names.")
  static final class ListTopics implements Callable<Integer> {
    @ParentCommand TopicsCommand topics;
    @Mixin ClientOptions client;

    @Override
    public Integer call() throws Exception {
      try (ClientOptions.Session session = client.connect()) {
        session
            .await(session.client().listTopics(ListTopicsRequest.getDefaultInstance()))
            .getNamesList()
            .forEach(topics.cli.out::println);
        return RunnelCli.OK;
      }
    }
  }

  @Command(
      name = "describe",
      mixinStandardHelpOptions = true,
      description = "Shows a topic's partitions and settings.")
  static final class Describe implements Callable<Integer> {
    @ParentCommand TopicsCommand topics;
    @Mixin ClientOptions client;

    @Parameters(paramLabel = "TOPIC")
    String name;

    @Override
    public Integer call() throws Exception {
      try (ClientOptions.Session session = client.connect()) {
        print(
            session.await(
                session
                    .client()
                    .describeTopic(DescribeTopicRequest.newBuilder().setName(name).build())),
            topics.cli.out);
        return RunnelCli.OK;
      }
    }
  }

  @Command(
      name = "alter",
      mixinStandardHelpOptions = true,
      description = "Changes a topic's settings or grows its partition count.")
  static final class Alter implements Callable<Integer> {
    @ParentCommand TopicsCommand topics;
    @Mixin ClientOptions client;

    @Parameters(paramLabel = "TOPIC")
    String name;

    @Option(names = "--set", paramLabel = "KEY=VALUE", description = "A new value; repeatable.")
    Map<String, String> set = new LinkedHashMap<>();

    @Option(
        names = "--reset",
        paramLabel = "KEY",
        description = "Returns a setting to the default; repeatable.")
    List<String> reset = new ArrayList<>();

    @Option(
        names = {"-p", "--partitions"},
        description = "The new, larger partition count.")
    Integer partitions;

    @Override
    public Integer call() throws Exception {
      if (set.isEmpty() && reset.isEmpty() && partitions == null) {
        throw new IllegalArgumentException("Nothing to alter: give --set, --reset or --partitions");
      }
      try (ClientOptions.Session session = client.connect()) {
        TopicDescription topic = null;
        if (partitions != null) {
          topic =
              session.await(
                  session
                      .client()
                      .createPartitions(
                          CreatePartitionsRequest.newBuilder()
                              .setName(name)
                              .setTotalCount(partitions)
                              .build()));
        }
        if (!set.isEmpty() || !reset.isEmpty()) {
          topic =
              session.await(
                  session
                      .client()
                      .alterTopicConfig(
                          AlterTopicConfigRequest.newBuilder()
                              .setName(name)
                              .putAllSet(set)
                              .addAllReset(reset)
                              .build()));
        }
        print(topic, topics.cli.out);
        return RunnelCli.OK;
      }
    }
  }

  @Command(name = "delete", mixinStandardHelpOptions = true, description = "Deletes a topic.")
  static final class Delete implements Callable<Integer> {
    @ParentCommand TopicsCommand topics;
    @Mixin ClientOptions client;

    @Parameters(paramLabel = "TOPIC")
    String name;

    @Override
    public Integer call() throws Exception {
      try (ClientOptions.Session session = client.connect()) {
        session.await(
            session.client().deleteTopic(DeleteTopicRequest.newBuilder().setName(name).build()));
        topics.cli.out.println("Deleting topic " + name);
        return RunnelCli.OK;
      }
    }
  }
}
