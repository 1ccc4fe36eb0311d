package org.iocsync.core;

import java.time.Duration;

/** Waits between retries; tests swap it for one that only moves a fake clock. */
interface Sleeper {
  Sleeper SYSTEM = duration -> Thread.sleep(duration.toMillis());

  void sleep(Duration duration) throws InterruptedException;
}
