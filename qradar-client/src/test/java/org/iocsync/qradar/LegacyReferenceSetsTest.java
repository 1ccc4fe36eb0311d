package org.iocsync.qradar;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import mockwebserver3.Dispatcher;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import mockwebserver3.junit5.StartStop;
import org.junit.jupiter.api.Test;

class LegacyReferenceSetsTest {
  private static final String SET_FIELDS =
      "fields=name%2Celement_type%2Cnumber_of_elements%2Ctime_to_live%2Ctimeout_type%2Ccreation_time";
  private static final String SET =
      "{\"name\":\"MISP IPs\",\"element_type\":\"IP\",\"number_of_elements\":3,"
          + "\"time_to_live\":\"0 years 0 mons 30 days 0 hours 0 mins 0.00 secs\","
          + "\"timeout_type\":\"LAST_SEEN\",\"creation_time\":1700000000000,"
          + "\"namespace\":\"SHARED\",\"collection_id\":42}";

  @StartStop private final MockWebServer server = new MockWebServer();

  private ReferenceSets sets(String version) {
    return Mock.client(server).apiVersion(version).api(ReferenceApi.LEGACY).build().referenceSets();
  }

  private ReferenceSets sets() {
    return sets("20.0");
  }

  @Test
  void listReadsPagesWithRangeAndSendsTheHeaders() throws Exception {
    server.enqueue(Mock.json(200, "[" + SET + "," + SET + "]", "items 0-1/3"));
    server.enqueue(Mock.json(200, "[" + SET + "]", "items 2-2/3"));
    ReferenceSets sets =
        Mock.client(server)
            .apiVersion("20.0")
            .api(ReferenceApi.LEGACY)
            .pageSize(2)
            .build()
            .referenceSets();

    List<ReferenceSetInfo> list = sets.list();

    assertThat(list).hasSize(3);
    RecordedRequest first = Mock.take(server);
    assertThat(first.getMethod()).isEqualTo("GET");
    assertThat(first.getTarget()).isEqualTo("/api/reference_data/sets?" + SET_FIELDS);
    assertThat(first.getHeaders().get("Range")).isEqualTo("items=0-1");
    assertThat(first.getHeaders().get("SEC")).isEqualTo(Mock.TOKEN);
    assertThat(first.getHeaders().get("Version")).isEqualTo("20.0");
    assertThat(first.getHeaders().get("Accept")).isEqualTo("application/json");
    assertThat(Mock.take(server).getHeaders().get("Range")).isEqualTo("items=2-3");
    assertThat(server.getRequestCount()).isEqualTo(2);
  }

  @Test
  void listDoesNotTakeAShortPageForTheEnd() throws Exception {
    server.enqueue(Mock.json(200, "[" + SET + "]", "items 0-0/2"));
    server.enqueue(Mock.json(200, "[" + SET + "]", "items 1-1/2"));
    ReferenceSets sets =
        Mock.client(server)
            .apiVersion("20.0")
            .api(ReferenceApi.LEGACY)
            .pageSize(5)
            .build()
            .referenceSets();

    assertThat(sets.list()).hasSize(2);

    assertThat(Mock.take(server).getHeaders().get("Range")).isEqualTo("items=0-4");
    assertThat(Mock.take(server).getHeaders().get("Range")).isEqualTo("items=1-5");
  }

  @Test
  void listWithoutContentRangeEndsAtAnEmptyPage() throws Exception {
    server.enqueue(Mock.json(200, "[" + SET + "]"));
    server.enqueue(Mock.json(200, "[]"));
    ReferenceSets sets =
        Mock.client(server)
            .apiVersion("20.0")
            .api(ReferenceApi.LEGACY)
            .pageSize(1)
            .build()
            .referenceSets();

    assertThat(sets.list()).hasSize(1);

    assertThat(server.getRequestCount()).isEqualTo(2);
  }

