package org.iocsync.qradar;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.stream.Stream;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import mockwebserver3.junit5.StartStop;
import org.junit.jupiter.api.Test;

class CollectionReferenceSetsTest {
  private static final String SET =
      "{\"id\":42,\"name\":\"MISP IPs\",\"entry_type\":\"IP\",\"namespace\":\"SHARED\","
          + "\"number_of_entries\":3,\"time_to_live\":2592000,\"expiry_type\":\"LAST_SEEN\","
          + "\"creation_time\":1700000000000,\"expired_log_option\":\"LOG_NONE\"}";
  private static final String SEARCH =
      "/api/reference_data_collections/sets?filter=name%3D%22MISP%20IPs%22";

  @StartStop private final MockWebServer server = new MockWebServer();

  private ReferenceSets sets() {
    return Mock.client(server).apiVersion("20.0").build().referenceSets();
  }

  private ReferenceSets sets(int batchSize) {
    return Mock.client(server).apiVersion("20.0").batchSize(batchSize).build().referenceSets();
  }

  @Test
  void findSearchesByNameAndPrefersTheSharedNamespace() throws Exception {
    server.enqueue(
        Mock.json(
            200,
            "[{\"id\":7,\"name\":\"MISP IPs\",\"entry_type\":\"ALN\",\"namespace\":\"PRIVATE\"},"
                + SET
                + ",{\"id\":8,\"name\":\"misp ips\",\"entry_type\":\"ALN\",\"namespace\":\"SHARED\"}]"));

    ReferenceSetInfo info = sets().find("MISP IPs").orElseThrow();

    assertThat(info)
        .isEqualTo(
            new ReferenceSetInfo(
                "MISP IPs",
                QradarElementType.IP,
                3,
                "2592000 seconds",
                ExpiryBasis.LAST_SEEN,
                Instant.ofEpochMilli(1700000000000L)));
    RecordedRequest request = Mock.take(server);
    assertThat(request.getMethod()).isEqualTo("GET");
    assertThat(request.getTarget()).isEqualTo(SEARCH);
    assertThat(request.getHeaders().get("Range")).isEqualTo("items=0-49");
    assertThat(request.getHeaders().get("Version")).isEqualTo("20.0");
    assertThat(request.getHeaders().get("SEC")).isEqualTo(Mock.TOKEN);
  }

  @Test
  void findIgnoresSetsWhoseNameDiffers() {
    server.enqueue(Mock.json(200, "[{\"id\":8,\"name\":\"misp ips\",\"entry_type\":\"ALN\"}]"));

    assertThat(sets().find("MISP IPs")).isEmpty();
  }

  @Test
  void findEscapesQuotesAndBackslashesInTheFilter() throws Exception {
    server.enqueue(Mock.json(200, "[]"));

    sets().find("say \"hi\" \\o/ 100%+");

    assertThat(Mock.take(server).getUrl().queryParameter("filter"))
        .isEqualTo("name=\"say \\\"hi\\\" \\\\o/ 100%+\"");
  }

  @Test
  void setsWithoutExpiryShowNoTimeToLive() {
    server.enqueue(
        Mock.json(
            200,
            "[{\"id\":9,\"name\":\"s\",\"entry_type\":\"ALNIC\",\"time_to_live\":0,"
                + "\"expiry_type\":\"NO_EXPIRY\"}]"));

    ReferenceSetInfo info = sets().find("s").orElseThrow();

    assertThat(info.timeToLive()).isNull();
    assertThat(info.expiryBasis()).isNull();
  }

  @Test
  void listReadsPagesWithRange() throws Exception {
    server.enqueue(Mock.json(200, "[" + SET + "," + SET + "]", "items 0-1/3"));
    server.enqueue(Mock.json(200, "[" + SET + "]", "items 2-2/3"));
    ReferenceSets sets = Mock.client(server).apiVersion("20.0").pageSize(2).build().referenceSets();

    assertThat(sets.list()).hasSize(3);

    RecordedRequest first = Mock.take(server);
    assertThat(first.getTarget()).isEqualTo("/api/reference_data_collections/sets");
    assertThat(first.getHeaders().get("Range")).isEqualTo("items=0-1");
    assertThat(Mock.take(server).getHeaders().get("Range")).isEqualTo("items=2-3");
  }

