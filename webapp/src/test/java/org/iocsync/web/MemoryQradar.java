package org.iocsync.web;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;
import org.iocsync.core.AddResult;
import org.iocsync.core.ElementType;
import org.iocsync.core.ReferenceSet;
import org.iocsync.core.SetTarget;
import org.iocsync.core.TargetException;
import org.jspecify.annotations.Nullable;

/** QRadar reference sets held in memory, standing in for the QRadar client's adapter. */
final class MemoryQradar implements SetTarget {
  private final Map<String, ReferenceSet> sets = new ConcurrentHashMap<>();
  private final Map<String, Set<String>> values = new ConcurrentHashMap<>();
  private volatile boolean refusing;

  void refuse(boolean refusing) {
    this.refusing = refusing;
  }

  synchronized List<String> sorted(String set) {
    return new ArrayList<>(new TreeSet<>(values.getOrDefault(set, Set.of())));
  }

  @Override
  public Optional<ReferenceSet> find(String name) {
    check();
    return Optional.ofNullable(sets.get(name));
  }

  @Override
  public synchronized ReferenceSet create(
      String name, ElementType elementType, @Nullable String timeToLive) {
    check();
    ReferenceSet set = new ReferenceSet(name, elementType.name(), timeToLive);
    sets.put(name, set);
    values.put(name, new TreeSet<>());
    return set;
  }

  @Override
  public synchronized AddResult add(String set, List<String> batch) {
    check();
    values.get(set).addAll(batch);
    return AddResult.allAccepted(batch);
  }

  @Override
  public synchronized void remove(String set, List<String> batch) {
    check();
    batch.forEach(values.get(set)::remove);
  }

  @Override
  public synchronized Stream<String> values(String set) {
    check();
    return new ArrayList<>(values.getOrDefault(set, Set.of())).stream();
  }

  private void check() {
    if (refusing) {
      throw TargetException.permanent(
          "QRadar answered 401: the token is not valid; renew it", null);
    }
  }
}
