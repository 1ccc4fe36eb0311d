package org.iocsync.misp;

import com.squareup.moshi.JsonReader;
import java.io.IOException;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoField;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Reads MISP's JSON into the model records, one token at a time. Lenient where MISP varies (numbers
 * as strings, flags as booleans or 0/1, nulls, absent lists, unknown fields), strict where a sync
 * depends on a field: a missing one is a {@link MalformedJson} naming its path.
 */
final class MispJson {
  private static final JsonReader.Options ATTRIBUTE_FIELDS =
      JsonReader.Options.of(
          "id",
          "event_id",
          "uuid",
          "type",
          "category",
          "value",
          "to_ids",
          "deleted",
          "timestamp",
          "first_seen",
          "last_seen",
          "Tag",
          "Event");
  private static final JsonReader.Options TAG_FIELDS =
      JsonReader.Options.of("name", "colour", "local", "inherited");
  private static final JsonReader.Options EVENT_SUMMARY_FIELDS =
      JsonReader.Options.of("id", "uuid", "info", "org_id", "published", "timestamp");
  private static final JsonReader.Options EVENT_FIELDS =
      JsonReader.Options.of(
          "id",
          "uuid",
          "info",
          "published",
          "date",
          "timestamp",
          "Orgc",
          "Attribute",
          "Object",
          "Tag");
  private static final JsonReader.Options OBJECT_FIELDS = JsonReader.Options.of("Attribute");
  private static final JsonReader.Options NAME_FIELD = JsonReader.Options.of("name");
  private static final JsonReader.Options TYPES_FIELDS =
      JsonReader.Options.of("types", "categories", "category_type_mappings", "sane_defaults");
  private static final JsonReader.Options DEFAULTS_FIELDS =
      JsonReader.Options.of("default_category", "to_ids");

  /** MISP sends first and last seen as ISO 8601 with microseconds, with or without a colon. */
  private static final DateTimeFormatter SEEN =
      new DateTimeFormatterBuilder()
          .append(DateTimeFormatter.ISO_LOCAL_DATE_TIME)
          .optionalStart()
          .appendOffset("+HH:MM", "Z")
          .optionalEnd()
          .optionalStart()
          .appendOffset("+HHMM", "Z")
          .optionalEnd()
          .parseDefaulting(ChronoField.OFFSET_SECONDS, 0)
          .toFormatter();

  private MispJson() {}

  /** Reads {@code {"version": "2.5.1", ...}}. */
  static MispVersion version(JsonReader reader) throws IOException {
    String version = null;
    String path = reader.getPath();
    reader.beginObject();
    while (reader.hasNext()) {
      if (reader.nextName().equals("version")) {
        version = string(reader);
      } else {
        reader.skipValue();
      }
    }
    reader.endObject();
    return new MispVersion(required(version, path, "version"));
  }

  /** Reads {@code {"result": {"types": [...], "categories": [...], ...}}}. */
  static MispTypes types(JsonReader reader) throws IOException {
    MispTypes types = null;
    String path = reader.getPath();
    reader.beginObject();
    while (reader.hasNext()) {
      if (reader.nextName().equals("result")) {
        types = typesResult(reader);
      } else {
        reader.skipValue();
      }
    }
    reader.endObject();
    return required(types, path, "result");
  }

  private static MispTypes typesResult(JsonReader reader) throws IOException {
    List<String> types = null;
    List<String> categories = List.of();
    Map<String, List<String>> categoryTypes = Map.of();
    Map<String, MispTypes.Defaults> defaults = Map.of();
    String path = reader.getPath();
    reader.beginObject();
    while (reader.hasNext()) {
      switch (reader.selectName(TYPES_FIELDS)) {
        case 0:
          types = stringList(reader);
          break;
        case 1:
          categories = stringList(reader);
          break;
        case 2:
          categoryTypes = categoryTypes(reader);
          break;
        case 3:
          defaults = defaults(reader);
          break;
        default:
          skipField(reader);
      }
    }
    reader.endObject();
    return new MispTypes(required(types, path, "types"), categories, categoryTypes, defaults);
  }

  private static Map<String, List<String>> categoryTypes(JsonReader reader) throws IOException {
    Map<String, List<String>> categoryTypes = new LinkedHashMap<>();
    if (skippedNull(reader)) {
      return categoryTypes;
    }
    reader.beginObject();
    while (reader.hasNext()) {
      categoryTypes.put(reader.nextName(), stringList(reader));
    }
    reader.endObject();
    return categoryTypes;
  }

