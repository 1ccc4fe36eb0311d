package org.iocsync.core;

import java.util.Collection;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;

/**
 * Where the sync engine writes values: QRadar's reference sets, through an adapter of its client,
 * or a fake in tests. Each method throws {@link TargetException} when QRadar fails; whether the
 * failure is {@linkplain TargetException#retryable() retryable} decides whether the engine tries
 * again.
 */
public interface SetTarget {
  /** The set called {@code name}, or empty when QRadar has none. */
  Optional<ReferenceSet> find(String name);

  /** Creates a set; {@code timeToLive} null means values never expire. */
  ReferenceSet create(String name, ElementType elementType, @Nullable String timeToLive);

  /**
   * Adds {@code values} to the set. Adding a value the set already holds is harmless. Every value
   * appears in the result, either accepted or rejected; one the result omits counts as not sent.
   */
  AddResult add(String set, List<String> values);

  /**
   * Removes {@code values} from the set; a value the set does not hold is no error, so a batch that
   * failed may be sent again whole.
   */
  void remove(String set, List<String> values);

  /**
   * Streams the values the set holds now, a page at a time, written as they were added (a full run
   * sends again each desired value it does not find here). The caller closes the stream.
   */
  Stream<String> values(String set);

  /**
   * Which of {@code values} the set holds now, spelt as given, so that a run does not claim a value
   * someone else put there. A target compares values as its set does (QRadar's {@code ALNIC} sets
   * ignore case) and may ask about just these values; this default compares them as written and
   * reads the whole set through {@link #values}, keeping in memory only {@code values} and one page
   * of the set.
   */
  default Set<String> present(String set, Collection<String> values) {
    Set<String> wanted = new HashSet<>(values);
    Set<String> found = new HashSet<>();
    if (wanted.isEmpty()) {
      return found;
    }
    try (Stream<String> held = values(set)) {
      Iterator<String> iterator = held.iterator();
      while (iterator.hasNext() && found.size() < wanted.size()) {
        String value = iterator.next();
        if (wanted.contains(value)) {
          found.add(value);
        }
      }
    }
    return found;
  }
}
