package dev.runnel.api.cli;

import dev.runnel.api.grpc.v1.ListOffsetsRequest;
import dev.runnel.api.grpc.v1.ListOffsetsResponse;
import dev.runnel.api.grpc.v1.OffsetSpec;
import dev.runnel.api.grpc.v1.PartitionOffset;
import dev.runnel.api.grpc.v1.PartitionOffsetRequest;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/**
 * {@code runnel offsets}: each partition's log start offset and high watermark, or the first offset
 * at a time. One line per partition: {@code partition<TAB>earliest<TAB>latest}, or {@code
 * partition<TAB>offset<TAB>timestamp} with {@code --time}.
 */
@Command(
    name = "offsets",
    mixinStandardHelpOptions = true,
    description = {
      "Prints each partition's earliest and latest offsets: partition, earliest, latest (TAB"
          + " separated).",
      "With --time: partition, the first offset at or after the time (-1: none), its timestamp."
    })
final class OffsetsCommand implements Callable<Integer> {

  @ParentCommand RunnelCli cli;
  @Mixin ClientOptions client;

  @Parameters(paramLabel = "TOPIC")
  String topic;

  @Option(
      names = {"-p", "--partition"},
      description = "This partition only (default: every partition).")
  Integer partition;

  @Option(
      names = "--time",
      paramLabel = "TIME",
      description = "Find the first offset at or after TIME (epoch ms or ISO-8601 instant).")
  String time;

  @Override
  public Integer call() throws Exception {
    try (ClientOptions.Session session = client.connect()) {
      List<Integer> partitions = session.partitions(topic, partition);
      if (time != null) {
        long timestamp = ConsumeCommand.parseTime(time);
        ListOffsetsResponse found =
            list(
                session,
                partitions,
                p -> PartitionOffsetRequest.newBuilder().setPartition(p).setTimestamp(timestamp));
        for (PartitionOffset offset : found.getOffsetsList()) {
          cli.out.println(
              offset.getPartition() + "\t" + offset.getOffset() + "\t" + offset.getTimestamp());
        }
        return RunnelCli.OK;
      }
      ListOffsetsResponse earliest =
          list(session, partitions, p -> spec(p, OffsetSpec.OFFSET_SPEC_EARLIEST));
      ListOffsetsResponse latest =
          list(session, partitions, p -> spec(p, OffsetSpec.OFFSET_SPEC_LATEST));
      for (int i = 0; i < partitions.size(); i++) {
        cli.out.println(
            partitions.get(i)
                + "\t"
                + earliest.getOffsets(i).getOffset()
                + "\t"
                + latest.getOffsets(i).getOffset());
      }
      return RunnelCli.OK;
    }
  }

  private static PartitionOffsetRequest.Builder spec(int partition, OffsetSpec spec) {
    return PartitionOffsetRequest.newBuilder().setPartition(partition).setOffsetSpec(spec);
  }

  private ListOffsetsResponse list(
      ClientOptions.Session session,
      List<Integer> partitions,
      java.util.function.IntFunction<PartitionOffsetRequest.Builder> request)
      throws Exception {
    ListOffsetsRequest.Builder all = ListOffsetsRequest.newBuilder().setTopic(topic);
    partitions.forEach(p -> all.addPartitions(request.apply(p)));
    return session.await(session.client().listOffsets(all.build()));
  }
}
