package org.iocsync.testkit;

import com.squareup.moshi.JsonDataException;
import com.squareup.moshi.JsonReader;
import com.squareup.moshi.JsonWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import okio.Buffer;
import org.jspecify.annotations.Nullable;

/** Routes and answers the fake QRadar's REST calls, as QRadar's API layer and servlet do. */
final class QradarApi {
  /** An API version the server offers. */
  record Version(String text, int major, int minor, boolean deprecated, boolean removed) {
    boolean atLeast(int wantedMajor) {
      return major >= wantedMajor;
    }

    static int @Nullable [] parse(String text) {
      Matcher m = Pattern.compile("(\\d{1,3})(?:\\.(\\d{1,3}))?").matcher(text.trim());
      return m.matches()
          ? new int[] {
            Integer.parseInt(m.group(1)), m.group(2) == null ? 0 : Integer.parseInt(m.group(2))
          }
          : null;
    }
  }

  private record Range(long from, long to) {}

  private static final String API_SOURCE = "reference data api";
  private static final Pattern RANGE =
      Pattern.compile("\\s*items\\s*=\\s*(\\d{1,18})\\s*-\\s*(\\d{1,18})\\s*");
  private static final Pattern TIME_TO_LIVE =
      Pattern.compile(
          "(?:\\s*\\d{1,9}\\s*(?:years?|mons?|months?|weeks?|days?|hours?|mins?|minutes?|secs?|seconds?)\\s*)+",
          Pattern.CASE_INSENSITIVE);
  private static final Map<String, Class<?>> LEGACY_SET_FIELDS =
      Map.ofEntries(
          Map.entry("name", String.class),
          Map.entry("element_type", String.class),
          Map.entry("number_of_elements", Long.class),
          Map.entry("timeout_type", String.class),
          Map.entry("time_to_live", String.class),
          Map.entry("creation_time", Long.class),
          Map.entry("namespace", String.class),
          Map.entry("collection_id", Long.class));
  private static final Map<String, Class<?>> COLLECTION_FIELDS =
      Map.ofEntries(
          Map.entry("id", Long.class),
          Map.entry("name", String.class),
          Map.entry("entry_type", String.class),
          Map.entry("namespace", String.class),
          Map.entry("number_of_entries", Long.class),
          Map.entry("time_to_live", Long.class),
          Map.entry("expiry_type", String.class),
          Map.entry("creation_time", Long.class),
          Map.entry("tenant_id", Long.class),
          Map.entry("global_id", String.class),
          Map.entry("expired_log_option", String.class));
  private static final Map<String, Class<?>> ENTRY_FIELDS =
      Map.ofEntries(
          Map.entry("id", Long.class),
          Map.entry("collection_id", Long.class),
          Map.entry("value", String.class),
          Map.entry("source", String.class),
          Map.entry("notes", String.class),
          Map.entry("first_seen", Long.class),
          Map.entry("last_seen", Long.class),
          Map.entry("domain_id", Long.class));

  private final QradarStore store;
  private final String token;
  private final @Nullable String basicAuthorization;
  private final List<Version> versions;
  private final Version newest;
  private final int maxPageSize;
  private final String scheme;

  QradarApi(
      QradarStore store,
      String token,
      @Nullable String basicUser,
      @Nullable String basicPassword,
      List<Version> versions,
      int maxPageSize,
      String scheme) {
    this.store = store;
    this.token = token;
    this.basicAuthorization =
        basicUser == null
            ? null
            : "Basic "
                + Base64.getEncoder()
                    .encodeToString(
                        (basicUser + ":" + basicPassword).getBytes(StandardCharsets.UTF_8));
    this.versions = List.copyOf(versions);
    Version best = null;
    for (Version version : versions) {
      if (!version.removed
          && (best == null
              || version.major > best.major
              || (version.major == best.major && version.minor > best.minor))) {
        best = version;
      }
    }
    if (best == null) {
      throw new IllegalArgumentException("versions must offer at least one version not removed");
    }
    this.newest = best;
    this.maxPageSize = maxPageSize;
    this.scheme = scheme;
  }

  // ---------------------------------------------------------------------------------------------
  // The layers before the API: servlet container, authentication, version, Accept

