package org.iocsync.qradar;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;
import retrofit2.Response;

/**
 * Reference sets through {@code /api/reference_data_collections} (API 16.0 and later). Sets are
 * found by name and then named by id; a bulk write is a server task whose results say, value by
 * value, what QRadar did.
 */
final class CollectionReferenceSets implements ApiReferenceSets {
  private static final String ENTRY_FIELDS = "id,value,source,first_seen,last_seen";

  /** Each entry of a bulk update wraps its value in a small JSON object with the set's id. */
  private static final int JSON_OVERHEAD_PER_VALUE = 48;

  /** How many sets of one name a search may return: one per namespace at most. */
  private static final String SEARCH_RANGE = Pages.range(0, 49);

  private final CollectionsService service;
  private final Exchange exchange;
  private final TaskPoller poller;
  private final EntryQueries queries;
  private final int batchSize;
  private final int pageSize;

  CollectionReferenceSets(
      CollectionsService service,
      Exchange exchange,
      TaskPoller poller,
      EntryQueries queries,
      int batchSize,
      int pageSize) {
    this.service = service;
    this.exchange = exchange;
    this.poller = poller;
    this.queries = queries;
    this.batchSize = batchSize;
    this.pageSize = pageSize;
  }

  @Override
  public void checkAccess() {
    exchange.execute(
        service.sets(null, Pages.range(0, 0)), Exchange.Op.of("checking access to reference sets"));
  }

  @Override
  public List<ReferenceSetInfo> list() {
    String what = "listing reference sets";
    Exchange.Op op = Exchange.Op.of(what);
    try (Stream<ReferenceSetInfo> sets =
        Pages.stream(
            pageSize,
            (first, last) -> {
              Response<List<QradarJson.CollectionSet>> response =
                  exchange.execute(service.sets(null, Pages.range(first, last)), op);
              List<ReferenceSetInfo> page = new ArrayList<>();
              for (QradarJson.CollectionSet set : Models.required(response.body(), "body", what)) {
                page.add(Models.collectionSet(set, what));
              }
              return new Pages.Page<>(page, response.headers().get("Content-Range"));
            },
            what)) {
      return sets.toList();
    }
  }

  @Override
  public Optional<ReferenceSetInfo> find(String name) {
    String what = "reading reference set '" + checkName(name) + "'";
    return search(name, what).map(set -> Models.collectionSet(set, what));
  }

  @Override
  public ReferenceSetInfo create(NewReferenceSet spec) {
    String what = "creating reference set '" + spec.name() + "'";
    boolean expires = spec.timeToLive() != null;
    QradarJson.NewCollectionSet body =
        new QradarJson.NewCollectionSet(
            spec.name(),
            spec.elementType().name(),
            expires ? spec.expiryBasis().name() : "NO_EXPIRY",
            expires ? TimeToLive.seconds(spec.timeToLive()) : null);
    QradarJson.CollectionSet created =
        exchange.body(service.create(body), Exchange.Op.onSet(what, spec.name()));
    return Models.collectionSet(created, what);
  }

  @Override
  public Stream<ReferenceSetEntry> entries(String name) {
    String what = "reading the values of reference set '" + checkName(name) + "'";
    long id = require(name, what);
    Exchange.Op op = Exchange.Op.onSet(what, name);
    String filter = "collection_id=" + id;
    return Pages.stream(
        pageSize,
        (first, last) -> {
          Response<List<QradarJson.CollectionEntry>> response =
              exchange.execute(service.entries(filter, ENTRY_FIELDS, Pages.range(first, last)), op);
          List<ReferenceSetEntry> page = new ArrayList<>();
          for (QradarJson.CollectionEntry entry : Models.required(response.body(), "body", what)) {
            page.add(
                Models.entry(
                    entry.value(), entry.source(), entry.firstSeen(), entry.lastSeen(), what));
          }
          return new Pages.Page<>(page, response.headers().get("Content-Range"));
        },
        what);
  }

  @Override
  public BulkWriteResult add(String name, Collection<String> values) {
    checkName(name);
    if (values.isEmpty()) {
      return BulkWriteResult.empty();
    }
    long id = require(name, "adding values to reference set '" + name + "'");
    List<BatchOutcome> done = new ArrayList<>();
    for (List<String> batch : new Batches(values, batchSize, JSON_OVERHEAD_PER_VALUE)) {
      try {
        done.add(update(name, id, batch));
      } catch (QradarException e) {
        throw e.withCompletedWrites(new BulkWriteResult(done));
      }
    }
    return new BulkWriteResult(done);
  }

  /** Sends one batch as a bulk update task, waits for it, and reads its results value by value. */
  private BatchOutcome update(String name, long id, List<String> batch) {
    String what = "adding " + batch.size() + " values to reference set '" + name + "'";
    Exchange.Op op = Exchange.Op.onSet(what, name).withValues(batch);
    List<QradarJson.EntryUpdate> entries = new ArrayList<>(batch.size());
    for (String value : batch) {
      entries.add(new QradarJson.EntryUpdate(id, value));
    }

    QradarJson.Task task = exchange.body(service.bulkUpdate(entries), op);
    Exchange.Op poll = Exchange.Op.of(what);
    QradarJson.Task ended =
        poller.await(task, taskId -> exchange.body(service.bulkUpdateTask(taskId), poll), what);
    long taskId = Models.required(ended.id(), "id", what);
    QradarJson.BulkResults results = exchange.body(service.bulkUpdateResults(taskId), poll);

    List<QradarJson.BulkResponse> responses = results.responses();
    if (responses == null || responses.size() != batch.size()) {
      throw new QradarMalformedResponseException(
          "QRadar's results of task "
              + taskId
              + " hold "
              + (responses == null ? "no" : String.valueOf(responses.size()))
              + " answers for "
              + batch.size()
              + " values (status "
              + results.status()
              + ") while "
              + what
              + ": which values were stored is unknown",
          200,
          null);
    }
    List<String> accepted = new ArrayList<>();
    List<RejectedValue> rejected = new ArrayList<>();
    for (int i = 0; i < batch.size(); i++) {
      QradarJson.BulkResponse response = responses.get(i);
      Integer status = response.httpStatus();
      if (status != null && status >= 200 && status < 300) {
        accepted.add(batch.get(i));
      } else {
        String reason =
            response.message() != null && !response.message().isBlank()
                ? response.message()
                : "refused with status " + status;
        rejected.add(new RejectedValue(batch.get(i), reason, response.uniqueCode()));
      }
    }
    return new BatchOutcome(accepted, rejected);
  }

