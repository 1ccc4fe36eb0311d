package org.iocsync.testkit;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * The filters of one {@code attributes/restSearch} body, read as MISP reads them: lenient about
 * shapes (a value or a list, numbers as strings), silent about unknown keys, and an invalid time
 * becomes "the future", which matches nothing.
 */
final class MispQuery {
  static final long FUTURE = Long.MAX_VALUE;

  /** A time window, both ends inclusive. */
  record Window(long from, long to) {
    boolean contains(long time) {
      return time >= from && time <= to;
    }
  }

  /** The sort of the results. */
  enum Order {
    ID_ASC,
    ID_DESC,
    TIMESTAMP_ASC,
    TIMESTAMP_DESC,
    VALUE_ASC,
    VALUE_DESC
  }

  final Set<String> types = new LinkedHashSet<>();
  final Set<String> notTypes = new LinkedHashSet<>();
  final Set<Long> eventIds = new LinkedHashSet<>();
  final Set<Long> notEventIds = new LinkedHashSet<>();
  final List<Pattern> anyTags = new ArrayList<>();
  final List<Pattern> allTags = new ArrayList<>();
  final List<Pattern> notTags = new ArrayList<>();
  @Nullable Boolean toIds;
  @Nullable Boolean published;
  boolean includeLive = true;
  boolean includeDeleted;
  @Nullable Window attributeTime;
  @Nullable Window eventTime;
  boolean enforceWarninglist;
  boolean includeEventTags;
  Order order = Order.ID_ASC;
  int page = 1;
  int limit;
  boolean typesGiven;
  boolean eventIdsGiven;

  /** Everything: what MISP answers when it ignores the body. */
  static MispQuery everything() {
    return new MispQuery();
  }

  static MispQuery parse(Map<?, ?> body, long now) {
    Object wrapped = body.get("request");
    Map<?, ?> filters = wrapped instanceof Map<?, ?> inner ? inner : body;
    MispQuery query = new MispQuery();

    for (Map.Entry<?, ?> entry : filters.entrySet()) {
      Object value = entry.getValue();
      if (value == null) {
        continue;
      }
      switch (String.valueOf(entry.getKey())) {
        case "type" -> query.readTypes(value);
        case "eventid" -> query.readEventIds(value);
        case "tags" -> query.readTags(value);
        case "to_ids" -> query.toIds = flag(value);
        case "published" -> query.published = flag(value);
        case "deleted" -> query.readDeleted(value);
        case "timestamp", "attribute_timestamp" ->
            query.attributeTime = intersect(query.attributeTime, window(value, now));
        case "event_timestamp" -> query.eventTime = intersect(query.eventTime, window(value, now));
        case "enforceWarninglist" -> query.enforceWarninglist = Boolean.TRUE.equals(flag(value));
        case "includeEventTags" -> query.includeEventTags = Boolean.TRUE.equals(flag(value));
        case "order" -> query.order = order(String.valueOf(value));
        case "page" -> query.page = Math.max(1, (int) Math.min(Integer.MAX_VALUE, number(value)));
        case "limit" -> query.limit = (int) Math.max(0, Math.min(Integer.MAX_VALUE, number(value)));
        default -> {
          // MISP drops unknown filters without a word.
        }
      }
    }
    return query;
  }

  /** Identifies the set of matching attributes and their order, without paging or output flags. */
  String matchKey() {
    return String.join(
        "|",
        types.toString(),
        notTypes.toString(),
        Boolean.toString(typesGiven),
        eventIds.toString(),
        notEventIds.toString(),
        Boolean.toString(eventIdsGiven),
        anyTags.toString(),
        allTags.toString(),
        notTags.toString(),
        String.valueOf(toIds),
        String.valueOf(published),
        includeLive + "/" + includeDeleted,
        String.valueOf(attributeTime),
        String.valueOf(eventTime),
        order.name());
  }

  private void readTypes(Object value) {
    typesGiven = true;
    for (String type : strings(value)) {
      if (type.startsWith("!")) {
        notTypes.add(type.substring(1));
      } else {
        types.add(type);
      }
    }
    if (types.isEmpty() && notTypes.isEmpty()) {
      typesGiven = false;
    }
  }

  private void readEventIds(Object value) {
    eventIdsGiven = true;
    for (String id : strings(value)) {
      boolean not = id.startsWith("!");
      String digits = not ? id.substring(1) : id;
      long parsed;
      try {
        parsed = Long.parseLong(digits.trim());
      } catch (NumberFormatException e) {
        // An id MISP cannot find matches no event.
        parsed = -1;
      }
      (not ? notEventIds : eventIds).add(parsed);
    }
    if (eventIds.isEmpty() && notEventIds.isEmpty()) {
      eventIdsGiven = false;
    }
  }

