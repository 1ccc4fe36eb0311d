package org.iocsync.testkit;

import static org.iocsync.testkit.QradarHttp.badEncoding;
import static org.iocsync.testkit.QradarHttp.badRange;
import static org.iocsync.testkit.QradarHttp.contentRange;
import static org.iocsync.testkit.QradarHttp.current;
import static org.iocsync.testkit.QradarHttp.decodeAgain;
import static org.iocsync.testkit.QradarHttp.error;
import static org.iocsync.testkit.QradarHttp.expiry;
import static org.iocsync.testkit.QradarHttp.filterParam;
import static org.iocsync.testkit.QradarHttp.invalidParameter;
import static org.iocsync.testkit.QradarHttp.invalidValue;
import static org.iocsync.testkit.QradarHttp.notAllowed;
import static org.iocsync.testkit.QradarHttp.number;
import static org.iocsync.testkit.QradarHttp.range;
import static org.iocsync.testkit.QradarHttp.seconds;
import static org.iocsync.testkit.QradarHttp.setNotFound;
import static org.iocsync.testkit.QradarHttp.unknownResource;

import com.squareup.moshi.JsonDataException;
import com.squareup.moshi.JsonReader;
import com.squareup.moshi.JsonWriter;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import okio.Buffer;
import org.jspecify.annotations.Nullable;

/** The legacy {@code /api/reference_data/sets} endpoints of the fake QRadar. */
final class LegacyEndpoints {
  private static final String API_SOURCE = "reference data api";
  private static final Pattern TIME_TO_LIVE =
      Pattern.compile(
          "(?:\\s*\\d{1,9}\\s*"
              + "(?:years?|mons?|months?|weeks?|days?|hours?|mins?|minutes?|secs?|seconds?)\\s*)+",
          Pattern.CASE_INSENSITIVE);
  private static final Map<String, Class<?>> SET_FIELDS =
      Map.ofEntries(
          Map.entry("name", String.class),
          Map.entry("element_type", String.class),
          Map.entry("number_of_elements", Long.class),
          Map.entry("timeout_type", String.class),
          Map.entry("time_to_live", String.class),
          Map.entry("creation_time", Long.class),
          Map.entry("namespace", String.class),
          Map.entry("collection_id", Long.class));

  private final QradarStore store;
  private final QradarHttp http;

  LegacyEndpoints(QradarStore store, QradarHttp http) {
    this.store = store;
    this.http = http;
  }

  /** Answers a request under {@code /api/reference_data}, path decoded once. */
  Reply route(IncomingRequest request, List<String> path, QradarApi.Version version) {
    int size = path.size();
    String method = request.method;
    if (size == 4 && path.get(2).equals("set_delete_tasks")) {
      return method.equals("GET") ? legacyTask(path.get(3)) : notAllowed();
    }
    if (size < 3 || !path.get(2).equals("sets")) {
      return unknownResource(request);
    }
    if (size == 3) {
      return switch (method) {
        case "GET" -> listLegacySets(request);
        case "POST" -> createLegacySet(request, version);
        default -> notAllowed();
      };
    }
    if (method.equals("POST") && path.get(3).equals("bulk_load") && (size == 5 || size == 7)) {
      return bulkLoad(request, path, version);
    }

    String name = decodeAgain(path.get(3));
    if (name == null) {
      return badEncoding(path.get(3));
    }
    if (size == 4) {
      return switch (method) {
        case "GET" -> getLegacySet(request, name);
        case "POST" -> addLegacyValue(request, name);
        case "DELETE" -> deleteLegacySet(request, name);
        default -> notAllowed();
      };
    }
    if (size == 5 && method.equals("DELETE")) {
      String value = decodeAgain(path.get(4));
      return value == null ? badEncoding(path.get(4)) : removeLegacyValue(name, value);
    }
    return unknownResource(request);
  }

  private Reply listLegacySets(IncomingRequest request) {
    QradarFilter.Node filter;
    try {
      filter = QradarFilter.parse(filterParam(request), SET_FIELDS);
    } catch (QradarFilter.InvalidFilterException e) {
      return error(422, 1005, "A request parameter is not valid", e.getMessage());
    }
    List<QradarStore.SetInfo> matching = new ArrayList<>();
    try {
      for (QradarStore.SetInfo set : store.sets()) {
        if (filter.test(field -> legacyField(set, field))) {
          matching.add(set);
        }
      }
    } catch (QradarFilter.InvalidFilterException e) {
      return error(422, 1005, "A request parameter is not valid", e.getMessage());
    }
    QradarHttp.Range range = range(request);
    if (range == null && request.header("Range") != null) {
      return badRange();
    }
    FieldSelection fields = FieldSelection.parse(request.param("fields"));
    return http.list(
        range,
        matching.size(),
        (writer, index) -> legacySet(writer, matching.get(index), fields, null));
  }

