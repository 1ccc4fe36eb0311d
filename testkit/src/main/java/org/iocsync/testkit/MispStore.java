package org.iocsync.testkit;

import java.time.InstantSource;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.locks.Lock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * The fake MISP's data, column by column so that a million attributes stay small: an attribute is a
 * position in parallel arrays, seeded values are computed rather than stored, and UUIDs are derived
 * from the position.
 *
 * <p>One read-write lock guards everything; readers copy what they need into {@link AttributeRow}s
 * and render outside the lock, so a slow client never blocks a writer.
 */
final class MispStore {
  private static final byte TO_IDS = 1;
  private static final byte DELETED = 2;
  private static final byte GONE = 4;
  private static final int[] NO_TAGS = new int[0];
  private static final int SEEDED_EVENT_SIZE = 1000;

  /** A tag as rendered on an attribute or event. */
  record TagRow(int id, String name, String colour, boolean inherited) {}

  /** A copy of one attribute, taken under the lock, with its event's summary. */
  record AttributeRow(
      int id,
      int eventId,
      String eventUuid,
      String eventInfo,
      String type,
      String category,
      String value,
      boolean toIds,
      boolean deleted,
      long timestamp,
      String uuid,
      String comment,
      @Nullable String firstSeen,
      @Nullable String lastSeen,
      List<TagRow> tags) {}

  /** A copy of one event. */
  record EventRow(
      int id,
      String uuid,
      String info,
      boolean published,
      long timestamp,
      long publishTimestamp,
      String date,
      int threatLevel,
      int analysis,
      String orgName,
      int attributeCount,
      List<TagRow> tags) {}

  /** One page of a search: positions to render, and how many the warninglist removed. */
  record Page(int[] positions, int skipped) {}

  /** The extras few attributes have; null for most. */
  private static final class Extra {
    String comment = "";
    int[] tags = NO_TAGS;
    @Nullable String firstSeen;
    @Nullable String lastSeen;
    @Nullable String uuid;
  }

  private static final class EventRec {
    final int id;
    final String uuid;
    final String info;
    final String date;
    final int threatLevel;
    final int analysis;
    final String orgName;
    boolean published;
    long timestamp;
    long publishTimestamp;
    int[] tags = NO_TAGS;
    boolean deleted;
    int liveAttributes;

    EventRec(
        int id,
        String uuid,
        String info,
        String date,
        int threatLevel,
        int analysis,
        String orgName) {
      this.id = id;
      this.uuid = uuid;
      this.info = info;
      this.date = date;
      this.threatLevel = threatLevel;
      this.analysis = analysis;
      this.orgName = orgName;
    }
  }

  private record SeedBatch(int start, int end, long seed) {}

  private record Matches(long version, int[] positions) {}

  private final ReentrantReadWriteLock lock = new ReentrantReadWriteLock();
  private final MispTypes types = MispTypes.INSTANCE;
  private final InstantSource clock;
  private final boolean unpublishOnChange;

  private int size;
  private int[] eventOf = new int[0];
  private byte[] typeOf = new byte[0];
  private byte[] categoryOf = new byte[0];
  private byte[] flags = new byte[0];
  private int[] timestamps = new int[0];
  private @Nullable String[] values = new String[0];
  private @Nullable Extra[] extras = new Extra[0];

  private final List<EventRec> events = new ArrayList<>();
  private final List<String> tagNames = new ArrayList<>();
  private final Map<String, Integer> tagIndex = new HashMap<>();
  private final Set<String> warninglist = new HashSet<>();
  private final List<SeedBatch> seeds = new ArrayList<>();
  private final Map<String, Integer> customUuids = new HashMap<>();
  private long version;

