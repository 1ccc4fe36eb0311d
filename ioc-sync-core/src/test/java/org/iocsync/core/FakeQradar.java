package org.iocsync.core;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Predicate;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;

/**
 * An in-memory QRadar for engine tests: reference sets that hold values, with faults on demand. A
 * fault strikes the n-th call of one operation either before the call takes effect or after it took
 * effect but before the answer reaches the caller (the answer is lost).
 */
final class FakeQradar implements SetTarget {
  enum Op {
    FIND,
    CREATE,
    ADD,
    REMOVE,
    VALUES
  }

  private record Fault(boolean afterEffect, Supplier<? extends Throwable> failure) {}

  private static final class FakeSet {
    final String elementType;
    final @Nullable String timeToLive;
    final Set<String> values = new LinkedHashSet<>();

    FakeSet(String elementType, @Nullable String timeToLive) {
      this.elementType = elementType;
      this.timeToLive = timeToLive;
    }
  }

  private final Map<String, FakeSet> sets = new LinkedHashMap<>();
  private final Map<Op, Integer> calls = new EnumMap<>(Op.class);
  private final Map<Op, Map<Integer, Fault>> faults = new EnumMap<>(Op.class);
  private final Map<Op, Supplier<? extends Throwable>> always = new EnumMap<>(Op.class);
  private final Map<String, Supplier<? extends Throwable>> addingFaults = new HashMap<>();
  private final List<List<String>> addBatches = new ArrayList<>();
  private final List<List<String>> removeBatches = new ArrayList<>();
  private Predicate<String> refuses = value -> false;

  synchronized void createSet(String name, String elementType) {
    sets.put(name, new FakeSet(elementType, null));
  }

  synchronized void deleteSet(String name) {
    sets.remove(name);
  }

  /** Adds values by hand, as a QRadar user would. */
  synchronized void addByHand(String set, String... values) {
    sets.get(set).values.addAll(List.of(values));
  }

  synchronized void removeByHand(String set, String... values) {
    sets.get(set).values.removeAll(List.of(values));
  }

  synchronized Set<String> contents(String set) {
    FakeSet fake = sets.get(set);
    return fake == null ? Set.of() : Set.copyOf(fake.values);
  }

  synchronized boolean exists(String set) {
    return sets.containsKey(set);
  }

  synchronized @Nullable String timeToLive(String set) {
    return sets.get(set).timeToLive;
  }

  synchronized void refuse(Predicate<String> refuses) {
    this.refuses = refuses;
  }

  /** The {@code n}-th call of {@code op} from now on (1 for the next) fails before it acts. */
  synchronized void failBefore(Op op, int n, Supplier<? extends Throwable> failure) {
    faults.computeIfAbsent(op, o -> new HashMap<>()).put(calls(op) + n, new Fault(false, failure));
  }

  /** The {@code n}-th call of {@code op} from now on acts, then fails before answering. */
  synchronized void failAfter(Op op, int n, Supplier<? extends Throwable> failure) {
    faults.computeIfAbsent(op, o -> new HashMap<>()).put(calls(op) + n, new Fault(true, failure));
  }

  /**
   * The first call that adds {@code value} fails before it acts, whichever call that is: with
   * batches in flight side by side, the order in which calls arrive is not the order sent.
   */
  synchronized void failAdding(String value, Supplier<? extends Throwable> failure) {
    addingFaults.put(value, failure);
  }

  /** Every call of {@code op} fails before it acts, until {@link #heal}. */
  synchronized void failAlways(Op op, Supplier<? extends Throwable> failure) {
    always.put(op, failure);
  }

  synchronized void heal() {
    faults.clear();
    always.clear();
    addingFaults.clear();
  }

  synchronized int calls(Op op) {
    return calls.getOrDefault(op, 0);
  }

  synchronized List<List<String>> addBatches() {
    return List.copyOf(addBatches);
  }

  synchronized List<List<String>> removeBatches() {
    return List.copyOf(removeBatches);
  }

  private @Nullable Fault enter(Op op) {
    int n = calls.merge(op, 1, Integer::sum);
    Supplier<? extends Throwable> failure = always.get(op);
    if (failure != null) {
      FakeMisp.throwUnchecked(failure.get());
    }
    Fault fault = faults.getOrDefault(op, Map.of()).get(n);
    if (fault != null && !fault.afterEffect()) {
      FakeMisp.throwUnchecked(fault.failure().get());
    }
    return fault;
  }

  private static void leave(@Nullable Fault fault) {
    if (fault != null) {
      FakeMisp.throwUnchecked(fault.failure().get());
    }
  }

  @Override
  public synchronized Optional<ReferenceSet> find(String name) {
    Fault fault = enter(Op.FIND);
    FakeSet set = sets.get(name);
    leave(fault);
    return set == null
        ? Optional.empty()
        : Optional.of(new ReferenceSet(name, set.elementType, set.timeToLive));
  }

  @Override
  public synchronized ReferenceSet create(
      String name, ElementType elementType, @Nullable String timeToLive) {
    Fault fault = enter(Op.CREATE);
    if (sets.containsKey(name)) {
      throw TargetException.permanent("set " + name + " exists (1004)", null);
    }
    sets.put(name, new FakeSet(elementType.name(), timeToLive));
    leave(fault);
    return new ReferenceSet(name, elementType.name(), timeToLive);
  }

  @Override
  public synchronized AddResult add(String set, List<String> values) {
    Fault fault = enter(Op.ADD);
    for (String value : values) {
      Supplier<? extends Throwable> failure = addingFaults.remove(value);
      if (failure != null) {
        FakeMisp.throwUnchecked(failure.get());
      }
    }
    FakeSet target = existing(set);
    addBatches.add(List.copyOf(values));
    List<String> accepted = new ArrayList<>();
    List<AddResult.Rejection> rejected = new ArrayList<>();
    for (String value : values) {
      if (refuses.test(value)) {
        rejected.add(new AddResult.Rejection(value, "not a valid " + target.elementType));
      } else {
        target.values.add(value);
        accepted.add(value);
      }
    }
    leave(fault);
    return new AddResult(accepted, rejected);
  }

  @Override
  public synchronized void remove(String set, List<String> values) {
    Fault fault = enter(Op.REMOVE);
    FakeSet target = existing(set);
    removeBatches.add(List.copyOf(values));
    values.forEach(target.values::remove);
    leave(fault);
  }

  @Override
  public synchronized Stream<String> values(String set) {
    Fault fault = enter(Op.VALUES);
    List<String> snapshot = List.copyOf(existing(set).values);
    leave(fault);
    return snapshot.stream();
  }

  private FakeSet existing(String set) {
    FakeSet target = sets.get(set);
    if (target == null) {
      throw TargetException.permanent("set " + set + " does not exist (1002)", null);
    }
    return target;
  }
}