  private static @Nullable Object legacyField(QradarStore.SetInfo set, String field) {
    return switch (field) {
      case "name" -> set.name();
      case "element_type" -> set.type().name();
      case "number_of_elements" -> (long) set.size();
      case "timeout_type" -> legacyTimeout(set.expiry());
      case "time_to_live" -> legacyTimeToLive(set);
      case "creation_time" -> set.creationTime();
      case "namespace" -> "SHARED";
      case "collection_id" -> (long) set.id();
      default -> null;
    };
  }

  private Reply createLegacySet(IncomingRequest request, QradarApi.Version version) {
    String name = request.param("name");
    String typeName = request.param("element_type");
    String timeToLive = request.param("time_to_live");
    String timeout = request.param("timeout_type");
    if (name == null || name.isEmpty()) {
      return invalidParameter("The name parameter is required.");
    }
    ElementType type = ElementType.parse(typeName);
    if (type == null || (type == ElementType.CIDR && !version.atLeast(21))) {
      return invalidParameter(
          "The element_type "
              + (typeName == null ? "parameter is required" : "'" + typeName + "' is not valid")
              + "; use one of ALN, ALNIC, IP, NUM, PORT, DATE"
              + (version.atLeast(21) ? ", CIDR." : " (CIDR from API version 21.0)."));
    }
    QradarStore.Expiry expiry;
    if (timeout == null || timeout.equals("UNKNOWN")) {
      expiry = QradarStore.Expiry.NO_EXPIRY;
    } else if (timeout.equals("FIRST_SEEN") || timeout.equals("LAST_SEEN")) {
      expiry = QradarStore.Expiry.valueOf(timeout);
    } else {
      return invalidParameter(
          "The timeout_type '" + timeout + "' is not valid; use FIRST_SEEN, LAST_SEEN or UNKNOWN.");
    }
    Long seconds = null;
    if (timeToLive != null) {
      seconds = intervalSeconds(timeToLive);
      if (seconds == null) {
        return invalidParameter(
            "The time_to_live '" + timeToLive + "' is not an interval such as '30 days'.");
      }
    }

    QradarStore.SetInfo set;
    try {
      set = store.create(name, type, timeToLive, seconds, expiry);
    } catch (QradarStore.NameInUseException e) {
      return error(
          409,
          1004,
          "The reference set could not be created, the name provided is already in use. Please"
              + " change the name and try again.",
          "The name " + name + " is already in use.");
    }
    FieldSelection fields = FieldSelection.parse(request.param("fields"));
    return Reply.json(201, writer -> legacySet(writer, set, fields, null));
  }

  private Reply getLegacySet(IncomingRequest request, String name) {
    QradarStore.SetInfo set = store.set(name);
    if (set == null) {
      return setNotFound(name);
    }
    QradarHttp.Range range = range(request);
    if (range == null && request.header("Range") != null) {
      return badRange();
    }
    FieldSelection fields = FieldSelection.parse(request.param("fields"));
    if (!fields.wants("data")) {
      return Reply.json(200, writer -> legacySet(writer, set, fields, null));
    }

    long[] bounds = http.bounds(range, set.size());
    Reply reply =
        Reply.streamedJson(
            200,
            writer ->
                legacySet(
                    writer,
                    set,
                    fields,
                    data -> {
                      FieldSelection wanted = fields.of("data");
                      for (long from = bounds[0]; from < bounds[1]; from += 2048) {
                        int to = (int) Math.min(bounds[1], from + 2048);
                        for (QradarStore.EntryRow row : store.rows(set.id(), (int) from, to)) {
                          legacyEntry(data, row, wanted);
                        }
                      }
                    }));
    return reply.header("Content-Range", contentRange(bounds, set.size()));
  }