  @Test
  void findReadsMetadataWithoutData() throws Exception {
    server.enqueue(Mock.json(200, SET));

    ReferenceSetInfo info = sets().find("MISP IPs").orElseThrow();

    assertThat(info)
        .isEqualTo(
            new ReferenceSetInfo(
                "MISP IPs",
                QradarElementType.IP,
                3,
                "0 years 0 mons 30 days 0 hours 0 mins 0.00 secs",
                ExpiryBasis.LAST_SEEN,
                Instant.ofEpochMilli(1700000000000L)));
    RecordedRequest request = Mock.take(server);
    assertThat(request.getMethod()).isEqualTo("GET");
    assertThat(request.getTarget())
        .isEqualTo("/api/reference_data/sets/MISP%2520IPs?" + SET_FIELDS);
  }

  @Test
  void findIsEmptyForAnUnknownSet() {
    server.enqueue(
        Mock.error(404, 1002, "nope does not exist", "The reference set does not exist."));

    assertThat(sets().find("nope")).isEmpty();
  }

  @Test
  void namesWithSpaceSlashPercentAndPlusAreEncodedTwice() throws Exception {
    server.enqueue(Mock.json(200, SET));

    sets().find("a b/c%d+e");

    assertThat(Mock.take(server).getTarget())
        .isEqualTo("/api/reference_data/sets/a%2520b%252Fc%2525d%252Be?" + SET_FIELDS);
  }

  @Test
  void namesOfDotsOnlyAreEncodedSoNoLayerReadsThemAsPathSteps() throws Exception {
    server.enqueue(Mock.json(200, SET));

    sets().find("..");

    assertThat(Mock.take(server).getTarget())
        .isEqualTo("/api/reference_data/sets/%252E%252E?" + SET_FIELDS);
  }

  @Test
  void createSendsNameTypeAndExpiryAsQueryParameters() throws Exception {
    server.enqueue(Mock.json(201, SET));

    ReferenceSetInfo created =
        sets()
            .create(
                NewReferenceSet.of("MISP IPs", QradarElementType.IP)
                    .expiringAfter(Duration.ofDays(30), ExpiryBasis.LAST_SEEN));

    assertThat(created.name()).isEqualTo("MISP IPs");
    RecordedRequest request = Mock.take(server);
    assertThat(request.getMethod()).isEqualTo("POST");
    assertThat(request.getTarget())
        .isEqualTo(
            "/api/reference_data/sets?name=MISP%20IPs&element_type=IP&time_to_live=30%20days"
                + "&timeout_type=LAST_SEEN");
    assertThat(request.getBodySize()).isZero();
  }

  @Test
  void createWithoutExpirySendsNoTimeToLive() throws Exception {
    server.enqueue(Mock.json(201, SET));

    sets().create(NewReferenceSet.of("a+b", QradarElementType.ALNIC));

    assertThat(Mock.take(server).getTarget())
        .isEqualTo("/api/reference_data/sets?name=a%2Bb&element_type=ALNIC");
  }

  @Test
  void createWritesTimeToLiveInItsLargestExactUnit() throws Exception {
    server.enqueue(Mock.json(201, SET));

    sets()
        .create(
            NewReferenceSet.of("x", QradarElementType.IP)
                .expiringAfter(Duration.ofMinutes(90), ExpiryBasis.FIRST_SEEN));

    assertThat(Mock.take(server).getUrl().queryParameter("time_to_live")).isEqualTo("90 minutes");
  }

  @Test
  void createRefusesANameInUse() {
    server.enqueue(
        Mock.error(
            409,
            1004,
            "MISP IPs already exists",
            "The reference set could not be created, the name provided is already in use."));

    assertThatThrownBy(() -> sets().create(NewReferenceSet.of("MISP IPs", QradarElementType.IP)))
        .isInstanceOf(ReferenceSetExistsException.class)
        .hasMessage(
            "A reference set named 'MISP IPs' exists already (409) while creating reference set"
                + " 'MISP IPs': MISP IPs already exists (The reference set could not be created,"
                + " the name provided is already in use.)")
        .satisfies(
            e -> assertThat(((ReferenceSetExistsException) e).setName()).isEqualTo("MISP IPs"));
  }

