package dev.runnel.persistence.log;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Opens the log stores of one test on an I/O executor of its own, and closes them all and the
 * executor after the test, reopened or already closed ones included. Register it on an instance
 * field: {@code @RegisterExtension final LogStoreFixture stores = new LogStoreFixture(2);}.
 */
final class LogStoreFixture implements AfterEachCallback {

  private final ExecutorService io;
  private final List<LogStore> opened = new ArrayList<>();

  LogStoreFixture(int ioThreads) {
    this.io = Executors.newFixedThreadPool(ioThreads);
  }

  LogStore open(LogSettings settings) {
    LogStore store = LogStore.open(settings, io);
    opened.add(store);
    return store;
  }

  @Override
  public void afterEach(ExtensionContext context) {
    opened.forEach(LogStore::close);
    io.shutdownNow();
  }
}
