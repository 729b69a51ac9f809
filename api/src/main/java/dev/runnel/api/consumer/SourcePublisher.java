package dev.runnel.api.consumer;

import akka.stream.Materializer;
import akka.stream.javadsl.Sink;
import akka.stream.javadsl.Source;
import java.util.Objects;
import org.reactivestreams.Publisher;
import org.reactivestreams.Subscriber;

/**
 * A cold {@link Publisher} over a {@link Source}: every subscriber gets a stream of its own,
 * materialized when it subscribes, so a second subscriber of a consumer's publisher reads from the
 * same start offsets as the first instead of being refused. Akka's {@link Sink#fromSubscriber}
 * drives the subscriber and keeps the Reactive Streams rules (demand, cancellation, signalling
 * serially, at most one {@code onSubscribe}).
 *
 * <p>Thread-safe: {@link #subscribe} holds no state.
 */
final class SourcePublisher<T> implements Publisher<T> {

  private final Source<T, ?> source;
  private final Materializer materializer;

  SourcePublisher(Source<T, ?> source, Materializer materializer) {
    this.source = source;
    this.materializer = materializer;
  }

  @Override
  public void subscribe(Subscriber<? super T> subscriber) {
    // Rule 1.9: a null subscriber is refused with a NullPointerException, nothing is started.
    Objects.requireNonNull(subscriber, "subscriber");
    // A subscriber of a supertype of T takes every T: the cast only widens what it is sent.
    @SuppressWarnings("unchecked")
    Subscriber<T> typed = (Subscriber<T>) subscriber;
    source.runWith(Sink.fromSubscriber(typed), materializer);
  }
}
