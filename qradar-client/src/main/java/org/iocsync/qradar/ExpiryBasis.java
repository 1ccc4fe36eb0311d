package org.iocsync.qradar;

/** What a reference set's time to live counts from. */
public enum ExpiryBasis {
  /** A value expires a time to live after it was first added. */
  FIRST_SEEN,
  /** A value expires a time to live after it was last added again. */
  LAST_SEEN
}
