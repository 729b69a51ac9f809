package dev.runnel.api.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import akka.actor.testkit.typed.javadsl.ActorTestKit;
import akka.actor.testkit.typed.javadsl.TestProbe;
import akka.actor.typed.ActorRef;
import dev.runnel.actors.error.ErrorCode;
import dev.runnel.actors.error.RunnelException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class CompletionsTest {

  private final ExecutorService executor =
      Executors.newSingleThreadExecutor(task -> new Thread(task, "system-executor"));

  @AfterEach
  void stopExecutor() throws InterruptedException {
    executor.shutdown();
    assertTrue(executor.awaitTermination(5, TimeUnit.SECONDS));
  }

  @Test
  void shouldRunNonAsyncCallbacksOnTheExecutorEvenWhenCompletedElsewhere() {
    CompletableFuture<String> source = new CompletableFuture<>();
    CompletableFuture<String> thread =
        Completions.onExecutor(source, executor, "request=test")
            .thenApply(value -> Thread.currentThread().getName())
            .toCompletableFuture();

    source.complete("done"); // on the test's thread

    assertEquals("system-executor", thread.join());
    // Hold the executor, so the callback is attached before the failure is delivered.
    CountDownLatch hold = new CountDownLatch(1);
    executor.execute(
        () -> {
          try {
            hold.await();
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
        });
    CompletableFuture<String> failedThread =
        Completions.<String>failed(new RunnelException(ErrorCode.INVALID_REQUEST, "x"), executor)
            .exceptionally(failure -> Thread.currentThread().getName())
            .toCompletableFuture();
    hold.countDown();
    assertEquals("system-executor", failedThread.join());
  }

  private record Question(ActorRef<String> replyTo) {}

  @Test
  void shouldAnswerAsksOnTheSystemsExecutorAndNameTheirTimeouts() {
    ActorTestKit testKit = ActorTestKit.create();
    try {
      TestProbe<Question> target = testKit.createTestProbe();
      CompletableFuture<String> thread =
          Completions.<Question, String>ask(
                  target.getRef(),
                  Question::new,
                  Duration.ofSeconds(5),
                  testKit.system(),
                  "request=question")
              .thenApply(answer -> answer + " on " + Thread.currentThread().getName())
              .toCompletableFuture();
      target.expectMessageClass(Question.class).replyTo().tell("answer");
      assertTrue(
          thread.join().startsWith("answer on " + testKit.system().name() + "-akka.actor.default"),
          thread.join());

      CompletableFuture<String> unanswered =
          Completions.<Question, String>ask(
                  target.getRef(),
                  Question::new,
                  Duration.ofMillis(50),
                  testKit.system(),
                  "request=question")
              .toCompletableFuture();
      RunnelException timeout =
          (RunnelException) Completions.unwrap(assertThrows(Exception.class, unanswered::join));
      assertEquals(ErrorCode.REQUEST_TIMED_OUT, timeout.code());
      assertEquals("No answer in time: request=question", timeout.detail());
    } finally {
      testKit.shutdownTestKit();
    }
  }

  @Test
  void shouldNameTimeoutsAndOtherFailures() {
    RunnelException own = new RunnelException(ErrorCode.OFFSET_OUT_OF_RANGE, "offset=9");
    assertSame(own, Completions.toRunnelException(new CompletionException(own), "request=r"));

    RunnelException timeout =
        Completions.toRunnelException(new TimeoutException("ask"), "request=append, p=3");
    assertEquals(ErrorCode.REQUEST_TIMED_OUT, timeout.code());
    assertEquals("No answer in time: request=append, p=3", timeout.detail());

    RunnelException other =
        Completions.toRunnelException(new IllegalStateException("stopped"), "request=r");
    assertEquals(ErrorCode.NOT_AVAILABLE, other.code());
    assertTrue(other.getCause() instanceof IllegalStateException);
  }
}
