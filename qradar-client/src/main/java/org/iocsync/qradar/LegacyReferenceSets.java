package org.iocsync.qradar;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.Deque;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;
import okhttp3.HttpUrl;
import org.jspecify.annotations.Nullable;
import retrofit2.Response;

/**
 * Reference sets through {@code /api/reference_data/sets}. Its bulk load takes or refuses a batch
 * whole; a batch refused for an invalid value (422, code 1005) is halved until the refused values
 * are found, within {@link #MAX_SPLIT_REQUESTS} extra requests per batch.
 */
final class LegacyReferenceSets implements ApiReferenceSets {
  /** The extra requests one refused batch may cost to find its invalid values. */
  static final int MAX_SPLIT_REQUESTS = 100;

  private static final String SET_FIELDS =
      "name,element_type,number_of_elements,time_to_live,timeout_type,creation_time";
  private static final String DATA_FIELDS = "data(value,source,first_seen,last_seen)";
  private static final int INVALID_PARAMETER = 1005;
  private static final int VALUE_NOT_IN_SET = 1003;

  /** A JSON array of strings costs two quotes and a comma per value. */
  private static final int JSON_OVERHEAD_PER_VALUE = 3;

  private final LegacyService service;
  private final Exchange exchange;
  private final TaskPoller poller;
  private final HttpUrl baseUrl;
  private final boolean namespacedBulkLoad;
  private final @Nullable EntryQueries queries;
  private final int batchSize;
  private final int pageSize;

  LegacyReferenceSets(
      LegacyService service,
      Exchange exchange,
      TaskPoller poller,
      HttpUrl baseUrl,
      boolean namespacedBulkLoad,
      @Nullable EntryQueries queries,
      int batchSize,
      int pageSize) {
    this.service = service;
    this.exchange = exchange;
    this.poller = poller;
    this.baseUrl = baseUrl;
    this.namespacedBulkLoad = namespacedBulkLoad;
    this.queries = queries;
    this.batchSize = batchSize;
    this.pageSize = pageSize;
  }

  @Override
  public void checkAccess() {
    exchange.execute(
        service.list("name", Pages.range(0, 0)),
        Exchange.Op.of("checking access to reference sets"));
  }

