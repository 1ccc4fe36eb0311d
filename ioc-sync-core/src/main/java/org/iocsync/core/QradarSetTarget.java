package org.iocsync.core;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.function.Consumer;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;
import org.iocsync.qradar.BulkWriteResult;
import org.iocsync.qradar.ExpiryBasis;
import org.iocsync.qradar.NewReferenceSet;
import org.iocsync.qradar.QradarClient;
import org.iocsync.qradar.QradarElementType;
import org.iocsync.qradar.QradarException;
import org.iocsync.qradar.QradarMalformedResponseException;
import org.iocsync.qradar.QradarServerException;
import org.iocsync.qradar.QradarTaskException;
import org.iocsync.qradar.QradarTransportException;
import org.iocsync.qradar.ReferenceSetEntry;
import org.iocsync.qradar.ReferenceSetExistsException;
import org.iocsync.qradar.ReferenceSetInfo;
import org.iocsync.qradar.ReferenceSets;
import org.iocsync.qradar.RejectedValue;
import org.jspecify.annotations.Nullable;

/**
 * Writes values into QRadar reference sets through a {@link QradarClient}, on whichever reference
 * data API the client chose. Sets it creates expire values by when they were last seen, so that a
 * value the job keeps sending stays. Creating a set that exists already with the element type asked
 * for returns that set, since it is what a creation whose answer was lost leaves behind.
 */
public final class QradarSetTarget implements SetTarget {
  private final ReferenceSets sets;

  /** Writes through {@code qradar}. */
  public QradarSetTarget(QradarClient qradar) {
    this.sets = qradar.referenceSets();
  }

  @Override
  public Optional<ReferenceSet> find(String name) {
    try {
      return sets.find(name).map(QradarSetTarget::toReferenceSet);
    } catch (QradarException e) {
      throw translate(e);
    }
  }

  @Override
  public ReferenceSet create(String name, ElementType elementType, @Nullable String timeToLive) {
    NewReferenceSet spec = NewReferenceSet.of(name, QradarElementType.valueOf(elementType.name()));
    if (timeToLive != null) {
      long seconds = JobValidator.intervalSeconds(timeToLive);
      if (seconds <= 0) {
        throw TargetException.permanent(
            "time to live \"" + timeToLive + "\" is not a QRadar interval such as \"30 days\"",
            null);
      }
      spec = spec.expiringAfter(Duration.ofSeconds(seconds), ExpiryBasis.LAST_SEEN);
    }
    try {
      return toReferenceSet(sets.create(spec));
    } catch (ReferenceSetExistsException e) {
      // The HTTP client repeats a request whose connection broke before the answer came, so a
      // creation that QRadar carried out can meet its own set; one of another type is not it.
      ReferenceSet existing = find(name).orElseThrow(() -> translate(e));
      if (!existing.elementType().equalsIgnoreCase(elementType.name())) {
        throw translate(e);
      }
      return existing;
    } catch (QradarException e) {
      throw translate(e);
    }
  }

  @Override
  public AddResult add(String set, List<String> values) {
    BulkWriteResult written;
    try {
      written = sets.add(set, values);
    } catch (QradarException e) {
      throw translate(e);
    }
    List<AddResult.Rejection> rejections = new ArrayList<>();
    for (RejectedValue rejected : written.rejected()) {
      rejections.add(new AddResult.Rejection(rejected.value(), rejected.reason()));
    }
    return new AddResult(written.accepted(), rejections);
  }

  /**
   * Removes the batch with the client's {@link ReferenceSets#removeAll}: a few deletions at once
   * and, on the collections API, one lookup per chunk of values. A failed batch may be sent again
   * whole: removing a value already gone is no error.
   */
  @Override
  public void remove(String set, List<String> values) {
    try {
      sets.removeAll(set, values);
    } catch (QradarException e) {
      throw translate(e);
    }
  }

  /**
   * Asks QRadar with the client's {@link ReferenceSets#present}, which costs requests in proportion
   * to {@code values}, not to the set, except on the legacy API before 16.0, where it reads the
   * set.
   */
  @Override
  public Set<String> present(String set, Collection<String> values) {
    try {
      return sets.present(set, values);
    } catch (QradarException e) {
      throw translate(e);
    }
  }

  @Override
  public Stream<String> values(String set) {
    Stream<ReferenceSetEntry> entries;
    try {
      entries = sets.entries(set);
    } catch (QradarException e) {
      throw translate(e);
    }
    Iterator<ReferenceSetEntry> pages = entries.iterator();
    Spliterator<String> translated =
        new Spliterators.AbstractSpliterator<>(Long.MAX_VALUE, Spliterator.ORDERED) {
          @Override
          public boolean tryAdvance(Consumer<? super String> action) {
            try {
              if (!pages.hasNext()) {
                return false;
              }
              action.accept(pages.next().value());
              return true;
            } catch (QradarException e) {
              throw translate(e);
            }
          }
        };
    return StreamSupport.stream(translated, false).onClose(entries::close);
  }

  private static ReferenceSet toReferenceSet(ReferenceSetInfo info) {
    return new ReferenceSet(info.name(), info.elementType().name(), info.timeToLive());
  }

  /** Tells the engine whether trying again may help: refusals and missing sets will not. */
  static TargetException translate(QradarException e) {
    if (e instanceof QradarServerException) {
      Optional<Duration> retryAfter = ((QradarServerException) e).retryAfter();
      return retryAfter.isPresent()
          ? TargetException.retryable(e.getMessage(), retryAfter.get(), e)
          : TargetException.retryable(e.getMessage(), e);
    }
    if (e instanceof QradarTransportException
        || e instanceof QradarTaskException
        || e instanceof QradarMalformedResponseException) {
      return TargetException.retryable(e.getMessage(), e);
    }
    return TargetException.permanent(e.getMessage(), e);
  }
}