  Reply handle(IncomingRequest request) {
    String lowerPath = request.rawPath.toLowerCase(Locale.ROOT);
    if (lowerPath.contains("%2f") || lowerPath.contains("%5c") || request.malformedQuery) {
      // The servlet container refuses encoded slashes and bad escapes before QRadar sees them.
      return containerError();
    }
    List<String> segments = new ArrayList<>();
    for (String raw : request.rawSegments) {
      String once = Urls.decode(raw, false);
      if (once == null) {
        return containerError();
      }
      segments.add(once);
    }
    if (segments.isEmpty() || !segments.get(0).equals("api")) {
      return error(404, 1010, "The resource does not exist.", "No resource at " + request.rawPath);
    }

    if (!authorized(request)) {
      String sent = request.header("SEC");
      return error(
          401,
          sent == null ? 11 : 12,
          "",
          sent == null && request.header("Authorization") == null
              ? "No SEC header present in request. Please provide it via \"SEC: token\". You may"
                  + " also use BASIC authentication parameters if this host supports it. e.g."
                  + " \"Authorization: Basic base64Encoding\""
              : "Invalid security token or credentials. Check the authorized service token and"
                  + " that it has not expired.");
    }

    String versionHeader = request.header("Version");
    Version version = newest;
    if (versionHeader != null) {
      int[] wanted = Version.parse(versionHeader);
      Version found = null;
      for (Version offered : versions) {
        if (wanted != null && offered.major == wanted[0] && offered.minor == wanted[1]) {
          found = offered;
        }
      }
      if (found == null) {
        return error(
            422,
            0,
            "The requested version is not valid.",
            "Version "
                + versionHeader
                + " is not a valid version; GET /api/help/versions lists"
                + " the versions this server offers.");
      }
      if (found.removed) {
        return error(
            422,
            0,
            "The requested version has been removed.",
            "Version " + versionHeader + " has been removed and can no longer be used.");
      }
      version = found;
    }

    String mime =
        request.method.equals("DELETE")
                && segments.size() == 4
                && segments.get(1).equals("reference_data_collections")
                && segments.get(2).equals("set_entries")
            ? "text/plain"
            : "application/json";
    if (!acceptable(request.header("Accept"), mime)) {
      return error(
          406,
          0,
          "",
          "The Accept header does not allow " + mime + ", the only type this endpoint produces.");
    }

    Reply reply = route(request, segments, version);
    boolean legacy = segments.size() > 1 && segments.get(1).equals("reference_data");
    if (version.deprecated || (legacy && version.atLeast(20))) {
      reply.header("Deprecated", "true");
    }
    return reply;
  }

  private boolean authorized(IncomingRequest request) {
    String sec = request.header("SEC");
    if (sec != null) {
      return sec.equals(token);
    }
    return basicAuthorization != null && basicAuthorization.equals(request.header("Authorization"));
  }

  private static boolean acceptable(@Nullable String accept, String mime) {
    if (accept == null || accept.isBlank()) {
      return true;
    }
    String type = mime.substring(0, mime.indexOf('/'));
    for (String range : accept.split(",")) {
      String media = range.split(";")[0].trim().toLowerCase(Locale.ROOT);
      if (media.equals("*/*") || media.equals(mime) || media.equals(type + "/*")) {
        return true;
      }
    }
    return false;
  }

  private static Reply containerError() {
    return Reply.html(
        400,
        "<!doctype html><html lang=\"en\"><head><title>HTTP Status 400 – Bad Request</title>"
            + "</head><body><h1>HTTP Status 400 – Bad Request</h1><hr class=\"line\" />"
            + "<p><b>Type</b> Exception Report</p><p><b>Message</b> Invalid URI</p>"
            + "<p><b>Description</b> The server cannot or will not process the request due to"
            + " something that is perceived to be a client error.</p></body></html>");
  }

  // ---------------------------------------------------------------------------------------------
  // Routing

  private Reply route(IncomingRequest request, List<String> path, Version version) {
    int size = path.size();
    String method = request.method;
    String area = size > 1 ? path.get(1) : "";

    if (area.equals("help") && size == 3 && path.get(2).equals("versions")) {
      return method.equals("GET") ? versions(request) : notAllowed();
    }
    if (area.equals("system")
        && size == 5
        && path.get(2).equals("task_management")
        && path.get(3).equals("tasks")) {
      return method.equals("GET") ? legacyTask(path.get(4)) : notAllowed();
    }
    if (area.equals("reference_data")) {
      return legacy(request, path, version);
    }
    if (area.equals("reference_data_collections")) {
      if (!version.atLeast(16)) {
        return error(
            404,
            1010,
            "The resource does not exist in this version.",
            "reference_data_collections endpoints exist from API version 16.0; this request asked"
                + " for "
                + version.text
                + ".");
      }
      return collections(request, path);
    }
    return unknownResource(request);
  }