  private final Map<String, Matches> matchCache =
      new LinkedHashMap<>(8, 0.75f, true) {
        private static final long serialVersionUID = 1L;

        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Matches> eldest) {
          return size() > 4;
        }
      };

  MispStore(InstantSource clock, boolean unpublishOnChange) {
    this.clock = clock;
    this.unpublishOnChange = unpublishOnChange;
  }

  long now() {
    return clock.instant().getEpochSecond();
  }

  // ---------------------------------------------------------------------------------------------
  // Changes

  int addEvent(
      String info,
      boolean published,
      List<String> tags,
      String date,
      int threatLevel,
      int analysis,
      String orgName) {
    Lock write = lock.writeLock();
    write.lock();
    try {
      int id = events.size() + 1;
      EventRec event =
          new EventRec(id, Uuids.event(id), info, date, threatLevel, analysis, orgName);
      long now = now();
      event.published = published;
      event.timestamp = now;
      event.publishTimestamp = published ? now : 0;
      event.tags = tagIds(tags);
      events.add(event);
      version++;
      return id;
    } finally {
      write.unlock();
    }
  }

  /** Adds one attribute; returns its UUID. */
  String addAttribute(
      int eventId,
      int type,
      int category,
      String value,
      boolean toIds,
      List<String> tags,
      String comment,
      @Nullable String uuid,
      @Nullable Long timestamp,
      @Nullable String firstSeen,
      @Nullable String lastSeen) {
    Lock write = lock.writeLock();
    write.lock();
    try {
      EventRec event = liveEvent(eventId);
      if (uuid != null && (customUuids.containsKey(uuid) || positionOfDerived(uuid) >= 0)) {
        throw new IllegalArgumentException("An attribute with UUID " + uuid + " exists already");
      }
      grow(size + 1);
      int position = size++;
      long time = timestamp == null ? now() : timestamp;
      eventOf[position] = eventId - 1;
      typeOf[position] = (byte) type;
      categoryOf[position] = (byte) category;
      flags[position] = toIds ? TO_IDS : 0;
      timestamps[position] = (int) time;
      values[position] = value;
      if (!tags.isEmpty()
          || !comment.isEmpty()
          || uuid != null
          || firstSeen != null
          || lastSeen != null) {
        Extra extra = new Extra();
        extra.tags = tagIds(tags);
        extra.comment = comment;
        extra.uuid = uuid;
        extra.firstSeen = firstSeen;
        extra.lastSeen = lastSeen;
        extras[position] = extra;
        if (uuid != null) {
          customUuids.put(uuid, position);
        }
      }
      event.timestamp = Math.max(event.timestamp, time);
      event.liveAttributes++;
      version++;
      return uuidOf(position);
    } finally {
      write.unlock();
    }
  }

  /** Adds {@code count} generated attributes in events of a thousand. */
  void seed(int count, long seed, String infoPrefix) {
    Lock write = lock.writeLock();
    write.lock();
    try {
      grow(size + count);
      long now = now();
      long span = 30L * 86_400;
      int start = size;
      seeds.add(new SeedBatch(start, start + count, seed));
      String[] tlp = {"tlp:white", "tlp:green", "tlp:amber"};
      int eventIndex = -1;
      for (int i = 0; i < count; i++) {
        int position = start + i;
        long time = now - span + (span * (i + 1)) / count;
        if (i % SEEDED_EVENT_SIZE == 0) {
          int id = events.size() + 1;
          EventRec event =
              new EventRec(
                  id,
                  Uuids.event(id),
                  infoPrefix + " #" + (i / SEEDED_EVENT_SIZE + 1),
                  LocalDate.ofEpochDay(time / 86_400).toString(),
                  1 + (id % 4),
                  2,
                  "Fake Org");
          event.published = true;
          event.tags = tagIds(List.of(tlp[id % tlp.length], "type:OSINT"));
          events.add(event);
          eventIndex = id - 1;
        }
        EventRec event = events.get(eventIndex);
        int seededType = SeedData.typeOf(seed, position);
        int type = types.type(SeedData.TYPES[seededType]);
        eventOf[position] = eventIndex;
        typeOf[position] = (byte) type;
        categoryOf[position] = (byte) types.defaultCategory(type);
        flags[position] = types.defaultToIds(type) ? TO_IDS : 0;
        timestamps[position] = (int) time;
        event.timestamp = time;
        event.publishTimestamp = time;
        event.liveAttributes++;
      }
      size += count;
      version++;
    } finally {
      write.unlock();
    }
  }

  void setDeleted(String uuid, boolean deleted) {
    change(
        uuid,
        position -> {
          boolean was = (flags[position] & DELETED) != 0;
          if (was != deleted) {
            events.get(eventOf[position]).liveAttributes += deleted ? -1 : 1;
          }
          flags[position] =
              (byte) (deleted ? flags[position] | DELETED : flags[position] & ~DELETED);
        });
  }

  void setValue(String uuid, String value) {
    change(uuid, position -> values[position] = value);
  }

  void setToIds(String uuid, boolean toIds) {
    change(
        uuid,
        position -> {
          flags[position] = (byte) (toIds ? flags[position] | TO_IDS : flags[position] & ~TO_IDS);
        });
  }

  void tagAttribute(String uuid, String tag, boolean add) {
    change(
        uuid,
        position -> {
          Extra extra = extra(position);
          extra.tags =
              add ? withTag(extra.tags, tagId(tag)) : withoutTag(extra.tags, tagIndex.get(tag));
        });
  }

  void setPublished(int eventId, boolean published) {
    changeEvent(
        eventId,
        event -> {
          event.published = published;
          if (published) {
            event.publishTimestamp = now();
          }
        },
        false);
  }

  void tagEvent(int eventId, String tag, boolean add) {
    changeEvent(
        eventId,
        event -> {
          event.tags =
              add ? withTag(event.tags, tagId(tag)) : withoutTag(event.tags, tagIndex.get(tag));
        },
        true);
  }

  void deleteEvent(int eventId) {
    Lock write = lock.writeLock();
    write.lock();
    try {
      EventRec event = liveEvent(eventId);
      event.deleted = true;
      int index = eventId - 1;
      for (int position = 0; position < size; position++) {
        if (eventOf[position] == index) {
          flags[position] |= GONE;
        }
      }
      version++;
    } finally {
      write.unlock();
    }
  }

  void addToWarninglist(List<String> entries) {
    Lock write = lock.writeLock();
    write.lock();
    try {
      warninglist.addAll(entries);
      version++;
    } finally {
      write.unlock();
    }
  }

  void clearWarninglist() {
    Lock write = lock.writeLock();
    write.lock();
    try {
      warninglist.clear();
      version++;
    } finally {
      write.unlock();
    }
  }

  private interface PositionChange {
    void apply(int position);
  }

  private interface EventChange {
    void apply(EventRec event);
  }

  /** Applies a change to one attribute and bumps its and its event's timestamps, as MISP does. */
  private void change(String uuid, PositionChange change) {
    Lock write = lock.writeLock();
    write.lock();
    try {
      int position = requirePosition(uuid);
      change.apply(position);
      long now = now();
      timestamps[position] = (int) now;
      EventRec event = events.get(eventOf[position]);
      event.timestamp = now;
      if (unpublishOnChange) {
        event.published = false;
      }
      version++;
    } finally {
      write.unlock();
    }
  }

  private void changeEvent(int eventId, EventChange change, boolean isEdit) {
    Lock write = lock.writeLock();
    write.lock();
    try {
      EventRec event = liveEvent(eventId);
      change.apply(event);
      event.timestamp = now();
      if (isEdit && unpublishOnChange) {
        event.published = false;
      }
      version++;
    } finally {
      write.unlock();
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Search

  /** Selects one page: the matches in order, cut by page and limit, then warninglist-filtered. */
  Page search(MispQuery query) {
    Lock read = lock.readLock();
    read.lock();
    try {
      int[] matches = matches(query);
      int from = 0;
      int to = matches.length;
      if (query.limit > 0) {
        long offset = (long) (query.page - 1) * query.limit;
        from = (int) Math.min(offset, matches.length);
        to = (int) Math.min(offset + query.limit, matches.length);
      }
      int[] page = Arrays.copyOfRange(matches, from, to);
      if (!query.enforceWarninglist || warninglist.isEmpty()) {
        return new Page(page, 0);
      }

      int kept = 0;
      for (int position : page) {
        if (!onWarninglist(valueOf(position))) {
          page[kept++] = position;
        }
      }
      return new Page(Arrays.copyOf(page, kept), page.length - kept);
    } finally {
      read.unlock();
    }
  }

  /** Copies the rows at {@code positions[from..to)}. */
  List<AttributeRow> rows(int[] positions, int from, int to, boolean includeEventTags) {
    Lock read = lock.readLock();
    read.lock();
    try {
      List<AttributeRow> rows = new ArrayList<>(to - from);
      for (int i = from; i < to; i++) {
        rows.add(row(positions[i], includeEventTags));
      }
      return rows;
    } finally {
      read.unlock();
    }
  }

  /** A copy of the event with {@code eventId}, or null when there is none or it was deleted. */
  @Nullable EventRow event(int eventId) {
    Lock read = lock.readLock();
    read.lock();
    try {
      EventRec event = eventOrNull(eventId);
      return event == null ? null : eventRow(event);
    } finally {
      read.unlock();
    }
  }

  int[] positionsOfEvent(int eventId, boolean withDeleted) {
    Lock read = lock.readLock();
    read.lock();
    try {
      int index = eventId - 1;
      int[] out = new int[16];
      int count = 0;
      for (int position = 0; position < size; position++) {
        if (eventOf[position] == index
            && (flags[position] & GONE) == 0
            && (withDeleted || (flags[position] & DELETED) == 0)) {
          if (count == out.length) {
            out = Arrays.copyOf(out, count * 2);
          }
          out[count++] = position;
        }
      }
      return Arrays.copyOf(out, count);
    } finally {
      read.unlock();
    }
  }

  @Nullable AttributeRow attribute(String uuid) {
    Lock read = lock.readLock();
    read.lock();
    try {
      int position = positionOf(uuid);
      return position < 0 || (flags[position] & GONE) != 0 ? null : row(position, false);
    } finally {
      read.unlock();
    }
  }

  int attributeCount() {
    Lock read = lock.readLock();
    read.lock();
    try {
      int count = 0;
      for (int position = 0; position < size; position++) {
        if ((flags[position] & GONE) == 0) {
          count++;
        }
      }
      return count;
    } finally {
      read.unlock();
    }
  }

  private int[] matches(MispQuery query) {
    String key = query.matchKey();
    synchronized (matchCache) {
      Matches cached = matchCache.get(key);
      if (cached != null && cached.version == version) {
        return cached.positions;
      }
    }

    Matcher matcher = new Matcher(query);
    int[] found = new int[Math.min(size, 1024)];
    int count = 0;
    for (int position = 0; position < size; position++) {
      if (matcher.matches(position)) {
        if (count == found.length) {
          found = Arrays.copyOf(found, Math.max(16, Math.min(size, count * 2)));
        }
        found[count++] = position;
      }
    }
    int[] positions = Arrays.copyOf(found, count);
    sort(positions, query.order);

    synchronized (matchCache) {
      matchCache.put(key, new Matches(version, positions));
    }
    return positions;
  }

  /**
   * The events an {@code events/restSearch} query selects, in id order, cut by page and limit:
   * {@code timestamp} and {@code event_timestamp} both filter on the event's timestamp, and tags on
   * the event's own tags.
   */
  List<EventRow> searchEvents(MispQuery query) {
    Lock read = lock.readLock();
    read.lock();
    try {
      Matcher matcher = new Matcher(query);
      List<EventRec> found = new ArrayList<>();
      for (EventRec event : events) {
        if (!event.deleted && matcher.eventMatches(event)) {
          found.add(event);
        }
      }
      if (query.order == MispQuery.Order.ID_DESC) {
        Collections.reverse(found);
      }
      int from = 0;
      int to = found.size();
      if (query.limit > 0) {
        long offset = (long) (query.page - 1) * query.limit;
        from = (int) Math.min(offset, found.size());
        to = (int) Math.min(offset + query.limit, found.size());
      }
      List<EventRow> rows = new ArrayList<>(to - from);
      for (EventRec event : found.subList(from, to)) {
        rows.add(eventRow(event));
      }
      return rows;
    } finally {
      read.unlock();
    }
  }

  private void sort(int[] positions, MispQuery.Order order) {
    switch (order) {
      case ID_ASC -> {}
      case ID_DESC -> reverse(positions);
      case TIMESTAMP_ASC, TIMESTAMP_DESC -> {
        long[] keys = new long[positions.length];
        for (int i = 0; i < positions.length; i++) {
          keys[i] = (Integer.toUnsignedLong(timestamps[positions[i]]) << 31) | positions[i];
        }
        Arrays.sort(keys);
        for (int i = 0; i < keys.length; i++) {
          positions[i] = (int) (keys[i] & Integer.MAX_VALUE);
        }
        if (order == MispQuery.Order.TIMESTAMP_DESC) {
          reverse(positions);
        }
      }
      case VALUE_ASC, VALUE_DESC -> {
        Integer[] boxed = new Integer[positions.length];
        for (int i = 0; i < positions.length; i++) {
          boxed[i] = positions[i];
        }
        Arrays.sort(boxed, (a, b) -> valueOf(a).compareTo(valueOf(b)));
        for (int i = 0; i < boxed.length; i++) {
          positions[i] = boxed[i];
        }
        if (order == MispQuery.Order.VALUE_DESC) {
          reverse(positions);
        }
      }
    }
  }

  private static void reverse(int[] positions) {
    for (int i = 0, j = positions.length - 1; i < j; i++, j--) {
      int swap = positions[i];
      positions[i] = positions[j];
      positions[j] = swap;
    }
  }

  /** The filters of a query, resolved against the current tag and type tables. */
  private final class Matcher {
    private final MispQuery query;
    private final @Nullable BitSet types;
    private final BitSet notTypes = new BitSet();
    private final @Nullable BitSet anyTags;
    private final List<BitSet> allTags = new ArrayList<>();
    private final BitSet notTags;
    private final BitSet eventsPassing = new BitSet();

    Matcher(MispQuery query) {
      this.query = query;
      for (int index = 0; index < events.size(); index++) {
        if (eventPasses(events.get(index))) {
          eventsPassing.set(index);
        }
      }
      if (query.types.isEmpty()) {
        this.types = null;
      } else {
        this.types = new BitSet();
        for (String type : query.types) {
          int index = MispStore.this.types.type(type);
          if (index >= 0) {
            this.types.set(index);
          }
        }
      }
      for (String type : query.notTypes) {
        int index = MispStore.this.types.type(type);
        if (index >= 0) {
          notTypes.set(index);
        }
      }
      this.anyTags = query.anyTags.isEmpty() ? null : tagsMatching(query.anyTags);
      for (Pattern pattern : query.allTags) {
        allTags.add(tagsMatching(List.of(pattern)));
      }
      this.notTags = tagsMatching(query.notTags);
    }

    boolean matches(int position) {
      byte flag = flags[position];
      if ((flag & GONE) != 0 || !eventsPassing.get(eventOf[position])) {
        return false;
      }
      boolean deleted = (flag & DELETED) != 0;
      if (deleted ? !query.includeDeleted : !query.includeLive) {
        return false;
      }
      int type = typeOf[position] & 0xFF;
      if ((types != null && !types.get(type)) || notTypes.get(type)) {
        return false;
      }
      if (query.toIds != null && query.toIds != ((flag & TO_IDS) != 0)) {
        return false;
      }
      if (query.attributeTime != null
          && !query.attributeTime.contains(Integer.toUnsignedLong(timestamps[position]))) {
        return false;
      }

      return tagsMatch(position, events.get(eventOf[position]));
    }

    /**
     * Whether an attribute's event lets it match, judged once per event so that a search for the
     * attributes of recently changed events does not judge each event again for every attribute.
     */
    private boolean eventPasses(EventRec event) {
      long eventId = event.id;
      if (!query.eventIds.isEmpty() && !query.eventIds.contains(eventId)) {
        return false;
      }
      if (query.notEventIds.contains(eventId)) {
        return false;
      }
      if (query.published != null && query.published != event.published) {
        return false;
      }
      return query.eventTime == null || query.eventTime.contains(event.timestamp);
    }

    boolean eventMatches(EventRec event) {
      if (!eventPasses(event)) {
        return false;
      }
      if (query.attributeTime != null && !query.attributeTime.contains(event.timestamp)) {
        return false;
      }
      if (anyOf(event.tags, notTags) || (anyTags != null && !anyOf(event.tags, anyTags))) {
        return false;
      }
      for (BitSet wanted : allTags) {
        if (!anyOf(event.tags, wanted)) {
          return false;
        }
      }
      return true;
    }

    private boolean tagsMatch(int position, EventRec event) {
      if (anyTags == null && allTags.isEmpty() && notTags.isEmpty()) {
        return true;
      }
      Extra extra = extras[position];
      int[] own = extra == null ? NO_TAGS : extra.tags;
      if (anyOf(own, notTags) || anyOf(event.tags, notTags)) {
        return false;
      }
      if (anyTags != null && !anyOf(own, anyTags) && !anyOf(event.tags, anyTags)) {
        return false;
      }
      for (BitSet wanted : allTags) {
        if (!anyOf(own, wanted) && !anyOf(event.tags, wanted)) {
          return false;
        }
      }
      return true;
    }
  }

  private static boolean anyOf(int[] tags, BitSet set) {
    for (int tag : tags) {
      if (set.get(tag)) {
        return true;
      }
    }
    return false;
  }

  private BitSet tagsMatching(List<Pattern> patterns) {
    BitSet set = new BitSet();
    for (Pattern pattern : patterns) {
      for (int i = 0; i < tagNames.size(); i++) {
        if (pattern.matcher(tagNames.get(i)).matches()) {
          set.set(i);
        }
      }
    }
    return set;
  }

  private boolean onWarninglist(String value) {
    if (warninglist.contains(value)) {
      return true;
    }
    int bar = value.indexOf('|');
    return bar >= 0
        && (warninglist.contains(value.substring(0, bar))
            || warninglist.contains(value.substring(bar + 1)));
  }

  // ---------------------------------------------------------------------------------------------
  // Rows

  private AttributeRow row(int position, boolean includeEventTags) {
    EventRec event = events.get(eventOf[position]);
    Extra extra = extras[position];
    int[] own = extra == null ? NO_TAGS : extra.tags;
    List<TagRow> tags;
    if (own.length == 0 && (!includeEventTags || event.tags.length == 0)) {
      tags = List.of();
    } else {
      tags = new ArrayList<>(own.length + event.tags.length);
      for (int tag : own) {
        tags.add(tagRow(tag, false));
      }
      if (includeEventTags) {
        for (int tag : event.tags) {
          if (!contains(own, tag)) {
            tags.add(tagRow(tag, true));
          }
        }
      }
    }
    int type = typeOf[position] & 0xFF;
    byte flag = flags[position];
    return new AttributeRow(
        position + 1,
        event.id,
        event.uuid,
        event.info,
        types.types.get(type),
        types.categories.get(categoryOf[position] & 0xFF),
        valueOf(position),
        (flag & TO_IDS) != 0,
        (flag & DELETED) != 0,
        Integer.toUnsignedLong(timestamps[position]),
        uuidOf(position),
        extra == null ? "" : extra.comment,
        extra == null ? null : extra.firstSeen,
        extra == null ? null : extra.lastSeen,
        tags);
  }

  private EventRow eventRow(EventRec event) {
    List<TagRow> tags = new ArrayList<>(event.tags.length);
    for (int tag : event.tags) {
      tags.add(tagRow(tag, false));
    }
    return new EventRow(
        event.id,
        event.uuid,
        event.info,
        event.published,
        event.timestamp,
        event.publishTimestamp,
        event.date,
        event.threatLevel,
        event.analysis,
        event.orgName,
        event.liveAttributes,
        Collections.unmodifiableList(tags));
  }

  private TagRow tagRow(int tag, boolean inherited) {
    String name = tagNames.get(tag);
    return new TagRow(tag + 1, name, colour(name), inherited);
  }

  private static String colour(String name) {
    return switch (name.toLowerCase(Locale.ROOT)) {
      case "tlp:white", "tlp:clear" -> "#ffffff";
      case "tlp:green" -> "#339900";
      case "tlp:amber", "tlp:amber+strict" -> "#FFC000";
      case "tlp:red" -> "#CC0033";
      default -> String.format(Locale.ROOT, "#%06x", name.hashCode() & 0xFFFFFF);
    };
  }

  private String valueOf(int position) {
    String value = values[position];
    if (value != null) {
      return value;
    }
    SeedBatch batch = seedBatch(position);
    return SeedData.value(SeedData.typeOf(batch.seed, position), batch.seed, position);
  }

  private SeedBatch seedBatch(int position) {
    int low = 0;
    int high = seeds.size() - 1;
    while (low <= high) {
      int middle = (low + high) >>> 1;
      SeedBatch batch = seeds.get(middle);
      if (position < batch.start) {
        high = middle - 1;
      } else if (position >= batch.end) {
        low = middle + 1;
      } else {
        return batch;
      }
    }
    throw new IllegalStateException("No value for attribute position " + position);
  }

  // ---------------------------------------------------------------------------------------------
  // Identity

  private String uuidOf(int position) {
    Extra extra = extras[position];
    return extra != null && extra.uuid != null ? extra.uuid : Uuids.attribute(position + 1);
  }

  private int positionOf(String uuid) {
    Integer custom = customUuids.get(uuid);
    return custom != null ? custom : positionOfDerived(uuid);
  }

  private int positionOfDerived(String uuid) {
    long id = Uuids.attributeId(uuid);
    if (id < 1 || id > size) {
      return -1;
    }
    int position = (int) id - 1;
    Extra extra = extras[position];
    return extra != null && extra.uuid != null ? -1 : position;
  }

  private int requirePosition(String uuid) {
    int position = positionOf(uuid);
    if (position < 0 || (flags[position] & GONE) != 0) {
      throw new IllegalArgumentException("No attribute has UUID " + uuid);
    }
    return position;
  }

  private @Nullable EventRec eventOrNull(int eventId) {
    if (eventId < 1 || eventId > events.size()) {
      return null;
    }
    EventRec event = events.get(eventId - 1);
    return event.deleted ? null : event;
  }

  private EventRec liveEvent(int eventId) {
    EventRec event = eventOrNull(eventId);
    if (event == null) {
      throw new IllegalArgumentException("No event has id " + eventId);
    }
    return event;
  }

  private Extra extra(int position) {
    Extra extra = extras[position];
    if (extra == null) {
      extra = new Extra();
      extras[position] = extra;
    }
    return extra;
  }

  private int tagId(String name) {
    Integer existing = tagIndex.get(name);
    if (existing != null) {
      return existing;
    }
    tagNames.add(name);
    tagIndex.put(name, tagNames.size() - 1);
    return tagNames.size() - 1;
  }

  private int[] tagIds(List<String> names) {
    int[] ids = NO_TAGS;
    for (String name : names) {
      ids = withTag(ids, tagId(name));
    }
    return ids;
  }

  private static int[] withTag(int[] tags, int tag) {
    if (contains(tags, tag)) {
      return tags;
    }
    int[] more = Arrays.copyOf(tags, tags.length + 1);
    more[tags.length] = tag;
    return more;
  }

  private static int[] withoutTag(int[] tags, @Nullable Integer tag) {
    if (tag == null || !contains(tags, tag)) {
      return tags;
    }
    int[] fewer = new int[tags.length - 1];
    int at = 0;
    for (int one : tags) {
      if (one != tag) {
        fewer[at++] = one;
      }
    }
    return fewer;
  }

  private static boolean contains(int[] tags, int tag) {
    for (int one : tags) {
      if (one == tag) {
        return true;
      }
    }
    return false;
  }

  private void grow(int needed) {
    if (needed <= eventOf.length) {
      return;
    }
    int capacity = Math.max(needed, eventOf.length + (eventOf.length >> 1) + 16);
    if (needed - size > 1) {
      // Bulk seeding: size exactly, a million attributes must not pay for spare capacity.
      capacity = needed;
    }
    eventOf = Arrays.copyOf(eventOf, capacity);
    typeOf = Arrays.copyOf(typeOf, capacity);
    categoryOf = Arrays.copyOf(categoryOf, capacity);
    flags = Arrays.copyOf(flags, capacity);
    timestamps = Arrays.copyOf(timestamps, capacity);
    values = Arrays.copyOf(values, capacity);
    extras = Arrays.copyOf(extras, capacity);
  }
}