  @Test
  void createPostsTheSetAsJsonWithItsExpiryInSeconds() throws Exception {
    server.enqueue(Mock.json(201, SET));

    ReferenceSetInfo created =
        sets()
            .create(
                NewReferenceSet.of("MISP IPs", QradarElementType.IP)
                    .expiringAfter(Duration.ofDays(30), ExpiryBasis.LAST_SEEN));

    assertThat(created.name()).isEqualTo("MISP IPs");
    RecordedRequest request = Mock.take(server);
    assertThat(request.getMethod()).isEqualTo("POST");
    assertThat(request.getTarget()).isEqualTo("/api/reference_data_collections/sets");
    assertThat(request.getHeaders().get("Content-Type"))
        .isEqualTo("application/json; charset=utf-8");
    assertThat(Mock.body(request))
        .isEqualTo(
            "{\"name\":\"MISP IPs\",\"entry_type\":\"IP\",\"expiry_type\":\"LAST_SEEN\","
                + "\"time_to_live\":2592000}");
  }

  @Test
  void createWithoutExpirySaysNoExpiry() throws Exception {
    server.enqueue(Mock.json(201, SET));

    sets().create(NewReferenceSet.of("s", QradarElementType.ALNIC));

    assertThat(Mock.body(Mock.take(server)))
        .isEqualTo("{\"name\":\"s\",\"entry_type\":\"ALNIC\",\"expiry_type\":\"NO_EXPIRY\"}");
  }

  @Test
  void createRefusesANameInUse() {
    server.enqueue(
        Mock.error(409, 10006, "Name in use", "A collection with the same name already exists"));

    assertThatThrownBy(() -> sets().create(NewReferenceSet.of("s", QradarElementType.IP)))
        .isInstanceOf(ReferenceSetExistsException.class)
        .hasMessageContaining("A reference set named 's' exists already (409)");
  }

  @Test
  void addPatchesEntriesWaitsForTheTaskAndReportsEachValue() throws Exception {
    server.enqueue(Mock.json(200, "[" + SET + "]"));
    server.enqueue(Mock.task(202, 9, "QUEUED"));
    server.enqueue(Mock.task(200, 9, "PROCESSING"));
    server.enqueue(Mock.task(200, 9, "COMPLETED"));
    server.enqueue(
        Mock.json(
            200,
            "{\"id\":9,\"status\":\"PARTIAL_UPDATE_PERFORMED\",\"successful_responses\":2,"
                + "\"total_responses\":3,\"responses\":["
                + "{\"http_status\":201,\"message\":\"created\",\"unique_code\":0},"
                + "{\"http_status\":422,\"message\":\"not an IP address\",\"unique_code\":20006},"
                + "{\"http_status\":200,\"message\":\"updated\",\"unique_code\":0}]}"));

    BulkWriteResult result = sets().add("MISP IPs", List.of("192.0.2.1", "nope", "192.0.2.2"));

    assertThat(result.accepted()).containsExactly("192.0.2.1", "192.0.2.2");
    assertThat(result.rejected())
        .containsExactly(new RejectedValue("nope", "not an IP address", 20006));
    assertThat(Mock.take(server).getTarget()).isEqualTo(SEARCH);
    RecordedRequest patch = Mock.take(server);
    assertThat(patch.getMethod()).isEqualTo("PATCH");
    assertThat(patch.getTarget()).isEqualTo("/api/reference_data_collections/set_entries");
    assertThat(patch.getHeaders().get("Content-Type")).isEqualTo("application/json; charset=utf-8");
    assertThat(Mock.body(patch))
        .isEqualTo(
            "[{\"collection_id\":42,\"value\":\"192.0.2.1\"},{\"collection_id\":42,\"value\":\"nope\"},"
                + "{\"collection_id\":42,\"value\":\"192.0.2.2\"}]");
    for (int i = 0; i < 2; i++) {
      RecordedRequest poll = Mock.take(server);
      assertThat(poll.getMethod()).isEqualTo("GET");
      assertThat(poll.getTarget())
          .isEqualTo("/api/reference_data_collections/set_bulk_update_tasks/9");
    }
    assertThat(Mock.take(server).getTarget())
        .isEqualTo("/api/reference_data_collections/set_bulk_update_tasks/9/results");
  }

  @Test
  void addSendsOneTaskPerBatch() throws Exception {
    server.enqueue(Mock.json(200, "[" + SET + "]"));
    for (int task = 1; task <= 2; task++) {
      server.enqueue(Mock.task(202, task, "COMPLETED"));
      server.enqueue(
          Mock.json(
              200,
              "{\"id\":"
                  + task
                  + ",\"status\":\"COMPLETE_UPDATE_PERFORMED\",\"responses\":["
                  + "{\"http_status\":200},{\"http_status\":200}]}"));
    }

    BulkWriteResult result = sets(2).add("MISP IPs", List.of("1", "2", "3", "4"));

    assertThat(result.batches())
        .extracting(BatchOutcome::accepted)
        .containsExactly(List.of("1", "2"), List.of("3", "4"));
    assertThat(server.getRequestCount()).isEqualTo(5);
  }