  private static Map<String, MispTypes.Defaults> defaults(JsonReader reader) throws IOException {
    Map<String, MispTypes.Defaults> defaults = new LinkedHashMap<>();
    if (skippedNull(reader)) {
      return defaults;
    }
    reader.beginObject();
    while (reader.hasNext()) {
      String type = reader.nextName();
      String category = "";
      boolean toIds = false;
      reader.beginObject();
      while (reader.hasNext()) {
        switch (reader.selectName(DEFAULTS_FIELDS)) {
          case 0:
            category = orEmpty(string(reader));
            break;
          case 1:
            toIds = flag(reader);
            break;
          default:
            skipField(reader);
        }
      }
      reader.endObject();
      defaults.put(type, new MispTypes.Defaults(category, toIds));
    }
    reader.endObject();
    return defaults;
  }

  /** Reads {@code {"Event": {...}}}, the answer of {@code events/view}. */
  static MispEvent eventView(JsonReader reader) throws IOException {
    MispEvent event = null;
    String path = reader.getPath();
    reader.beginObject();
    while (reader.hasNext()) {
      if (reader.nextName().equals("Event")) {
        event = event(reader);
      } else {
        reader.skipValue();
      }
    }
    reader.endObject();
    return required(event, path, "Event");
  }

  private static MispEvent event(JsonReader reader) throws IOException {
    Long id = null;
    String uuid = null;
    String info = "";
    boolean published = false;
    LocalDate date = null;
    Instant timestamp = null;
    String creator = null;
    List<MispAttribute> attributes = new ArrayList<>();
    List<MispTag> tags = List.of();
    String path = reader.getPath();
    reader.beginObject();
    while (reader.hasNext()) {
      switch (reader.selectName(EVENT_FIELDS)) {
        case 0:
          id = number(reader);
          break;
        case 1:
          uuid = string(reader);
          break;
        case 2:
          info = orEmpty(string(reader));
          break;
        case 3:
          published = flag(reader);
          break;
        case 4:
          date = date(string(reader));
          break;
        case 5:
          timestamp = seconds(reader);
          break;
        case 6:
          creator = organisationName(reader);
          break;
        case 7:
          attributes.addAll(attributeList(reader));
          break;
        case 8:
          attributes.addAll(objectAttributes(reader));
          break;
        case 9:
          tags = tags(reader);
          break;
        default:
          skipField(reader);
      }
    }
    reader.endObject();
    return new MispEvent(
        required(id, path, "id"),
        required(uuid, path, "uuid"),
        info,
        published,
        date,
        required(timestamp, path, "timestamp"),
        creator,
        attributes,
        tags);
  }

  private static @Nullable String organisationName(JsonReader reader) throws IOException {
    if (skippedNull(reader)) {
      return null;
    }
    String name = null;
    reader.beginObject();
    while (reader.hasNext()) {
      if (reader.selectName(NAME_FIELD) == 0) {
        name = string(reader);
      } else {
        skipField(reader);
      }
    }
    reader.endObject();
    return name;
  }

  private static List<MispAttribute> objectAttributes(JsonReader reader) throws IOException {
    List<MispAttribute> attributes = new ArrayList<>();
    if (skippedNull(reader)) {
      return attributes;
    }
    reader.beginArray();
    while (reader.hasNext()) {
      reader.beginObject();
      while (reader.hasNext()) {
        if (reader.selectName(OBJECT_FIELDS) == 0) {
          attributes.addAll(attributeList(reader));
        } else {
          skipField(reader);
        }
      }
      reader.endObject();
    }
    reader.endArray();
    return attributes;
  }

  private static List<MispAttribute> attributeList(JsonReader reader) throws IOException {
    List<MispAttribute> attributes = new ArrayList<>();
    if (skippedNull(reader)) {
      return attributes;
    }
    reader.beginArray();
    while (reader.hasNext()) {
      attributes.add(attribute(reader));
    }
    reader.endArray();
    return attributes;
  }

