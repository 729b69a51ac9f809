package dev.runnel.api.consumer;

import static dev.runnel.api.TestNode.result;

import akka.stream.javadsl.Source;
import dev.runnel.actors.TopicPartition;
import dev.runnel.api.Runnel;
import dev.runnel.api.TestNode;
import dev.runnel.api.admin.NewTopic;
import dev.runnel.api.producer.Producer;
import dev.runnel.api.producer.ProducerRecord;
import dev.runnel.api.producer.ProducerSettings;
import dev.runnel.api.serialization.Serdes;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import org.reactivestreams.tck.TestEnvironment;

/**
 * What both TCK classes verify: a consumer's publisher reading partition 0 of a topic of {@link
 * #RECORDS} records from offset 0, on a node of its own.
 *
 * <p>A consumer follows its partitions live and never completes, so the publisher is infinite:
 * {@code maxElementsFromPublisher()} is {@link Long#MAX_VALUE}, and by the TCK's own rule it skips
 * every test that needs an {@code onComplete}. Skipped for that reason, and only that reason:
 *
 * <ul>
 *   <li>{@code required_createPublisher1MustProduceAStreamOfExactly1Element} and {@code
 *       required_createPublisher3MustProduceAStreamOfExactly3Elements} (they end with onComplete);
 *   <li>{@code required_spec102_maySignalLessThanRequestedAndTerminateSubscription};
 *   <li>{@code stochastic_spec103_mustSignalOnMethodsSequentially};
 *   <li>{@code required_spec105_mustSignalOnCompleteWhenFiniteStreamTerminates} and {@code
 *       optional_spec105_emptyStreamMustTerminateBySignallingOnComplete};
 *   <li>{@code required_spec107_mustNotEmitFurtherSignalsOnceOnCompleteHasBeenSignalled};
 *   <li>{@code required_spec317_mustSupportAPendingElementCountUpToLongMaxValue} and {@code
 *       required_spec317_mustSupportACumulativePendingElementCountUpToLongMaxValue};
 *   <li>{@code
 *       optional_spec111_multicast_mustProduceTheSameElementsInTheSameSequenceToAllOfItsSubscribersWhenRequestingOneByOne}
 *       and {@code ..._WhenRequestingManyUpfrontAndCompleteAsExpected} (each subscriber gets a
 *       consumer of its own from the same offsets; these two compare sequences that complete; the
 *       third multicast test runs and passes).
 * </ul>
 *
 * The {@code untested_*} tests are skipped by the TCK for every publisher. Every other test runs,
 * the error tests on a publisher that reads beyond the log's end with {@code auto.offset.reset =
 * none} and so fails with {@code OFFSET_OUT_OF_RANGE} after {@code onSubscribe}.
 */
final class TckTopic {

  static final String TOPIC = "tck";
  static final int RECORDS = 64;
  static final long INFINITE = Long.MAX_VALUE;
  static final long PUBLISHER_REFERENCE_GC_TIMEOUT_MILLIS = 1000;

  private TckTopic() {}

  /** Signals arrive within 2 s (a reader opens in a few ms); silence is checked for 100 ms. */
  static TestEnvironment environment() {
    return new TestEnvironment(2000, 100);
  }

  /** A node with the topic written. */
  static Runnel start(String dataDirPrefix) {
    Runnel runnel;
    try {
      runnel = TestNode.start(Files.createTempDirectory(dataDirPrefix));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    result(runnel.admin().createTopic(new NewTopic(TOPIC, 1)));
    ProducerSettings<String, String> producer =
        ProducerSettings.create(runnel, Serdes.String().serializer(), Serdes.String().serializer());
    result(
        Source.range(1, RECORDS)
            .map(i -> new ProducerRecord<String, String>(TOPIC, "k" + i, "v" + i))
            .runWith(Producer.plainSink(producer), runnel.system()));
    return runnel;
  }

  static ConsumerSettings<String, String> settings(Runnel runnel) {
    return ConsumerSettings.create(
        runnel, Serdes.String().deserializer(), Serdes.String().deserializer());
  }

  static ConsumerSettings<String, String> failingSettings(Runnel runnel) {
    return settings(runnel).withAutoOffsetReset(AutoOffsetReset.NONE);
  }

  static ManualSubscription fromStart() {
    return Subscriptions.assignmentWithOffset(new TopicPartition(TOPIC, 0), 0);
  }

  static ManualSubscription beyondTheEnd() {
    return Subscriptions.assignmentWithOffset(new TopicPartition(TOPIC, 0), 1_000_000);
  }
}