  @Test
  void resultsThatDoNotMatchTheBatchAreAnError() {
    server.enqueue(Mock.json(200, "[" + SET + "]"));
    server.enqueue(Mock.task(202, 9, "COMPLETED"));
    server.enqueue(
        Mock.json(
            200, "{\"id\":9,\"status\":\"UPDATE_ABORTED\",\"responses\":[{\"http_status\":200}]}"));

    assertThatThrownBy(() -> sets().add("MISP IPs", List.of("1", "2")))
        .isInstanceOf(QradarMalformedResponseException.class)
        .hasMessage(
            "QRadar's results of task 9 hold 1 answers for 2 values (status UPDATE_ABORTED) while"
                + " adding 2 values to reference set 'MISP IPs': which values were stored is"
                + " unknown");
  }

  @Test
  void aFailedTaskCarriesWhatEarlierBatchesWrote() {
    server.enqueue(Mock.json(200, "[" + SET + "]"));
    server.enqueue(Mock.task(202, 1, "COMPLETED"));
    server.enqueue(Mock.json(200, "{\"id\":1,\"responses\":[{\"http_status\":200}]}"));
    server.enqueue(Mock.task(202, 2, "QUEUED"));
    server.enqueue(
        Mock.json(
            200,
            "{\"id\":2,\"status\":\"EXCEPTION\",\"error_code\":110000,"
                + "\"error_message\":\"disk full\"}"));

    assertThatThrownBy(() -> sets(1).add("MISP IPs", List.of("1", "2", "3")))
        .isInstanceOf(QradarTaskException.class)
        .hasMessage(
            "QRadar task 2 ended with status EXCEPTION while adding 1 values to reference set"
                + " 'MISP IPs': disk full (QRadar had accepted 1 values in 1 batches before this"
                + " failure)")
        .satisfies(
            e ->
                assertThat(((QradarException) e).completedWrites().accepted())
                    .containsExactly("1"));
  }

  @Test
  void addToAMissingSetFailsBeforeWriting() {
    server.enqueue(Mock.json(200, "[]"));

    assertThatThrownBy(() -> sets().add("MISP IPs", List.of("1")))
        .isInstanceOf(ReferenceSetNotFoundException.class)
        .hasMessage(
            "QRadar has no reference set named 'MISP IPs' while adding values to reference set"
                + " 'MISP IPs'");
    assertThat(server.getRequestCount()).isEqualTo(1);
  }

  @Test
  void aSetDeletedMeanwhileIsReportedAsMissing() {
    server.enqueue(Mock.json(200, "[" + SET + "]"));
    server.enqueue(
        Mock.error(422, 23000, "collection 42 not found", "The collection id was not found"));

    assertThatThrownBy(() -> sets().add("MISP IPs", List.of("1")))
        .isInstanceOf(ReferenceSetNotFoundException.class)
        .hasMessageContaining("QRadar has no reference set named 'MISP IPs' (422, code 23000)");
  }

  @Test
  void entriesFilterByTheSetsIdAndPageWithRange() throws Exception {
    server.enqueue(Mock.json(200, "[" + SET + "]"));
    server.enqueue(
        Mock.json(
            200,
            "[{\"id\":1,\"collection_id\":42,\"value\":\"192.0.2.1\",\"source\":\"IOC Sync\","
                + "\"first_seen\":1700000000000,\"last_seen\":1700000005000},"
                + "{\"id\":2,\"collection_id\":42,\"value\":\"192.0.2.2\"}]",
            "items 0-1/3"));
    server.enqueue(Mock.json(200, "[{\"id\":3,\"value\":\"192.0.2.3\"}]", "items 2-2/3"));
    ReferenceSets sets = Mock.client(server).apiVersion("20.0").pageSize(2).build().referenceSets();

    List<ReferenceSetEntry> entries;
    try (Stream<ReferenceSetEntry> stream = sets.entries("MISP IPs")) {
      entries = stream.toList();
    }

    assertThat(entries)
        .containsExactly(
            new ReferenceSetEntry(
                "192.0.2.1",
                "IOC Sync",
                Instant.ofEpochMilli(1700000000000L),
                Instant.ofEpochMilli(1700000005000L)),
            new ReferenceSetEntry("192.0.2.2", null, null, null),
            new ReferenceSetEntry("192.0.2.3", null, null, null));
    Mock.take(server);
    RecordedRequest page = Mock.take(server);
    assertThat(page.getTarget())
        .isEqualTo(
            "/api/reference_data_collections/set_entries?filter=collection_id%3D42"
                + "&fields=id%2Cvalue%2Csource%2Cfirst_seen%2Clast_seen");
    assertThat(page.getHeaders().get("Range")).isEqualTo("items=0-1");
    assertThat(Mock.take(server).getHeaders().get("Range")).isEqualTo("items=2-3");
  }

