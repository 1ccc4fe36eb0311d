package org.iocsync.testkit;

import java.util.Arrays;
import org.jspecify.annotations.Nullable;

/**
 * The entries of one reference set in insertion order, column by column, with an open-addressing
 * index from value to position: a million entries cost their strings plus about 30 bytes each.
 *
 * <p>Removal leaves a hole that {@link #compact()} closes before positions are read. Not thread
 * safe; the store guards it.
 */
final class ValueTable {
  private @Nullable String[] values = new String[0];
  private long[] firstSeen = new long[0];
  private long[] lastSeen = new long[0];
  private int[] ids = new int[0];
  private short[] sources = new short[0];
  private @Nullable String @Nullable [] notes;
  private int size;
  private int holes;
  private int[] index = new int[16];

  /** The number of entries. */
  int live() {
    return size - holes;
  }

  /** The position of {@code value}, or -1. */
  int find(String value) {
    int mask = index.length - 1;
    for (int slot = home(value, mask); index[slot] != 0; slot = (slot + 1) & mask) {
      int position = index[slot] - 1;
      if (value.equals(values[position])) {
        return position;
      }
    }
    return -1;
  }

  /** Adds {@code value}, or refreshes its last-seen time; returns true when it was new. */
  boolean put(String value, long now, int id, short source, @Nullable String note) {
    int found = find(value);
    if (found >= 0) {
      lastSeen[found] = now;
      sources[found] = source;
      if (note != null) {
        setNote(found, note);
      }
      return false;
    }
    if (size == values.length) {
      grow();
    }
    int position = size++;
    values[position] = value;
    firstSeen[position] = now;
    lastSeen[position] = now;
    ids[position] = id;
    sources[position] = source;
    if (note != null) {
      setNote(position, note);
    }
    insert(position);
    return true;
  }

  /** Removes {@code value}; returns whether it was there. */
  boolean remove(String value) {
    int mask = index.length - 1;
    for (int slot = home(value, mask); index[slot] != 0; slot = (slot + 1) & mask) {
      int position = index[slot] - 1;
      if (value.equals(values[position])) {
        values[position] = null;
        holes++;
        deleteSlot(slot);
        return true;
      }
    }
    return false;
  }

  void clear() {
    values = new String[0];
    firstSeen = new long[0];
    lastSeen = new long[0];
    ids = new int[0];
    sources = new short[0];
    notes = null;
    size = 0;
    holes = 0;
    index = new int[16];
  }

  /** Closes the holes removals left, keeping the order; positions change. */
  void compact() {
    if (holes == 0) {
      return;
    }
    int kept = 0;
    for (int position = 0; position < size; position++) {
      if (values[position] != null) {
        values[kept] = values[position];
        firstSeen[kept] = firstSeen[position];
        lastSeen[kept] = lastSeen[position];
        ids[kept] = ids[position];
        sources[kept] = sources[position];
        if (notes != null) {
          notes[kept] = notes[position];
        }
        kept++;
      }
    }
    Arrays.fill(values, kept, size, null);
    if (notes != null) {
      Arrays.fill(notes, kept, size, null);
    }
    size = kept;
    holes = 0;
    rebuildIndex(index.length);
  }

  /**
   * The position of the entry with {@code id}, or -1; ids grow with the position, holes keep
   * theirs, so a binary search finds it without closing the holes.
   */
  int positionOfId(int id) {
    int found = Arrays.binarySearch(ids, 0, size, id);
    return found >= 0 && values[found] != null ? found : -1;
  }

  String value(int position) {
    String value = values[position];
    if (value == null) {
      throw new IllegalStateException("compact() before reading positions");
    }
    return value;
  }

  long firstSeen(int position) {
    return firstSeen[position];
  }

  long lastSeen(int position) {
    return lastSeen[position];
  }

  int id(int position) {
    return ids[position];
  }

  short source(int position) {
    return sources[position];
  }

  @Nullable String note(int position) {
    return notes == null ? null : notes[position];
  }

  private void setNote(int position, String note) {
    if (notes == null) {
      notes = new String[values.length];
    }
    notes[position] = note;
  }

  private void grow() {
    int capacity = Math.max(16, values.length + (values.length >> 1));
    values = Arrays.copyOf(values, capacity);
    firstSeen = Arrays.copyOf(firstSeen, capacity);
    lastSeen = Arrays.copyOf(lastSeen, capacity);
    ids = Arrays.copyOf(ids, capacity);
    sources = Arrays.copyOf(sources, capacity);
    if (notes != null) {
      notes = Arrays.copyOf(notes, capacity);
    }
  }

  private void insert(int position) {
    if ((live() + holes) * 2 > index.length) {
      rebuildIndex(index.length * 2);
      return;
    }
    place(position);
  }

  private void place(int position) {
    int mask = index.length - 1;
    int slot = home(values[position], mask);
    while (index[slot] != 0) {
      slot = (slot + 1) & mask;
    }
    index[slot] = position + 1;
  }

  private void rebuildIndex(int capacity) {
    while (capacity < 16 || size * 2 > capacity) {
      capacity = Math.max(16, capacity * 2);
    }
    index = new int[capacity];
    for (int position = 0; position < size; position++) {
      if (values[position] != null) {
        place(position);
      }
    }
  }

  /** Removes the index slot and shifts back the entries of its probe run (Knuth's algorithm R). */
  private void deleteSlot(int slot) {
    int mask = index.length - 1;
    int hole = slot;
    index[hole] = 0;
    for (int next = (hole + 1) & mask; index[next] != 0; next = (next + 1) & mask) {
      int home = home(values[index[next] - 1], mask);
      boolean stays = hole <= next ? (hole < home && home <= next) : (hole < home || home <= next);
      if (!stays) {
        index[hole] = index[next];
        index[next] = 0;
        hole = next;
      }
    }
  }

  private static int home(@Nullable String value, int mask) {
    int hash = value == null ? 0 : value.hashCode();
    return (hash ^ (hash >>> 16)) * 0x9E3779B1 >>> 7 & mask;
  }
}