  @Override
  public List<ReferenceSetInfo> list() {
    String what = "listing reference sets";
    Exchange.Op op = Exchange.Op.of(what);
    try (Stream<ReferenceSetInfo> sets =
        Pages.stream(
            pageSize,
            (first, last) -> {
              Response<List<QradarJson.LegacySet>> response =
                  exchange.execute(service.list(SET_FIELDS, Pages.range(first, last)), op);
              List<ReferenceSetInfo> page = new ArrayList<>();
              for (QradarJson.LegacySet set : Models.required(response.body(), "body", what)) {
                page.add(Models.legacySet(set, what));
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
    try {
      QradarJson.LegacySet set =
          exchange.body(
              service.get(PathEncoding.twice(name), SET_FIELDS), Exchange.Op.onSet(what, name));
      return Optional.of(Models.legacySet(set, what));
    } catch (ReferenceSetNotFoundException e) {
      return Optional.empty();
    }
  }

  @Override
  public ReferenceSetInfo create(NewReferenceSet spec) {
    String what = "creating reference set '" + spec.name() + "'";
    String timeToLive = null;
    String timeoutType = null;
    if (spec.timeToLive() != null) {
      timeToLive = TimeToLive.interval(spec.timeToLive());
      timeoutType = spec.expiryBasis().name();
    }
    QradarJson.LegacySet created =
        exchange.body(
            service.create(spec.name(), spec.elementType().name(), timeToLive, timeoutType),
            Exchange.Op.onSet(what, spec.name()));
    return Models.legacySet(created, what);
  }

  @Override
  public Stream<ReferenceSetEntry> entries(String name) {
    String what = "reading the values of reference set '" + checkName(name) + "'";
    Exchange.Op op = Exchange.Op.onSet(what, name);
    String encoded = PathEncoding.twice(name);
    return Pages.stream(
        pageSize,
        (first, last) -> {
          Response<QradarJson.LegacySet> response =
              exchange.execute(service.data(encoded, DATA_FIELDS, Pages.range(first, last)), op);
          QradarJson.LegacySet set = Models.required(response.body(), "body", what);
          List<ReferenceSetEntry> page = new ArrayList<>();
          if (set.data() != null) {
            for (QradarJson.LegacyEntry entry : set.data()) {
              page.add(
                  Models.entry(
                      entry.value(), entry.source(), entry.firstSeen(), entry.lastSeen(), what));
            }
          }
          return new Pages.Page<>(page, response.headers().get("Content-Range"));
        },
        what);
  }

  @Override
  public BulkWriteResult add(String name, Collection<String> values) {
    checkName(name);
    List<BatchOutcome> done = new ArrayList<>();
    for (List<String> batch : new Batches(values, batchSize, JSON_OVERHEAD_PER_VALUE)) {
      List<String> accepted = new ArrayList<>();
      List<RejectedValue> rejected = new ArrayList<>();
      try {
        load(name, batch, accepted, rejected);
      } catch (QradarException e) {
        if (!accepted.isEmpty() || !rejected.isEmpty()) {
          done.add(new BatchOutcome(accepted, rejected));
        }
        throw e.withCompletedWrites(new BulkWriteResult(done));
      }
      done.add(new BatchOutcome(accepted, rejected));
    }
    return new BulkWriteResult(done);
  }

  /** Loads one batch, halving the parts QRadar refuses until each refused value is alone. */
  private void load(
      String name, List<String> batch, List<String> accepted, List<RejectedValue> rejected) {
    Deque<List<String>> pending = new ArrayDeque<>();
    pending.push(batch);
    int extraRequests = 0;
    while (!pending.isEmpty()) {
      List<String> part = pending.pop();
      Exchange.Op op =
          Exchange.Op.onSet(
                  "adding " + part.size() + " values to reference set '" + name + "'", name)
              .withValues(part);
      Response<QradarJson.LegacySet> response = exchange.send(bulkLoad(name, part), op);
      if (response.isSuccessful()) {
        Models.required(response.body(), "body", op.action());
        accepted.addAll(part);
        continue;
      }

      Exchange.Refusal refusal = exchange.refusal(response);
      Integer code = refusal.code();
      if (refusal.status() != 422 || code == null || code != INVALID_PARAMETER) {
        throw exchange.failure(refusal, op);
      }
      if (part.size() == 1) {
        rejected.add(new RejectedValue(part.get(0), refusal.detail(), code));
        continue;
      }
      if (extraRequests + 2 > MAX_SPLIT_REQUESTS) {
        List<String> unresolved = new ArrayList<>(part);
        pending.forEach(unresolved::addAll);
        throw new ValueRejectedException(
            "QRadar refused values of reference set '"
                + name
                + "' so often that "
                + MAX_SPLIT_REQUESTS
                + " extra requests did not single them out; "
                + unresolved.size()
                + " values remain unsorted. Check that the values fit the set's element type."
                + " Last refusal: "
                + refusal.detail(),
            unresolved,
            refusal.status(),
            code);
      }
      extraRequests += 2;
      int middle = part.size() / 2;
      pending.push(part.subList(middle, part.size()));
      pending.push(part.subList(0, middle));
    }
  }

  private retrofit2.Call<QradarJson.LegacySet> bulkLoad(String name, List<String> values) {
    String encoded = PathEncoding.twice(name);
    return namespacedBulkLoad
        ? service.bulkLoadShared(encoded, values)
        : service.bulkLoad(encoded, values);
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
    Exchange.Op op = Exchange.Op.onSet(what, name);
    String fields = queries != null ? "name,element_type,collection_id" : "name,element_type";
    QradarJson.LegacySet set = exchange.body(service.get(PathEncoding.twice(name), fields), op);
    boolean ignoreCase = QradarElementType.ALNIC.name().equals(set.elementType());
    Long collectionId = set.collectionId();
    if (queries != null && collectionId != null) {
      try {
        return queries.present(collectionId, ignoreCase, values, op);
      } catch (QradarException e) {
        // A server, or a proxy, that does not offer the collections endpoints after all.
        if (e instanceof ReferenceSetNotFoundException
            || (e.httpStatus() != 404 && e.httpStatus() != 410)) {
          throw e;
        }
      }
    }
    // Before API 16.0 the legacy API can only list a set's values: read them all.
    Map<String, List<String>> byKey = new HashMap<>();
    for (String value : values) {
      byKey
          .computeIfAbsent(EntryQueries.key(value, ignoreCase), k -> new ArrayList<>(1))
          .add(value);
    }
    Set<String> found = new LinkedHashSet<>();
    try (Stream<ReferenceSetEntry> entries = entries(name)) {
      Iterator<ReferenceSetEntry> held = entries.iterator();
      while (held.hasNext() && !byKey.isEmpty()) {
        List<String> asked = byKey.remove(EntryQueries.key(held.next().value(), ignoreCase));
        if (asked != null) {
          found.addAll(asked);
        }
      }
    }
    return found;
  }

  @Override
  public boolean remove(String name, String value) {
    return !removeAll(name, List.of(value)).isEmpty();
  }

  @Override
  public List<String> removeAll(String name, Collection<String> values) {
    String what =
        "removing " + values.size() + " values from reference set '" + checkName(name) + "'";
    List<String> distinct = List.copyOf(new LinkedHashSet<>(EntryQueries.checkValues(values)));
    List<String> removed = Collections.synchronizedList(new ArrayList<>());
    try {
      Concurrently.forEach(
          distinct,
          value -> {
            if (removeValue(name, value)) {
              removed.add(value);
            }
          },
          what);
    } catch (QradarException e) {
      throw removed.isEmpty() ? e : e.withCompletedWrites(BulkWriteResult.removed(removed));
    }
    return List.copyOf(removed);
  }

  /** Deletes one value; false when the set did not hold it (404, code 1003). */
  private boolean removeValue(String name, String value) {
    Exchange.Op op =
        Exchange.Op.onSet("removing a value from reference set '" + name + "'", name)
            .withValues(List.of(value));
    Response<QradarJson.LegacySet> response =
        exchange.send(service.removeValue(PathEncoding.twice(name), PathEncoding.twice(value)), op);
    if (response.isSuccessful()) {
      return true;
    }
    Exchange.Refusal refusal = exchange.refusal(response);
    Integer code = refusal.code();
    if (refusal.status() == 404 && code != null && code == VALUE_NOT_IN_SET) {
      return false;
    }
    throw exchange.failure(refusal, op);
  }

  @Override
  public void purge(String name) {
    runTask(name, "purging reference set '" + checkName(name) + "'", "true");
  }

  @Override
  public void delete(String name) {
    runTask(name, "deleting reference set '" + checkName(name) + "'", null);
  }

  private void runTask(String name, String what, @Nullable String purgeOnly) {
    Exchange.Op op = Exchange.Op.onSet(what, name);
    Response<QradarJson.Task> response =
        exchange.execute(service.delete(PathEncoding.twice(name), purgeOnly), op);
    QradarJson.Task task = Models.required(response.body(), "body", what);
    String location = response.headers().get("Location");
    // Not about the set any more: a task QRadar no longer knows must not read as a missing set.
    Exchange.Op poll = Exchange.Op.of(what);
    poller.await(task, id -> exchange.body(service.task(statusUrl(location, id)), poll), what);
  }

  /**
   * Where the task's status is read: the {@code Location} QRadar gave, when it is on the same
   * server (the token must not travel elsewhere), else the set deletion task endpoint.
   */
  private String statusUrl(@Nullable String location, long id) {
    if (location != null) {
      HttpUrl resolved = baseUrl.resolve(location);
      if (resolved != null
          && resolved.scheme().equals(baseUrl.scheme())
          && resolved.host().equals(baseUrl.host())
          && resolved.port() == baseUrl.port()) {
        return resolved.toString();
      }
    }
    return baseUrl.resolve("api/reference_data/set_delete_tasks/" + id).toString();
  }

  private static String checkName(String name) {
    if (name.isEmpty()) {
      throw new IllegalArgumentException("name is empty");
    }
    return name;
  }
}
