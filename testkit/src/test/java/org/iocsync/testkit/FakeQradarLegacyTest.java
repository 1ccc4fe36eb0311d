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

class FakeQradarLegacyTest {
  private static final Instant NOW = Instant.parse("2024-06-01T12:00:00Z");

  private final Http.ManualClock clock = new Http.ManualClock(NOW);
  private final FakeQradar qradar = FakeQradar.builder().clock(clock).start();

  @AfterEach
  void stop() {
    qradar.close();
  }

  private Http.Answer call(String method, String path, @Nullable String body, String... headers)
      throws IOException {
    return call(qradar, method, path, body, headers);
  }

  private static Http.Answer call(
      FakeQradar server, String method, String path, @Nullable String body, String... headers)
      throws IOException {
    Request.Builder request =
        Http.request(server.url() + path)
            .header("SEC", server.token())
            .header("Accept", "application/json");
    for (int i = 0; i < headers.length; i += 2) {
      request.header(headers[i], headers[i + 1]);
    }
    RequestBody requestBody =
        body == null
            ? (method.equals("POST") ? RequestBody.create(new byte[0]) : null)
            : Http.json(body);
    return Http.call(request.method(method, requestBody).build());
  }

  private static String twice(String text) {
    return encode(encode(text));
  }

  private static String encode(String text) {
    return URLEncoder.encode(text, StandardCharsets.UTF_8).replace("+", "%20");
  }

  private Http.Answer create(String name, String type) throws IOException {
    return call(
        "POST", "/api/reference_data/sets?name=" + encode(name) + "&element_type=" + type, null);
  }

  @Test
  void createsASetFromQueryParameters() throws IOException {
    Http.Answer answer =
        call(
            "POST",
            "/api/reference_data/sets?name=MISP%20IPs&element_type=IP&time_to_live=30%20days"
                + "&timeout_type=LAST_SEEN",
            null);

    assertThat(answer.code()).isEqualTo(201);
    assertThat(answer.body())
        .isEqualTo(
            "{\"collection_id\":1,\"creation_time\":1717243200000,\"element_type\":\"IP\","
                + "\"name\":\"MISP IPs\",\"namespace\":\"SHARED\",\"number_of_elements\":0,"
                + "\"time_to_live\":\"30 days\",\"timeout_type\":\"LAST_SEEN\"}");
    assertThat(qradar.set("MISP IPs").orElseThrow())
        .isEqualTo(
            new FakeQradar.ReferenceSet(1, "MISP IPs", "IP", 2_592_000L, "LAST_SEEN", 0, NOW));
  }

  @Test
  void refusesATakenNameWith409And1004() throws IOException {
    create("Taken", "ALN");

    Http.Answer answer = create("Taken", "IP");

    assertThat(answer.code()).isEqualTo(409);
    assertThat(answer.object()).containsEntry("code", 1004.0);
  }

  @Test
  void refusesInvalidCreationParametersWith422And1005() throws IOException {
    Http.Answer type = create("Bad type", "IPV4");
    Http.Answer cidr = create("Ranges", "CIDR");
    Http.Answer timeout =
        call(
            "POST", "/api/reference_data/sets?name=x&element_type=ALN&timeout_type=SOMETIME", null);
    Http.Answer ttl =
        call("POST", "/api/reference_data/sets?name=x&element_type=ALN&time_to_live=forever", null);
    Http.Answer noName = call("POST", "/api/reference_data/sets?element_type=ALN", null);

    for (Http.Answer answer : List.of(type, cidr, timeout, ttl, noName)) {
      assertThat(answer.code()).as(answer.body()).isEqualTo(422);
      assertThat(answer.object()).containsEntry("code", 1005.0);
    }
    assertThat((String) cidr.object().get("message")).contains("CIDR from API version 21.0");
    assertThat(qradar.sets()).isEmpty();
  }