  private Reply addLegacyValue(IncomingRequest request, String name) {
    QradarStore.SetInfo set = store.set(name);
    if (set == null) {
      return setNotFound(name);
    }
    String value = request.param("value");
    if (value == null) {
      return invalidParameter("The value parameter is required.");
    }
    if (!set.type().accepts(value)) {
      return invalidParameter(invalidValue(value, set.type()));
    }
    String source = request.param("source");
    store.add(set.id(), value, source == null ? API_SOURCE : source, null);
    QradarStore.SetInfo updated = store.set(set.id());
    FieldSelection fields = FieldSelection.parse(request.param("fields"));
    return Reply.json(200, writer -> legacySet(writer, current(updated, set), fields, null));
  }

  private Reply removeLegacyValue(String name, String value) {
    QradarStore.SetInfo set = store.set(name);
    if (set == null) {
      return setNotFound(name);
    }
    if (!store.remove(set.id(), value)) {
      return error(
          404,
          1003,
          "The record does not exist in the reference set",
          "The value " + value + " is not in the reference set " + name + ".");
    }
    QradarStore.SetInfo updated = store.set(set.id());
    return Reply.json(
        200, writer -> legacySet(writer, current(updated, set), FieldSelection.ALL, null));
  }

  private Reply deleteLegacySet(IncomingRequest request, String name) {
    QradarStore.SetInfo set = store.set(name);
    if (set == null) {
      return setNotFound(name);
    }
    String purgeOnly = request.param("purge_only");
    if (purgeOnly != null && !purgeOnly.equals("true") && !purgeOnly.equals("false")) {
      return invalidParameter("The purge_only parameter must be \"true\" or \"false\".");
    }
    QradarStore.Task task =
        "true".equals(purgeOnly)
            ? store.purgeTask(set.id(), name)
            : store.deleteTask(set.id(), name);
    Reply reply = Reply.json(202, writer -> legacyTask(writer, task));
    return reply.header(
        "Location", http.baseUrl(request) + "/api/system/task_management/tasks/" + task.id);
  }

  Reply legacyTask(String idText) {
    Integer id = number(idText);
    QradarStore.Task task = id == null ? null : store.poll(id);
    if (task == null) {
      return error(404, 1002, "The task does not exist.", "No task has id " + idText + ".");
    }
    return Reply.json(200, writer -> legacyTask(writer, task));
  }

  private Reply bulkLoad(IncomingRequest request, List<String> path, QradarApi.Version version) {
    String rawName;
    if (path.size() == 5) {
      if (version.atLeast(17)) {
        return error(
            410,
            0,
            "The requested resource is no longer available and has been permanently removed.",
            "POST /reference_data/sets/bulk_load/{name} was removed in API version 17.0; use"
                + " /reference_data/sets/bulk_load/{namespace}/{name}/{domain_id}.");
      }
      rawName = path.get(4);
    } else {
      String namespace = path.get(4);
      String domain = path.get(6);
      if (!namespace.equals("SHARED") && !namespace.equals("TENANT")) {
        return error(
            422,
            1015,
            "The namespace parameter must be either SHARED or TENANT",
            "The namespace " + namespace + " is neither SHARED nor TENANT.");
      }
      if (namespace.equals("TENANT")) {
        return error(
            422,
            1012,
            "The namespace value of SHARED was expected",
            "The reference sets of this server are SHARED.");
      }
      if (!domain.equals("SHARED") && !domain.equals("0")) {
        return domain.matches("\\d{1,9}")
            ? error(404, 1011, "Domain not found", "No domain has id " + domain + ".")
            : invalidParameter("The domain_id " + domain + " is not a number or SHARED.");
      }
      rawName = path.get(5);
    }
    String name = decodeAgain(rawName);
    if (name == null) {
      return badEncoding(rawName);
    }
    QradarStore.SetInfo set = store.set(name);
    if (set == null) {
      return setNotFound(name);
    }

    List<String> values = new ArrayList<>();
    try (JsonReader reader = JsonReader.of(new Buffer().write(request.body))) {
      reader.beginArray();
      while (reader.hasNext()) {
        // Numbers are taken as their text, as QRadar reads a NUM set's values.
        values.add(reader.nextString());
      }
      reader.endArray();
    } catch (IOException | JsonDataException e) {
      return error(
          400,
          1001,
          "An error occurred parsing the JSON formatted message body",
          "The body must be a JSON array of strings: " + e.getMessage());
    }
    for (String value : values) {
      if (!set.type().accepts(value)) {
        return invalidParameter(invalidValue(value, set.type()));
      }
    }

    store.addAll(set.id(), values, API_SOURCE);
    QradarStore.SetInfo updated = store.set(set.id());
    return Reply.json(
        200, writer -> legacySet(writer, current(updated, set), FieldSelection.ALL, null));
  }

