package org.iocsync.testkit;

import static org.iocsync.testkit.QradarHttp.badRange;
import static org.iocsync.testkit.QradarHttp.contentRange;
import static org.iocsync.testkit.QradarHttp.error;
import static org.iocsync.testkit.QradarHttp.expiry;
import static org.iocsync.testkit.QradarHttp.filterParam;
import static org.iocsync.testkit.QradarHttp.invalidValue;
import static org.iocsync.testkit.QradarHttp.jsonObject;
import static org.iocsync.testkit.QradarHttp.notAllowed;
import static org.iocsync.testkit.QradarHttp.number;
import static org.iocsync.testkit.QradarHttp.range;
import static org.iocsync.testkit.QradarHttp.seconds;
import static org.iocsync.testkit.QradarHttp.unknownResource;

import com.squareup.moshi.JsonDataException;
import com.squareup.moshi.JsonReader;
import com.squareup.moshi.JsonWriter;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import okio.Buffer;
import org.jspecify.annotations.Nullable;

/** The {@code /api/reference_data_collections} endpoints of the fake QRadar. */
final class CollectionEndpoints {
  private static final String API_SOURCE = "reference data api";
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
  private final QradarHttp http;

  CollectionEndpoints(QradarStore store, QradarHttp http) {
    this.store = store;
    this.http = http;
  }

  /** Answers a request under {@code /api/reference_data_collections}, path decoded once. */
  Reply route(IncomingRequest request, List<String> path) {
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
  // Reference data collections

  private Reply listCollections(IncomingRequest request) {
    List<QradarStore.SetInfo> matching = new ArrayList<>();
    try {
      QradarFilter.Node filter = QradarFilter.parse(filterParam(request), COLLECTION_FIELDS);
      for (QradarStore.SetInfo set : store.sets()) {
        if (filter.test(field -> collectionField(set, field))) {
          matching.add(set);
        }
      }
    } catch (QradarFilter.InvalidFilterException e) {
      return error(422, 14001, "An error occurred while building the filter", e.getMessage());
    }
    QradarHttp.Range range = range(request);
    if (range == null && request.header("Range") != null) {
      return badRange();
    }
    FieldSelection fields = FieldSelection.parse(request.param("fields"));
    return http.list(
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
            http.baseUrl(request) + "/api/reference_data_collections/set_delete_tasks/" + task.id);
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
    QradarHttp.Range range = range(request);
    if (range == null && request.header("Range") != null) {
      return badRange();
    }
    FieldSelection fields = FieldSelection.parse(request.param("fields"));

    // Narrow with the conjuncts an index answers: collection_id = n, value = "x", value in (...).
    Integer onlySet = null;
    List<String> onlyValues = null;
    List<QradarFilter.Node> rest = new ArrayList<>();
    for (QradarFilter.Node node : QradarFilter.conjuncts(filter)) {
      if (node instanceof QradarFilter.Comparison c) {
        boolean equals = c.operator().equals("=");
        Object operand = equals ? c.operands().get(0) : null;
        if (c.field().equals("collection_id") && operand instanceof Long id && onlySet == null) {
          onlySet = (int) Math.max(Integer.MIN_VALUE, Math.min(Integer.MAX_VALUE, id));
          continue;
        }
        if (c.field().equals("value")
            && onlyValues == null
            && (equals || c.operator().equals("in"))) {
          onlyValues = new ArrayList<>(c.operands().size());
          for (Object value : c.operands()) {
            onlyValues.add(String.valueOf(value));
          }
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

    if (onlyValues == null && rest.isEmpty() && sets.size() == 1) {
      QradarStore.SetInfo set = sets.get(0);
      long[] bounds = http.bounds(range, set.size());
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
        if (onlyValues != null) {
          for (QradarStore.EntryRow row : store.findAll(set.id(), onlyValues)) {
            if (all(rest, row)) {
              matching.add(row);
            }
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
    return http.list(
        range, matching.size(), (writer, index) -> entry(writer, matching.get(index), fields));
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
            http.baseUrl(request)
                + "/api/reference_data_collections/set_bulk_update_tasks/"
                + task.id);
  }

  /** Runs when the bulk task finishes, under the store's lock; one outcome per entry. */
  private byte[] applyBulk(List<?> entries) {
    byte[] outcomes = new byte[entries.size()];
    for (int i = 0; i < outcomes.length; i++) {
      outcomes[i] = applyOne((Map<?, ?>) entries.get(i)).code();
    }
    return outcomes;
  }

  private QradarStore.EntryOutcome applyOne(Map<?, ?> entry) {
    Integer setId = number(entry.get("collection_id"));
    QradarStore.SetInfo set = setId == null ? null : store.set(setId);
    if (set == null) {
      return QradarStore.EntryOutcome.NO_SET;
    }
    if (!(entry.get("value") instanceof String value)) {
      return QradarStore.EntryOutcome.NO_VALUE;
    }
    if (Boolean.TRUE.equals(entry.get("delete_entry"))) {
      return store.remove(set.id(), value)
          ? QradarStore.EntryOutcome.DELETED
          : QradarStore.EntryOutcome.NOT_FOUND;
    }
    if (!set.type().accepts(value)) {
      return QradarStore.EntryOutcome.INVALID_VALUE;
    }
    Object source = entry.get("source");
    Object notes = entry.get("notes");
    boolean created =
        store.add(
            set.id(),
            value,
            source instanceof String s ? s : API_SOURCE,
            notes instanceof String n ? n : null);
    return created ? QradarStore.EntryOutcome.CREATED : QradarStore.EntryOutcome.UPDATED;
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
    byte[] outcomes = task.outcomes;
    if (outcomes == null) {
      return error(
          404,
          23003,
          "The results are not available",
          "Task " + id + " has not completed; its status is " + task.status + ".");
    }
    int successful = 0;
    for (byte outcome : outcomes) {
      if (QradarStore.EntryOutcome.of(outcome).httpStatus < 300) {
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
          for (byte code : outcomes) {
            QradarStore.EntryOutcome outcome = QradarStore.EntryOutcome.of(code);
            writer.beginObject();
            writer.name("http_status").value(outcome.httpStatus);
            writer.name("message").value(outcome.message);
            writer.name("unique_code").value(outcome.uniqueCode);
            writer.endObject();
          }
          writer.endArray();
          writer
              .name("status")
              .value(
                  succeeded == outcomes.length
                      ? "COMPLETE_UPDATE_PERFORMED"
                      : succeeded == 0 ? "UPDATE_ABORTED" : "PARTIAL_UPDATE_PERFORMED");
          writer.name("successful_responses").value(succeeded);
          writer.name("total_responses").value(outcomes.length);
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
}