  @Test
  void takesCidrSetsFromVersion21() throws IOException {
    try (FakeQradar newer = FakeQradar.builder().versions("20.0", "21.0").start()) {
      Http.Answer created =
          call(newer, "POST", "/api/reference_data/sets?name=Ranges&element_type=CIDR", null);
      Http.Answer added =
          call(newer, "POST", "/api/reference_data/sets/Ranges?value=10.0.0.0%2F8", null);

      assertThat(created.code()).isEqualTo(201);
      assertThat(added.code()).isEqualTo(200);
      assertThat(newer.values("Ranges")).containsExactly("10.0.0.0/8");
    }
  }

  @Test
  void answersAnUnknownSetAsQradarsDocumentationShows() throws IOException {
    Http.Answer answer = call("GET", "/api/reference_data/sets/test_set", null);

    assertThat(answer.code()).isEqualTo(404);
    assertThat(answer.body())
        .isEqualTo(
            "{\"message\":\"test_set does not exist\",\"details\":{},"
                + "\"description\":\"The reference set does not exist.\",\"code\":1002,"
                + "\"http_response\":{\"message\":\"We could not find the resource you"
                + " requested.\",\"code\":404}}");
  }

  @Test
  void listsSetsWithRangeFilterAndFields() throws IOException {
    create("alpha", "ALN");
    create("beta", "IP");
    create("gamma", "PORT");

    Http.Answer page = call("GET", "/api/reference_data/sets", null, "Range", "items=1-5");
    Http.Answer filtered =
        call(
            "GET",
            "/api/reference_data/sets?filter="
                + encode("element_type = \"IP\" or name = \"gamma\"")
                + "&fields=name",
            null);
    Http.Answer beyond = call("GET", "/api/reference_data/sets", null, "Range", "items=5-9");
    Http.Answer encodedTwice =
        call("GET", "/api/reference_data/sets?filter=" + encode(encode("name = \"beta\"")), null);

    assertThat(page.header("Content-Range")).isEqualTo("items 1-2/3");
    assertThat(page.array())
        .extracting(s -> Http.map(s).get("name"))
        .containsExactly("beta", "gamma");
    assertThat(filtered.array()).containsExactly(Map.of("name", "beta"), Map.of("name", "gamma"));
    assertThat(beyond.array()).isEmpty();
    assertThat(beyond.header("Content-Range")).isEqualTo("items */3");
    assertThat(encodedTwice.array())
        .extracting(s -> Http.map(s).get("name"))
        .containsExactly("beta");
  }

  @Test
  void refusesABadFilterOrRange() throws IOException {
    Http.Answer filter =
        call("GET", "/api/reference_data/sets?filter=" + encode("colour = \"red\""), null);
    Http.Answer range = call("GET", "/api/reference_data/sets", null, "Range", "items=9-2");

    assertThat(filter.code()).isEqualTo(422);
    assertThat((String) filter.object().get("message")).contains("colour");
    assertThat(range.code()).isEqualTo(416);
  }

  @Test
  void servesOneSetWithFieldsAndItsDataPagedByRange() throws IOException {
    qradar.createSet("IPs", "IP");
    for (int i = 1; i <= 5; i++) {
      qradar.addByHand("IPs", "192.0.2." + i);
    }

    Http.Answer metadata =
        call("GET", "/api/reference_data/sets/IPs?fields=name,number_of_elements", null);
    Http.Answer page = call("GET", "/api/reference_data/sets/IPs", null, "Range", "items=1-2");
    Http.Answer values =
        call("GET", "/api/reference_data/sets/IPs?fields=data(value)", null, "Range", "items=4-9");

    assertThat(metadata.body()).isEqualTo("{\"name\":\"IPs\",\"number_of_elements\":5}");
    assertThat(page.header("Content-Range")).isEqualTo("items 1-2/5");
    @SuppressWarnings("unchecked")
    List<Object> data = (List<Object>) page.object().get("data");
    assertThat(data)
        .containsExactly(
            Map.of(
                "first_seen",
                1.7172432E12,
                "last_seen",
                1.7172432E12,
                "source",
                "admin",
                "value",
                "192.0.2.2"),
            Map.of(
                "first_seen",
                1.7172432E12,
                "last_seen",
                1.7172432E12,
                "source",
                "admin",
                "value",
                "192.0.2.3"));
    assertThat(values.body()).isEqualTo("{\"data\":[{\"value\":\"192.0.2.5\"}]}");
  }