  @Test
  void addPostsBulkLoadByNameUpToApi16() throws Exception {
    server.enqueue(Mock.json(200, SET));

    BulkWriteResult result = sets("16.0").add("MISP IPs", List.of("192.0.2.1", "2001:db8::1"));

    assertThat(result.accepted()).containsExactly("192.0.2.1", "2001:db8::1");
    assertThat(result.rejected()).isEmpty();
    RecordedRequest request = Mock.take(server);
    assertThat(request.getMethod()).isEqualTo("POST");
    assertThat(request.getTarget()).isEqualTo("/api/reference_data/sets/bulk_load/MISP%2520IPs");
    assertThat(request.getHeaders().get("Content-Type"))
        .isEqualTo("application/json; charset=utf-8");
    assertThat(request.getHeaders().get("Version")).isEqualTo("16.0");
    assertThat(Mock.body(request)).isEqualTo("[\"192.0.2.1\",\"2001:db8::1\"]");
  }

  @Test
  void addPostsNamespacedBulkLoadFromApi17() throws Exception {
    server.enqueue(Mock.json(200, SET));

    sets("17.0").add("a/b", List.of("x"));

    assertThat(Mock.take(server).getTarget())
        .isEqualTo("/api/reference_data/sets/bulk_load/SHARED/a%252Fb/SHARED");
  }

  @Test
  void addSendsBatchesOfTheBatchSize() throws Exception {
    for (int i = 0; i < 3; i++) {
      server.enqueue(Mock.json(200, SET));
    }
    ReferenceSets sets =
        Mock.client(server)
            .apiVersion("20.0")
            .api(ReferenceApi.LEGACY)
            .batchSize(2)
            .build()
            .referenceSets();

    BulkWriteResult result = sets.add("s", List.of("1", "2", "3", "4", "5"));

    assertThat(result.batches())
        .extracting(BatchOutcome::accepted)
        .containsExactly(List.of("1", "2"), List.of("3", "4"), List.of("5"));
    assertThat(Mock.body(Mock.take(server))).isEqualTo("[\"1\",\"2\"]");
    assertThat(Mock.body(Mock.take(server))).isEqualTo("[\"3\",\"4\"]");
    assertThat(Mock.body(Mock.take(server))).isEqualTo("[\"5\"]");
  }

  @Test
  void addOfNothingSendsNothing() {
    assertThat(sets().add("s", List.of()).batches()).isEmpty();
    assertThat(server.getRequestCount()).isZero();
  }

  @Test
  void addSplitsARefusedBatchUntilTheInvalidValuesAreAlone() {
    server.setDispatcher(refusingValuesContaining("bad"));

    BulkWriteResult result = sets().add("s", List.of("a", "bad1", "c", "d", "e", "bad2"));

    assertThat(result.accepted()).containsExactlyInAnyOrder("a", "c", "d", "e");
    assertThat(result.rejected())
        .containsExactlyInAnyOrder(
            new RejectedValue(
                "bad1", "bad1 is not a valid value (A request parameter is not valid)", 1005),
            new RejectedValue(
                "bad2", "bad2 is not a valid value (A request parameter is not valid)", 1005));
    assertThat(result.batches()).hasSize(1);
  }

  @Test
  void addStopsSplittingAfterItsBudgetAndNamesTheValuesLeft() {
    server.setDispatcher(refusingValuesContaining("bad"));
    List<String> values = IntStream.range(0, 300).mapToObj(i -> "bad" + i).toList();
    ReferenceSets sets =
        Mock.client(server)
            .apiVersion("20.0")
            .api(ReferenceApi.LEGACY)
            .batchSize(300)
            .build()
            .referenceSets();

    assertThatThrownBy(() -> sets.add("s", values))
        .isInstanceOf(ValueRejectedException.class)
        .hasMessageContaining(
            "QRadar refused values of reference set 's' so often that 100 extra requests did not"
                + " single them out;")
        .satisfies(
            e -> {
              ValueRejectedException refused = (ValueRejectedException) e;
              int isolated = refused.completedWrites().rejected().size();
              assertThat(isolated).isPositive();
              assertThat(refused.values()).hasSize(300 - isolated);
              assertThat(refused.completedWrites().accepted()).isEmpty();
            });
    assertThat(server.getRequestCount())
        .isLessThanOrEqualTo(1 + LegacyReferenceSets.MAX_SPLIT_REQUESTS);
  }