  private void readTags(Object value) {
    if (value instanceof Map<?, ?> map) {
      for (Map.Entry<?, ?> entry : map.entrySet()) {
        String operator = String.valueOf(entry.getKey()).toUpperCase(Locale.ROOT);
        List<Pattern> into =
            switch (operator) {
              case "AND" -> allTags;
              case "NOT" -> notTags;
              default -> anyTags;
            };
        for (String tag : strings(entry.getValue())) {
          into.add(like(tag));
        }
      }
      return;
    }
    for (String tag : strings(value)) {
      if (tag.startsWith("!")) {
        notTags.add(like(tag.substring(1)));
      } else {
        anyTags.add(like(tag));
      }
    }
  }

  private void readDeleted(Object value) {
    List<String> wanted = strings(value);
    boolean live = false;
    boolean deleted = false;
    for (String one : wanted) {
      Boolean flag = flag(one);
      if (Boolean.TRUE.equals(flag)) {
        deleted = true;
      } else if (Boolean.FALSE.equals(flag)) {
        live = true;
      }
    }
    if (live || deleted) {
      includeLive = live;
      includeDeleted = deleted;
    }
  }

  /** An SQL LIKE pattern, case-insensitive as MySQL's default collation compares. */
  static Pattern like(String pattern) {
    StringBuilder regex = new StringBuilder();
    StringBuilder literal = new StringBuilder();
    for (int i = 0; i < pattern.length(); i++) {
      char c = pattern.charAt(i);
      if (c == '%' || c == '_') {
        if (literal.length() > 0) {
          regex.append(Pattern.quote(literal.toString()));
          literal.setLength(0);
        }
        regex.append(c == '%' ? ".*" : ".");
      } else {
        literal.append(c);
      }
    }
    if (literal.length() > 0) {
      regex.append(Pattern.quote(literal.toString()));
    }
    return Pattern.compile(
        regex.toString(), Pattern.CASE_INSENSITIVE | Pattern.UNICODE_CASE | Pattern.DOTALL);
  }

  private static List<String> strings(Object value) {
    List<String> out = new ArrayList<>();
    if (value instanceof List<?> list) {
      for (Object item : list) {
        if (item != null) {
          out.add(scalar(item));
        }
      }
    } else {
      out.add(scalar(value));
    }
    return out;
  }

  private static String scalar(Object value) {
    if (value instanceof Double number && number == Math.rint(number)) {
      return Long.toString(number.longValue());
    }
    return String.valueOf(value);
  }

  /** Reads 0/1, true/false and their string forms; anything else leaves the filter unset. */
  static @Nullable Boolean flag(Object value) {
    String text = scalar(value).trim().toLowerCase(Locale.ROOT);
    return switch (text) {
      case "1", "true" -> Boolean.TRUE;
      case "0", "false" -> Boolean.FALSE;
      default -> null;
    };
  }

  private static long number(Object value) {
    try {
      return (long) Double.parseDouble(scalar(value).trim());
    } catch (NumberFormatException e) {
      return 0;
    }
  }

  private static Window window(Object value, long now) {
    if (value instanceof List<?> list) {
      if (list.size() != 2 || list.get(0) == null || list.get(1) == null) {
        return new Window(FUTURE, FUTURE);
      }
      return new Window(time(list.get(0), now), time(list.get(1), now));
    }
    return new Window(time(value, now), FUTURE);
  }

  /** A Unix time, or a span back from now such as {@code 7d}, {@code 12h}, {@code 30m}. */
  private static long time(Object value, long now) {
    String text = scalar(value).trim();
    if (text.matches("\\d+")) {
      return text.length() > 18 ? FUTURE : Long.parseLong(text);
    }
    if (text.matches("\\d{1,9}[dhms]")) {
      long amount = Long.parseLong(text.substring(0, text.length() - 1));
      long unit =
          switch (text.charAt(text.length() - 1)) {
            case 'd' -> 86_400;
            case 'h' -> 3_600;
            case 'm' -> 60;
            default -> 1;
          };
      return now - amount * unit;
    }
    return FUTURE;
  }

  private static Window intersect(@Nullable Window a, Window b) {
    return a == null ? b : new Window(Math.max(a.from, b.from), Math.min(a.to, b.to));
  }

  private static Order order(String text) {
    String[] words = text.trim().toLowerCase(Locale.ROOT).split("\\s+");
    String field = words[0].startsWith("attribute.") ? words[0].substring(10) : words[0];
    boolean desc = words.length > 1 && words[1].equals("desc");
    return switch (field) {
      case "timestamp" -> desc ? Order.TIMESTAMP_DESC : Order.TIMESTAMP_ASC;
      case "value" -> desc ? Order.VALUE_DESC : Order.VALUE_ASC;
      default -> desc ? Order.ID_DESC : Order.ID_ASC;
    };
  }
}