  @Test
  void addsOneValueAndRefreshesItsLastSeen() throws IOException {
    create("IPs", "IP");

    Http.Answer added = call("POST", "/api/reference_data/sets/IPs?value=192.0.2.1", null);
    clock.set(NOW.plusSeconds(60));
    call("POST", "/api/reference_data/sets/IPs?value=192.0.2.1&source=sync", null);

    assertThat(added.code()).isEqualTo(200);
    assertThat(added.object()).containsEntry("number_of_elements", 1.0).doesNotContainKey("data");
    FakeQradar.Entry entry = qradar.entries("IPs").get(0);
    assertThat(entry.firstSeen()).isEqualTo(NOW);
    assertThat(entry.lastSeen()).isEqualTo(NOW.plusSeconds(60));
    assertThat(entry.source()).isEqualTo("sync");
  }

  @Test
  void refusesValuesATypedSetDoesNotTake() throws IOException {
    qradar.createSet("IPs", "IP");
    qradar.createSet("Ports", "PORT");
    qradar.createSet("Numbers", "NUM");

    Map<String, String> refused =
        Map.of(
            "IPs", "10.0.0.0%2F8",
            "Ports", "70000",
            "Numbers", "AS64496");
    for (Map.Entry<String, String> value : refused.entrySet()) {
      Http.Answer answer =
          call(
              "POST",
              "/api/reference_data/sets/" + value.getKey() + "?value=" + value.getValue(),
              null);

      assertThat(answer.code()).isEqualTo(422);
      assertThat(answer.object()).containsEntry("code", 1005.0);
      assertThat((String) answer.object().get("message")).contains("is not valid for element type");
    }
    assertThat(call("POST", "/api/reference_data/sets/IPs?value=2001%3Adb8%3A%3A1", null).code())
        .isEqualTo(200);
    assertThat(call("POST", "/api/reference_data/sets/Ports?value=443", null).code())
        .isEqualTo(200);
    assertThat(qradar.values("IPs")).containsExactly("2001:db8::1");
  }

  @Test
  void comparesAlnicValuesIgnoringCase() throws IOException {
    qradar.createSet("Domains", "ALNIC");

    call("POST", "/api/reference_data/sets/Domains?value=Evil.Example", null);
    call("POST", "/api/reference_data/sets/Domains?value=EVIL.example", null);

    assertThat(qradar.values("Domains")).containsExactly("evil.example");
    assertThat(qradar.contains("Domains", "eVil.example")).isTrue();
  }

  @Test
  void bulkLoadsByNameUpToApi16AndRefusesItWith410After() throws IOException {
    qradar.createSet("IPs", "IP");

    Http.Answer old =
        call(
            "POST",
            "/api/reference_data/sets/bulk_load/IPs",
            "[\"192.0.2.1\", \"192.0.2.2\"]",
            "Version",
            "16.0");
    Http.Answer gone =
        call(
            "POST", "/api/reference_data/sets/bulk_load/IPs", "[\"192.0.2.3\"]", "Version", "17.0");

    assertThat(old.code()).isEqualTo(200);
    assertThat(old.object()).containsEntry("number_of_elements", 2.0);
    assertThat(gone.code()).isEqualTo(410);
    assertThat((String) gone.object().get("message"))
        .contains("bulk_load/{namespace}/{name}/{domain_id}");
    assertThat(qradar.values("IPs")).containsExactly("192.0.2.1", "192.0.2.2");
  }

