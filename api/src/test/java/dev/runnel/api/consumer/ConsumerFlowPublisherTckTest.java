package dev.runnel.api.consumer;

import dev.runnel.api.Runnel;
import java.util.concurrent.Flow;
import org.reactivestreams.tck.flow.FlowPublisherVerification;
import org.testng.annotations.AfterClass;
import org.testng.annotations.BeforeClass;

/**
 * The Reactive Streams TCK for {@link java.util.concurrent.Flow} ({@link
 * FlowPublisherVerification}, TestNG, run on the JUnit Platform) on {@link Consumer#flowPublisher}
 * over a real node. See {@link TckTopic} for the publisher under test and the rules the TCK skips
 * for it, and why.
 */
public class ConsumerFlowPublisherTckTest
    extends FlowPublisherVerification<ConsumerRecord<String, String>> {

  private Runnel runnel;

  public ConsumerFlowPublisherTckTest() {
    super(TckTopic.environment(), TckTopic.PUBLISHER_REFERENCE_GC_TIMEOUT_MILLIS);
  }

  @BeforeClass
  public void startNode() {
    runnel = TckTopic.start("flow-tck");
  }

  @AfterClass
  public void stopNode() {
    runnel.close();
  }

  @Override
  public Flow.Publisher<ConsumerRecord<String, String>> createFlowPublisher(long elements) {
    return Consumer.flowPublisher(TckTopic.settings(runnel), TckTopic.fromStart());
  }

  @Override
  public Flow.Publisher<ConsumerRecord<String, String>> createFailedFlowPublisher() {
    return Consumer.flowPublisher(TckTopic.failingSettings(runnel), TckTopic.beyondTheEnd());
  }

  @Override
  public long maxElementsFromPublisher() {
    return TckTopic.INFINITE;
  }
}
