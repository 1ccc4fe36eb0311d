package org.iocsync.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(30)
class HandoffTest {
  private static final Duration DEADLINE = Duration.ofSeconds(20);

  private static void await(BooleanSupplier condition) {
    long deadline = System.nanoTime() + DEADLINE.toNanos();
    while (!condition.getAsBoolean()) {
      assertThat(System.nanoTime()).as("waited %s in vain", DEADLINE).isLessThan(deadline);
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(5));
    }
  }

  private static Thread thread(String name) {
    return Thread.getAllStackTraces().keySet().stream()
        .filter(t -> t.getName().equals(name))
        .findFirst()
        .orElseThrow();
  }

  private static boolean waiting(Thread thread) {
    Thread.State state = thread.getState();
    return state == Thread.State.WAITING || state == Thread.State.TIMED_WAITING;
  }

  @Test
  void aReaderThatDoesNotReadStopsTheProducerOneItemAhead() {
    AtomicInteger made = new AtomicInteger();
    try (Handoff<Integer> handoff =
        new Handoff<>(
            "handoff-bound",
            1,
            sink -> {
              while (true) {
                sink.put(made.incrementAndGet());
              }
            })) {
      Thread producer = thread("handoff-bound");
      await(() -> made.get() == 2 && waiting(producer));

      assertThat(made.get()).isEqualTo(2);

      assertThat(handoff.next()).isEqualTo(1);
      await(() -> made.get() == 3 && waiting(producer));

      assertThat(made.get()).isEqualTo(3);
    }
  }

  @Test
  void theProducersItemsArriveInOrderAndThenItsEnd() {
    try (Handoff<Integer> handoff =
        new Handoff<>(
            "handoff-order",
            1,
            sink -> {
              for (int i = 1; i <= 5; i++) {
                sink.put(i);
              }
            })) {
      for (int i = 1; i <= 5; i++) {
        assertThat(handoff.next()).isEqualTo(i);
      }

      assertThat(handoff.next()).isNull();
      assertThat(handoff.next()).isNull();
    }
  }

  @Test
  void theProducersFailureIsThrownAsItWasAfterItsItems() {
    SourceException failure = SourceException.retryable("MISP went away", null);
    try (Handoff<Integer> handoff =
        new Handoff<>(
            "handoff-failure",
            1,
            sink -> {
              sink.put(1);
              throw failure;
            })) {
      assertThat(handoff.next()).isEqualTo(1);

      assertThatThrownBy(handoff::next).isSameAs(failure);
      assertThat(handoff.next()).isNull();
    }
  }

  @Test
  void closingStopsAProducerWaitingToHandOver() {
    Handoff<Integer> handoff =
        new Handoff<>(
            "handoff-close",
            1,
            sink -> {
              while (true) {
                sink.put(0);
              }
            });
    Thread producer = thread("handoff-close");
    await(() -> waiting(producer));

    handoff.close();

    await(() -> !producer.isAlive());
    assertThat(handoff.next()).isNull();
  }
}