  @Test
  void aFailedBatchCarriesWhatEarlierBatchesWrote() {
    server.enqueue(Mock.json(200, SET));
    server.enqueue(Mock.error(500, 1020, "database unavailable", "An error occurred"));
    ReferenceSets sets =
        Mock.client(server)
            .apiVersion("20.0")
            .api(ReferenceApi.LEGACY)
            .batchSize(2)
            .build()
            .referenceSets();

    assertThatThrownBy(() -> sets.add("s", List.of("1", "2", "3", "4", "5")))
        .isInstanceOf(QradarServerException.class)
        .hasMessage(
            "QRadar answered 500 while adding 2 values to reference set 's': database unavailable"
                + " (An error occurred). Try again later. (QRadar had accepted 2 values in 1"
                + " batches before this failure)")
        .satisfies(
            e ->
                assertThat(((QradarException) e).completedWrites().accepted())
                    .containsExactly("1", "2"));
    assertThat(server.getRequestCount()).isEqualTo(2);
  }

  @Test
  void addToAMissingSetFails() {
    server.enqueue(Mock.error(404, 1002, "s does not exist", "The reference set does not exist"));

    assertThatThrownBy(() -> sets().add("s", List.of("1")))
        .isInstanceOf(ReferenceSetNotFoundException.class)
        .hasMessageContaining("QRadar has no reference set named 's' (404, code 1002)");
  }

  @Test
  void removeDeletesTheValueEncodedTwice() throws Exception {
    server.enqueue(Mock.json(200, SET));

    boolean removed = sets().remove("MISP URLs", "http://x.example/a?b=c d");

    assertThat(removed).isTrue();
    RecordedRequest request = Mock.take(server);
    assertThat(request.getMethod()).isEqualTo("DELETE");
    assertThat(request.getTarget())
        .isEqualTo(
            "/api/reference_data/sets/MISP%2520URLs/http%253A%252F%252Fx.example%252Fa%253Fb%253Dc"
                + "%2520d");
  }

  @Test
  void removeOfAnAbsentValueIsFalse() {
    server.enqueue(Mock.error(404, 1003, "not in set", "The record does not exist in the set"));

    assertThat(sets().remove("s", "192.0.2.1")).isFalse();
  }

  @Test
  void removeFromAMissingSetFails() {
    server.enqueue(Mock.error(404, 1002, "s does not exist", "The reference set does not exist"));

    assertThatThrownBy(() -> sets().remove("s", "192.0.2.1"))
        .isInstanceOf(ReferenceSetNotFoundException.class);
  }

  @Test
  void purgeWaitsForItsTaskAtTheLocationQradarGives() throws Exception {
    server.enqueue(
        Mock.task(202, 7, "QUEUED")
            .newBuilder()
            .setHeader("Location", "/api/system/task_management/tasks/7")
            .build());
    server.enqueue(Mock.task(200, 7, "PROCESSING"));
    server.enqueue(Mock.task(200, 7, "PROCESSING"));
    server.enqueue(Mock.task(200, 7, "COMPLETED"));

    sets().purge("MISP IPs");

    RecordedRequest purge = Mock.take(server);
    assertThat(purge.getMethod()).isEqualTo("DELETE");
    assertThat(purge.getTarget())
        .isEqualTo("/api/reference_data/sets/MISP%2520IPs?purge_only=true");
    for (int i = 0; i < 3; i++) {
      RecordedRequest poll = Mock.take(server);
      assertThat(poll.getMethod()).isEqualTo("GET");
      assertThat(poll.getTarget()).isEqualTo("/api/system/task_management/tasks/7");
      assertThat(poll.getHeaders().get("SEC")).isEqualTo(Mock.TOKEN);
    }
  }

  @Test
  void purgeWithoutLocationPollsTheSetDeleteTask() throws Exception {
    server.enqueue(Mock.task(202, 8, "QUEUED"));
    server.enqueue(Mock.task(200, 8, "COMPLETED"));

    sets().purge("s");

    Mock.take(server);
    assertThat(Mock.take(server).getTarget()).isEqualTo("/api/reference_data/set_delete_tasks/8");
  }