  /** Reads one attribute object, as in a search answer or an event. */
  static MispAttribute attribute(JsonReader reader) throws IOException {
    Long id = null;
    Long eventId = null;
    String uuid = null;
    String type = null;
    String category = "";
    String value = null;
    boolean toIds = false;
    boolean deleted = false;
    Instant timestamp = null;
    Instant firstSeen = null;
    Instant lastSeen = null;
    List<MispTag> tags = List.of();
    MispEventSummary event = null;
    String path = reader.getPath();
    reader.beginObject();
    while (reader.hasNext()) {
      switch (reader.selectName(ATTRIBUTE_FIELDS)) {
        case 0:
          id = number(reader);
          break;
        case 1:
          eventId = number(reader);
          break;
        case 2:
          uuid = string(reader);
          break;
        case 3:
          type = string(reader);
          break;
        case 4:
          category = orEmpty(string(reader));
          break;
        case 5:
          value = string(reader);
          break;
        case 6:
          toIds = flag(reader);
          break;
        case 7:
          deleted = flag(reader);
          break;
        case 8:
          timestamp = seconds(reader);
          break;
        case 9:
          firstSeen = seen(string(reader));
          break;
        case 10:
          lastSeen = seen(string(reader));
          break;
        case 11:
          tags = tags(reader);
          break;
        case 12:
          event = eventSummary(reader);
          break;
        default:
          skipField(reader);
      }
    }
    reader.endObject();
    return new MispAttribute(
        required(id, path, "id"),
        required(eventId, path, "event_id"),
        required(uuid, path, "uuid"),
        required(type, path, "type"),
        category,
        required(value, path, "value"),
        toIds,
        deleted,
        required(timestamp, path, "timestamp"),
        firstSeen,
        lastSeen,
        tags,
        event);
  }

  /**
   * Reads one element of an {@code events/restSearch} answer, {@code {"Event": {...}}}, into the
   * event's summary. Unlike the summary sent with an attribute, it must say whether the event is
   * published and when it changed.
   */
  static MispEventSummary searchedEvent(JsonReader reader) throws IOException {
    MispEventSummary event = null;
    String path = reader.getPath();
    reader.beginObject();
    while (reader.hasNext()) {
      if (reader.nextName().equals("Event")) {
        String eventPath = reader.getPath();
        event = required(eventSummary(reader), path, "Event");
        required(event.published(), eventPath, "published");
        required(event.timestamp(), eventPath, "timestamp");
      } else {
        reader.skipValue();
      }
    }
    reader.endObject();
    return required(event, path, "Event");
  }

  private static @Nullable MispEventSummary eventSummary(JsonReader reader) throws IOException {
    if (skippedNull(reader)) {
      return null;
    }
    Long id = null;
    String uuid = null;
    String info = "";
    Long orgId = null;
    Boolean published = null;
    Instant timestamp = null;
    String path = reader.getPath();
    reader.beginObject();
    while (reader.hasNext()) {
      switch (reader.selectName(EVENT_SUMMARY_FIELDS)) {
        case 0:
          id = number(reader);
          break;
        case 1:
          uuid = string(reader);
          break;
        case 2:
          info = orEmpty(string(reader));
          break;
        case 3:
          orgId = number(reader);
          break;
        case 4:
          published = reader.peek() == JsonReader.Token.NULL ? nullValue(reader) : flag(reader);
          break;
        case 5:
          timestamp = seconds(reader);
          break;
        default:
          skipField(reader);
      }
    }
    reader.endObject();
    return new MispEventSummary(
        required(id, path, "id"), required(uuid, path, "uuid"), info, orgId, published, timestamp);
  }

  private static List<MispTag> tags(JsonReader reader) throws IOException {
    List<MispTag> tags = new ArrayList<>();
    if (skippedNull(reader)) {
      return tags;
    }
    reader.beginArray();
    while (reader.hasNext()) {
      tags.add(tag(reader));
    }
    reader.endArray();
    return tags;
  }

  private static MispTag tag(JsonReader reader) throws IOException {
    String name = null;
    String colour = null;
    boolean local = false;
    boolean inherited = false;
    String path = reader.getPath();
    reader.beginObject();
    while (reader.hasNext()) {
      switch (reader.selectName(TAG_FIELDS)) {
        case 0:
          name = string(reader);
          break;
        case 1:
          colour = string(reader);
          break;
        case 2:
          local = flag(reader);
          break;
        case 3:
          inherited = flag(reader);
          break;
        default:
          skipField(reader);
      }
    }
    reader.endObject();
    return new MispTag(required(name, path, "name"), colour, local, inherited);
  }

