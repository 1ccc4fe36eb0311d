package org.iocsync.qradar;

import java.time.Duration;

/** Writes a time to live the way each API takes it. */
final class TimeToLive {
  private TimeToLive() {}

  /** For the legacy API: an interval such as {@code 30 days}, in the largest exact unit. */
  static String interval(Duration timeToLive) {
    long seconds = timeToLive.getSeconds();
    if (seconds % 86_400 == 0) {
      return seconds / 86_400 + " days";
    }
    if (seconds % 3_600 == 0) {
      return seconds / 3_600 + " hours";
    }
    if (seconds % 60 == 0) {
      return seconds / 60 + " minutes";
    }
    return seconds + " seconds";
  }

  /**
   * For the collections API: a number of seconds. IBM's pages give the field as a number without
   * naming its unit; seconds is what tools in the field send.
   */
  static long seconds(Duration timeToLive) {
    return timeToLive.getSeconds();
  }
}
