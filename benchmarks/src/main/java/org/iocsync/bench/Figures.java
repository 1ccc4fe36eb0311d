package org.iocsync.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/** What a benchmark run measures and how it reports it to the suite, one line a figure. */
final class Figures {
  static final String PREFIX = "FIGURE ";
  static final String READY = "READY ";
  private static final BufferedReader SUITE =
      new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));

  private Figures() {}

  /** Forgets the heap's peak so far, so that the next peak is the measured work's own. */
  static void resetHeapPeak() {
    System.gc();
    for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
      if (pool.getType() == MemoryType.HEAP) {
        pool.resetPeakUsage();
      }
    }
  }

  /** The highest heap use since the last reset, in MiB, summed over the heap's pools. */
  static double heapPeakMib() {
    long bytes = 0;
    for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
      if (pool.getType() == MemoryType.HEAP) {
        bytes += pool.getPeakUsage().getUsed();
      }
    }
    return bytes / (1024.0 * 1024.0);
  }

  /** Tells the suite that {@code phase} may begin, and waits until it has made it ready. */
  static void awaitPhase(String phase) {
    System.out.println(READY + phase);
    try {
      if (SUITE.readLine() == null) {
        throw new IllegalStateException("the suite went away before " + phase);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Prints one figure for the suite to read. */
  static void report(String key, double value) {
    System.out.println(PREFIX + key + " " + String.format(Locale.ROOT, "%.3f", value));
  }
}
