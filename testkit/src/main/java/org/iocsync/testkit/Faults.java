package org.iocsync.testkit;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import org.jspecify.annotations.Nullable;

/**
 * The fault schedule of one fake server: which requests get which {@link Fault}.
 *
 * <p>Rules are checked in this order, and the first that matches decides: a request picked by
 * number ({@link #onRequest}), then the match rules in the order they were added ({@link #next},
 * {@link #nextRequests}), then the random schedule ({@link #randomly}). Every method is thread safe
 * and returns this schedule, so rules can be chained.
 */
public final class Faults {
  private final Object lock = new Object();
  private final List<NumberedRule> numbered = new ArrayList<>();
  private final List<MatchRule> matching = new ArrayList<>();
  private @Nullable RandomRule random;
  private long requestsSeen;
  private long injected;

  Faults() {}

  /**
   * Answers the {@code n}-th request from now with {@code fault}: 1 is the very next request, 2 the
   * one after it.
   */
  public Faults onRequest(int n, Fault fault) {
    if (n < 1) {
      throw new IllegalArgumentException("n must be 1 or more, was " + n);
    }
    synchronized (lock) {
      numbered.add(new NumberedRule(requestsSeen + n, fault));
    }
    return this;
  }

  /** Answers each of the next {@code count} requests, whatever they are, with {@code fault}. */
  public Faults nextRequests(int count, Fault fault) {
    return next(count, null, "/", fault);
  }

  /**
   * Answers each of the next {@code count} requests whose method is {@code method} (any method when
   * null) and whose path, as sent (still URL-encoded), starts with {@code pathPrefix}.
   */
  public Faults next(int count, @Nullable String method, String pathPrefix, Fault fault) {
    if (count < 1) {
      throw new IllegalArgumentException("count must be 1 or more, was " + count);
    }
    if (!pathPrefix.startsWith("/")) {
      throw new IllegalArgumentException("pathPrefix must start with '/', was " + pathPrefix);
    }
    String upper = method == null ? null : method.toUpperCase(Locale.ROOT);
    synchronized (lock) {
      matching.add(new MatchRule(count, upper, pathPrefix, fault));
    }
    return this;
  }

  /**
   * Answers each later request, with {@code probability}, with one of {@code choices} picked at
   * random. The same seed gives the same schedule for the same sequence of requests. Replaces an
   * earlier random schedule.
   */
  public Faults randomly(long seed, double probability, Fault... choices) {
    if (!(probability >= 0 && probability <= 1)) {
      throw new IllegalArgumentException("probability must be from 0 to 1, was " + probability);
    }
    if (choices.length == 0) {
      throw new IllegalArgumentException("choices must name at least one fault");
    }
    synchronized (lock) {
      random = new RandomRule(new Random(seed), probability, List.of(choices));
    }
    return this;
  }

  /** Removes every rule; requests are answered normally again. */
  public void clear() {
    synchronized (lock) {
      numbered.clear();
      matching.clear();
      random = null;
    }
  }

  /** How many requests got a fault so far. */
  public long injectedCount() {
    synchronized (lock) {
      return injected;
    }
  }

  /** Decides the fault of the next request, counting it. */
  @Nullable Fault pick(String method, String rawPath) {
    synchronized (lock) {
      requestsSeen++;
      Fault fault = decide(method, rawPath);
      if (fault != null) {
        injected++;
      }
      return fault;
    }
  }

  private @Nullable Fault decide(String method, String rawPath) {
    for (Iterator<NumberedRule> it = numbered.iterator(); it.hasNext(); ) {
      NumberedRule rule = it.next();
      if (rule.sequence == requestsSeen) {
        it.remove();
        return rule.fault;
      }
    }

    for (Iterator<MatchRule> it = matching.iterator(); it.hasNext(); ) {
      MatchRule rule = it.next();
      if ((rule.method == null || rule.method.equals(method))
          && rawPath.startsWith(rule.pathPrefix)) {
        rule.remaining--;
        if (rule.remaining == 0) {
          it.remove();
        }
        return rule.fault;
      }
    }

    RandomRule rule = random;
    if (rule != null && rule.random.nextDouble() < rule.probability) {
      return rule.choices.get(rule.random.nextInt(rule.choices.size()));
    }
    return null;
  }

  private record NumberedRule(long sequence, Fault fault) {}

  private static final class MatchRule {
    int remaining;
    final @Nullable String method;
    final String pathPrefix;
    final Fault fault;

    MatchRule(int remaining, @Nullable String method, String pathPrefix, Fault fault) {
      this.remaining = remaining;
      this.method = method;
      this.pathPrefix = pathPrefix;
      this.fault = fault;
    }
  }

  private record RandomRule(Random random, double probability, List<Fault> choices) {}
}
