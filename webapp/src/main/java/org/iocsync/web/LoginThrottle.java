package org.iocsync.web;

import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * Limits failed logins: after {@value #MAX_FAILURES} failures from one address within {@link
 * #WINDOW}, that address must wait until the oldest failure leaves the window. All addresses
 * together may fail {@value #MAX_FAILURES_ALL} times per window, which bounds a distributed guess.
 */
@Singleton
final class LoginThrottle {
  static final int MAX_FAILURES = 5;
  static final int MAX_FAILURES_ALL = 50;
  static final Duration WINDOW = Duration.ofMinutes(15);

  private final Clock clock;
  private final Map<String, Deque<Instant>> failures = new HashMap<>();
  private final Deque<Instant> allFailures = new ArrayDeque<>();

  @Inject
  LoginThrottle(Clock clock) {
    this.clock = clock;
  }

  /** How long the address must wait before trying again, or empty when it may try now. */
  synchronized Optional<Duration> waitFor(String address) {
    Instant now = clock.instant();
    Deque<Instant> mine = failures.getOrDefault(address, new ArrayDeque<>());
    prune(mine, now);
    prune(allFailures, now);
    @Nullable Instant blockedUntil = null;
    if (mine.size() >= MAX_FAILURES) {
      blockedUntil = mine.peekFirst().plus(WINDOW);
    }
    if (allFailures.size() >= MAX_FAILURES_ALL) {
      Instant all = allFailures.peekFirst().plus(WINDOW);
      blockedUntil = blockedUntil == null || all.isAfter(blockedUntil) ? all : blockedUntil;
    }
    return blockedUntil == null
        ? Optional.empty()
        : Optional.of(Duration.between(now, blockedUntil));
  }

  synchronized void failed(String address) {
    Instant now = clock.instant();
    failures.computeIfAbsent(address, a -> new ArrayDeque<>()).addLast(now);
    allFailures.addLast(now);
    failures.values().removeIf(deque -> prune(deque, now).isEmpty());
  }

  synchronized void succeeded(String address) {
    failures.remove(address);
  }

  private static Deque<Instant> prune(Deque<Instant> deque, Instant now) {
    while (!deque.isEmpty() && !deque.peekFirst().plus(WINDOW).isAfter(now)) {
      deque.removeFirst();
    }
    return deque;
  }
}