  private Reply legacy(IncomingRequest request, List<String> path, Version version) {
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

  private Reply collections(IncomingRequest request, List<String> path) {
    int size = path.size();
    String method = request.method;
    String resource = size > 2 ? path.get(2) : "";
    switch (resource) {
      case "sets" -> {
        if (size == 3) {
          return switch (method) {
            case "GET" -> listCollections(request);
            case "POST" -> createCollection(request);
            default -> notAllowed();
          };
        }
        if (size == 4) {
          Integer id = number(path.get(3));
          return switch (method) {
            case "GET" -> getCollection(id);
            case "POST" -> updateCollection(request, id);
            case "DELETE" -> deleteCollection(request, id);
            default -> notAllowed();
          };
        }
      }
      case "set_delete_tasks" -> {
        if (size == 4) {
          return method.equals("GET") ? collectionDeleteTask(number(path.get(3))) : notAllowed();
        }
      }
      case "set_entries" -> {
        if (size == 3) {
          return switch (method) {
            case "GET" -> listEntries(request);
            case "POST" -> addEntry(request);
            case "PATCH" -> bulkUpdate(request);
            default -> notAllowed();
          };
        }
        if (size == 4) {
          Integer id = number(path.get(3));
          return switch (method) {
            case "GET" -> getEntry(id);
            case "DELETE" -> deleteEntry(id);
            default -> notAllowed();
          };
        }
      }
      case "set_bulk_update_tasks" -> {
        if (size == 4 && method.equals("GET")) {
          return bulkTask(number(path.get(3)));
        }
        if (size == 5 && method.equals("GET") && path.get(4).equals("results")) {
          return bulkResults(number(path.get(3)));
        }
      }
      default -> {
        // Falls through to the unknown resource answer below.
      }
    }
    return unknownResource(request);
  }

  // ---------------------------------------------------------------------------------------------
  // help

  private Reply versions(IncomingRequest request) {
    Range range = range(request);
    if (range == null && request.header("Range") != null) {
      return badRange();
    }
    FieldSelection fields = FieldSelection.parse(request.param("fields"));
    return list(
        range,
        versions.size(),
        (writer, index) -> {
          Version version = versions.get(index);
          writer.beginObject();
          if (fields.wants("id")) {
            writer.name("id").value(index + 1);
          }
          if (fields.wants("version")) {
            writer.name("version").value(version.text);
          }
          if (fields.wants("deprecated")) {
            writer.name("deprecated").value(version.deprecated);
          }
          if (fields.wants("removed")) {
            writer.name("removed").value(version.removed);
          }
          if (fields.wants("root_resource_ids")) {
            writer.name("root_resource_ids").beginArray().value(index * 100L + 1).endArray();
          }
          writer.endObject();
        });
  }

  // ---------------------------------------------------------------------------------------------
  // Legacy reference sets

  private Reply listLegacySets(IncomingRequest request) {
    QradarFilter.Node filter;
    try {
      filter = QradarFilter.parse(request.param("filter"), LEGACY_SET_FIELDS);
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
    Range range = range(request);
    if (range == null && request.header("Range") != null) {
      return badRange();
    }
    FieldSelection fields = FieldSelection.parse(request.param("fields"));
    return list(
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

  private Reply createLegacySet(IncomingRequest request, Version version) {
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
    Range range = range(request);
    if (range == null && request.header("Range") != null) {
      return badRange();
    }
    FieldSelection fields = FieldSelection.parse(request.param("fields"));
    if (!fields.wants("data")) {
      return Reply.json(200, writer -> legacySet(writer, set, fields, null));
    }

    long[] bounds = bounds(range, set.size());
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
        "Location", baseUrl(request) + "/api/system/task_management/tasks/" + task.id);
  }

  private Reply legacyTask(String idText) {
    Integer id = number(idText);
    QradarStore.Task task = id == null ? null : store.poll(id);
    if (task == null) {
      return error(404, 1002, "The task does not exist.", "No task has id " + idText + ".");
    }
    return Reply.json(200, writer -> legacyTask(writer, task));
  }

  private Reply bulkLoad(IncomingRequest request, List<String> path, Version version) {
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

  // ---------------------------------------------------------------------------------------------
  // Reference data collections

  private Reply listCollections(IncomingRequest request) {
    List<QradarStore.SetInfo> matching = new ArrayList<>();
    try {
      QradarFilter.Node filter = QradarFilter.parse(request.param("filter"), COLLECTION_FIELDS);
      for (QradarStore.SetInfo set : store.sets()) {
        if (filter.test(field -> collectionField(set, field))) {
          matching.add(set);
        }
      }
    } catch (QradarFilter.InvalidFilterException e) {
      return error(422, 14001, "An error occurred while building the filter", e.getMessage());
    }
    Range range = range(request);
    if (range == null && request.header("Range") != null) {
      return badRange();
    }
    FieldSelection fields = FieldSelection.parse(request.param("fields"));
    return list(
        range, matching.size(), (writer, index) -> collection(writer, matching.get(index), fields));
  }

  private static @Nullable Object collectionField(QradarStore.SetInfo set, String field) {
    return switch (field) {
      case "id" -> (long) set.id();
      case "name" -> set.name();
      case "entry_type" -> set.type().name();
      case "namespace" -> "SHARED";
      case "number_of_entries" -> (long) set.size();
      case "time_to_live" -> set.timeToLiveSeconds();
      case "expiry_type" -> set.expiry().name();
      case "creation_time" -> set.creationTime();
      case "expired_log_option" -> set.expiredLogOption();
      default -> null;
    };
  }

  private Reply createCollection(IncomingRequest request) {
    Map<?, ?> body = jsonObject(request);
    if (body == null) {
      return error(
          422, 10002, "The name field was not specified", "The body must be a JSON object.");
    }
    Object name = body.get("name");
    Object typeName = body.get("entry_type");
    if (!(name instanceof String text) || text.isEmpty()) {
      return error(422, 10002, "The name field was not specified", "The body needs a name.");
    }
    ElementType type = typeName instanceof String typeText ? ElementType.parse(typeText) : null;
    if (type == null || type == ElementType.CIDR) {
      return error(
          422,
          10001,
          "The entry_type field was not specified.",
          "The entry_type must be one of ALN, ALNIC, NUM, IP, PORT, DATE; it was "
              + typeName
              + ".");
    }
    QradarStore.Expiry expiry = QradarStore.Expiry.NO_EXPIRY;
    Object expiryName = body.get("expiry_type");
    if (expiryName != null) {
      expiry = expiry(expiryName);
      if (expiry == null) {
        return error(
            422,
            10007,
            "An invalid time_to_live value was specified",
            "The expiry_type must be NO_EXPIRY, FIRST_SEEN or LAST_SEEN; it was "
                + expiryName
                + ".");
      }
    }
    Long seconds = null;
    Object timeToLive = body.get("time_to_live");
    if (timeToLive != null) {
      seconds = seconds(timeToLive);
      if (seconds == null) {
        return error(
            422,
            10007,
            "An invalid time_to_live value was specified",
            "The time_to_live must be a positive number of seconds; it was " + timeToLive + ".");
      }
    }

    QradarStore.SetInfo set;
    try {
      set = store.create(text, type, null, seconds, expiry);
    } catch (QradarStore.NameInUseException e) {
      return error(
          409,
          10006,
          "A collection with the same name already exists",
          "The name " + text + " is already in use.");
    }
    return Reply.json(201, writer -> collection(writer, set, FieldSelection.ALL));
  }

  private Reply getCollection(@Nullable Integer id) {
    QradarStore.SetInfo set = id == null ? null : store.set(id);
    if (set == null) {
      return error(404, 15000, "The reference set does not exist.", "No set has id " + id + ".");
    }
    return Reply.json(200, writer -> collection(writer, set, FieldSelection.ALL));
  }

  private Reply updateCollection(IncomingRequest request, @Nullable Integer id) {
    if (id == null || store.set(id) == null) {
      return error(
          404,
          11001,
          "Indicates the Set with the specified ID does not exist",
          "No set has id " + id + ".");
    }
    Map<?, ?> body = jsonObject(request);
    if (body == null) {
      return error(
          422,
          11002,
          "The body parameter is missing from the request",
          "The body must be a JSON object.");
    }
    Long seconds = null;
    if (body.get("time_to_live") != null) {
      seconds = seconds(body.get("time_to_live"));
      if (seconds == null) {
        return error(
            422,
            11003,
            "An invalid time_to_live value was specified",
            "The time_to_live must be a positive number of seconds.");
      }
    }
    QradarStore.Expiry expiry =
        body.get("expiry_type") == null ? null : expiry(body.get("expiry_type"));
    Object log = body.get("expired_log_option");
    QradarStore.SetInfo set =
        store.update(
            id,
            seconds,
            expiry,
            log instanceof String text ? text : null,
            Boolean.TRUE.equals(body.get("delete_entries")));
    if (set == null) {
      return error(
          404,
          11001,
          "Indicates the Set with the specified ID does not exist",
          "No set has id " + id + ".");
    }
    return Reply.json(200, writer -> collection(writer, set, FieldSelection.ALL));
  }

  private Reply deleteCollection(IncomingRequest request, @Nullable Integer id) {
    QradarStore.SetInfo set = id == null ? null : store.set(id);
    if (set == null) {
      return error(404, 12000, "The reference set does not exist.", "No set has id " + id + ".");
    }
    QradarStore.Task task = store.deleteTask(set.id(), set.name());
    return Reply.json(202, writer -> collectionTask(writer, task))
        .header(
            "Location",
            baseUrl(request) + "/api/reference_data_collections/set_delete_tasks/" + task.id);
  }

  private Reply collectionDeleteTask(@Nullable Integer id) {
    QradarStore.Task task = id == null ? null : store.poll(id);
    if (task == null) {
      return error(404, 12002, "The Delete task does not exist.", "No task has id " + id + ".");
    }
    return Reply.json(200, writer -> collectionTask(writer, task));
  }

  private static void collection(JsonWriter writer, QradarStore.SetInfo set, FieldSelection fields)
      throws IOException {
    writer.beginObject();
    if (fields.wants("creation_time")) {
      writer.name("creation_time").value(set.creationTime());
    }
    if (fields.wants("delete_entries")) {
      writer.name("delete_entries").value(false);
    }
    if (fields.wants("entry_type")) {
      writer.name("entry_type").value(set.type().name());
    }
    if (fields.wants("expired_log_option")) {
      writer.name("expired_log_option").value(set.expiredLogOption());
    }
    if (fields.wants("expiry_type")) {
      writer.name("expiry_type").value(set.expiry().name());
    }
    if (fields.wants("global_id")) {
      writer.name("global_id").nullValue();
    }
    if (fields.wants("id")) {
      writer.name("id").value(set.id());
    }
    if (fields.wants("name")) {
      writer.name("name").value(set.name());
    }
    if (fields.wants("namespace")) {
      writer.name("namespace").value("SHARED");
    }
    if (fields.wants("number_of_entries")) {
      writer.name("number_of_entries").value(set.size());
    }
    if (fields.wants("tenant_id")) {
      writer.name("tenant_id").nullValue();
    }
    if (fields.wants("time_to_live")) {
      writer.name("time_to_live").value(set.timeToLiveSeconds());
    }
    writer.endObject();
  }

  private static void collectionTask(JsonWriter writer, QradarStore.Task task) throws IOException {
    boolean failed = task.status.equals("EXCEPTION");
    writer.beginObject();
    writer.name("completed").value(task.completed == 0 ? null : task.completed);
    writer.name("created").value(task.created);
    writer.name("created_by").value("admin");
    writer.name("error_code").value(failed ? (Integer) 110000 : null);
    writer.name("error_message").value(failed ? task.failure : null);
    writer.name("id").value(task.id);
    writer.name("modified").value(task.modified);
    writer.name("name").value(task.name);
    writer.name("started").value(task.started == 0 ? null : task.started);
    writer.name("status").value(task.status);
    writer.endObject();
  }

  // ---------------------------------------------------------------------------------------------
  // Set entries

  private Reply listEntries(IncomingRequest request) {
    String entryType = request.param("entry_type");
    ElementType onlyType = null;
    if (entryType != null) {
      onlyType = ElementType.parse(entryType);
      if (onlyType == null || onlyType == ElementType.CIDR) {
        return error(
            422,
            24003,
            "Unexpected value for the entry type parameter",
            "The entry_type " + entryType + " is not one of ALN, ALNIC, IP, NUM, PORT, DATE.");
      }
    }
    QradarFilter.Node filter;
    try {
      filter = QradarFilter.parse(filterParam(request), ENTRY_FIELDS);
    } catch (QradarFilter.InvalidFilterException e) {
      return error(422, 24001, "A filter criterion was not valid", e.getMessage());
    }
    Range range = range(request);
    if (range == null && request.header("Range") != null) {
      return badRange();
    }
    FieldSelection fields = FieldSelection.parse(request.param("fields"));

    // Narrow with the conjuncts an index answers: collection_id = n, value = "x".
    Integer onlySet = null;
    String onlyValue = null;
    List<QradarFilter.Node> rest = new ArrayList<>();
    for (QradarFilter.Node node : QradarFilter.conjuncts(filter)) {
      if (node instanceof QradarFilter.Comparison c && c.operator().equals("=")) {
        Object operand = c.operands().get(0);
        if (c.field().equals("collection_id") && operand instanceof Long id && onlySet == null) {
          onlySet = (int) Math.max(Integer.MIN_VALUE, Math.min(Integer.MAX_VALUE, id));
          continue;
        }
        if (c.field().equals("value") && operand instanceof String text && onlyValue == null) {
          onlyValue = text;
          continue;
        }
      }
      rest.add(node);
    }

    List<Integer> setIds = onlySet != null ? List.of(onlySet) : store.setIds();
    List<QradarStore.SetInfo> sets = new ArrayList<>();
    for (int id : setIds) {
      QradarStore.SetInfo set = store.set(id);
      if (set != null && (onlyType == null || set.type() == onlyType)) {
        sets.add(set);
      }
    }

    if (onlyValue == null && rest.isEmpty() && sets.size() == 1) {
      QradarStore.SetInfo set = sets.get(0);
      long[] bounds = bounds(range, set.size());
      return Reply.streamedJson(
              200,
              writer -> {
                writer.beginArray();
                for (long from = bounds[0]; from < bounds[1]; from += 2048) {
                  int to = (int) Math.min(bounds[1], from + 2048);
                  for (QradarStore.EntryRow row : store.rows(set.id(), (int) from, to)) {
                    entry(writer, row, fields);
                  }
                }
                writer.endArray();
              })
          .header("Content-Range", contentRange(bounds, set.size()));
    }

    List<QradarStore.EntryRow> matching = new ArrayList<>();
    try {
      for (QradarStore.SetInfo set : sets) {
        if (onlyValue != null) {
          QradarStore.EntryRow row = store.find(set.id(), onlyValue);
          if (row != null && all(rest, row)) {
            matching.add(row);
          }
          continue;
        }
        for (int from = 0; from < set.size(); from += 4096) {
          for (QradarStore.EntryRow row : store.rows(set.id(), from, from + 4096)) {
            if (all(rest, row)) {
              matching.add(row);
            }
          }
        }
      }
    } catch (QradarFilter.InvalidFilterException e) {
      return error(
          422,
          24004,
          "A filter on the value field contains an expression that cannot be converted to the requested entry type",
          e.getMessage());
    }
    return list(
        range, matching.size(), (writer, index) -> entry(writer, matching.get(index), fields));
  }

  /**
   * The filter, decoded a second time if it is still URL-encoded: IBM asks clients to encode query
   * parameters twice, and many encode them once.
   */
  private static @Nullable String filterParam(IncomingRequest request) {
    String filter = request.param("filter");
    if (filter != null && filter.matches(".*%[0-9A-Fa-f]{2}.*") && !filter.contains("\"")) {
      String again = Urls.decode(filter, true);
      return again == null ? filter : again;
    }
    return filter;
  }

  private static boolean all(List<QradarFilter.Node> nodes, QradarStore.EntryRow row) {
    for (QradarFilter.Node node : nodes) {
      if (!node.test(field -> entryField(row, field))) {
        return false;
      }
    }
    return true;
  }

  private static @Nullable Object entryField(QradarStore.EntryRow row, String field) {
    return switch (field) {
      case "id" -> (long) row.id();
      case "collection_id" -> (long) row.collectionId();
      case "value" -> row.value();
      case "source" -> row.source();
      case "notes" -> row.notes();
      case "first_seen" -> row.firstSeen();
      case "last_seen" -> row.lastSeen();
      default -> null;
    };
  }

  private Reply addEntry(IncomingRequest request) {
    Map<?, ?> body = jsonObject(request);
    if (body == null) {
      return error(
          422,
          20001,
          "The entry body parameter was not specified",
          "The body must be a JSON object.");
    }
    Integer setId = number(body.get("collection_id"));
    if (setId == null) {
      return error(
          422,
          20002,
          "The Set ID was not specified in the body parameter",
          "The body needs a collection_id.");
    }
    Object value = body.get("value");
    if (!(value instanceof String text)) {
      return error(422, 20003, "The value was not specified", "The body needs a value.");
    }
    QradarStore.SetInfo set = store.set(setId);
    if (set == null) {
      return error(
          422, 20004, "A Set with the specified ID was not found", "No set has id " + setId + ".");
    }
    if (!set.type().accepts(text)) {
      return error(
          422,
          20006,
          "The provided value does not match the collection entry type",
          invalidValue(text, set.type()));
    }
    Object source = body.get("source");
    Object notes = body.get("notes");
    boolean created =
        store.add(
            setId,
            text,
            source instanceof String s ? s : API_SOURCE,
            notes instanceof String n ? n : null);
    QradarStore.EntryRow row = store.find(setId, text);
    if (row == null) {
      return error(500, 110000, "An unspecified server error occurred", "The entry vanished.");
    }
    return Reply.json(created ? 201 : 200, writer -> entry(writer, row, FieldSelection.ALL));
  }

  private Reply bulkUpdate(IncomingRequest request) {
    Object body;
    try (JsonReader reader = JsonReader.of(new Buffer().write(request.body))) {
      body = reader.readJsonValue();
    } catch (IOException | JsonDataException e) {
      body = null;
    }
    if (!(body instanceof List<?> items)) {
      return error(
          422, 23002, "A parameter is invalid", "The body must be a JSON array of set entries.");
    }
    for (Object item : items) {
      if (!(item instanceof Map<?, ?> entry)) {
        return error(
            422,
            23002,
            "A parameter is invalid",
            "Every element of the body must be a set entry object.");
      }
      Integer setId = number(entry.get("collection_id"));
      if (setId == null || store.set(setId) == null) {
        return error(
            422,
            23000,
            "The collection id was not found",
            "No set has id " + entry.get("collection_id") + ".");
      }
    }

    List<?> entries = items;
    QradarStore.Task task = store.bulkTask(() -> applyBulk(entries));
    return Reply.json(202, writer -> collectionTask(writer, task))
        .header(
            "Location",
            baseUrl(request) + "/api/reference_data_collections/set_bulk_update_tasks/" + task.id);
  }

  /** Runs when the bulk task finishes, under the store's lock. */
  private List<QradarStore.EntryOutcome> applyBulk(List<?> entries) {
    List<QradarStore.EntryOutcome> outcomes = new ArrayList<>(entries.size());
    for (Object item : entries) {
      Map<?, ?> entry = (Map<?, ?>) item;
      Integer setId = number(entry.get("collection_id"));
      QradarStore.SetInfo set = setId == null ? null : store.set(setId);
      Object value = entry.get("value");
      if (set == null) {
        outcomes.add(
            new QradarStore.EntryOutcome(422, 20004, "A Set with the specified ID was not found"));
      } else if (!(value instanceof String text)) {
        outcomes.add(new QradarStore.EntryOutcome(422, 20003, "The value was not specified"));
      } else if (Boolean.TRUE.equals(entry.get("delete_entry"))) {
        boolean removed = store.remove(set.id(), text);
        outcomes.add(
            removed
                ? new QradarStore.EntryOutcome(200, null, "The entry was deleted")
                : new QradarStore.EntryOutcome(404, 22001, "The entry was not found"));
      } else if (!set.type().accepts(text)) {
        outcomes.add(
            new QradarStore.EntryOutcome(
                422,
                20006,
                "The provided value does not match the collection entry type: "
                    + invalidValue(text, set.type())));
      } else {
        Object source = entry.get("source");
        Object notes = entry.get("notes");
        boolean created =
            store.add(
                set.id(),
                text,
                source instanceof String s ? s : API_SOURCE,
                notes instanceof String n ? n : null);
        outcomes.add(
            created
                ? new QradarStore.EntryOutcome(201, null, "The entry was created")
                : new QradarStore.EntryOutcome(200, null, "The entry was updated"));
      }
    }
    return outcomes;
  }

  private Reply bulkTask(@Nullable Integer id) {
    QradarStore.Task task = id == null ? null : store.poll(id);
    if (task == null) {
      return error(404, 23001, "The task_status_id does not exist", "No task has id " + id + ".");
    }
    return Reply.json(200, writer -> collectionTask(writer, task));
  }

  private Reply bulkResults(@Nullable Integer id) {
    QradarStore.Task task = id == null ? null : store.task(id);
    if (task == null) {
      return error(404, 23001, "The task_status_id does not exist", "No task has id " + id + ".");
    }
    List<QradarStore.EntryOutcome> outcomes = task.outcomes;
    if (outcomes == null) {
      return error(
          404,
          23003,
          "The results are not available",
          "Task " + id + " has not completed; its status is " + task.status + ".");
    }
    int successful = 0;
    for (QradarStore.EntryOutcome outcome : outcomes) {
      if (outcome.httpStatus() < 300) {
        successful++;
      }
    }
    int succeeded = successful;
    return Reply.json(
        200,
        writer -> {
          writer.beginObject();
          writer.name("id").value(task.id);
          writer.name("responses").beginArray();
          for (QradarStore.EntryOutcome outcome : outcomes) {
            writer.beginObject();
            writer.name("http_status").value(outcome.httpStatus());
            writer.name("message").value(outcome.message());
            writer.name("unique_code").value(outcome.uniqueCode());
            writer.endObject();
          }
          writer.endArray();
          writer
              .name("status")
              .value(
                  succeeded == outcomes.size()
                      ? "COMPLETE_UPDATE_PERFORMED"
                      : succeeded == 0 ? "UPDATE_ABORTED" : "PARTIAL_UPDATE_PERFORMED");
          writer.name("successful_responses").value(succeeded);
          writer.name("total_responses").value(outcomes.size());
          writer.endObject();
        });
  }

  private Reply getEntry(@Nullable Integer id) {
    QradarStore.EntryRow row = id == null ? null : store.entry(id);
    if (row == null) {
      return error(404, 25000, "The ID doesn't exist", "No entry has id " + id + ".");
    }
    return Reply.json(200, writer -> entry(writer, row, FieldSelection.ALL));
  }

  private Reply deleteEntry(@Nullable Integer id) {
    if (id == null || !store.removeEntry(id)) {
      return error(404, 22001, "The entry was not found", "No entry has id " + id + ".");
    }
    return Reply.noContent();
  }

  private static void entry(JsonWriter writer, QradarStore.EntryRow row, FieldSelection fields)
      throws IOException {
    writer.beginObject();
    if (fields.wants("collection_id")) {
      writer.name("collection_id").value(row.collectionId());
    }
    if (fields.wants("domain_id")) {
      writer.name("domain_id").nullValue();
    }
    if (fields.wants("first_seen")) {
      writer.name("first_seen").value(row.firstSeen());
    }
    if (fields.wants("id")) {
      writer.name("id").value(row.id());
    }
    if (fields.wants("last_seen")) {
      writer.name("last_seen").value(row.lastSeen());
    }
    if (fields.wants("notes")) {
      writer.name("notes").value(row.notes());
    }
    if (fields.wants("source")) {
      writer.name("source").value(row.source());
    }
    if (fields.wants("value")) {
      writer.name("value").value(row.value());
    }
    writer.endObject();
  }

  // ---------------------------------------------------------------------------------------------
  // Shared pieces

  private interface ItemWriter {
    void write(JsonWriter writer, int index) throws IOException;
  }

  /** A JSON array of the items a Range selects, with Content-Range. */
  private Reply list(@Nullable Range range, int total, ItemWriter items) {
    long[] bounds = bounds(range, total);
    return Reply.streamedJson(
            200,
            writer -> {
              writer.beginArray();
              for (long index = bounds[0]; index < bounds[1]; index++) {
                items.write(writer, (int) index);
              }
              writer.endArray();
            })
        .header("Content-Range", contentRange(bounds, total));
  }

  /** The items {@code [from, to)} a Range selects, capped at the page size. */
  private long[] bounds(@Nullable Range range, long total) {
    long from = range == null ? 0 : range.from;
    long to = range == null ? total : Math.min(total, range.to + 1);
    if (maxPageSize > 0) {
      to = Math.min(to, from + maxPageSize);
    }
    return from >= to ? new long[] {0, 0} : new long[] {from, to};
  }

  private static String contentRange(long[] bounds, long total) {
    return bounds[1] > bounds[0]
        ? "items " + bounds[0] + "-" + (bounds[1] - 1) + "/" + total
        : "items */" + total;
  }

  private static @Nullable Range range(IncomingRequest request) {
    String header = request.header("Range");
    if (header == null) {
      return null;
    }
    Matcher m = RANGE.matcher(header);
    if (!m.matches()) {
      return null;
    }
    long from = Long.parseLong(m.group(1));
    long to = Long.parseLong(m.group(2));
    return from <= to ? new Range(from, to) : null;
  }

  private static Reply badRange() {
    return error(
        416,
        0,
        "The requested range for the resource is not available.",
        "The Range header must read items=x-y with x <= y, zero-based.");
  }

  /** The second decoding QRadar applies to names and values in paths, '+' included. */
  private static @Nullable String decodeAgain(String once) {
    return Urls.decode(once, true);
  }

  private static Reply badEncoding(String segment) {
    return invalidParameter(
        "The path segment '"
            + segment
            + "' is not validly URL-encoded once decoded; names and"
            + " values in paths must be URL-encoded twice.");
  }

  private static Reply setNotFound(String name) {
    return error(404, 1002, "The reference set does not exist.", name + " does not exist");
  }

  private static Reply invalidParameter(String message) {
    return error(422, 1005, "A request parameter is not valid", message);
  }

  private static String invalidValue(String value, ElementType type) {
    return "The value \""
        + value
        + "\" is not valid for element type "
        + type.name()
        + ": it must be "
        + type.describe()
        + ".";
  }

  private static Reply notAllowed() {
    return error(405, 0, "", "This method type is not currently supported for this resource.");
  }

  private static Reply unknownResource(IncomingRequest request) {
    return error(404, 1010, "The resource does not exist.", "No resource at " + request.rawPath);
  }

  private String baseUrl(IncomingRequest request) {
    String host = request.header("Host");
    return scheme + "://" + (host == null ? "127.0.0.1" : host);
  }

  private static @Nullable Map<?, ?> jsonObject(IncomingRequest request) {
    try (JsonReader reader = JsonReader.of(new Buffer().write(request.body))) {
      return reader.readJsonValue() instanceof Map<?, ?> map ? map : null;
    } catch (IOException | JsonDataException e) {
      return null;
    }
  }

  private static @Nullable Integer number(@Nullable Object value) {
    if (value instanceof Double d && d == Math.rint(d) && Math.abs(d) < Integer.MAX_VALUE) {
      return d.intValue();
    }
    if (value instanceof String text && text.matches("\\d{1,9}")) {
      return Integer.parseInt(text);
    }
    return null;
  }

  private static @Nullable Long seconds(@Nullable Object value) {
    if (value instanceof Double d && d == Math.rint(d) && d > 0) {
      return d.longValue();
    }
    return null;
  }

  private static QradarStore.@Nullable Expiry expiry(@Nullable Object value) {
    if (value instanceof String text) {
      for (QradarStore.Expiry expiry : QradarStore.Expiry.values()) {
        if (expiry.name().equals(text)) {
          return expiry;
        }
      }
    }
    return null;
  }

  private static QradarStore.SetInfo current(
      QradarStore.@Nullable SetInfo updated, QradarStore.SetInfo before) {
    return updated != null ? updated : before;
  }

  /** QRadar's error body: message, details, description, code and the HTTP response. */
  static Reply error(int status, int code, String description, String message) {
    return Reply.json(
        status,
        writer -> {
          writer.beginObject();
          writer.name("message").value(message);
          writer.name("details").beginObject().endObject();
          writer.name("description").value(description);
          writer.name("code").value(code);
          writer.name("http_response").beginObject();
          writer.name("message").value(httpMessage(status));
          writer.name("code").value(status);
          writer.endObject();
          writer.endObject();
        });
  }

  private static String httpMessage(int status) {
    return switch (status) {
      case 400 -> "Invalid syntax for this request was provided.";
      case 401 -> "You are unauthorized to access the requested resource. Please log in.";
      case 403 -> "Your account is not authorized to access the requested resource.";
      case 404 -> "We could not find the resource you requested.";
      case 405 -> "This method type is not currently supported.";
      case 406 -> "Acceptance header is invalid for this endpoint resource.";
      case 409 ->
          "The request could not be completed due to a conflict with the current state of the resource.";
      case 410 -> "The requested resource is no longer available and has been permanently removed.";
      case 416 -> "The requested range for the resource is not available.";
      case 422 ->
          "The request was well-formed but was unable to be followed due to semantic errors.";
      case 429 -> "Too many requests have been sent in a given amount of time.";
      case 500 -> "Unexpected internal server error.";
      case 502 -> "Invalid response received when acting as a proxy or gateway.";
      case 503 -> "The server is currently unavailable.";
      case 504 ->
          "Did not receive a timely response from upstream server while acting as a gateway or proxy.";
      case 550 -> "A failure occurred during initialization of services. API will be unavailable.";
      default -> FakeHttpServer.reason(status);
    };
  }
}