  @Test
  void bulkLoadsThroughTheNamespacedForm() throws IOException {
    qradar.createSet("MISP / IPs", "IP");
    String path = "/api/reference_data/sets/bulk_load/SHARED/" + twice("MISP / IPs") + "/SHARED";

    Http.Answer loaded = call("POST", path, "[\"192.0.2.1\"]");
    Http.Answer tenant =
        call(
            "POST",
            "/api/reference_data/sets/bulk_load/TENANT/" + twice("MISP / IPs") + "/0",
            "[]");
    Http.Answer namespace =
        call(
            "POST",
            "/api/reference_data/sets/bulk_load/PRIVATE/" + twice("MISP / IPs") + "/0",
            "[]");
    Http.Answer domain =
        call(
            "POST",
            "/api/reference_data/sets/bulk_load/SHARED/" + twice("MISP / IPs") + "/7",
            "[]");

    assertThat(loaded.code()).isEqualTo(200);
    assertThat(qradar.values("MISP / IPs")).containsExactly("192.0.2.1");
    assertThat(tenant.object()).containsEntry("code", 1012.0);
    assertThat(namespace.object()).containsEntry("code", 1015.0);
    assertThat(domain.code()).isEqualTo(404);
    assertThat(domain.object()).containsEntry("code", 1011.0);
  }

  @Test
  void refusesAWholeBulkLoadForOneBadValue() throws IOException {
    qradar.createSet("IPs", "IP");

    Http.Answer answer =
        call(
            "POST",
            "/api/reference_data/sets/bulk_load/SHARED/IPs/SHARED",
            "[\"192.0.2.1\", \"107.183.86\", \"192.0.2.2\"]");

    assertThat(answer.code()).isEqualTo(422);
    assertThat(answer.object()).containsEntry("code", 1005.0);
    assertThat((String) answer.object().get("message")).contains("\"107.183.86\"");
    assertThat(qradar.values("IPs")).isEmpty();
  }

  @Test
  void refusesABulkBodyThatIsNotAnArrayOfStringsWith400And1001() throws IOException {
    qradar.createSet("IPs", "IP");

    Http.Answer answer =
        call("POST", "/api/reference_data/sets/bulk_load/SHARED/IPs/SHARED", "{\"data\": []}");

    assertThat(answer.code()).isEqualTo(400);
    assertThat(answer.object()).containsEntry("code", 1001.0);
  }

  @Test
  void deletesOneValueAndTellsWhenItIsNotThere() throws IOException {
    qradar.createSet("URLs", "ALN");
    qradar.addByHand("URLs", "http://evil.example/a b");

    Http.Answer deleted =
        call("DELETE", "/api/reference_data/sets/URLs/" + twice("http://evil.example/a b"), null);
    Http.Answer again =
        call("DELETE", "/api/reference_data/sets/URLs/" + twice("http://evil.example/a b"), null);

    assertThat(deleted.code()).isEqualTo(200);
    assertThat(deleted.object()).containsEntry("number_of_elements", 0.0);
    assertThat(again.code()).isEqualTo(404);
    assertThat(again.object()).containsEntry("code", 1003.0);
  }

  @Test
  void purgesInATaskThatTakesSeveralPolls() throws IOException {
    qradar.createSet("IPs", "IP");
    qradar.addByHand("IPs", "192.0.2.1");

    Http.Answer accepted = call("DELETE", "/api/reference_data/sets/IPs?purge_only=true", null);
    String location = accepted.header("Location");
    List<String> statuses = new ArrayList<>();
    List<Integer> sizes = new ArrayList<>();
    for (int poll = 0; poll < 3; poll++) {
      sizes.add(qradar.set("IPs").orElseThrow().size());
      Http.Answer polled = Http.call(Http.request(location).header("SEC", qradar.token()).build());
      statuses.add((String) polled.object().get("status"));
    }

    assertThat(accepted.code()).isEqualTo(202);
    assertThat(accepted.object()).containsEntry("status", "QUEUED").containsKey("id");
    assertThat(location).isEqualTo(qradar.url() + "/api/system/task_management/tasks/1");
    assertThat(statuses).containsExactly("PROCESSING", "PROCESSING", "COMPLETED");
    assertThat(sizes).containsExactly(1, 1, 1);
    assertThat(qradar.set("IPs").orElseThrow().size()).isZero();
  }

