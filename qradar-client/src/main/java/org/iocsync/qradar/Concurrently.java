package org.iocsync.qradar;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

/**
 * Runs independent requests a few at a time, on threads that live only as long as the call that
 * needs them, so that a client holds no thread between calls and needs no closing.
 */
final class Concurrently {
  /** How many requests run at once: enough to hide the round trips, polite to the server. */
  static final int REQUESTS_AT_ONCE = 8;

  private static final ThreadFactory THREADS =
      task -> {
        Thread thread = new Thread(task, "qradar-client-request");
        thread.setDaemon(true);
        return thread;
      };

  private Concurrently() {}

  /**
   * Runs {@code action} on every item, at most {@link #REQUESTS_AT_ONCE} at once, and returns when
   * all have ended. Once one fails no further item starts; the first failure is thrown after the
   * running ones have ended, so that nothing runs on once this returns. Interrupting the caller
   * interrupts the running requests.
   *
   * @throws QradarTransportException if the caller is interrupted while it waits
   */
  static <T> void forEach(List<T> items, Consumer<T> action, String what) {
    if (items.size() <= 1) {
      items.forEach(action);
      return;
    }
    int threads = Math.min(REQUESTS_AT_ONCE, items.size());
    ExecutorService pool = Executors.newFixedThreadPool(threads, THREADS);
    AtomicReference<RuntimeException> failure = new AtomicReference<>();
    AtomicInteger next = new AtomicInteger();
    try {
      List<Future<?>> workers = new ArrayList<>(threads);
      for (int i = 0; i < threads; i++) {
        workers.add(
            pool.submit(
                () -> {
                  int at;
                  while (failure.get() == null && (at = next.getAndIncrement()) < items.size()) {
                    try {
                      action.accept(items.get(at));
                    } catch (RuntimeException e) {
                      failure.compareAndSet(null, e);
                    }
                  }
                }));
      }
      for (Future<?> worker : workers) {
        worker.get();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new QradarTransportException(
          "Interrupted while " + what + ": the requests under way were abandoned", e);
    } catch (ExecutionException e) {
      // Only an Error escapes a worker: RuntimeExceptions are kept in failure.
      throw new IllegalStateException("A request failed unexpectedly while " + what, e.getCause());
    } finally {
      pool.shutdownNow();
    }
    RuntimeException first = failure.get();
    if (first != null) {
      throw first;
    }
  }
}
