package dev.runnel.api.cli;

import dev.runnel.api.grpc.v1.ClusterMember;
import dev.runnel.api.grpc.v1.ClusterStatusRequest;
import dev.runnel.api.grpc.v1.ClusterStatusResponse;
import dev.runnel.api.grpc.v1.NodeHealth;
import dev.runnel.api.grpc.v1.TopicPartition;
import java.io.PrintStream;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.ParentCommand;

/** {@code runnel cluster status}. */
@Command(
    name = "cluster",
    mixinStandardHelpOptions = true,
    description = "Shows the cluster a server belongs to.",
    subcommands = {ClusterCommand.Status.class})
final class ClusterCommand implements Runnable {

  @ParentCommand RunnelCli cli;

  @picocli.CommandLine.Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(cli.out);
  }

  @Command(
      name = "status",
      mixinStandardHelpOptions = true,
      description = {
        "Shows the server's health and, as it sees them, the cluster's members with their status"
            + " and reachability and the partitions each hosts.",
        "One line for the server (node, health, leader, oldest), one per member, one for the"
            + " partitions placed on no member (they start on their next request)."
      },
      exitCodeListHeading = "%nExit codes:%n",
      exitCodeList = {
        "0:the server is Up (health SERVING or DEGRADED)",
        "3:the server could not be reached or is not Up (health NOT_SERVING)"
      })
  static final class Status implements Callable<Integer> {
    @ParentCommand ClusterCommand cluster;
    @Mixin ClientOptions client;

    @Override
    public Integer call() throws Exception {
      try (ClientOptions.Session session = client.connect()) {
        ClusterStatusResponse status =
            session.await(
                session.cluster().clusterStatus(ClusterStatusRequest.getDefaultInstance()));
        print(status, cluster.cli.out);
        return status.getHealth() == NodeHealth.NODE_HEALTH_NOT_SERVING
            ? RunnelCli.UNAVAILABLE
            : RunnelCli.OK;
      }
    }
  }

  /** Prints the status, one line per member. */
  static void print(ClusterStatusResponse status, PrintStream out) {
    out.println(
        "node="
            + status.getSelf()
            + " health="
            + status.getHealth().name().substring("NODE_HEALTH_".length())
            + " leader="
            + orNone(status.getLeader())
            + " oldest="
            + orNone(status.getOldest()));
    for (ClusterMember member : status.getMembersList()) {
      out.println(
          "  member="
              + member.getAddress()
              + " status="
              + member.getStatus()
              + " reachable="
              + member.getReachable()
              + (member.getRolesCount() == 0
                  ? ""
                  : " roles=" + String.join(",", member.getRolesList()))
              + (member.getShardsAnswered()
                  ? " shards="
                      + member.getShards()
                      + " running="
                      + member.getRunningPartitions()
                      + " partitions="
                      + names(member.getPartitionsList())
                  : " shards=unknown"));
    }
    out.println("  unplaced partitions=" + names(status.getUnplacedPartitionsList()));
  }

  private static String names(List<TopicPartition> partitions) {
    return partitions.isEmpty()
        ? "none"
        : String.join(
            ",", partitions.stream().map(tp -> tp.getTopic() + "-" + tp.getPartition()).toList());
  }

  private static String orNone(String address) {
    return address.isEmpty() ? "none" : address;
  }
}
