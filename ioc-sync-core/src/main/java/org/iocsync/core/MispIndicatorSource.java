package org.iocsync.core;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.function.Consumer;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;
import org.iocsync.misp.AttributeQuery;
import org.iocsync.misp.MispAttribute;
import org.iocsync.misp.MispAuthenticationException;
import org.iocsync.misp.MispClient;
import org.iocsync.misp.MispEventSummary;
import org.iocsync.misp.MispException;
import org.iocsync.misp.MispNotFoundException;
import org.iocsync.misp.MispServerException;
import org.iocsync.misp.MispTag;
import org.jspecify.annotations.Nullable;

/**
 * Reads indicators from a MISP server through its {@link MispClient}.
 *
 * <p>Searches ask for event tags too when the query says so, so that a job's tag filters see them.
 * Whether an attribute's event is published, and when the event last changed, come from the event
 * summary MISP sends with the attribute when it has them. MISP's attribute search usually does not
 * send them (it selects only the event's id, title, UUID and organisations), so the source then
 * asks {@code events/restSearch} for the metadata of those events: it reads a page of attributes
 * ahead, looks up all the events of that page it does not know yet in one call, and remembers up to
 * {@value #DEFAULT_REMEMBERED_EVENTS} events per stream (the least recently used are forgotten
 * first). A read of a million attributes in a thousand events thus costs about a thousand event
 * lookups at most, in no more calls than there are pages. An incremental run asks two questions in
 * a row, the attributes changed in a window and then the attributes of events changed in the same
 * window, which often name the same events: the events the first stream learnt are handed to the
 * second (the next stream for the same window and filter, opened once the first is closed), so that
 * an incremental run looks up each event once. Nothing else is kept from one stream to the next, so
 * a later run sees every change of an event. An event the lookup does not return (deleted or hidden
 * from the key since the page was read) counts as unpublished, with the attribute's own time as its
 * event's; the run's report shows its attributes as {@code unpublished}.
 */
public final class MispIndicatorSource implements IndicatorSource {
  /** How many events' state a stream remembers unless told otherwise. */
  static final int DEFAULT_REMEMBERED_EVENTS = 10_000;

  /** How many first questions' events are kept for their second question at most. */
  private static final int HANDOVERS = 16;

