package org.iocsync.misp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.iocsync.misp.MispFixtures.assertMispHeaders;
import static org.iocsync.misp.MispFixtures.json;
import static org.iocsync.misp.MispFixtures.take;

import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class MispClientTest {
  private final MockWebServer server = MispFixtures.startServer();
  private final MispClient client = MispFixtures.client(server);

  @AfterEach
  void stopServer() {
    server.close();
  }

  @Test
  void versionGetsServersGetVersionWithKeyAndJsonHeaders() {
    server.enqueue(
        json(
            "{\"version\":\"2.5.1\",\"pymisp_recommended_version\":\"2.5.1\",\"perm_sync\":false}"));

    MispVersion version = client.version();

    assertThat(version).isEqualTo(new MispVersion("2.5.1"));
    RecordedRequest request = take(server);
    assertThat(request.getMethod()).isEqualTo("GET");
    assertThat(request.getUrl().encodedPath()).isEqualTo("/servers/getVersion");
    assertThat(request.getUrl().query()).isNull();
    assertThat(request.getBodySize()).isZero();
    assertMispHeaders(request);
  }

  @Test
  void keepsThePathOfABaseUrlBelowTheRoot() {
    MispClient belowRoot =
        MispClient.builder()
            .baseUrl(MispFixtures.baseUrl(server) + "misp")
            .apiKey(MispFixtures.KEY)
            .build();
    server.enqueue(json("{\"version\":\"2.4.200\"}"));

    belowRoot.version();

    assertThat(take(server).getUrl().encodedPath()).isEqualTo("/misp/servers/getVersion");
  }

  @Test
  void describeTypesReadsTypesCategoriesMappingsAndDefaults() {
    server.enqueue(
        json(
            """
            {"result": {
              "sane_defaults": {
                "md5": {"default_category": "Payload delivery", "to_ids": 1},
                "comment": {"default_category": "Other", "to_ids": 0}},
              "types": ["md5", "comment", "ip-dst"],
              "categories": ["Payload delivery", "Network activity", "Other"],
              "category_type_mappings": {
                "Payload delivery": ["md5"],
                "Network activity": ["ip-dst", "comment"]},
              "unknown": {"nested": [1, 2]}}}
            """));

    MispTypes types = client.describeTypes();

    assertThat(types.types()).containsExactly("md5", "comment", "ip-dst");
    assertThat(types.categories()).containsExactly("Payload delivery", "Network activity", "Other");
    assertThat(types.categoryTypes())
        .containsExactly(
            Map.entry("Payload delivery", List.of("md5")),
            Map.entry("Network activity", List.of("ip-dst", "comment")));
    assertThat(types.defaults())
        .containsExactly(
            Map.entry("md5", new MispTypes.Defaults("Payload delivery", true)),
            Map.entry("comment", new MispTypes.Defaults("Other", false)));
    RecordedRequest request = take(server);
    assertThat(request.getMethod()).isEqualTo("GET");
    assertThat(request.getUrl().encodedPath()).isEqualTo("/attributes/describeTypes");
    assertMispHeaders(request);
  }

  @Test
  void describeTypesWithoutResultIsMalformed() {
    server.enqueue(json("{\"types\": [\"md5\"]}"));

    assertThatThrownBy(client::describeTypes)
        .isInstanceOfSatisfying(
            MispMalformedResponseException.class,
            e -> assertThat(e.jsonPath()).isEqualTo("$.result"));
  }

  @Test
  void eventGetsEventsViewWithAttributesOfTheEventAndOfItsObjects() {
    server.enqueue(
        json(
            """
            {"Event": {
              "id": "12", "orgc_id": "1", "org_id": "1", "date": "2016-04-18",
              "threat_level_id": "2", "info": "Four-Element Sword", "published": true,
              "uuid": "57153590-f73c-49fa-be4b-4737950d210f", "timestamp": "1467971098",
              "Orgc": {"id": "1", "name": "CIRCL", "uuid": "55f6ea5e-2c60-40e5-964f-47a8950d210f"},
              "Attribute": [
                {"id": "100", "event_id": "12", "type": "url", "category": "Network activity",
                 "value": "107.183.86", "to_ids": "1", "deleted": "0",
                 "uuid": "571620b0-5e38-4e8c-9c29-416d950d210f", "timestamp": "1461067952"}],
              "Object": [
                {"id": "3", "name": "file", "Attribute": [
                  {"id": "101", "event_id": "12", "type": "md5", "category": "Payload delivery",
                   "value": "d41d8cd98f00b204e9800998ecf8427e", "to_ids": false,
                   "uuid": "571620b0-5e38-4e8c-9c29-416d950d2110", "timestamp": 1461067953}]}],
              "Tag": [{"id": "2", "name": "tlp:white", "colour": "#ffffff", "local": 0}]}}
            """));

    MispEvent event = client.event("12");

    assertThat(event.id()).isEqualTo(12);
    assertThat(event.uuid()).isEqualTo("57153590-f73c-49fa-be4b-4737950d210f");
    assertThat(event.info()).isEqualTo("Four-Element Sword");
    assertThat(event.published()).isTrue();
    assertThat(event.date()).isEqualTo(LocalDate.of(2016, 4, 18));
    assertThat(event.timestamp()).isEqualTo(Instant.ofEpochSecond(1467971098));
    assertThat(event.creatorOrganisation()).isEqualTo("CIRCL");
    assertThat(event.tags()).containsExactly(new MispTag("tlp:white", "#ffffff", false, false));
    assertThat(event.attributes())
        .extracting(MispAttribute::id, MispAttribute::value, MispAttribute::toIds)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple(100L, "107.183.86", true),
            org.assertj.core.groups.Tuple.tuple(101L, "d41d8cd98f00b204e9800998ecf8427e", false));
    RecordedRequest request = take(server);
    assertThat(request.getMethod()).isEqualTo("GET");
    assertThat(request.getUrl().encodedPath()).isEqualTo("/events/view/12");
    assertMispHeaders(request);
  }

  @Test
  void eventAcceptsAUuid() {
    server.enqueue(
        json(
            "{\"Event\":{\"id\":\"12\",\"uuid\":\"57153590-f73c-49fa-be4b-4737950d210f\","
                + "\"timestamp\":\"1\",\"published\":false}}"));

    MispEvent event = client.event("57153590-f73c-49fa-be4b-4737950d210f");

    assertThat(event.attributes()).isEmpty();
    assertThat(event.tags()).isEmpty();
    assertThat(event.info()).isEmpty();
    assertThat(event.creatorOrganisation()).isNull();
    assertThat(take(server).getUrl().encodedPath())
        .isEqualTo("/events/view/57153590-f73c-49fa-be4b-4737950d210f");
  }

  @Test
  void rejectsAnEventIdThatIsNeitherANumberNorAUuidWithoutCallingTheServer() {
    assertThatThrownBy(() -> client.event("../users/view/me"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("event id \"../users/view/me\" is neither a number nor a UUID");
    assertThatThrownBy(() -> client.event("")).isInstanceOf(IllegalArgumentException.class);

    assertThat(server.getRequestCount()).isZero();
  }

  @Test
  void searchPostsRestSearchWithTheQueryAsJsonBody() {
    server.enqueue(MispFixtures.page(1, 0));
    server.enqueue(MispFixtures.page(1, 0));
    AttributeQuery query =
        AttributeQuery.builder()
            .types("ip-src", "ip-dst|port")
            .eventIds(7, 9)
            .tags("tlp:green", "tlp:white")
            .excludeTags("tlp:red")
            .toIds(true)
            .published(false)
            .deleted(AttributeQuery.Deleted.INCLUDE)
            .attributeTimestamp(
                Instant.ofEpochSecond(1600000000), Instant.ofEpochSecond(1600003600))
            .eventTimestamp(Instant.ofEpochSecond(1500000000), Instant.ofEpochSecond(1700000000))
            .enforceWarninglist(true)
            .includeEventTags(false)
            .pageSize(250)
            .build();

    try (Stream<MispAttribute> attributes = client.searchAttributes(query)) {
      assertThat(attributes).isEmpty();
    }

    RecordedRequest request = take(server);
    assertThat(request.getMethod()).isEqualTo("POST");
    assertThat(request.getUrl().encodedPath()).isEqualTo("/attributes/restSearch");
    assertThat(request.getUrl().query()).isNull();
    assertMispHeaders(request);
    assertThat(request.getBody().utf8())
        .isEqualTo(
            "{\"returnFormat\":\"json\",\"page\":1,\"limit\":250,\"order\":\"Attribute.id asc\","
                + "\"type\":[\"ip-src\",\"ip-dst|port\"],\"eventid\":[7,9],"
                + "\"tags\":[\"tlp:green\",\"tlp:white\",\"!tlp:red\"],"
                + "\"to_ids\":1,\"published\":0,\"deleted\":[0,1],"
                + "\"attribute_timestamp\":[1600000000,1600003600],"
                + "\"event_timestamp\":[1500000000,1700000000],"
                + "\"enforceWarninglist\":true,\"includeEventTags\":false}");
    assertThat(take(server).getBody().utf8())
        .as("the probe that tells an empty, filtered page from the end")
        .startsWith("{\"returnFormat\":\"json\",\"page\":1,\"limit\":1,")
        .doesNotContain("enforceWarninglist");
  }

  @Test
  void searchWithoutFiltersSendsOnlyThePagingFields() {
    server.enqueue(MispFixtures.page(1, 0));

    try (Stream<MispAttribute> attributes = client.searchAttributes(AttributeQuery.all())) {
      assertThat(attributes).isEmpty();
    }

    assertThat(take(server).getBody().utf8())
        .isEqualTo(
            "{\"returnFormat\":\"json\",\"page\":1,\"limit\":1000,\"order\":\"Attribute.id asc\"}");
  }

  @Test
  void searchReadsEveryFieldOfAnAttribute() {
    server.enqueue(
        json(
            """
            {"response": {"Attribute": [
              {"id": "41", "event_id": "7", "object_id": "0", "object_relation": null,
               "category": "Network activity", "type": "domain|ip", "to_ids": true,
               "uuid": "5f6c1d2e-1111-4000-8000-000000000041", "timestamp": "1600000041",
               "distribution": "5", "sharing_group_id": "0", "comment": "c2",
               "deleted": false, "disable_correlation": false,
               "first_seen": "2020-09-13T12:26:40.123456+00:00",
               "last_seen": "2020-09-14T12:26:40.000000+0200",
               "value": "evil.example|203.0.113.5",
               "Event": {"org_id": "3", "distribution": "1", "id": "7", "info": "C2 servers",
                         "orgc_id": "3", "uuid": "5f6c1d2e-0000-4000-8000-000000000007",
                         "published": "1", "timestamp": "1600000100"},
               "Tag": [
                 {"id": "5", "name": "tlp:green", "colour": "#339900", "exportable": true,
                  "user_id": "0", "hide_tag": false, "numerical_value": null,
                  "is_galaxy": false, "is_custom_galaxy": false, "local": 0},
                 {"id": "9", "name": "osint:source-type=\\"blog-post\\"", "colour": "#00223b",
                  "local": true, "inherited": 1}]}]}}
            """));
    server.enqueue(MispFixtures.page(42, 0));

    List<MispAttribute> attributes;
    try (Stream<MispAttribute> stream = client.searchAttributes(AttributeQuery.all())) {
      attributes = stream.toList();
    }

    assertThat(attributes)
        .containsExactly(
            new MispAttribute(
                41,
                7,
                "5f6c1d2e-1111-4000-8000-000000000041",
                "domain|ip",
                "Network activity",
                "evil.example|203.0.113.5",
                true,
                false,
                Instant.ofEpochSecond(1600000041),
                Instant.parse("2020-09-13T12:26:40.123456Z"),
                Instant.parse("2020-09-14T10:26:40Z"),
                List.of(
                    new MispTag("tlp:green", "#339900", false, false),
                    new MispTag("osint:source-type=\"blog-post\"", "#00223b", true, true)),
                new MispEventSummary(
                    7,
                    "5f6c1d2e-0000-4000-8000-000000000007",
                    "C2 servers",
                    3L,
                    true,
                    Instant.ofEpochSecond(1600000100))));
    assertThat(server.getRequestCount()).isEqualTo(2);
  }

  @Test
  void searchIsLenientWhereMispVaries() {
    server.enqueue(
        json(
            """
            {"response": {"Attribute": [
              {"id": 1, "event_id": 2, "uuid": "u-1", "type": "AS", "value": 64500,
               "to_ids": "0", "deleted": "1", "timestamp": 1600000001,
               "first_seen": "1600000000123456", "last_seen": "not a date",
               "category": null, "Tag": null, "Event": null, "extra": {"a": [true, null]}},
              {"id": "3", "event_id": "2", "uuid": "u-3", "type": "md5",
               "value": "d41d8cd98f00b204e9800998ecf8427e", "timestamp": "1600000003",
               "to_ids": 1, "deleted": 0, "Event": {"id": "2", "uuid": "e-2"}}]}}
            """));
    server.enqueue(MispFixtures.page(4, 0));

    List<MispAttribute> attributes;
    try (Stream<MispAttribute> stream = client.searchAttributes(AttributeQuery.all())) {
      attributes = stream.toList();
    }

    MispAttribute first = attributes.get(0);
    assertThat(first.value()).isEqualTo("64500");
    assertThat(first.toIds()).isFalse();
    assertThat(first.deleted()).isTrue();
    assertThat(first.category()).isEmpty();
    assertThat(first.tags()).isEmpty();
    assertThat(first.event()).isNull();
    assertThat(first.firstSeen()).isEqualTo(Instant.parse("2020-09-13T12:26:40.123456Z"));
    assertThat(first.lastSeen()).isNull();
    MispAttribute second = attributes.get(1);
    assertThat(second.toIds()).isTrue();
    assertThat(second.deleted()).isFalse();
    assertThat(second.tags()).isEmpty();
    assertThat(second.event()).isEqualTo(new MispEventSummary(2, "e-2", "", null, null, null));
  }
}