  @Test
  void purgeNeverSendsTheTokenToAnotherHost() throws Exception {
    server.enqueue(
        Mock.task(202, 8, "QUEUED")
            .newBuilder()
            .setHeader("Location", "https://elsewhere.example/api/tasks/8")
            .build());
    server.enqueue(Mock.task(200, 8, "COMPLETED"));

    sets().purge("s");

    Mock.take(server);
    assertThat(Mock.take(server).getTarget()).isEqualTo("/api/reference_data/set_delete_tasks/8");
  }

  @Test
  void deleteRemovesTheSetAndWaitsForItsTask() throws Exception {
    server.enqueue(Mock.task(202, 9, "QUEUED"));
    server.enqueue(Mock.task(200, 9, "COMPLETED"));

    sets().delete("a b");

    RecordedRequest delete = Mock.take(server);
    assertThat(delete.getMethod()).isEqualTo("DELETE");
    assertThat(delete.getTarget()).isEqualTo("/api/reference_data/sets/a%2520b");
  }

  @Test
  void aTaskThatFailsEndsTheCallWithItsMessage() {
    server.enqueue(Mock.task(202, 9, "QUEUED"));
    server.enqueue(
        Mock.json(200, "{\"id\":9,\"status\":\"EXCEPTION\",\"message\":\"set is in use\"}"));

    assertThatThrownBy(() -> sets().delete("s"))
        .isInstanceOf(QradarTaskException.class)
        .hasMessage(
            "QRadar task 9 ended with status EXCEPTION while deleting reference set 's': set is in use")
        .satisfies(
            e -> {
              QradarTaskException task = (QradarTaskException) e;
              assertThat(task.taskId()).isEqualTo(9);
              assertThat(task.lastStatus()).isEqualTo("EXCEPTION");
              assertThat(task.deadlinePassed()).isFalse();
            });
  }

  @Test
  void aTaskQradarForgetsIsNotTakenForAMissingSet() {
    server.enqueue(Mock.task(202, 9, "QUEUED"));
    server.enqueue(Mock.error(404, 1002, "The task does not exist.", "No task has id 9."));

    assertThatThrownBy(() -> sets().delete("s"))
        .isExactlyInstanceOf(QradarException.class)
        .hasMessageStartingWith(
            "QRadar answered 404 while deleting reference set 's': The task does not exist. (No"
                + " task has id 9.)");
  }

  @Test
  void aTaskThatNeverEndsFailsAtTheDeadline() {
    server.setDispatcher(
        new Dispatcher() {
          @Override
          public MockResponse dispatch(RecordedRequest request) {
            return request.getMethod().equals("DELETE")
                ? Mock.task(202, 3, "QUEUED")
                : Mock.task(200, 3, "PROCESSING");
          }
        });
    ReferenceSets sets =
        Mock.client(server)
            .apiVersion("20.0")
            .api(ReferenceApi.LEGACY)
            .taskDeadline(Duration.ofMillis(300))
            .taskPollInterval(Duration.ofMillis(20))
            .build()
            .referenceSets();

    assertThatThrownBy(() -> sets.purge("s"))
        .isInstanceOf(QradarTaskException.class)
        .hasMessage(
            "QRadar task 3 had not ended after PT0.3S while purging reference set 's' (last status"
                + " PROCESSING). It may still end on the server: see Admin, Task Management, or"
                + " raise the client's taskDeadline.")
        .satisfies(e -> assertThat(((QradarTaskException) e).deadlinePassed()).isTrue());
    assertThat(server.getRequestCount()).isGreaterThan(2);
  }