  @Override
  public Set<String> present(String name, Collection<String> values) {
    String what =
        "checking which of "
            + values.size()
            + " values reference set '"
            + checkName(name)
            + "' holds";
    if (EntryQueries.checkValues(values).isEmpty()) {
      return Set.of();
    }
    QradarJson.CollectionSet set = requireSet(name, what);
    return queries.present(
        Models.required(set.id(), "id", what),
        ignoresCase(set),
        values,
        Exchange.Op.onSet(what, name));
  }

  @Override
  public boolean remove(String name, String value) {
    return !removeAll(name, List.of(value)).isEmpty();
  }

  @Override
  public List<String> removeAll(String name, Collection<String> values) {
    String what =
        "removing " + values.size() + " values from reference set '" + checkName(name) + "'";
    if (EntryQueries.checkValues(values).isEmpty()) {
      return List.of();
    }
    QradarJson.CollectionSet set = requireSet(name, what);
    long id = Models.required(set.id(), "id", what);
    Exchange.Op op = Exchange.Op.onSet(what, name);
    List<EntryQueries.Match> found = queries.ids(id, ignoresCase(set), values, op);
    for (EntryQueries.Match match : found) {
      Models.required(match.id(), "id", what);
    }
    List<String> removed = Collections.synchronizedList(new ArrayList<>());
    try {
      Concurrently.forEach(
          found,
          match -> {
            if (deleteEntry(Objects.requireNonNull(match.id()), op.withValues(match.asked()))) {
              removed.addAll(match.asked());
            }
          },
          what);
    } catch (QradarException e) {
      throw removed.isEmpty() ? e : e.withCompletedWrites(BulkWriteResult.removed(removed));
    }
    return List.copyOf(removed);
  }

  /** Deletes one entry by id; false when it was gone already (404). */
  private boolean deleteEntry(long entryId, Exchange.Op op) {
    Response<Void> response = exchange.send(service.deleteEntry(entryId), op);
    if (response.isSuccessful() && isHtml(response)) {
      // A proxy or sign-in portal answers in QRadar's place, and nothing was deleted.
      throw new QradarMalformedResponseException(
          "QRadar answered "
              + response.code()
              + " with an HTML page while "
              + op.action()
              + ": check that the URL is the console's and that no proxy or sign-in page"
              + " answers in its place",
          response.code(),
          null);
    }
    if (response.isSuccessful()) {
      return true;
    }
    if (response.code() == 404) {
      return false;
    }
    throw exchange.failure(exchange.refusal(response), op);
  }

  private static boolean ignoresCase(QradarJson.CollectionSet set) {
    return QradarElementType.ALNIC.name().equals(set.entryType());
  }

  private static boolean isHtml(Response<?> response) {
    String type = response.headers().get("Content-Type");
    return type != null && type.toLowerCase(Locale.ROOT).startsWith("text/html");
  }

  @Override
  public void purge(String name) {
    String what = "purging reference set '" + checkName(name) + "'";
    long id = require(name, what);
    exchange.body(
        service.update(id, new QradarJson.SetUpdate(true)), Exchange.Op.onSet(what, name));
  }

  @Override
  public void delete(String name) {
    String what = "deleting reference set '" + checkName(name) + "'";
    long id = require(name, what);
    Exchange.Op op = Exchange.Op.onSet(what, name);
    QradarJson.Task task = exchange.body(service.delete(id), op);
    Exchange.Op poll = Exchange.Op.of(what);
    poller.await(task, taskId -> exchange.body(service.deleteTask(taskId), poll), what);
  }

  /** The id of the set of that name, or a {@link ReferenceSetNotFoundException}. */
  private long require(String name, String what) {
    return Models.required(requireSet(name, what).id(), "id", what);
  }

  /** The set of that name, or a {@link ReferenceSetNotFoundException}. */
  private QradarJson.CollectionSet requireSet(String name, String what) {
    return search(name, what)
        .orElseThrow(
            () ->
                new ReferenceSetNotFoundException(
                    "QRadar has no reference set named '" + name + "' while " + what,
                    name,
                    0,
                    null));
  }

  /**
   * Finds a set by its exact name. Names are unique within a namespace; when several namespaces
   * hold the name, the shared one wins.
   */
  private Optional<QradarJson.CollectionSet> search(String name, String what) {
    List<QradarJson.CollectionSet> sets =
        exchange.body(
            service.sets("name=" + Filters.quote(name), SEARCH_RANGE),
            Exchange.Op.onSet(what, name));
    QradarJson.CollectionSet chosen = null;
    for (QradarJson.CollectionSet set : sets) {
      if (!name.equals(set.name())) {
        continue;
      }
      if (chosen == null || "SHARED".equals(set.namespace())) {
        chosen = set;
      }
    }
    return Optional.ofNullable(chosen);
  }

  private static String checkName(String name) {
    if (name.isEmpty()) {
      throw new IllegalArgumentException("name is empty");
    }
    return name;
  }
}