  @Test
  void entriesOfAMissingSetFailAtOnce() {
    server.enqueue(Mock.json(200, "[]"));

    assertThatThrownBy(() -> sets().entries("MISP IPs"))
        .isInstanceOf(ReferenceSetNotFoundException.class);
  }

  @Test
  void removeFindsTheEntryAndDeletesItById() throws Exception {
    server.enqueue(Mock.json(200, "[" + SET + "]"));
    server.enqueue(Mock.json(200, "[{\"id\":77,\"value\":\"a \\\"b\\\"\"}]"));
    server.enqueue(new mockwebserver3.MockResponse.Builder().code(204).build());

    boolean removed = sets().remove("MISP IPs", "a \"b\"");

    assertThat(removed).isTrue();
    Mock.take(server);
    RecordedRequest search = Mock.take(server);
    assertThat(search.getMethod()).isEqualTo("GET");
    assertThat(search.getUrl().encodedPath())
        .isEqualTo("/api/reference_data_collections/set_entries");
    assertThat(search.getUrl().queryParameter("filter"))
        .isEqualTo("collection_id=42 and value in (\"a \\\"b\\\"\")");
    assertThat(search.getUrl().queryParameter("fields")).isEqualTo("id,collection_id,value");
    RecordedRequest delete = Mock.take(server);
    assertThat(delete.getMethod()).isEqualTo("DELETE");
    assertThat(delete.getTarget()).isEqualTo("/api/reference_data_collections/set_entries/77");
    assertThat(delete.getHeaders().get("Accept")).isEqualTo("text/plain");
  }

  @Test
  void removeNeverDeletesEntriesOfOtherValuesAServerReturns() throws Exception {
    server.enqueue(Mock.json(200, "[" + SET + "]"));
    server.enqueue(Mock.json(200, "[{\"id\":1,\"value\":\"192.0.2.1\"}]"));

    assertThatThrownBy(() -> sets().remove("MISP IPs", "192.0.2.9"))
        .isInstanceOf(QradarMalformedResponseException.class)
        .hasMessageContaining("the value '192.0.2.1', which was not asked for")
        .hasMessageContaining("it ignored the filter");
    assertThat(server.getRequestCount()).isEqualTo(2);
  }

  @Test
  void removeOfAnAbsentValueIsFalse() {
    server.enqueue(Mock.json(200, "[" + SET + "]"));
    server.enqueue(Mock.json(200, "[]"));

    assertThat(sets().remove("MISP IPs", "192.0.2.9")).isFalse();
    assertThat(server.getRequestCount()).isEqualTo(2);
  }

  @Test
  void purgeAsksQradarToDeleteTheEntries() throws Exception {
    server.enqueue(Mock.json(200, "[" + SET + "]"));
    server.enqueue(Mock.json(200, SET));

    sets().purge("MISP IPs");

    Mock.take(server);
    RecordedRequest purge = Mock.take(server);
    assertThat(purge.getMethod()).isEqualTo("POST");
    assertThat(purge.getTarget()).isEqualTo("/api/reference_data_collections/sets/42");
    assertThat(Mock.body(purge)).isEqualTo("{\"delete_entries\":true}");
  }

  @Test
  void deleteStartsATaskAndWaitsForIt() throws Exception {
    server.enqueue(Mock.json(200, "[" + SET + "]"));
    server.enqueue(Mock.task(202, 5, "QUEUED"));
    server.enqueue(Mock.task(200, 5, "PROCESSING"));
    server.enqueue(Mock.task(200, 5, "COMPLETED"));

    sets().delete("MISP IPs");

    Mock.take(server);
    RecordedRequest delete = Mock.take(server);
    assertThat(delete.getMethod()).isEqualTo("DELETE");
    assertThat(delete.getTarget()).isEqualTo("/api/reference_data_collections/sets/42");
    assertThat(Mock.take(server).getTarget())
        .isEqualTo("/api/reference_data_collections/set_delete_tasks/5");
    assertThat(Mock.take(server).getTarget())
        .isEqualTo("/api/reference_data_collections/set_delete_tasks/5");
  }
}