  @Test
  void entriesAreReadPageByPage() throws Exception {
    server.enqueue(
        Mock.json(
            200,
            "{\"name\":\"s\",\"element_type\":\"IP\",\"data\":["
                + "{\"value\":\"192.0.2.1\",\"source\":\"reference data api\","
                + "\"first_seen\":1700000000000,\"last_seen\":1700000001000},"
                + "{\"value\":\"192.0.2.2\"}]}",
            "items 0-1/3"));
    server.enqueue(
        Mock.json(200, "{\"name\":\"s\",\"data\":[{\"value\":\"192.0.2.3\"}]}", "items 2-2/3"));
    ReferenceSets sets =
        Mock.client(server)
            .apiVersion("20.0")
            .api(ReferenceApi.LEGACY)
            .pageSize(2)
            .build()
            .referenceSets();

    List<ReferenceSetEntry> entries;
    try (Stream<ReferenceSetEntry> stream = sets.entries("s")) {
      entries = stream.toList();
    }

    assertThat(entries)
        .containsExactly(
            new ReferenceSetEntry(
                "192.0.2.1",
                "reference data api",
                Instant.ofEpochMilli(1700000000000L),
                Instant.ofEpochMilli(1700000001000L)),
            new ReferenceSetEntry("192.0.2.2", null, null, null),
            new ReferenceSetEntry("192.0.2.3", null, null, null));
    RecordedRequest first = Mock.take(server);
    assertThat(first.getTarget())
        .isEqualTo(
            "/api/reference_data/sets/s?fields=data%28value%2Csource%2Cfirst_seen%2Clast_seen%29");
    assertThat(first.getHeaders().get("Range")).isEqualTo("items=0-1");
    assertThat(Mock.take(server).getHeaders().get("Range")).isEqualTo("items=2-3");
  }

  @Test
  void closingTheEntriesStreamStopsTheReading() {
    server.enqueue(
        Mock.json(200, "{\"name\":\"s\",\"data\":[{\"value\":\"1\"},{\"value\":\"2\"}]}"));
    server.enqueue(Mock.json(200, "{\"name\":\"s\",\"data\":[{\"value\":\"3\"}]}"));
    ReferenceSets sets =
        Mock.client(server)
            .apiVersion("20.0")
            .api(ReferenceApi.LEGACY)
            .pageSize(2)
            .build()
            .referenceSets();

    List<String> seen = new ArrayList<>();
    try (Stream<ReferenceSetEntry> stream = sets.entries("s")) {
      Iterator<ReferenceSetEntry> iterator = stream.iterator();
      seen.add(iterator.next().value());
    }

    assertThat(seen).containsExactly("1");
    assertThat(server.getRequestCount()).isEqualTo(1);
  }

  @Test
  void entriesOfAMissingSetFailAtOnce() {
    server.enqueue(Mock.error(404, 1002, "s does not exist", "The reference set does not exist"));

    assertThatThrownBy(() -> sets().entries("s"))
        .isInstanceOf(ReferenceSetNotFoundException.class)
        .satisfies(e -> assertThat(((ReferenceSetNotFoundException) e).setName()).isEqualTo("s"));
  }

  @Test
  void aPageBeyondTheRangeAskedForIsAnError() {
    server.enqueue(
        Mock.json(
            200,
            "{\"name\":\"s\",\"data\":[{\"value\":\"1\"},{\"value\":\"2\"},{\"value\":\"3\"}]}"));
    ReferenceSets sets =
        Mock.client(server)
            .apiVersion("20.0")
            .api(ReferenceApi.LEGACY)
            .pageSize(2)
            .build()
            .referenceSets();

    assertThatThrownBy(() -> sets.entries("s"))
        .isInstanceOf(QradarMalformedResponseException.class)
        .hasMessage(
            "QRadar answered 3 items for a range of 2 while reading the values of reference set"
                + " 's': it ignored the Range header");
  }

  /** Refuses, as QRadar's bulk load does, a whole batch that holds one invalid value. */
  private static Dispatcher refusingValuesContaining(String marker) {
    return new Dispatcher() {
      @Override
      public MockResponse dispatch(RecordedRequest request) {
        String body = Mock.body(request);
        List<String> bad =
            Stream.of(body.replaceAll("[\\[\\]\"]", "").split(","))
                .filter(v -> v.contains(marker))
                .collect(Collectors.toList());
        if (bad.isEmpty()) {
          return Mock.json(200, "{\"name\":\"s\",\"element_type\":\"IP\"}");
        }
        return Mock.error(
            422, 1005, bad.get(0) + " is not a valid value", "A request parameter is not valid");
      }
    };
  }
}