  private interface DataWriter {
    void write(JsonWriter writer) throws IOException;
  }

  private static void legacySet(
      JsonWriter writer, QradarStore.SetInfo set, FieldSelection fields, @Nullable DataWriter data)
      throws IOException {
    writer.beginObject();
    if (fields.wants("collection_id")) {
      writer.name("collection_id").value(set.id());
    }
    if (fields.wants("creation_time")) {
      writer.name("creation_time").value(set.creationTime());
    }
    if (data != null) {
      writer.name("data").beginArray();
      data.write(writer);
      writer.endArray();
    }
    if (fields.wants("element_type")) {
      writer.name("element_type").value(set.type().name());
    }
    if (fields.wants("name")) {
      writer.name("name").value(set.name());
    }
    if (fields.wants("namespace")) {
      writer.name("namespace").value("SHARED");
    }
    if (fields.wants("number_of_elements")) {
      writer.name("number_of_elements").value(set.size());
    }
    String timeToLive = legacyTimeToLive(set);
    if (timeToLive != null && fields.wants("time_to_live")) {
      writer.name("time_to_live").value(timeToLive);
    }
    if (fields.wants("timeout_type")) {
      writer.name("timeout_type").value(legacyTimeout(set.expiry()));
    }
    writer.endObject();
  }

  private static void legacyEntry(
      JsonWriter writer, QradarStore.EntryRow row, FieldSelection fields) throws IOException {
    writer.beginObject();
    if (fields.wants("first_seen")) {
      writer.name("first_seen").value(row.firstSeen());
    }
    if (fields.wants("last_seen")) {
      writer.name("last_seen").value(row.lastSeen());
    }
    if (fields.wants("source")) {
      writer.name("source").value(row.source());
    }
    if (fields.wants("value")) {
      writer.name("value").value(row.value());
    }
    writer.endObject();
  }

  private static void legacyTask(JsonWriter writer, QradarStore.Task task) throws IOException {
    writer.beginObject();
    writer.name("completed").value(task.completed == 0 ? null : task.completed);
    writer.name("created").value(task.created);
    writer.name("created_by").value("admin");
    writer.name("id").value(task.id);
    writer
        .name("message")
        .value(
            task.failure != null && task.status.equals("EXCEPTION")
                ? task.failure
                : task.name + ": " + task.status.toLowerCase(Locale.ROOT));
    writer.name("modified").value(task.modified);
    writer.name("name").value(task.name);
    writer.name("started").value(task.started == 0 ? null : task.started);
    writer.name("status").value(task.status);
    writer.endObject();
  }

  private static String legacyTimeout(QradarStore.Expiry expiry) {
    return expiry == QradarStore.Expiry.NO_EXPIRY ? "UNKNOWN" : expiry.name();
  }

  private static @Nullable String legacyTimeToLive(QradarStore.SetInfo set) {
    if (set.timeToLive() != null) {
      return set.timeToLive();
    }
    Long seconds = set.timeToLiveSeconds();
    if (seconds == null) {
      return null;
    }
    if (seconds % 86_400 == 0) {
      return seconds / 86_400 + " days";
    }
    if (seconds % 3_600 == 0) {
      return seconds / 3_600 + " hours";
    }
    return seconds % 60 == 0 ? seconds / 60 + " minutes" : seconds + " seconds";
  }

  /** Seconds of an interval such as {@code 30 days} or {@code 1 month 2 hours}; null if invalid. */
  static @Nullable Long intervalSeconds(String interval) {
    if (!TIME_TO_LIVE.matcher(interval).matches()) {
      return null;
    }
    long total = 0;
    Matcher part = Pattern.compile("(\\d+)\\s*([a-z]+)").matcher(interval.toLowerCase(Locale.ROOT));
    while (part.find()) {
      long amount = Long.parseLong(part.group(1));
      String unit = part.group(2);
      long seconds =
          unit.startsWith("y")
              ? 31_536_000
              : unit.startsWith("mo")
                  ? 2_592_000
                  : unit.startsWith("w")
                      ? 604_800
                      : unit.startsWith("d")
                          ? 86_400
                          : unit.startsWith("h") ? 3_600 : unit.startsWith("mi") ? 60 : 1;
      total += amount * seconds;
    }
    return total;
  }
}
