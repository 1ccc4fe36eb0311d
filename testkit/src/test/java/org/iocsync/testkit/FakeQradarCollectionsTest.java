package org.iocsync.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import okhttp3.Request;
import okhttp3.RequestBody;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class FakeQradarCollectionsTest {
  private static final Instant NOW = Instant.parse("2024-06-01T12:00:00Z");

  private final FakeQradar qradar = FakeQradar.builder().clock(new Http.ManualClock(NOW)).start();

  @AfterEach
  void stop() {
    qradar.close();
  }

  private Http.Answer call(String method, String path, @Nullable String body, String... headers)
      throws IOException {
    Request.Builder request =
        Http.request(qradar.url() + path).header("SEC", qradar.token()).header("Version", "20.0");
    for (int i = 0; i < headers.length; i += 2) {
      request.header(headers[i], headers[i + 1]);
    }
    RequestBody requestBody = body == null ? null : Http.json(body);
    return Http.call(request.method(method, requestBody).build());
  }

  private static String encode(String text) {
    return URLEncoder.encode(text, StandardCharsets.UTF_8);
  }

  private long createCollection(String name, String type) throws IOException {
    Http.Answer answer =
        call(
            "POST",
            "/api/reference_data_collections/sets",
            "{\"name\": \"" + name.replace("\"", "\\\"") + "\", \"entry_type\": \"" + type + "\"}");
    assertThat(answer.code()).as(answer.body()).isEqualTo(201);
    return ((Double) answer.object().get("id")).longValue();
  }

  private Http.Answer patch(String entries) throws IOException {
    return call("PATCH", "/api/reference_data_collections/set_entries", entries);
  }

  private Http.Answer pollToTheEnd(long task) throws IOException {
    for (int poll = 0; poll < 10; poll++) {
      Http.Answer status =
          call("GET", "/api/reference_data_collections/set_bulk_update_tasks/" + task, null);
      if (!"PROCESSING".equals(status.object().get("status"))) {
        return status;
      }
    }
    throw new AssertionError("task " + task + " did not end in 10 polls");
  }

  private static long id(Http.Answer answer) {
    return ((Double) answer.object().get("id")).longValue();
  }

  @Test
  void createsASetFromAJsonBody() throws IOException {
    Http.Answer answer =
        call(
            "POST",
            "/api/reference_data_collections/sets",
            "{\"name\": \"MISP domains\", \"entry_type\": \"ALNIC\", \"expiry_type\": \"LAST_SEEN\","
                + " \"time_to_live\": 604800}");

    assertThat(answer.code()).isEqualTo(201);
    assertThat(answer.body())
        .isEqualTo(
            "{\"creation_time\":1717243200000,\"delete_entries\":false,\"entry_type\":\"ALNIC\","
                + "\"expired_log_option\":\"LOG_BATCH\",\"expiry_type\":\"LAST_SEEN\","
                + "\"global_id\":null,\"id\":1,\"name\":\"MISP domains\",\"namespace\":\"SHARED\","
                + "\"number_of_entries\":0,\"tenant_id\":null,\"time_to_live\":604800}");
  }

  @Test
  void showsTheSameSetsThroughBothApis() throws IOException {
    long id = createCollection("Shared", "IP");

    Http.Answer legacy =
        call("GET", "/api/reference_data/sets/Shared?fields=collection_id,name", null);

    assertThat(legacy.body()).isEqualTo("{\"collection_id\":" + id + ",\"name\":\"Shared\"}");
  }

  @Test
  void refusesATakenNameWith409And10006AndMissingFieldsWith422() throws IOException {
    createCollection("Taken", "ALN");

    Http.Answer taken =
        call(
            "POST",
            "/api/reference_data_collections/sets",
            "{\"name\": \"Taken\", \"entry_type\": \"IP\"}");
    Http.Answer noType = call("POST", "/api/reference_data_collections/sets", "{\"name\": \"x\"}");
    Http.Answer noName =
        call("POST", "/api/reference_data_collections/sets", "{\"entry_type\": \"IP\"}");
    Http.Answer badTtl =
        call(
            "POST",
            "/api/reference_data_collections/sets",
            "{\"name\": \"x\", \"entry_type\": \"IP\", \"time_to_live\": \"30 days\"}");

    assertThat(taken.code()).isEqualTo(409);
    assertThat(taken.object()).containsEntry("code", 10006.0);
    assertThat(noType.object()).containsEntry("code", 10001.0);
    assertThat(noName.object()).containsEntry("code", 10002.0);
    assertThat(badTtl.object()).containsEntry("code", 10007.0);
  }

  @Test
  void findsASetByNameWithAFilter() throws IOException {
    createCollection("alpha", "ALN");
    long beta = createCollection("beta \"quoted\"", "IP");

    Http.Answer found =
        call(
            "GET",
            "/api/reference_data_collections/sets?filter=" + encode("name=\"beta \\\"quoted\\\"\""),
            null);
    Http.Answer bad =
        call("GET", "/api/reference_data_collections/sets?filter=" + encode("name = "), null);

    assertThat(found.array()).hasSize(1);
    assertThat(Http.map(found.array().get(0))).containsEntry("id", (double) beta);
    assertThat(found.header("Content-Range")).isEqualTo("items 0-0/1");
    assertThat(bad.code()).isEqualTo(422);
    assertThat(bad.object()).containsEntry("code", 14001.0);
  }

  @Test
  void readsOneSetAndAnswersAnUnknownIdWith404() throws IOException {
    long id = createCollection("One", "PORT");

    assertThat(call("GET", "/api/reference_data_collections/sets/" + id, null).object())
        .containsEntry("name", "One");
    Http.Answer unknown = call("GET", "/api/reference_data_collections/sets/999", null);
    assertThat(unknown.code()).isEqualTo(404);
    assertThat(unknown.object()).containsEntry("code", 15000.0);
  }

  @Test
  void addsOneEntryWith201ThenUpdatesItWith200() throws IOException {
    long id = createCollection("IPs", "IP");
    String entry =
        "{\"collection_id\": " + id + ", \"value\": \"192.0.2.1\", \"source\": \"sync\"}";

    Http.Answer created = call("POST", "/api/reference_data_collections/set_entries", entry);
    Http.Answer updated = call("POST", "/api/reference_data_collections/set_entries", entry);
    Http.Answer invalid =
        call(
            "POST",
            "/api/reference_data_collections/set_entries",
            "{\"collection_id\": " + id + ", \"value\": \"not-an-ip\"}");
    Http.Answer noSet =
        call(
            "POST",
            "/api/reference_data_collections/set_entries",
            "{\"collection_id\": 999, \"value\": \"192.0.2.1\"}");

    assertThat(created.code()).isEqualTo(201);
    assertThat(created.body())
        .isEqualTo(
            "{\"collection_id\":"
                + id
                + ",\"domain_id\":null,\"first_seen\":1717243200000,"
                + "\"id\":1,\"last_seen\":1717243200000,\"notes\":null,\"source\":\"sync\","
                + "\"value\":\"192.0.2.1\"}");
    assertThat(updated.code()).isEqualTo(200);
    assertThat(invalid.code()).isEqualTo(422);
    assertThat(invalid.object()).containsEntry("code", 20006.0);
    assertThat(noSet.object()).containsEntry("code", 20004.0);
  }

  @Test
  void listsEntriesWithFilterRangeAndFields() throws IOException {
    long ips = createCollection("IPs", "IP");
    long other = createCollection("Other", "ALN");
    for (int i = 1; i <= 5; i++) {
      qradar.addByHand("IPs", "192.0.2." + i);
    }
    qradar.addByHand("Other", "192.0.2.1");

    Http.Answer page =
        call(
            "GET",
            "/api/reference_data_collections/set_entries?filter="
                + encode("collection_id=" + ips)
                + "&fields=id,value",
            null,
            "Range",
            "items=3-9");
    Http.Answer one =
        call(
            "GET",
            "/api/reference_data_collections/set_entries?filter="
                + encode("collection_id=" + ips + " and value=\"192.0.2.4\""),
            null);
    Http.Answer everywhere =
        call(
            "GET",
            "/api/reference_data_collections/set_entries?filter=" + encode("value=\"192.0.2.1\""),
            null);
    Http.Answer typed =
        call("GET", "/api/reference_data_collections/set_entries?entry_type=ALN", null);

    assertThat(page.header("Content-Range")).isEqualTo("items 3-4/5");
    assertThat(page.array())
        .containsExactly(
            Map.of("id", 4.0, "value", "192.0.2.4"), Map.of("id", 5.0, "value", "192.0.2.5"));
    assertThat(one.array()).extracting(e -> Http.map(e).get("value")).containsExactly("192.0.2.4");
    assertThat(everywhere.array())
        .extracting(e -> Http.map(e).get("collection_id"))
        .containsExactly((double) ips, (double) other);
    assertThat(typed.array()).hasSize(1);
  }

  @Test
  void answersValueInThroughTheIndexHonouringCaseAndTheOtherConditions() throws IOException {
    long ips = createCollection("IPs", "IP");
    long domains = createCollection("Domains", "ALNIC");
    for (int i = 1; i <= 5; i++) {
      qradar.addByHand("IPs", "192.0.2." + i);
    }
    qradar.addByHand("Domains", "evil.example");
    qradar.addByHand("Domains", "192.0.2.1");

    Http.Answer some =
        call(
            "GET",
            "/api/reference_data_collections/set_entries?filter="
                + encode(
                    "collection_id="
                        + ips
                        + " and value in (\"192.0.2.4\", \"192.0.2.9\", \"192.0.2.2\")")
                + "&fields=value",
            null,
            "Range",
            "items=0-2");
    Http.Answer anyCase =
        call(
            "GET",
            "/api/reference_data_collections/set_entries?filter="
                + encode(
                    "collection_id="
                        + domains
                        + " and value in (\"EVIL.example\", \"evil.EXAMPLE\", \"good.example\")")
                + "&fields=id,value",
            null);
    Http.Answer narrowed =
        call(
            "GET",
            "/api/reference_data_collections/set_entries?filter="
                + encode("collection_id=" + ips + " and value in (\"192.0.2.1\") and id > 1000"),
            null);

    assertThat(some.array())
        .containsExactly(Map.of("value", "192.0.2.4"), Map.of("value", "192.0.2.2"));
    assertThat(some.header("Content-Range")).isEqualTo("items 0-1/2");
    assertThat(anyCase.array())
        .extracting(e -> Http.map(e).get("value"))
        .containsExactly("evil.example");
    assertThat(narrowed.array()).isEmpty();
  }

  @Test
  void deletesEntriesByIdAfterOtherRemovalsWithoutLosingAny() throws IOException {
    createCollection("IPs", "IP");
    for (int i = 1; i <= 50; i++) {
      qradar.addByHand("IPs", "192.0.2." + i);
    }
    List<FakeQradar.Entry> entries = qradar.entries("IPs");
    qradar.removeByHand("IPs", "192.0.2.3");

    for (int i = 0; i < entries.size(); i += 2) {
      Http.Answer deleted =
          call(
              "DELETE",
              "/api/reference_data_collections/set_entries/" + entries.get(i).id(),
              null,
              "Accept",
              "text/plain");
      assertThat(deleted.code()).as(entries.get(i).value()).isEqualTo(i == 2 ? 404 : 204);
    }
    Http.Answer gone =
        call("GET", "/api/reference_data_collections/set_entries/" + entries.get(0).id(), null);
    Http.Answer kept =
        call("GET", "/api/reference_data_collections/set_entries/" + entries.get(1).id(), null);

    assertThat(gone.code()).isEqualTo(404);
    assertThat(kept.object()).containsEntry("value", "192.0.2.2");
    assertThat(qradar.values("IPs")).hasSize(25).contains("192.0.2.2").doesNotContain("192.0.2.1");
  }

  @Test
  void refusesABadEntryFilterOrType() throws IOException {
    createCollection("IPs", "IP");

    Http.Answer field =
        call(
            "GET",
            "/api/reference_data_collections/set_entries?filter=" + encode("colour=1"),
            null);
    Http.Answer type =
        call("GET", "/api/reference_data_collections/set_entries?entry_type=IPV4", null);
    Http.Answer comparison =
        call(
            "GET",
            "/api/reference_data_collections/set_entries?filter=" + encode("collection_id > \"x\""),
            null);

    assertThat(field.object()).containsEntry("code", 24001.0);
    assertThat(type.object()).containsEntry("code", 24003.0);
    assertThat(comparison.object()).containsEntry("code", 24001.0);
    assertThat((String) comparison.object().get("message")).contains("collection_id holds numbers");
  }

  @Test
  void takesAFilterEncodedTwiceAsIbmAsks() throws IOException {
    long id = createCollection("IPs", "IP");
    qradar.addByHand("IPs", "192.0.2.1");

    Http.Answer answer =
        call(
            "GET",
            "/api/reference_data_collections/set_entries?filter="
                + encode(encode("collection_id=" + id)),
            null);

    assertThat(answer.array()).hasSize(1);
  }

  @Test
  void bulkUpdatesInATaskAndReportsEveryEntryIncludingRefusals() throws IOException {
    long id = createCollection("IPs", "IP");

    Http.Answer accepted =
        patch(
            "[{\"collection_id\": "
                + id
                + ", \"value\": \"192.0.2.1\", \"source\": \"sync\"},"
                + " {\"collection_id\": "
                + id
                + ", \"value\": \"10.0.0.0/8\"},"
                + " {\"collection_id\": "
                + id
                + ", \"value\": \"2001:db8::1\"},"
                + " {\"collection_id\": "
                + id
                + "}]");
    long task = id(accepted);
    Http.Answer early =
        call(
            "GET",
            "/api/reference_data_collections/set_bulk_update_tasks/" + task + "/results",
            null);
    Set<String> beforeTheEnd = qradar.values("IPs");
    Http.Answer done = pollToTheEnd(task);
    Http.Answer results =
        call(
            "GET",
            "/api/reference_data_collections/set_bulk_update_tasks/" + task + "/results",
            null);

    assertThat(accepted.code()).isEqualTo(202);
    assertThat(accepted.object()).containsEntry("status", "QUEUED");
    assertThat(accepted.header("Location"))
        .isEqualTo(qradar.url() + "/api/reference_data_collections/set_bulk_update_tasks/" + task);
    assertThat(early.code()).isEqualTo(404);
    assertThat(early.object()).containsEntry("code", 23003.0);
    assertThat(beforeTheEnd).isEmpty();
    assertThat(done.object()).containsEntry("status", "COMPLETED");
    assertThat(results.object())
        .containsEntry("status", "PARTIAL_UPDATE_PERFORMED")
        .containsEntry("successful_responses", 2.0)
        .containsEntry("total_responses", 4.0);
    @SuppressWarnings("unchecked")
    List<Map<String, Object>> responses =
        (List<Map<String, Object>>) results.object().get("responses");
    assertThat(responses)
        .extracting(r -> r.get("http_status"))
        .containsExactly(201.0, 422.0, 201.0, 422.0);
    assertThat(responses)
        .extracting(r -> r.get("unique_code"))
        .containsExactly(null, 20006.0, null, 20003.0);
    assertThat(qradar.values("IPs")).containsExactly("192.0.2.1", "2001:db8::1");
  }

  @Test
  void endsEarlierTasksFirstAsQradarWorksThroughItsQueueInOrder() throws IOException {
    long id = createCollection("IPs", "IP");
    qradar.taskPolls(3);

    long lost = id(patch("[{\"collection_id\": " + id + ", \"value\": \"192.0.2.1\"}]"));
    qradar.taskPolls(Integer.MAX_VALUE);
    long stuck = id(patch("[{\"collection_id\": " + id + ", \"value\": \"192.0.2.2\"}]"));
    qradar.taskPolls(1);
    long retried = id(patch("[{\"collection_id\": " + id + ", \"value\": \"192.0.2.3\"}]"));
    Http.Answer done = pollToTheEnd(retried);
    Http.Answer earlier =
        call("GET", "/api/reference_data_collections/set_bulk_update_tasks/" + lost, null);
    Http.Answer neverEnding =
        call("GET", "/api/reference_data_collections/set_bulk_update_tasks/" + stuck, null);

    assertThat(done.object()).containsEntry("status", "COMPLETED");
    assertThat(earlier.object()).containsEntry("status", "COMPLETED");
    assertThat(neverEnding.object()).containsEntry("status", "PROCESSING");
    assertThat(qradar.values("IPs")).containsExactlyInAnyOrder("192.0.2.1", "192.0.2.3");
  }

  @Test
  void refusesABulkUpdateNamingAnUnknownSetOrNotAnArray() throws IOException {
    Http.Answer unknown = patch("[{\"collection_id\": 42, \"value\": \"x\"}]");
    Http.Answer notArray = patch("{\"collection_id\": 42}");

    assertThat(unknown.code()).isEqualTo(422);
    assertThat(unknown.object()).containsEntry("code", 23000.0);
    assertThat(notArray.object()).containsEntry("code", 23002.0);
  }

  @Test
  void abortsWhenNoEntryOfABulkUpdateIsTaken() throws IOException {
    long id = createCollection("Ports", "PORT");
    qradar.taskPolls(1);

    long task = id(patch("[{\"collection_id\": " + id + ", \"value\": \"99999\"}]"));
    pollToTheEnd(task);
    Http.Answer results =
        call(
            "GET",
            "/api/reference_data_collections/set_bulk_update_tasks/" + task + "/results",
            null);

    assertThat(results.object()).containsEntry("status", "UPDATE_ABORTED");
  }

  @Test
  void reportsAFailedBulkTask() throws IOException {
    long id = createCollection("IPs", "IP");
    qradar.taskPolls(1);
    qradar.failNextTask("Storage unavailable");

    long task = id(patch("[{\"collection_id\": " + id + ", \"value\": \"192.0.2.1\"}]"));
    Http.Answer status = pollToTheEnd(task);

    assertThat(status.object())
        .containsEntry("status", "EXCEPTION")
        .containsEntry("error_message", "Storage unavailable")
        .containsEntry("error_code", 110000.0);
    assertThat(qradar.values("IPs")).isEmpty();
  }

  @Test
  void deletesEntriesByIdWith204AndByPatch() throws IOException {
    long id = createCollection("IPs", "IP");
    qradar.addByHand("IPs", "192.0.2.1");
    qradar.addByHand("IPs", "192.0.2.2");
    long first = qradar.entries("IPs").get(0).id();
    qradar.taskPolls(1);

    Http.Answer deleted =
        call(
            "DELETE",
            "/api/reference_data_collections/set_entries/" + first,
            null,
            "Accept",
            "text/plain");
    Http.Answer again =
        call(
            "DELETE",
            "/api/reference_data_collections/set_entries/" + first,
            null,
            "Accept",
            "text/plain");
    Http.Answer jsonOnly =
        call(
            "DELETE",
            "/api/reference_data_collections/set_entries/" + first,
            null,
            "Accept",
            "application/json");
    pollToTheEnd(
        id(
            patch(
                "[{\"collection_id\": "
                    + id
                    + ", \"value\": \"192.0.2.2\", \"delete_entry\": true}]")));

    assertThat(deleted.code()).isEqualTo(204);
    assertThat(again.code()).isEqualTo(404);
    assertThat(again.object()).containsEntry("code", 22001.0);
    assertThat(jsonOnly.code()).isEqualTo(406);
    assertThat(qradar.values("IPs")).isEmpty();
  }

  @Test
  void readsOneEntryById() throws IOException {
    createCollection("IPs", "IP");
    qradar.addByHand("IPs", "192.0.2.1", "another integration");
    long entry = qradar.entries("IPs").get(0).id();

    Http.Answer found = call("GET", "/api/reference_data_collections/set_entries/" + entry, null);
    Http.Answer missing = call("GET", "/api/reference_data_collections/set_entries/999", null);

    assertThat(found.object()).containsEntry("source", "another integration");
    assertThat(missing.object()).containsEntry("code", 25000.0);
  }

  @Test
  void emptiesASetThroughAnUpdateAndDeletesItInATask() throws IOException {
    long id = createCollection("IPs", "IP");
    qradar.addByHand("IPs", "192.0.2.1");
    qradar.taskPolls(2);

    Http.Answer emptied =
        call(
            "POST",
            "/api/reference_data_collections/sets/" + id,
            "{\"delete_entries\": true, \"time_to_live\": 3600}");
    Http.Answer accepted = call("DELETE", "/api/reference_data_collections/sets/" + id, null);
    List<Object> statuses = new ArrayList<>();
    for (int poll = 0; poll < 2; poll++) {
      statuses.add(
          call("GET", "/api/reference_data_collections/set_delete_tasks/" + id(accepted), null)
              .object()
              .get("status"));
    }

    assertThat(emptied.object())
        .containsEntry("number_of_entries", 0.0)
        .containsEntry("time_to_live", 3600.0);
    assertThat(accepted.code()).isEqualTo(202);
    assertThat(statuses).containsExactly("PROCESSING", "COMPLETED");
    assertThat(qradar.sets()).isEmpty();
  }

  @Test
  void writesTwentyFiveThousandValuesInBatchesAndReadsThemBack() throws IOException {
    long id = createCollection("Hashes", "ALNIC");
    qradar.taskPolls(2);
    List<String> values = new ArrayList<>();
    for (int i = 0; i < 25_000; i++) {
      values.add(String.format("%032x", i * 7919L));
    }

    for (int from = 0; from < values.size(); from += 5_000) {
      StringBuilder body = new StringBuilder("[");
      for (int i = from; i < from + 5_000; i++) {
        body.append(i == from ? "" : ",")
            .append("{\"collection_id\":")
            .append(id)
            .append(",\"value\":\"")
            .append(values.get(i))
            .append("\"}");
      }
      long task = id(patch(body.append(']').toString()));
      assertThat(pollToTheEnd(task).object()).containsEntry("status", "COMPLETED");
    }
    Set<String> seen = new HashSet<>();
    for (int first = 0; ; first += 10_000) {
      Http.Answer page =
          call(
              "GET",
              "/api/reference_data_collections/set_entries?filter="
                  + encode("collection_id=" + id)
                  + "&fields=value",
              null,
              "Range",
              "items=" + first + "-" + (first + 9_999));
      if (page.array().isEmpty()) {
        break;
      }
      for (Object entry : page.array()) {
        seen.add((String) Http.map(entry).get("value"));
      }
    }

    assertThat(seen).isEqualTo(new HashSet<>(values));
    assertThat(qradar.set("Hashes").orElseThrow().size()).isEqualTo(25_000);
  }
}
