package org.iocsync.testkit;

import java.time.InstantSource;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;

/**
 * The fake QRadar's reference sets and tasks. Both APIs see the same sets: a legacy set's {@code
 * collection_id} is its collection's {@code id}. Every method is synchronized; readers copy rows
 * out and render them after the lock is released.
 */
final class QradarStore {
  /** How entries expire; the legacy API calls {@link #NO_EXPIRY} {@code UNKNOWN}. */
  enum Expiry {
    NO_EXPIRY,
    FIRST_SEEN,
    LAST_SEEN
  }

  /** A set's metadata, copied. */
  record SetInfo(
      int id,
      String name,
      ElementType type,
      @Nullable String timeToLive,
      @Nullable Long timeToLiveSeconds,
      Expiry expiry,
      String expiredLogOption,
      long creationTime,
      int size) {}

  /** One entry, copied. */
  record EntryRow(
      int id,
      int collectionId,
      String value,
      String source,
      @Nullable String notes,
      long firstSeen,
      long lastSeen) {}

  /** The outcome of one entry of a bulk update; a task keeps one byte per entry. */
  enum EntryOutcome {
    CREATED(201, null, "The entry was created"),
    UPDATED(200, null, "The entry was updated"),
    DELETED(200, null, "The entry was deleted"),
    NOT_FOUND(404, 22001, "The entry was not found"),
    INVALID_VALUE(422, 20006, "The provided value does not match the collection entry type"),
    NO_VALUE(422, 20003, "The value was not specified"),
    NO_SET(422, 20004, "A Set with the specified ID was not found");

    private static final EntryOutcome[] ALL = values();

    final int httpStatus;
    final @Nullable Integer uniqueCode;
    final String message;

    EntryOutcome(int httpStatus, @Nullable Integer uniqueCode, String message) {
      this.httpStatus = httpStatus;
      this.uniqueCode = uniqueCode;
      this.message = message;
    }

    static EntryOutcome of(byte code) {
      return ALL[code];
    }

    byte code() {
      return (byte) ordinal();
    }
  }

  /** An asynchronous task: it finishes after a number of polls. */
  static final class Task {
    final int id;
    final String name;
    final long created;
    int pollsLeft;
    String status = "QUEUED";
    long started;
    long modified;
    long completed;
    @Nullable String failure;
    @Nullable Work work;
    byte @Nullable [] outcomes;

    Task(int id, String name, long created, int polls, @Nullable String failure, Work work) {
      this.id = id;
      this.name = name;
      this.created = created;
      this.modified = created;
      this.pollsLeft = polls;
      this.failure = failure;
      this.work = work;
    }
  }

