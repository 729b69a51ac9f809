package dev.runnel.api.producer;

import akka.Done;
import akka.NotUsed;
import akka.stream.javadsl.Flow;
import akka.stream.javadsl.Keep;
import akka.stream.javadsl.Sink;
import dev.runnel.api.producer.ProducerMessage.Envelope;
import dev.runnel.api.producer.ProducerMessage.Message;
import dev.runnel.api.producer.ProducerMessage.MultiMessage;
import dev.runnel.api.producer.ProducerMessage.MultiResultPart;
import dev.runnel.api.producer.ProducerMessage.PassThroughMessage;
import dev.runnel.api.producer.ProducerMessage.Results;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Akka Streams stages that produce records, named and shaped as Alpakka Kafka's {@code
 * javadsl.Producer}. Each materialization starts a {@link RunnelProducer} of its own and closes it
 * when the stream ends.
 *
 * <p>Both stages keep the order of their input and backpressure: at most {@code parallelism}
 * envelopes are unanswered at once, and a record that does not fit in {@code buffer.memory} waits
 * for room instead of failing. A record that fails fails the stream with its {@code
 * RunnelException}.
 */
public final class Producer {

  private Producer() {}

  /**
   * A sink that sends every record; its stage completes when all records are stored, or fails with
   * the first failure.
   */
  public static <K, V> Sink<ProducerRecord<K, V>, CompletionStage<Done>> plainSink(
      ProducerSettings<K, V> settings) {
    return Flow.<ProducerRecord<K, V>>create()
        .<Envelope<K, V, NotUsed>>map(ProducerMessage::single)
        .via(Producer.<K, V, NotUsed>flow(settings))
        .toMat(Sink.ignore(), Keep.right());
  }

  /**
   * A flow that sends the records of each envelope and emits its {@link Results}: the records'
   * metadata and the envelope's pass-through, in the order of the envelopes (Alpakka Kafka's {@code
   * flexiFlow}).
   */
  public static <K, V, P> Flow<Envelope<K, V, P>, Results<K, V, P>, NotUsed> flow(
      ProducerSettings<K, V> settings) {
    return Flow.<Envelope<K, V, P>, Results<K, V, P>, NotUsed>fromMaterializer(
            (materializer, attributes) -> {
              RunnelProducer<K, V> producer = RunnelProducer.create(settings);
              return Flow.<Envelope<K, V, P>>create()
                  .mapAsync(settings.parallelism(), envelope -> send(producer, envelope))
                  .watchTermination(
                      (notUsed, done) -> {
                        done.whenCompleteAsync(
                            (ignored, failure) -> producer.close(),
                            materializer.executionContext());
                        return NotUsed.getInstance();
                      });
            })
        .mapMaterializedValue(ignored -> NotUsed.getInstance());
  }

  /** Alpakka Kafka's name of {@link #flow}. */
  public static <K, V, P> Flow<Envelope<K, V, P>, Results<K, V, P>, NotUsed> flexiFlow(
      ProducerSettings<K, V> settings) {
    return flow(settings);
  }

  private static <K, V, P> CompletionStage<Results<K, V, P>> send(
      RunnelProducer<K, V> producer, Envelope<K, V, P> envelope) {
    if (envelope instanceof Message<K, V, P> message) {
      return producer
          .sendWhenRoom(message.record())
          .thenApply(metadata -> new ProducerMessage.Result<>(metadata, message));
    }
    if (envelope instanceof MultiMessage<K, V, P> multi) {
      List<CompletableFuture<MultiResultPart<K, V>>> parts = new ArrayList<>();
      for (ProducerRecord<K, V> record : multi.records()) {
        parts.add(
            producer
                .sendWhenRoom(record)
                .thenApply(metadata -> new MultiResultPart<>(metadata, record))
                .toCompletableFuture());
      }
      return CompletableFuture.allOf(parts.toArray(new CompletableFuture<?>[0]))
          .thenApply(
              all ->
                  new ProducerMessage.MultiResult<>(
                      parts.stream().map(CompletableFuture::join).toList(), multi.passThrough()));
    }
    PassThroughMessage<K, V, P> passThrough = (PassThroughMessage<K, V, P>) envelope;
    return CompletableFuture.completedFuture(
        new ProducerMessage.PassThroughResult<>(passThrough.passThrough()));
  }
}
