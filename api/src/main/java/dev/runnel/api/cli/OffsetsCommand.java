package dev.runnel.api.cli;

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
        for (PartitionOffset offset :
            session.listOffsets(
                topic,
                partitions,
                p -> PartitionOffsetRequest.newBuilder().setTimestamp(timestamp))) {
          cli.out.println(
              offset.getPartition() + "\t" + offset.getOffset() + "\t" + offset.getTimestamp());
        }
        return RunnelCli.OK;
      }
      List<PartitionOffset> earliest =
          session.listOffsets(topic, partitions, p -> spec(OffsetSpec.OFFSET_SPEC_EARLIEST));
      List<PartitionOffset> latest =
          session.listOffsets(topic, partitions, p -> spec(OffsetSpec.OFFSET_SPEC_LATEST));
      for (int i = 0; i < partitions.size(); i++) {
        cli.out.println(
            partitions.get(i)
                + "\t"
                + earliest.get(i).getOffset()
                + "\t"
                + latest.get(i).getOffset());
      }
      return RunnelCli.OK;
    }
  }

  private static PartitionOffsetRequest.Builder spec(OffsetSpec spec) {
    return PartitionOffsetRequest.newBuilder().setOffsetSpec(spec);
  }
}
