package org.iocsync.qradar;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;
import retrofit2.Response;

/**
 * Asks the collections API's {@code set_entries} about given values of one set with {@code value in
 * (...)} filters, a few kilobytes of URL per request, so that a question costs what it asks
 * whatever the set's size. A set of element type {@code ALNIC} ignores case, and so do the answers.
 *
 * <p>An answer holding a value that was not asked for, or an entry of another set, means the server
 * ignored the filter: it is an error, never something to act on.
 */
final class EntryQueries {
  /**
   * The most URL-encoded filter text one request carries: Apache, in front of QRadar's console,
   * refuses request lines beyond 8,190 bytes, and the rest of the request line needs room too.
   */
  static final int MAX_FILTER_CHARS = 6_000;

  private static final String SEPARATOR_CHARS = PathEncoding.once(", ");

  /** One entry that an answer named: its id and the asked values it stands for. */
  record Match(@Nullable Long id, List<String> asked) {}

  private final CollectionsService service;
  private final Exchange exchange;

  EntryQueries(CollectionsService service, Exchange exchange) {
    this.service = service;
    this.exchange = exchange;
  }

  /** Which of {@code values} the set {@code collectionId} holds, spelt as they were asked. */
  Set<String> present(
      long collectionId, boolean ignoreCase, Collection<String> values, Exchange.Op op) {
    Set<String> found = new LinkedHashSet<>();
    for (Match match : lookup(collectionId, ignoreCase, values, "value", op)) {
      found.addAll(match.asked());
    }
    return found;
  }

  /**
   * The entries of set {@code collectionId} that hold any of {@code values}, with their ids, read
   * with as many requests as the filters' length needs.
   */
  List<Match> ids(
      long collectionId, boolean ignoreCase, Collection<String> values, Exchange.Op op) {
    return lookup(collectionId, ignoreCase, values, "id,collection_id,value", op);
  }

  private List<Match> lookup(
      long collectionId,
      boolean ignoreCase,
      Collection<String> values,
      String fields,
      Exchange.Op op) {
    Map<String, List<String>> byKey = new LinkedHashMap<>();
    Set<String> distinct = new LinkedHashSet<>();
    for (String value : checkValues(values)) {
      if (distinct.add(value)) {
        byKey.computeIfAbsent(key(value, ignoreCase), k -> new ArrayList<>(1)).add(value);
      }
    }
    List<Match> matches = new ArrayList<>();
    // Every spelling is asked for: whether QRadar's filter on an ALNIC set ignores case is not
    // documented.
    for (List<String> chunk : chunks(collectionId, distinct)) {
      matches.addAll(ask(collectionId, ignoreCase, chunk, byKey, fields, op));
    }
    return matches;
  }

  private List<Match> ask(
      long collectionId,
      boolean ignoreCase,
      List<String> chunk,
      Map<String, List<String>> byKey,
      String fields,
      Exchange.Op op) {
    String what = op.action();
    Response<List<QradarJson.CollectionEntry>> response =
        exchange.execute(
            service.entries(filter(collectionId, chunk), fields, Pages.range(0, chunk.size() - 1)),
            op.withValues(chunk));
    List<QradarJson.CollectionEntry> entries = Models.required(response.body(), "body", what);
    Long total = Pages.total(response.headers().get("Content-Range"), what);
    if (entries.size() > chunk.size() || (total != null && total > chunk.size())) {
      throw ignoredFilter(
          (total != null ? total : entries.size()) + " entries for " + chunk.size() + " values",
          what);
    }
    Set<String> keys = new HashSet<>();
    for (String value : chunk) {
      keys.add(key(value, ignoreCase));
    }
    Set<String> seen = new HashSet<>();
    List<Match> matches = new ArrayList<>(entries.size());
    for (QradarJson.CollectionEntry entry : entries) {
      String value = Models.required(entry.value(), "value", what);
      String key = key(value, ignoreCase);
      List<String> asked = byKey.get(key);
      if (asked == null || !keys.contains(key)) {
        throw ignoredFilter("the value '" + value + "', which was not asked for", what);
      }
      if (entry.collectionId() != null && entry.collectionId() != collectionId) {
        throw ignoredFilter("an entry of the set with id " + entry.collectionId(), what);
      }
      if (seen.add(key)) {
        matches.add(new Match(entry.id(), asked));
      }
    }
    return matches;
  }

  private static QradarMalformedResponseException ignoredFilter(String detail, String what) {
    return new QradarMalformedResponseException(
        "QRadar answered "
            + detail
            + " while "
            + what
            + ": it ignored the filter, so the client trusts nothing in the answer. Check that"
            + " the URL is the console's and that no proxy rewrites the query.",
        200,
        null);
  }

  /** The values cut so that each request's filter stays within {@link #MAX_FILTER_CHARS}. */
  static List<List<String>> chunks(long collectionId, Collection<String> values) {
    int prefix = PathEncoding.once(filterPrefix(collectionId) + ")").length();
    List<List<String>> chunks = new ArrayList<>();
    List<String> chunk = new ArrayList<>();
    int length = prefix;
    for (String value : values) {
      int size = PathEncoding.once(Filters.quote(value)).length() + SEPARATOR_CHARS.length();
      if (!chunk.isEmpty() && length + size > MAX_FILTER_CHARS) {
        chunks.add(chunk);
        chunk = new ArrayList<>();
        length = prefix;
      }
      chunk.add(value);
      length += size;
    }
    if (!chunk.isEmpty()) {
      chunks.add(chunk);
    }
    return chunks;
  }

  static String filter(long collectionId, List<String> values) {
    StringBuilder filter = new StringBuilder(filterPrefix(collectionId));
    for (int i = 0; i < values.size(); i++) {
      filter.append(i > 0 ? ", " : "").append(Filters.quote(values.get(i)));
    }
    return filter.append(')').toString();
  }

  private static String filterPrefix(long collectionId) {
    return "collection_id=" + collectionId + " and value in (";
  }

  /** Refuses an empty value, which no set holds and no path can name. */
  static Collection<String> checkValues(Collection<String> values) {
    for (String value : values) {
      if (value.isEmpty()) {
        throw new IllegalArgumentException("value is empty");
      }
    }
    return values;
  }

  /** How the set compares values: {@code ALNIC} ignores case. */
  static String key(String value, boolean ignoreCase) {
    return ignoreCase ? value.toLowerCase(Locale.ROOT) : value;
  }
}
