package org.iocsync.core;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Set;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Supplier;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;
import org.jspecify.annotations.Nullable;

/**
 * An in-memory MISP for engine tests: events and attributes that tests change, searched the way
 * {@code attributes/restSearch} searches, with faults on demand. Each change stamps the attribute
 * and its event with the test clock's time, as MISP does.
 */
final class FakeMisp implements IndicatorSource {
  private final TestClock clock;
  private final Map<String, Event> events = new LinkedHashMap<>();
  private final Map<String, Attribute> attributes = new LinkedHashMap<>();
  private final Map<Integer, Supplier<? extends Throwable>> callFaults = new HashMap<>();
  private final List<SourceQuery> queries = new CopyOnWriteArrayList<>();
  private @Nullable MidStreamFault midStreamFault;
  private int nextEvent = 1;
  private int nextAttribute = 1;
  private int calls;

  FakeMisp(TestClock clock) {
    this.clock = clock;
  }

  private static final class Event {
    final String id;
    boolean published;
    final List<String> tags = new ArrayList<>();
    Instant timestamp;

    Event(String id, boolean published, Instant timestamp) {
      this.id = id;
      this.published = published;
      this.timestamp = timestamp;
    }
  }

  private static final class Attribute {
    final String uuid;
    final String eventId;
    String type;
    String value;
    boolean toIds = true;
    boolean deleted;
    final List<String> tags = new ArrayList<>();
    Instant timestamp;

    Attribute(String uuid, String eventId, String type, String value, Instant timestamp) {
      this.uuid = uuid;
      this.eventId = eventId;
      this.type = type;
      this.value = value;
      this.timestamp = timestamp;
    }
  }

  private record MidStreamFault(int afterAttributes, Supplier<? extends Throwable> fault) {}

  synchronized String addEvent(boolean published, String... tags) {
    Event event = new Event(Integer.toString(nextEvent++), published, clock.instant());
    event.tags.addAll(List.of(tags));
    events.put(event.id, event);
    return event.id;
  }

  synchronized String add(String eventId, String type, String value) {
    Event event = event(eventId);
    String uuid = String.format("00000000-0000-4000-8000-%012d", nextAttribute++);
    attributes.put(uuid, new Attribute(uuid, eventId, type, value, clock.instant()));
    event.timestamp = clock.instant();
    return uuid;
  }

  synchronized void delete(String uuid) {
    touch(uuid).deleted = true;
  }

  synchronized void restore(String uuid) {
    touch(uuid).deleted = false;
  }

  synchronized void setToIds(String uuid, boolean toIds) {
    touch(uuid).toIds = toIds;
  }

  synchronized void setValue(String uuid, String value) {
    touch(uuid).value = value;
  }

  synchronized void setType(String uuid, String type) {
    touch(uuid).type = type;
  }

  synchronized void tagAttribute(String uuid, String tag) {
    touch(uuid).tags.add(tag);
  }

  synchronized void setPublished(String eventId, boolean published) {
    Event event = event(eventId);
    event.published = published;
    event.timestamp = clock.instant();
  }

  synchronized void tagEvent(String eventId, String tag) {
    Event event = event(eventId);
    event.tags.add(tag);
    event.timestamp = clock.instant();
  }

  /** Deletes an event outright, as MISP does: its attributes vanish without a trace. */
  synchronized void purgeEvent(String eventId) {
    events.remove(eventId);
    attributes.values().removeIf(a -> a.eventId.equals(eventId));
  }

  /** Makes the {@code n}-th call from now on (1 for the next) throw what {@code fault} gives. */
  synchronized void failCall(int n, Supplier<? extends Throwable> fault) {
    callFaults.put(calls + n, fault);
  }

  /** Makes the next stream throw after yielding {@code afterAttributes} attributes. */
  synchronized void failMidStream(int afterAttributes, Supplier<? extends Throwable> fault) {
    midStreamFault = new MidStreamFault(afterAttributes, fault);
  }

  List<SourceQuery> queries() {
    return List.copyOf(queries);
  }

  synchronized int calls() {
    return calls;
  }

  private Event event(String id) {
    Event event = events.get(id);
    if (event == null) {
      throw new IllegalArgumentException("no event " + id);
    }
    return event;
  }

  private Attribute touch(String uuid) {
    Attribute attribute = attributes.get(uuid);
    if (attribute == null) {
      throw new IllegalArgumentException("no attribute " + uuid);
    }
    attribute.timestamp = clock.instant();
    event(attribute.eventId).timestamp = clock.instant();
    return attribute;
  }

  @Override
  public synchronized Stream<SourceAttribute> attributes(SourceQuery query) {
    calls++;
    queries.add(query);
    Supplier<? extends Throwable> fault = callFaults.remove(calls);
    if (fault != null) {
      throwUnchecked(fault.get());
    }
    List<SourceAttribute> matching = new ArrayList<>();
    for (Attribute a : attributes.values()) {
      Event event = event(a.eventId);
      if (matches(query, a, event)) {
        List<String> tags = new ArrayList<>(a.tags);
        tags.addAll(event.tags);
        matching.add(
            new SourceAttribute(
                a.uuid,
                a.eventId,
                a.type,
                a.value,
                a.toIds,
                a.deleted,
                event.published,
                tags,
                a.timestamp,
                event.timestamp));
      }
    }
    MidStreamFault midStream = midStreamFault;
    midStreamFault = null;
    Iterator<SourceAttribute> iterator = matching.iterator();
    if (midStream != null) {
      iterator = faulty(iterator, midStream);
    }
    return StreamSupport.stream(
        Spliterators.spliteratorUnknownSize(iterator, Spliterator.ORDERED), false);
  }

  private static boolean matches(SourceQuery query, Attribute a, Event event) {
    if (!query.types().isEmpty() && !query.types().contains(a.type)) {
      return false;
    }
    if (!query.eventIds().isEmpty() && !query.eventIds().contains(a.eventId)) {
      return false;
    }
    if (a.deleted && !query.includeDeleted()) {
      return false;
    }
    if (query.attributeWindow() != null && !within(query.attributeWindow(), a.timestamp)) {
      return false;
    }
    return query.eventWindow() == null || within(query.eventWindow(), event.timestamp);
  }

  private static boolean within(SourceQuery.Window window, Instant time) {
    long seconds = time.getEpochSecond();
    return seconds >= window.from().getEpochSecond() && seconds <= window.to().getEpochSecond();
  }

  private static Iterator<SourceAttribute> faulty(
      Iterator<SourceAttribute> delegate, MidStreamFault fault) {
    return new Iterator<>() {
      int yielded;

      @Override
      public boolean hasNext() {
        if (yielded == fault.afterAttributes()) {
          throwUnchecked(fault.fault().get());
        }
        return delegate.hasNext();
      }

      @Override
      public SourceAttribute next() {
        if (!hasNext()) {
          throw new NoSuchElementException();
        }
        yielded++;
        return delegate.next();
      }
    };
  }

  @Override
  public Set<String> knownTypes() {
    return MispTypes.builtIn();
  }

  synchronized Collection<String> uuids() {
    return List.copyOf(attributes.keySet());
  }

  static void throwUnchecked(Throwable t) {
    if (t instanceof RuntimeException e) {
      throw e;
    }
    if (t instanceof Error e) {
      throw e;
    }
    throw new IllegalArgumentException("faults must be unchecked", t);
  }
}
