package org.iocsync.web;

import java.io.IOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.iocsync.core.ElementType;
import org.iocsync.core.InvalidJobException;
import org.iocsync.core.JobSpec;
import org.iocsync.core.JobValidator;
import org.iocsync.core.SyncMode;
import org.iocsync.web.StrictJsonReader.Field;
import org.iocsync.web.StrictJsonReader.Kind;
import org.iocsync.web.StrictJsonReader.MalformedJsonException;
import org.iocsync.web.StrictJsonReader.Values;
import org.jspecify.annotations.Nullable;

/**
 * Reads one job as the configuration file and the JSON API write it, with the defaults of the
 * configuration file, and checks it with the core's {@link JobValidator}.
 */
final class JobReader {
  static final Map<String, Field> SCHEMA =
      Map.ofEntries(
          Map.entry("name", new Field(Kind.STRING, false)),
          Map.entry("referenceSet", new Field(Kind.STRING, false)),
          Map.entry("elementType", new Field(Kind.STRING, false)),
          Map.entry("types", new Field(Kind.STRING_LIST, false)),
          Map.entry("eventIds", new Field(Kind.ID_LIST, false)),
          Map.entry("tags", new Field(Kind.STRING_LIST, false)),
          Map.entry("excludeTags", new Field(Kind.STRING_LIST, false)),
          Map.entry("toIdsOnly", new Field(Kind.BOOLEAN, false)),
          Map.entry("publishedOnly", new Field(Kind.BOOLEAN, false)),
          Map.entry("enforceWarninglist", new Field(Kind.BOOLEAN, false)),
          Map.entry("mode", new Field(Kind.STRING, false)),
          Map.entry("intervalMinutes", new Field(Kind.INTEGER, false)),
          Map.entry("createSetIfMissing", new Field(Kind.BOOLEAN, false)),
          Map.entry("timeToLive", new Field(Kind.STRING, true)));

  private final JobValidator validator;

  JobReader(JobValidator validator) {
    this.validator = validator;
  }

  /**
   * Reads the job at the reader's position.
   *
   * @return the job, or empty when it has errors, which are then recorded in {@code json}
   */
  Optional<JobSpec> read(StrictJsonReader json) throws IOException, MalformedJsonException {
    Values values = json.readObject("a job object", SCHEMA, Map.of());
    if (!values.valid()) {
      return Optional.empty();
    }
    int before = json.errors().size();
    Set<String> bad = new HashSet<>();
    for (String required : List.of("name", "referenceSet")) {
      if (!values.has(required) && !values.broken(required)) {
        json.error(values.path(required), "is missing: every job needs one");
        bad.add(required);
      }
    }
    ElementType elementType = elementType(json, values, bad);
    SyncMode mode = mode(json, values, bad);
    Integer interval = values.integer("intervalMinutes");
    JobSpec spec =
        new JobSpec(
            orEmpty(values.string("name")),
            orEmpty(values.string("referenceSet")),
            elementType,
            values.list("types"),
            values.list("eventIds"),
            values.list("tags"),
            values.list("excludeTags"),
            values.bool("toIdsOnly", true),
            values.bool("publishedOnly", true),
            values.bool("enforceWarninglist", false),
            mode,
            interval != null ? interval : JobSpec.DEFAULT_INTERVAL_MINUTES,
            values.bool("createSetIfMissing", true),
            values.string("timeToLive"));

    for (InvalidJobException.FieldError error : validator.check(spec)) {
      // A field whose value could not even be read has its error already.
      if (!bad.contains(error.field()) && !values.broken(error.field())) {
        json.error(values.path(error.field()), error.message());
      }
    }
    return json.errors().size() == before ? Optional.of(spec) : Optional.empty();
  }

  private static ElementType elementType(StrictJsonReader json, Values values, Set<String> bad) {
    String text = values.string("elementType");
    if (text == null) {
      return ElementType.ALNIC;
    }
    for (ElementType type : ElementType.values()) {
      if (type.name().equalsIgnoreCase(text.trim())) {
        return type;
      }
    }
    json.error(
        values.path("elementType"),
        quote(text) + " is not an element type: use " + names(ElementType.values()));
    bad.add("elementType");
    return ElementType.ALNIC;
  }

  private static SyncMode mode(StrictJsonReader json, Values values, Set<String> bad) {
    String text = values.string("mode");
    if (text == null) {
      return SyncMode.MIRROR;
    }
    for (SyncMode mode : SyncMode.values()) {
      if (mode.name().equalsIgnoreCase(text.trim())) {
        return mode;
      }
    }
    json.error(values.path("mode"), quote(text) + " is not a mode: use mirror or append");
    bad.add("mode");
    return SyncMode.MIRROR;
  }

  private static String names(Enum<?>[] values) {
    List<String> names = new ArrayList<>();
    for (Enum<?> value : values) {
      names.add(value.name());
    }
    return String.join(", ", names);
  }

  private static String orEmpty(@Nullable String text) {
    return text == null ? "" : text;
  }

  /** Quotes a value from outside for a message, cut short and with control characters shown. */
  static String quote(String value) {
    StringBuilder quoted = new StringBuilder("\"");
    int count = 0;
    for (int i = 0; i < value.length() && count < 80; i++, count++) {
      char c = value.charAt(i);
      if (c == '"' || c == '\\') {
        quoted.append('\\').append(c);
      } else if (Character.isISOControl(c) || Character.getType(c) == Character.FORMAT) {
        quoted.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
      } else {
        quoted.append(c);
      }
    }
    return quoted.append(value.length() > 80 ? "...\"" : "\"").toString();
  }
}
