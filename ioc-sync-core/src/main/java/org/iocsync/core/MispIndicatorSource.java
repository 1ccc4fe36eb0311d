package org.iocsync.core;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
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

/**
 * Reads indicators from a MISP server through its {@link MispClient}.
 *
 * <p>Searches ask for event tags too, so that a job's tag filters see them. When MISP's answer does
 * not say whether an attribute's event is published, the attribute counts as unpublished and its
 * event's time as the attribute's own; the run's report then shows those attributes as {@code
 * unpublished}.
 */
public final class MispIndicatorSource implements IndicatorSource {
  private final MispClient misp;
  private final int pageSize;

  /** Reads through {@code misp}, {@code pageSize} attributes a request. */
  public MispIndicatorSource(MispClient misp, int pageSize) {
    if (pageSize < 1 || pageSize > AttributeQuery.MAX_PAGE_SIZE) {
      throw new IllegalArgumentException(
          "pageSize must be within 1.." + AttributeQuery.MAX_PAGE_SIZE + ", was " + pageSize);
    }
    this.misp = misp;
    this.pageSize = pageSize;
  }

  /**
   * Reads through {@code misp} with MISP's default page of {@value
   * AttributeQuery#DEFAULT_PAGE_SIZE}.
   */
  public MispIndicatorSource(MispClient misp) {
    this(misp, AttributeQuery.DEFAULT_PAGE_SIZE);
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
            .includeEventTags(true)
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
    Iterator<MispAttribute> pages = attributes.iterator();
    Spliterator<SourceAttribute> translated =
        new Spliterators.AbstractSpliterator<>(Long.MAX_VALUE, Spliterator.ORDERED) {
          @Override
          public boolean tryAdvance(Consumer<? super SourceAttribute> action) {
            try {
              if (!pages.hasNext()) {
                return false;
              }
              action.accept(toSource(pages.next()));
              return true;
            } catch (MispException e) {
              throw translate(e);
            }
          }
        };
    return StreamSupport.stream(translated, false).onClose(attributes::close);
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

  private static SourceAttribute toSource(MispAttribute attribute) {
    MispEventSummary event = attribute.event();
    boolean published = event != null && Boolean.TRUE.equals(event.published());
    Instant eventTimestamp =
        event != null && event.timestamp() != null ? event.timestamp() : attribute.timestamp();
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
}