  private final MispClient misp;
  private final int pageSize;
  private final int rememberedEvents;
  private final Map<Handover, Map<Long, EventState>> handovers =
      new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Handover, Map<Long, EventState>> eldest) {
          return size() > HANDOVERS;
        }
      };

  /** Reads through {@code misp}, {@code pageSize} attributes a request. */
  public MispIndicatorSource(MispClient misp, int pageSize) {
    this(misp, pageSize, DEFAULT_REMEMBERED_EVENTS);
  }

  /**
   * Reads through {@code misp} with MISP's default page of {@value
   * AttributeQuery#DEFAULT_PAGE_SIZE}.
   */
  public MispIndicatorSource(MispClient misp) {
    this(misp, AttributeQuery.DEFAULT_PAGE_SIZE);
  }

  /** Reads as above, remembering the state of at most {@code rememberedEvents} events a stream. */
  MispIndicatorSource(MispClient misp, int pageSize, int rememberedEvents) {
    if (pageSize < 1 || pageSize > AttributeQuery.MAX_PAGE_SIZE) {
      throw new IllegalArgumentException(
          "pageSize must be within 1.." + AttributeQuery.MAX_PAGE_SIZE + ", was " + pageSize);
    }
    if (rememberedEvents < 1) {
      throw new IllegalArgumentException(
          "rememberedEvents must be at least 1, was " + rememberedEvents);
    }
    this.misp = misp;
    this.pageSize = pageSize;
    this.rememberedEvents = rememberedEvents;
  }

  @Override
  public Stream<SourceAttribute> attributes(SourceQuery query) {
    AttributeQuery.Builder search =
        AttributeQuery.builder()
            .types(query.types())
            .eventIds(eventIds(query.eventIds()))
            .deleted(
                query.includeDeleted()
                    ? AttributeQuery.Deleted.INCLUDE
                    : AttributeQuery.Deleted.EXCLUDE)
            .includeEventTags(query.includeEventTags())
            .pageSize(pageSize);
    if (query.enforceWarninglist()) {
      search.enforceWarninglist(true);
    }
    SourceQuery.Window attributeWindow = query.attributeWindow();
    if (attributeWindow != null) {
      search.attributeTimestamp(attributeWindow.from(), attributeWindow.to());
    }
    SourceQuery.Window eventWindow = query.eventWindow();
    if (eventWindow != null) {
      search.eventTimestamp(eventWindow.from(), eventWindow.to());
    }

    Stream<MispAttribute> attributes;
    try {
      attributes = misp.searchAttributes(search.build());
    } catch (MispException e) {
      throw translate(e);
    }
    Reader reader = new Reader(attributes.iterator(), learnt(query));
    return StreamSupport.stream(reader, false)
        .onClose(attributes::close)
        .onClose(() -> handOver(query, reader.remembered));
  }

  /** What a second question's stream starts from: its first question's events, if any. */
  private Map<Long, EventState> learnt(SourceQuery query) {
    SourceQuery.Window window = query.eventWindow();
    if (query.attributeWindow() == null && window != null) {
      synchronized (handovers) {
        Map<Long, EventState> handed = handovers.remove(new Handover(window, query));
        if (handed != null) {
          return handed;
        }
      }
    }
    return remembering();
  }

  /** Keeps a first question's events for the second question of the same window. */
  private void handOver(SourceQuery query, Map<Long, EventState> remembered) {
    SourceQuery.Window window = query.attributeWindow();
    if (window != null && query.eventWindow() == null && !remembered.isEmpty()) {
      synchronized (handovers) {
        handovers.put(new Handover(window, query), remembered);
      }
    }
  }

  private Map<Long, EventState> remembering() {
    return new LinkedHashMap<>(16, 0.75f, true) {
      @Override
      protected boolean removeEldestEntry(Map.Entry<Long, EventState> eldest) {
        return size() > rememberedEvents;
      }
    };
  }

  /** What ties an incremental run's two questions: the window and the rest of the filter. */
  private record Handover(
      SourceQuery.Window window, List<String> eventIds, boolean enforceWarninglist) {
    Handover(SourceQuery.Window window, SourceQuery query) {
      this(window, query.eventIds(), query.enforceWarninglist());
    }
  }

  @Override
  public Set<String> knownTypes() {
    try {
      return Set.copyOf(misp.describeTypes().types());
    } catch (MispException e) {
      throw translate(e);
    }
  }

  private static List<Long> eventIds(List<String> ids) {
    List<Long> numbers = new ArrayList<>(ids.size());
    for (String id : ids) {
      try {
        numbers.add(Long.parseLong(id));
      } catch (NumberFormatException e) {
        throw SourceException.permanent("event id " + id + " is not a number", e);
      }
    }
    return numbers;
  }

  /** Tells the engine whether trying again may help: refusals and missing events will not. */
  static SourceException translate(MispException e) {
    if (e instanceof MispAuthenticationException || e instanceof MispNotFoundException) {
      return SourceException.permanent(e.getMessage(), e);
    }
    if (e instanceof MispServerException) {
      int status = ((MispServerException) e).statusCode();
      if (status != 429 && status < 500) {
        return SourceException.permanent(e.getMessage(), e);
      }
    }
    return SourceException.retryable(e.getMessage(), e);
  }

  /** The state of an event that decides whether a job counts its attributes. */
  private record EventState(boolean published, @Nullable Instant timestamp) {
    /** An event the lookup did not return. */
    static final EventState UNKNOWN = new EventState(false, null);
  }

  /**
   * Turns one search's attributes into {@link SourceAttribute}s a batch of a page at a time, so
   * that the events whose state MISP left out are looked up together.
   */
  private final class Reader extends Spliterators.AbstractSpliterator<SourceAttribute> {
    private final Iterator<MispAttribute> attributes;
    private final List<MispAttribute> batch = new ArrayList<>();
    private final Map<Long, EventState> batchEvents = new HashMap<>();
    private final Map<Long, EventState> remembered;
    private int position;

    Reader(Iterator<MispAttribute> attributes, Map<Long, EventState> remembered) {
      super(Long.MAX_VALUE, Spliterator.ORDERED);
      this.attributes = attributes;
      this.remembered = remembered;
    }

    @Override
    public boolean tryAdvance(Consumer<? super SourceAttribute> action) {
      try {
        if (position == batch.size() && !readBatch()) {
          return false;
        }
        action.accept(toSource(batch.get(position++)));
        return true;
      } catch (MispException e) {
        throw translate(e);
      }
    }

    /** Reads up to a page of attributes and the state of their events; false at the end. */
    private boolean readBatch() {
      batch.clear();
      batchEvents.clear();
      position = 0;
      while (batch.size() < pageSize && attributes.hasNext()) {
        batch.add(attributes.next());
      }
      if (batch.isEmpty()) {
        return false;
      }

      Set<Long> unknown = new LinkedHashSet<>();
      for (MispAttribute attribute : batch) {
        if (stateMissing(attribute) && !batchEvents.containsKey(attribute.eventId())) {
          EventState state = remembered.get(attribute.eventId());
          if (state != null) {
            batchEvents.put(attribute.eventId(), state);
          } else if (attribute.eventId() < 1) {
            batchEvents.put(attribute.eventId(), EventState.UNKNOWN);
          } else {
            unknown.add(attribute.eventId());
          }
        }
      }
      if (!unknown.isEmpty()) {
        for (MispEventSummary event : misp.eventSummaries(unknown)) {
          if (unknown.remove(event.id())) {
            EventState state =
                new EventState(Boolean.TRUE.equals(event.published()), event.timestamp());
            batchEvents.put(event.id(), state);
            remembered.put(event.id(), state);
          }
        }
        for (long eventId : unknown) {
          batchEvents.put(eventId, EventState.UNKNOWN);
          remembered.put(eventId, EventState.UNKNOWN);
        }
      }
      return true;
    }

    private SourceAttribute toSource(MispAttribute attribute) {
      MispEventSummary event = attribute.event();
      Boolean sentPublished = event == null ? null : event.published();
      Instant sentTimestamp = event == null ? null : event.timestamp();
      boolean published;
      Instant eventTimestamp;
      if (sentPublished != null && sentTimestamp != null) {
        published = sentPublished;
        eventTimestamp = sentTimestamp;
      } else {
        EventState state = batchEvents.getOrDefault(attribute.eventId(), EventState.UNKNOWN);
        Instant timestamp = state.timestamp();
        published = state.published();
        eventTimestamp = timestamp != null ? timestamp : attribute.timestamp();
      }
      List<String> tags = new ArrayList<>(attribute.tags().size());
      for (MispTag tag : attribute.tags()) {
        tags.add(tag.name());
      }
      return new SourceAttribute(
          attribute.uuid(),
          Long.toString(attribute.eventId()),
          attribute.type(),
          attribute.value(),
          attribute.toIds(),
          attribute.deleted(),
          published,
          tags,
          attribute.timestamp(),
          eventTimestamp);
    }
  }

  /** Whether MISP left out whether the attribute's event is published, or when it changed. */
  private static boolean stateMissing(MispAttribute attribute) {
    MispEventSummary event = attribute.event();
    return event == null || event.published() == null || event.timestamp() == null;
  }
}
