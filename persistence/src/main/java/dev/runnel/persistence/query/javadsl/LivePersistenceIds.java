package dev.runnel.persistence.query.javadsl;

import akka.stream.Attributes;
import akka.stream.BufferOverflowException;
import akka.stream.Outlet;
import akka.stream.SourceShape;
import akka.stream.stage.AbstractOutHandler;
import akka.stream.stage.AsyncCallback;
import akka.stream.stage.GraphStage;
import akka.stream.stage.GraphStageLogic;
import dev.runnel.persistence.log.LogStore;
import java.util.ArrayDeque;
import java.util.Iterator;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;

/**
 * Emits the persistence ids the store knows, then every new one as it appears, each once.
 *
 * <p>The listener is registered before the current ids are listed, so an id created in between is
 * seen by at least one of the two; ids already listed are dropped from the live ones. New ids wait
 * in a buffer of at most {@code bufferSize} while downstream does not demand; beyond that the
 * stream fails with a {@link BufferOverflowException}, since dropping ids would make the query
 * silently incomplete.
 */
final class LivePersistenceIds extends GraphStage<SourceShape<String>> {

  private final Outlet<String> out = Outlet.create("LivePersistenceIds.out");
  private final SourceShape<String> shape = SourceShape.of(out);
  private final LogStore store;
  private final Executor io;
  private final int bufferSize;

  LivePersistenceIds(LogStore store, Executor io, int bufferSize) {
    this.store = store;
    this.io = io;
    this.bufferSize = bufferSize;
  }

  @Override
  public SourceShape<String> shape() {
    return shape;
  }

  @Override
  public GraphStageLogic createLogic(Attributes inheritedAttributes) {
    return new GraphStageLogic(shape) {
      private final ArrayDeque<String> created = new ArrayDeque<>();
      private Set<String> current;
      private Iterator<String> currentToEmit;
      private AutoCloseable registration;

      {
        setHandler(
            out,
            new AbstractOutHandler() {
              @Override
              public void onPull() {
                emitNext();
              }
            });
      }

      @Override
      public void preStart() {
        AsyncCallback<String> onCreated = createAsyncCallback(this::created);
        AsyncCallback<Set<String>> onCurrent = createAsyncCallback(this::current);
        AsyncCallback<Throwable> onFailure = createAsyncCallback(this::failStage);
        registration = store.onNewPersistenceId(onCreated::invoke);
        CompletableFuture.supplyAsync(store::persistenceIds, io)
            .whenCompleteAsync(
                (ids, failure) -> {
                  if (failure == null) {
                    onCurrent.invoke(ids);
                  } else {
                    onFailure.invoke(failure);
                  }
                },
                io);
      }

      private void created(String id) {
        if (current != null && current.contains(id)) {
          return;
        }
        if (created.size() >= bufferSize) {
          failStage(
              new BufferOverflowException(
                  "Too many new persistence ids not demanded: buffered="
                      + created.size()
                      + ", persistence-ids-buffer-size="
                      + bufferSize));
          return;
        }
        created.add(id);
        emitNext();
      }

      private void current(Set<String> ids) {
        current = ids;
        currentToEmit = ids.iterator();
        created.removeIf(ids::contains);
        emitNext();
      }

      private void emitNext() {
        if (currentToEmit == null || !isAvailable(out)) {
          return;
        }
        if (currentToEmit.hasNext()) {
          push(out, currentToEmit.next());
        } else if (!created.isEmpty()) {
          push(out, created.poll());
        }
      }

      @Override
      public void postStop() throws Exception {
        if (registration != null) {
          registration.close();
        }
      }
    };
  }
}
