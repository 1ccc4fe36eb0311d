package org.iocsync.core;

import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * The store cannot do what was asked. The {@link #problem()} says who must act; the message says
 * which file and what to do. Whatever the problem, the change that failed was rolled back and
 * everything committed before it is kept.
 */
public final class StoreException extends RuntimeException {
  /** What kind of trouble the store is in. */
  public enum Problem {
    /** The database file is damaged or is not an IOC Sync database. */
    CORRUPT,
    /** Another process holds the database or the state directory. */
    LOCKED,
    /** The database was written by a newer IOC Sync whose schema this build does not know. */
    NEWER_SCHEMA,
    /** The disk (or the database's size limit) is full. */
    DISK_FULL,
    /** The key that encrypts secrets is missing, unreadable, too widely readable or wrong. */
    SECRET_KEY,
    /** Any other failure to read or write the state directory. */
    IO
  }

  private final Problem problem;

  StoreException(Problem problem, String message, @Nullable Throwable cause) {
    super(message, cause);
    this.problem = Objects.requireNonNull(problem, "problem");
  }

  /** What kind of trouble the store is in. */
  public Problem problem() {
    return problem;
  }
}