  @Test
  void deletesTheSetInATaskReadAtSetDeleteTasks() throws IOException {
    qradar.createSet("Doomed", "ALN");
    qradar.taskPolls(1);

    Http.Answer accepted = call("DELETE", "/api/reference_data/sets/Doomed", null);
    boolean existsWhilePending = qradar.set("Doomed").isPresent();
    Http.Answer done = call("GET", "/api/reference_data/set_delete_tasks/1", null);

    assertThat(accepted.code()).isEqualTo(202);
    assertThat(existsWhilePending).isTrue();
    assertThat(done.object()).containsEntry("status", "COMPLETED");
    assertThat(qradar.set("Doomed")).isEmpty();
  }

  @Test
  void keepsATaskRunningForeverWhenAsked() throws IOException {
    qradar.createSet("Stuck", "ALN");
    qradar.taskPolls(Integer.MAX_VALUE);
    call("DELETE", "/api/reference_data/sets/Stuck?purge_only=true", null);

    Set<Object> statuses = new HashSet<>();
    for (int poll = 0; poll < 20; poll++) {
      statuses.add(call("GET", "/api/system/task_management/tasks/1", null).object().get("status"));
    }

    assertThat(statuses).containsExactly("PROCESSING");
  }

  @Test
  void failsATaskWhenAskedAndLeavesTheSetAlone() throws IOException {
    qradar.createSet("Kept", "ALN");
    qradar.addByHand("Kept", "x");
    qradar.taskPolls(1);
    qradar.failNextTask("Purge failed: the database is read-only");

    call("DELETE", "/api/reference_data/sets/Kept?purge_only=true", null);
    Http.Answer task = call("GET", "/api/system/task_management/tasks/1", null);

    assertThat(task.object())
        .containsEntry("status", "EXCEPTION")
        .containsEntry("message", "Purge failed: the database is read-only");
    assertThat(qradar.values("Kept")).containsExactly("x");
  }

  @Test
  void answersAnUnknownTaskWith404() throws IOException {
    assertThat(call("GET", "/api/system/task_management/tasks/77", null).code()).isEqualTo(404);
  }

  @Test
  void capsPagesAtItsMaximumAndSaysSoInContentRange() throws IOException {
    try (FakeQradar capped = FakeQradar.builder().maxPageSize(2).start()) {
      capped.createSet("IPs", "IP");
      for (int i = 1; i <= 5; i++) {
        capped.addByHand("IPs", "192.0.2." + i);
      }

      Http.Answer answer =
          call(capped, "GET", "/api/reference_data/sets/IPs", null, "Range", "items=0-49");

      assertThat(answer.header("Content-Range")).isEqualTo("items 0-1/5");
      assertThat((List<?>) answer.object().get("data")).hasSize(2);
    }
  }

  @Test
  void readsAHundredThousandValuesPageByPage() throws IOException {
    qradar.createSet("Big", "ALN");
    List<String> values = new ArrayList<>();
    for (int i = 0; i < 100_000; i++) {
      values.add("value-" + i);
    }
    for (int from = 0; from < values.size(); from += 25_000) {
      String body = toJson(values.subList(from, from + 25_000));
      assertThat(call("POST", "/api/reference_data/sets/bulk_load/SHARED/Big/SHARED", body).code())
          .isEqualTo(200);
    }

    Set<String> seen = new HashSet<>();
    for (int first = 0; first < 100_000; first += 10_000) {
      Http.Answer page =
          call(
              "GET",
              "/api/reference_data/sets/Big?fields=data(value)",
              null,
              "Range",
              "items=" + first + "-" + (first + 9_999));
      assertThat(page.header("Content-Range"))
          .isEqualTo("items " + first + "-" + (first + 9_999) + "/100000");
      for (Object entry : (List<?>) page.object().get("data")) {
        seen.add((String) Http.map(entry).get("value"));
      }
    }

    assertThat(seen).hasSize(100_000).isEqualTo(new HashSet<>(values));
  }

  static String toJson(List<String> values) {
    StringBuilder json = new StringBuilder("[");
    for (int i = 0; i < values.size(); i++) {
      json.append(i == 0 ? "\"" : ",\"").append(values.get(i)).append('"');
    }
    return json.append(']').toString();
  }
}