  /** Thrown when a set name is taken. */
  static final class NameInUseException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    NameInUseException(String name) {
      super(name);
    }
  }

  private static final class RefSet {
    final int id;
    final String name;
    final ElementType type;
    final long creationTime;
    final ValueTable table = new ValueTable();
    @Nullable String timeToLive;
    @Nullable Long timeToLiveSeconds;
    Expiry expiry;
    String expiredLogOption = "LOG_BATCH";

    RefSet(int id, String name, ElementType type, long creationTime, Expiry expiry) {
      this.id = id;
      this.name = name;
      this.type = type;
      this.creationTime = creationTime;
      this.expiry = expiry;
    }
  }

  private final InstantSource clock;
  private final Map<String, RefSet> byName = new LinkedHashMap<>();
  private final Map<Integer, RefSet> byId = new HashMap<>();
  private final NavigableMap<Integer, Task> tasks = new TreeMap<>();
  private final List<String> sources = new ArrayList<>();
  private final Map<String, Short> sourceIndex = new HashMap<>();
  private int nextSetId = 1;
  private int nextEntryId = 1;
  private int nextTaskId = 1;
  private int taskPolls;
  private @Nullable String failNextTask;

  QradarStore(InstantSource clock, int taskPolls) {
    this.clock = clock;
    this.taskPolls = taskPolls;
  }

  long now() {
    return clock.instant().toEpochMilli();
  }

  // ---------------------------------------------------------------------------------------------
  // Sets

  synchronized SetInfo create(
      String name,
      ElementType type,
      @Nullable String timeToLive,
      @Nullable Long timeToLiveSeconds,
      Expiry expiry) {
    if (byName.containsKey(name)) {
      throw new NameInUseException(name);
    }
    RefSet set = new RefSet(nextSetId++, name, type, now(), expiry);
    set.timeToLive = timeToLive;
    set.timeToLiveSeconds = timeToLiveSeconds;
    byName.put(name, set);
    byId.put(set.id, set);
    return info(set);
  }

  synchronized @Nullable SetInfo set(String name) {
    RefSet set = byName.get(name);
    return set == null ? null : info(set);
  }

  synchronized @Nullable SetInfo set(int id) {
    RefSet set = byId.get(id);
    return set == null ? null : info(set);
  }

  synchronized List<SetInfo> sets() {
    List<SetInfo> out = new ArrayList<>(byName.size());
    for (RefSet set : byName.values()) {
      out.add(info(set));
    }
    return out;
  }

  synchronized @Nullable SetInfo update(
      int id,
      @Nullable Long timeToLiveSeconds,
      @Nullable Expiry expiry,
      @Nullable String expiredLogOption,
      boolean deleteEntries) {
    RefSet set = byId.get(id);
    if (set == null) {
      return null;
    }
    if (timeToLiveSeconds != null) {
      set.timeToLiveSeconds = timeToLiveSeconds;
      set.timeToLive = null;
    }
    if (expiry != null) {
      set.expiry = expiry;
    }
    if (expiredLogOption != null) {
      set.expiredLogOption = expiredLogOption;
    }
    if (deleteEntries) {
      set.table.clear();
    }
    return info(set);
  }

  private void drop(int id) {
    RefSet set = byId.remove(id);
    if (set != null) {
      byName.remove(set.name);
    }
  }

  private void purge(int id) {
    RefSet set = byId.get(id);
    if (set != null) {
      set.table.clear();
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Entries

  /** Adds or refreshes one value, already checked against the set's type; true when new. */
  synchronized boolean add(int setId, String value, String source, @Nullable String notes) {
    RefSet set = byId.get(setId);
    if (set == null) {
      throw new IllegalStateException("No set " + setId);
    }
    return addTo(set, value, source, notes);
  }

  /** Adds many checked values to one set at once. */
  synchronized void addAll(int setId, List<String> values, String source) {
    RefSet set = byId.get(setId);
    if (set == null) {
      throw new IllegalStateException("No set " + setId);
    }
    for (String value : values) {
      addTo(set, value, source, null);
    }
  }

  private boolean addTo(RefSet set, String value, String source, @Nullable String notes) {
    boolean created =
        set.table.put(set.type.normalize(value), now(), nextEntryId, source(source), notes);
    if (created) {
      nextEntryId++;
    }
    return created;
  }

  synchronized boolean remove(int setId, String value) {
    RefSet set = byId.get(setId);
    return set != null && set.table.remove(set.type.normalize(value));
  }

  /** The entry with {@code id}, in whatever set holds it. */
  synchronized @Nullable EntryRow entry(int id) {
    for (RefSet set : byId.values()) {
      int position = set.table.positionOfId(id);
      if (position >= 0) {
        return row(set, position);
      }
    }
    return null;
  }

  synchronized boolean removeEntry(int id) {
    for (RefSet set : byId.values()) {
      int position = set.table.positionOfId(id);
      if (position >= 0) {
        return set.table.remove(set.table.value(position));
      }
    }
    return false;
  }

  /** The entry of {@code value} in set {@code setId}, if there. */
  synchronized @Nullable EntryRow find(int setId, String value) {
    RefSet set = byId.get(setId);
    if (set == null) {
      return null;
    }
    int position = set.table.find(set.type.normalize(value));
    return position < 0 ? null : row(set, position);
  }

  /**
   * The entries of set {@code setId} holding any of {@code values}, each entry once, in the order
   * of the values, found through the set's index.
   */
  synchronized List<EntryRow> findAll(int setId, List<String> values) {
    RefSet set = byId.get(setId);
    if (set == null) {
      return List.of();
    }
    List<EntryRow> rows = new ArrayList<>();
    Set<Integer> seen = new HashSet<>();
    for (String value : values) {
      int position = set.table.find(set.type.normalize(value));
      if (position >= 0 && seen.add(position)) {
        rows.add(row(set, position));
      }
    }
    return rows;
  }

  /** Entries {@code from} to {@code to} (exclusive) of one set, in insertion order. */
  synchronized List<EntryRow> rows(int setId, int from, int to) {
    RefSet set = byId.get(setId);
    if (set == null) {
      return List.of();
    }
    set.table.compact();
    int end = Math.min(to, set.table.live());
    List<EntryRow> rows = new ArrayList<>(Math.max(0, end - from));
    for (int position = from; position < end; position++) {
      rows.add(row(set, position));
    }
    return rows;
  }

  /** The ids of all sets, in creation order. */
  synchronized List<Integer> setIds() {
    return new ArrayList<>(byId.keySet().stream().sorted().toList());
  }

  private EntryRow row(RefSet set, int position) {
    ValueTable table = set.table;
    return new EntryRow(
        table.id(position),
        set.id,
        table.value(position),
        sources.get(table.source(position)),
        table.note(position),
        table.firstSeen(position),
        table.lastSeen(position));
  }

  private short source(String source) {
    Short index = sourceIndex.get(source);
    if (index != null) {
      return index;
    }
    if (sources.size() >= Short.MAX_VALUE) {
      throw new IllegalStateException("The fake QRadar keeps at most 32767 distinct sources");
    }
    short added = (short) sources.size();
    sources.add(source);
    sourceIndex.put(source, added);
    return added;
  }

  // ---------------------------------------------------------------------------------------------
  // Tasks

  /** What a task does when it finishes, under the store's lock; bulk updates return outcomes. */
  interface Work {
    byte @Nullable [] run();
  }

  synchronized Task purgeTask(int setId, String setName) {
    return newTask(
        "Purge reference set " + setName,
        () -> {
          purge(setId);
          return null;
        });
  }

  synchronized Task deleteTask(int setId, String setName) {
    return newTask(
        "Delete reference set " + setName,
        () -> {
          drop(setId);
          return null;
        });
  }

  synchronized Task bulkTask(Work work) {
    return newTask("Bulk update of set entries", work);
  }

  private Task newTask(String name, Work work) {
    Task task = new Task(nextTaskId++, name, now(), taskPolls, failNextTask, work);
    failNextTask = null;
    tasks.put(task.id, task);
    return task;
  }

  /**
   * Looks at a task, moving it one step on: it ends when its polls are used up. QRadar works
   * through its task queue in order, so a task that ends first ends each earlier one that can end,
   * such as a task whose client lost the answer that named it.
   */
  synchronized @Nullable Task poll(int id) {
    Task task = tasks.get(id);
    if (task == null) {
      return null;
    }
    if (task.work == null) {
      return task;
    }
    long now = now();
    task.modified = now;
    task.pollsLeft = task.pollsLeft == Integer.MAX_VALUE ? task.pollsLeft : task.pollsLeft - 1;
    if (task.pollsLeft > 0) {
      task.status = "PROCESSING";
      task.started = task.started == 0 ? now : task.started;
      return task;
    }
    for (Task earlier : tasks.headMap(id, false).values()) {
      if (earlier.work != null && earlier.pollsLeft != Integer.MAX_VALUE) {
        finish(earlier, now);
      }
    }
    finish(task, now);
    return task;
  }

  private static void finish(Task task, long now) {
    Work work = Objects.requireNonNull(task.work);
    task.work = null;
    task.modified = now;
    task.started = task.started == 0 ? now : task.started;
    task.completed = now;
    if (task.failure != null) {
      task.status = "EXCEPTION";
    } else {
      task.outcomes = work.run();
      task.status = "COMPLETED";
    }
  }

  synchronized @Nullable Task task(int id) {
    return tasks.get(id);
  }

  synchronized void taskPolls(int polls) {
    this.taskPolls = polls;
  }

  synchronized void failNextTask(String message) {
    this.failNextTask = message;
  }

  synchronized void finishTasks() {
    for (Task task : tasks.values()) {
      while (task.work != null) {
        task.pollsLeft = 1;
        poll(task.id);
      }
    }
  }

  private static SetInfo info(RefSet set) {
    return new SetInfo(
        set.id,
        set.name,
        set.type,
        set.timeToLive,
        set.timeToLiveSeconds,
        set.expiry,
        set.expiredLogOption,
        set.creationTime,
        set.table.live());
  }
}
