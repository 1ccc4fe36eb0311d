package org.iocsync.bench;

import java.util.stream.Stream;
import org.iocsync.misp.AttributeQuery;
import org.iocsync.misp.MispAttribute;
import org.iocsync.misp.MispClient;

/**
 * Streams every attribute of a MISP server through {@link MispClient} and reports attributes per
 * second and the heap's peak. Arguments: the server's URL, its key, and the count expected.
 */
public final class MispStreamRun {
  private MispStreamRun() {}

  public static void main(String[] args) {
    String url = args[0];
    String key = args[1];
    long expected = Long.parseLong(args[2]);
    MispClient misp = MispClient.builder().baseUrl(url).apiKey(key).build();
    AttributeQuery everything =
        AttributeQuery.builder().pageSize(AttributeQuery.DEFAULT_PAGE_SIZE).build();
    Figures.resetHeapPeak();

    long start = System.nanoTime();
    long count;
    long valueChars = 0;
    try (Stream<MispAttribute> attributes = misp.searchAttributes(everything)) {
      count = 0;
      for (MispAttribute attribute : (Iterable<MispAttribute>) attributes::iterator) {
        valueChars += attribute.value().length();
        count++;
      }
    }
    double seconds = (System.nanoTime() - start) / 1e9;

    if (count != expected) {
      throw new IllegalStateException("read " + count + " attributes, expected " + expected);
    }
    Figures.report("attributes", count);
    Figures.report("seconds", seconds);
    Figures.report("attributesPerSecond", count / seconds);
    Figures.report("heapPeakMib", Figures.heapPeakMib());
    Figures.report("valueChars", valueChars);
  }
}