  private static List<String> stringList(JsonReader reader) throws IOException {
    List<String> strings = new ArrayList<>();
    if (skippedNull(reader)) {
      return strings;
    }
    reader.beginArray();
    while (reader.hasNext()) {
      String string = string(reader);
      if (string != null) {
        strings.add(string);
      }
    }
    reader.endArray();
    return strings;
  }

  /** Reads a string (or a number, as text), or null. */
  private static @Nullable String string(JsonReader reader) throws IOException {
    JsonReader.Token token = reader.peek();
    if (token == JsonReader.Token.NULL) {
      return nullValue(reader);
    }
    if (token != JsonReader.Token.STRING && token != JsonReader.Token.NUMBER) {
      throw new MalformedJson(reader.getPath(), "expected a string but found " + token);
    }
    return reader.nextString();
  }

  /** Reads a whole number sent as a number or a string, or null. */
  private static @Nullable Long number(JsonReader reader) throws IOException {
    String text = string(reader);
    if (text == null || text.isEmpty()) {
      return null;
    }
    try {
      return Long.parseLong(text);
    } catch (NumberFormatException e) {
      // Only object members are numbers here, and the path still names the member once read.
      throw new MalformedJson(
          reader.getPath(), "\"" + excerpt(text) + "\" where a whole number was expected");
    }
  }

  /** Reads a Unix time in seconds, sent as a number or a string, or null. */
  private static @Nullable Instant seconds(JsonReader reader) throws IOException {
    Long seconds = number(reader);
    if (seconds == null) {
      return null;
    }
    try {
      return Instant.ofEpochSecond(seconds);
    } catch (DateTimeException e) {
      throw new MalformedJson(reader.getPath(), seconds + " seconds is beyond the range of a time");
    }
  }

  /** Reads a flag sent as a boolean, 0 or 1, or the same as a string; null means false. */
  private static boolean flag(JsonReader reader) throws IOException {
    switch (reader.peek()) {
      case BOOLEAN:
        return reader.nextBoolean();
      case NULL:
        reader.nextNull();
        return false;
      default:
        String text = string(reader);
        if ("1".equals(text) || "true".equals(text)) {
          return true;
        }
        if ("0".equals(text) || "false".equals(text) || "".equals(text)) {
          return false;
        }
        throw new MalformedJson(
            reader.getPath(), "\"" + excerpt(orEmpty(text)) + "\" where a flag was expected");
    }
  }

  /** Reads first or last seen: ISO 8601, or microseconds since 1970; anything else is absent. */
  private static @Nullable Instant seen(@Nullable String text) {
    if (text == null || text.isBlank()) {
      return null;
    }
    if (text.chars().allMatch(Character::isDigit)) {
      try {
        long micros = Long.parseLong(text);
        return Instant.ofEpochSecond(micros / 1_000_000, (micros % 1_000_000) * 1_000);
      } catch (NumberFormatException e) {
        return null;
      }
    }
    try {
      return OffsetDateTime.parse(text, SEEN).toInstant();
    } catch (DateTimeParseException e) {
      return null;
    }
  }

  private static @Nullable LocalDate date(@Nullable String text) {
    if (text == null) {
      return null;
    }
    try {
      return LocalDate.parse(text);
    } catch (DateTimeParseException e) {
      return null;
    }
  }

  /**
   * Skips a field this client does not read. Reading its name (rather than skipping it) keeps the
   * name in the path an error reports, should the value be too long to skip.
   */
  private static void skipField(JsonReader reader) throws IOException {
    reader.nextName();
    reader.skipValue();
  }

  /** Consumes a null and returns true, or returns false when the next value is not null. */
  private static boolean skippedNull(JsonReader reader) throws IOException {
    if (reader.peek() == JsonReader.Token.NULL) {
      reader.nextNull();
      return true;
    }
    return false;
  }

  private static <T> @Nullable T nullValue(JsonReader reader) throws IOException {
    return reader.nextNull();
  }

  private static String orEmpty(@Nullable String text) {
    return text == null ? "" : text;
  }

  private static <T> T required(@Nullable T value, String objectPath, String name) {
    if (value == null) {
      throw new MalformedJson(objectPath + "." + name, "missing");
    }
    return value;
  }

  private static String excerpt(String text) {
    return text.length() <= 40 ? text : text.substring(0, 40) + "…";
  }
}
