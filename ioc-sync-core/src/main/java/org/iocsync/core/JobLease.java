package org.iocsync.core;

import java.time.Duration;

/**
 * The right of one instance to run one job, for a while. The store that granted it renews it in the
 * background until it is released; {@link #held()} turns false for good once a renewal is refused
 * or too long has passed without one, and the run it covers must then stop.
 *
 * <p>The holder's view is conservative: it counts the lease's time from before it asked the
 * database, so it gives the lease up no later than the database lets another instance take it.
 */
final class JobLease {
  private final String job;
  private final String holder;
  private final long token;
  private final Duration duration;
  private volatile long deadlineNanos;
  private volatile boolean lost;

  JobLease(String job, String holder, long token, Duration duration, long askedAtNanos) {
    this.job = job;
    this.holder = holder;
    this.token = token;
    this.duration = duration;
    this.deadlineNanos = deadline(askedAtNanos);
  }

  String job() {
    return job;
  }

  String holder() {
    return holder;
  }

  /** A number drawn afresh each time a lease is taken, which tells this lease from later ones. */
  long token() {
    return token;
  }

  /** Whether the run this lease covers may go on. */
  boolean held() {
    return !lost && System.nanoTime() - deadlineNanos < 0;
  }

  /** Records a renewal asked for at {@code askedAtNanos} (from {@link System#nanoTime()}). */
  void renewed(long askedAtNanos) {
    long deadline = deadline(askedAtNanos);
    if (deadline - deadlineNanos > 0) {
      deadlineNanos = deadline;
    }
  }

  /** Marks the lease as gone: another instance may have it now. */
  void lose() {
    lost = true;
  }

  private long deadline(long askedAtNanos) {
    // A tenth of the lease is kept back for the time between a check and the call it guards.
    return askedAtNanos + duration.toNanos() - duration.toNanos() / 10;
  }

  @Override
  public String toString() {
    return "JobLease{" + job + " held by " + holder + ", token " + token + "}";
  }
}
