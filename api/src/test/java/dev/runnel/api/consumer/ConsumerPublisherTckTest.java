package dev.runnel.api.consumer;

import dev.runnel.api.Runnel;
import org.reactivestreams.Publisher;
import org.reactivestreams.tck.PublisherVerification;
import org.testng.annotations.AfterClass;
import org.testng.annotations.BeforeClass;

/**
 * The Reactive Streams TCK ({@link PublisherVerification}, TestNG, run on the JUnit Platform) on
 * {@link Consumer#publisher} over a real node. See {@link TckTopic} for the publisher under test
 * and the rules the TCK skips for it, and why.
 */
public class ConsumerPublisherTckTest
    extends PublisherVerification<ConsumerRecord<String, String>> {

  private Runnel runnel;

  public ConsumerPublisherTckTest() {
    super(TckTopic.environment(), TckTopic.PUBLISHER_REFERENCE_GC_TIMEOUT_MILLIS);
  }

  @BeforeClass
  public void startNode() {
    runnel = TckTopic.start("rs-tck");
  }

  @AfterClass
  public void stopNode() {
    runnel.close();
  }

  @Override
  public Publisher<ConsumerRecord<String, String>> createPublisher(long elements) {
    return Consumer.publisher(TckTopic.settings(runnel), TckTopic.fromStart());
  }

  @Override
  public Publisher<ConsumerRecord<String, String>> createFailedPublisher() {
    return Consumer.publisher(TckTopic.failingSettings(runnel), TckTopic.beyondTheEnd());
  }

  @Override
  public long maxElementsFromPublisher() {
    return TckTopic.INFINITE;
  }
}
