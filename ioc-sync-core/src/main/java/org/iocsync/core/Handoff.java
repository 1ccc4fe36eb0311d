package org.iocsync.core;

import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/**
 * Runs a producer on a thread of its own and hands what it makes to the thread that reads this,
 * through a queue of at most {@code capacity} items: making the next item overlaps with using the
 * current one, and a slow reader makes the producer wait instead of memory grow.
 *
 * <p>A failure of the producer is thrown, as it was thrown, by the {@link #next} that reaches it.
 * Closing tells the producer to stop at its next hand-over; it does not wait for it, so the
 * producer must touch nothing the reader goes on using.
 */
final class Handoff<T> implements AutoCloseable {
  private static final long OFFER_MILLIS = 50;

  /** Makes the items, handing each to {@code sink} as it is ready. */
  interface Producer<T> {
    void run(Sink<T> sink);
  }

  /** Takes one item, waiting while the queue is full. */
  interface Sink<T> {
    void put(T item);
  }

  private interface Item<T> {}

  private record Value<T>(T value) implements Item<T> {}

  private record End<T>() implements Item<T> {}

  private record Failed<T>(Throwable failure) implements Item<T> {}

  /** The reader closed the hand-off, so the producer stops. */
  private static final class ClosedException extends RuntimeException {
    ClosedException() {
      super("the reader stopped reading", null, false, false);
    }
  }

  private final BlockingQueue<Item<T>> queue;
  private final Thread thread;
  private volatile boolean closed;
  private boolean ended;

  Handoff(String threadName, int capacity, Producer<T> producer) {
    this.queue = new ArrayBlockingQueue<>(capacity);
    this.thread =
        new Thread(
            () -> {
              try {
                producer.run(value -> offer(new Value<>(value)));
                offer(new End<>());
              } catch (ClosedException e) {
                // The reader is gone: nobody wants the rest.
              } catch (RuntimeException | Error e) {
                try {
                  offer(new Failed<>(e));
                } catch (ClosedException ignored) {
                  // The reader is gone and will not see the failure.
                }
              }
            },
            threadName);
    thread.setDaemon(true);
    thread.start();
  }

  private void offer(Item<T> item) {
    try {
      while (!queue.offer(item, OFFER_MILLIS, TimeUnit.MILLISECONDS)) {
        if (closed) {
          throw new ClosedException();
        }
      }
    } catch (InterruptedException e) {
      throw new ClosedException();
    }
    if (closed) {
      queue.clear();
      throw new ClosedException();
    }
  }

  /**
   * The next item, waiting for it, or null once the producer is done.
   *
   * @throws Retrier.StoppedException when the reading thread is interrupted while waiting
   */
  @Nullable T next() {
    if (ended) {
      return null;
    }
    Item<T> item;
    try {
      item = queue.take();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new Retrier.StoppedException();
    }
    if (item instanceof Value<T> value) {
      return value.value();
    }
    ended = true;
    if (item instanceof Failed<T> failed) {
      throw rethrow(failed.failure());
    }
    return null;
  }

  private static RuntimeException rethrow(Throwable failure) {
    if (failure instanceof Error error) {
      throw error;
    }
    return (RuntimeException) failure;
  }

  @Override
  public void close() {
    closed = true;
    ended = true;
    thread.interrupt();
    queue.clear();
  }
}
