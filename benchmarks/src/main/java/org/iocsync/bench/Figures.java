package org.iocsync.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.util.Locale;

/** What a benchmark run measures and how it reports it to the suite, one line a figure. */
final class Figures {
  static final String PREFIX = "FIGURE ";

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

  /** Prints one figure for the suite to read. */
  static void report(String key, double value) {
    System.out.println(PREFIX + key + " " + String.format(Locale.ROOT, "%.3f", value));
  }
}
