package org.iocsync.bench;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.iocsync.qradar.BulkWriteResult;
import org.iocsync.qradar.NewReferenceSet;
import org.iocsync.qradar.QradarClient;
import org.iocsync.qradar.QradarElementType;
import org.iocsync.qradar.ReferenceApi;
import org.iocsync.qradar.ReferenceSets;

/**
 * Bulk-loads generated IPv4 addresses into a new QRadar reference set through {@link QradarClient}
 * and reports values per second and the heap's peak. Arguments: the server's URL, its token, the
 * API ({@code LEGACY} or {@code COLLECTIONS}), the count and the batch size.
 */
public final class QradarBulkRun {
  private QradarBulkRun() {}

  public static void main(String[] args) {
    String url = args[0];
    String token = args[1];
    ReferenceApi api = ReferenceApi.valueOf(args[2]);
    int count = Integer.parseInt(args[3]);
    int batchSize = Integer.parseInt(args[4]);
    QradarClient qradar =
        QradarClient.builder()
            .baseUrl(url)
            .token(token)
            .api(api)
            .batchSize(batchSize)
            .taskPollInterval(Duration.ofMillis(20))
            .build();
    ReferenceSets sets = qradar.referenceSets();
    String name = "bench " + api;
    sets.create(NewReferenceSet.of(name, QradarElementType.IP));
    Figures.resetHeapPeak();

    long start = System.nanoTime();
    long accepted = 0;
    List<String> batch = new ArrayList<>(batchSize);
    for (int i = 0; i < count; i++) {
      batch.add(address(i));
      if (batch.size() == batchSize || i == count - 1) {
        BulkWriteResult written = sets.add(name, batch);
        accepted += written.accepted().size();
        batch.clear();
      }
    }
    double seconds = (System.nanoTime() - start) / 1e9;

    if (accepted != count) {
      throw new IllegalStateException("QRadar accepted " + accepted + " of " + count + " values");
    }
    Figures.report("values", accepted);
    Figures.report("seconds", seconds);
    Figures.report("valuesPerSecond", accepted / seconds);
    Figures.report("heapPeakMib", Figures.heapPeakMib());
  }

  /** The {@code i}-th address of 10.0.0.0/8 and beyond, each distinct. */
  private static String address(int i) {
    return (10 + (i >>> 24))
        + "."
        + ((i >>> 16) & 0xff)
        + "."
        + ((i >>> 8) & 0xff)
        + "."
        + (i & 0xff);
  }
}
