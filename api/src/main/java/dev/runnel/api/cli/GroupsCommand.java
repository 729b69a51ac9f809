package dev.runnel.api.cli;

import dev.runnel.api.grpc.v1.DescribeGroupRequest;
import dev.runnel.api.grpc.v1.DescribeGroupResponse;
import dev.runnel.api.grpc.v1.GroupMember;
import dev.runnel.api.grpc.v1.ListGroupsRequest;
import dev.runnel.api.grpc.v1.OffsetAndMetadata;
import dev.runnel.api.grpc.v1.OffsetSpec;
import dev.runnel.api.grpc.v1.ResetGroupOffsetsRequest;
import dev.runnel.api.grpc.v1.TopicPartition;
import java.io.PrintStream;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** {@code runnel groups list|describe|reset-offsets}. */
@Command(
    name = "groups",
    mixinStandardHelpOptions = true,
    description = "List and describe consumer groups, and reset their committed offsets.",
    subcommands = {
      GroupsCommand.ListGroups.class,
      GroupsCommand.Describe.class,
      GroupsCommand.ResetOffsets.class
    })
final class GroupsCommand implements Runnable {

  @ParentCommand RunnelCli cli;

  @picocli.CommandLine.Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(cli.out);
  }

  private static String name(TopicPartition tp) {
    return tp.getTopic() + "-" + tp.getPartition();
  }

  private static void print(OffsetAndMetadata offset, PrintStream out) {
    out.println("  " + name(offset.getPartition()) + " offset=" + offset.getOffset());
  }

  @Command(name = "list", mixinStandardHelpOptions = true, description = "Lists groups and states.")
  static final class ListGroups implements Callable<Integer> {
    @ParentCommand GroupsCommand groups;
    @Mixin ClientOptions client;

    @Override
    public Integer call() throws Exception {
      try (ClientOptions.Session session = client.connect()) {
        session
            .await(session.client().listGroups(ListGroupsRequest.getDefaultInstance()))
            .getGroupsList()
            .forEach(group -> groups.cli.out.println(group.getGroupId() + "\t" + group.getState()));
        return RunnelCli.OK;
      }
    }
  }

  @Command(
      name = "describe",
      mixinStandardHelpOptions = true,
      description = "Shows a group's state, members, assignments and committed offsets.")
  static final class Describe implements Callable<Integer> {
    @ParentCommand GroupsCommand groups;
    @Mixin ClientOptions client;

    @Parameters(paramLabel = "GROUP")
    String group;

    @Override
    public Integer call() throws Exception {
      try (ClientOptions.Session session = client.connect()) {
        DescribeGroupResponse described =
            session.await(
                session
                    .client()
                    .describeGroup(DescribeGroupRequest.newBuilder().setGroupId(group).build()));
        PrintStream out = groups.cli.out;
        out.println(
            "group="
                + described.getGroupId()
                + " state="
                + described.getState()
                + " generation="
                + described.getGenerationId());
        for (GroupMember member : described.getMembersList()) {
          out.println(
              "  member="
                  + member.getMemberId()
                  + " host="
                  + member.getClientHost()
                  + " partitions="
                  + member.getAssignmentList().stream()
                      .map(GroupsCommand::name)
                      .collect(Collectors.joining(",")));
        }
        described.getOffsetsList().forEach(offset -> print(offset, out));
        return RunnelCli.OK;
      }
    }
  }

  @Command(
      name = "reset-offsets",
      mixinStandardHelpOptions = true,
      description =
          "Sets a group's committed offsets for a topic (the group must have no members).")
  static final class ResetOffsets implements Callable<Integer> {
    @ParentCommand GroupsCommand groups;
    @Mixin ClientOptions client;

    @Parameters(paramLabel = "GROUP")
    String group;

    @Option(names = "--topic", required = true, description = "The topic whose offsets to reset.")
    String topic;

    @ArgGroup(exclusive = true, multiplicity = "1")
    To to;

    static final class To {
      @Option(names = "--to-earliest", description = "The first record still stored.")
      boolean earliest;

      @Option(names = "--to-latest", description = "After the last record.")
      boolean latest;

      @Option(names = "--to-offset", description = "This offset in every partition.")
      Long offset;

      @Option(
          names = "--to-time",
          paramLabel = "TIME",
          description = "The first record at or after TIME (epoch ms or ISO-8601 instant).")
      String time;
    }

    @Option(names = "--dry-run", description = "Show the offsets without committing them.")
    boolean dryRun;

    @Override
    public Integer call() throws Exception {
      ResetGroupOffsetsRequest.Builder request =
          ResetGroupOffsetsRequest.newBuilder().setGroupId(group).setTopic(topic).setDryRun(dryRun);
      if (to.earliest) {
        request.setSpec(OffsetSpec.OFFSET_SPEC_EARLIEST);
      } else if (to.latest) {
        request.setSpec(OffsetSpec.OFFSET_SPEC_LATEST);
      } else if (to.offset != null) {
        request.setOffset(to.offset);
      } else {
        request.setTimestamp(ConsumeCommand.parseTime(to.time));
      }
      try (ClientOptions.Session session = client.connect()) {
        PrintStream out = groups.cli.out;
        out.println((dryRun ? "Would commit" : "Committed") + " for group " + group + ":");
        session
            .await(session.client().resetGroupOffsets(request.build()))
            .getOffsetsList()
            .forEach(offset -> print(offset, out));
        return RunnelCli.OK;
      }
    }
  }
}
