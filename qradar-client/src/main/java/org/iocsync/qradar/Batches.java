package org.iocsync.qradar;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import org.jspecify.annotations.Nullable;

/**
 * Cuts values into batches of at most a number of values and, so that long values such as URLs do
 * not make huge requests, at most {@link #MAX_BATCH_BYTES} of request body. A value larger than
 * that travels alone.
 */
final class Batches implements Iterable<List<String>> {
  /** The most request body one batch should make, estimated from the values' UTF-8 length. */
  static final long MAX_BATCH_BYTES = 1024 * 1024;

  private final Collection<String> values;
  private final int maxValues;
  private final int overheadPerValue;

  /**
   * @param overheadPerValue the JSON each value costs beyond its own bytes
   */
  Batches(Collection<String> values, int maxValues, int overheadPerValue) {
    this.values = values;
    this.maxValues = maxValues;
    this.overheadPerValue = overheadPerValue;
  }

  @Override
  public Iterator<List<String>> iterator() {
    Iterator<String> source = values.iterator();
    return new Iterator<>() {
      private @Nullable String carried;

      @Override
      public boolean hasNext() {
        return carried != null || source.hasNext();
      }

      @Override
      public List<String> next() {
        if (!hasNext()) {
          throw new NoSuchElementException();
        }
        List<String> batch = new ArrayList<>(Math.min(maxValues, values.size()));
        long bytes = 0;
        while (batch.size() < maxValues && (carried != null || source.hasNext())) {
          String value = carried != null ? carried : source.next();
          carried = null;
          long size = utf8Length(value) + overheadPerValue;
          if (!batch.isEmpty() && bytes + size > MAX_BATCH_BYTES) {
            carried = value;
            break;
          }
          batch.add(value);
          bytes += size;
        }
        return batch;
      }
    };
  }

  static long utf8Length(String text) {
    long length = 0;
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c < 0x80) {
        length += 1;
      } else if (c < 0x800) {
        length += 2;
      } else if (Character.isHighSurrogate(c)) {
        length += 4;
        i++;
      } else {
        length += 3;
      }
    }
    return length;
  }
}
