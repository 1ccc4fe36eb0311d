package org.iocsync.qradar;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;
import org.jspecify.annotations.Nullable;

/**
 * Reads a list page by page with QRadar's {@code Range} header. A short page is not taken for the
 * end (a server may cap the page size): the end is an empty page, or the total that {@code
 * Content-Range} states.
 */
final class Pages {
  /** Numbers of up to 18 digits, which a long holds; a longer one makes the header unreadable. */
  private static final Pattern CONTENT_RANGE =
      Pattern.compile(
          "\\s*items\\s+(?:(\\d{1,18})\\s*-\\s*(\\d{1,18})|\\*)\\s*/\\s*(\\d{1,18}|\\*)\\s*");

  private Pages() {}

  /** One page as QRadar answered it. */
  record Page<T>(List<T> items, @Nullable String contentRange) {}

  /** Fetches the items from {@code first} to {@code last}, inclusive, zero-based. */
  interface Fetcher<T> {
    Page<T> fetch(long first, long last);
  }

  static String range(long first, long last) {
    return "items=" + first + "-" + last;
  }

  /**
   * The total a {@code Content-Range} header states, or null when there is no header or it says
   * {@code *}.
   *
   * @throws QradarMalformedResponseException if the header cannot be read
   */
  static @Nullable Long total(@Nullable String header, String what) {
    if (header == null) {
      return null;
    }
    Matcher range = CONTENT_RANGE.matcher(header);
    if (!range.matches()) {
      throw new QradarMalformedResponseException(
          "QRadar's Content-Range header '" + header + "' cannot be read while " + what, 200, null);
    }
    return range.group(3).equals("*") ? null : Long.parseLong(range.group(3));
  }

  /** Streams every item; the first page is fetched before this returns. */
  static <T> Stream<T> stream(int pageSize, Fetcher<T> fetcher, String what) {
    Reader<T> reader = new Reader<>(pageSize, fetcher, what);
    reader.fetchNext();
    return StreamSupport.stream(reader, false).onClose(reader::close);
  }

  private static final class Reader<T> extends Spliterators.AbstractSpliterator<T> {
    private final int pageSize;
    private final Fetcher<T> fetcher;
    private final String what;
    private final Deque<T> buffered = new ArrayDeque<>();
    private long next;
    private boolean done;

    Reader(int pageSize, Fetcher<T> fetcher, String what) {
      super(Long.MAX_VALUE, Spliterator.ORDERED | Spliterator.NONNULL);
      this.pageSize = pageSize;
      this.fetcher = fetcher;
      this.what = what;
    }

    @Override
    public boolean tryAdvance(Consumer<? super T> action) {
      if (buffered.isEmpty() && !done) {
        fetchNext();
      }
      T item = buffered.poll();
      if (item == null) {
        return false;
      }
      action.accept(item);
      return true;
    }

    void close() {
      done = true;
      buffered.clear();
    }

    void fetchNext() {
      long first = next;
      Page<T> page = fetcher.fetch(first, first + pageSize - 1);
      List<T> items = page.items();
      if (items.size() > pageSize) {
        throw new QradarMalformedResponseException(
            "QRadar answered "
                + items.size()
                + " items for a range of "
                + pageSize
                + " while "
                + what
                + ": it ignored the Range header",
            200,
            null);
      }
      Long total = null;
      String header = page.contentRange();
      if (header != null) {
        Matcher range = CONTENT_RANGE.matcher(header);
        if (!range.matches()) {
          throw new QradarMalformedResponseException(
              "QRadar's Content-Range header '" + header + "' cannot be read while " + what,
              200,
              null);
        }
        if (range.group(1) != null && !items.isEmpty() && Long.parseLong(range.group(1)) != first) {
          throw new QradarMalformedResponseException(
              "QRadar answered the range from "
                  + range.group(1)
                  + " when asked for the range from "
                  + first
                  + " while "
                  + what,
              200,
              null);
        }
        if (!range.group(3).equals("*")) {
          total = Long.parseLong(range.group(3));
        }
      }
      buffered.addAll(items);
      next = first + items.size();
      done = items.isEmpty() || (total != null && next >= total);
    }
  }
}
