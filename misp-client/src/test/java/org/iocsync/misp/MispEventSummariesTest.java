package org.iocsync.misp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.iocsync.misp.MispFixtures.assertMispHeaders;
import static org.iocsync.misp.MispFixtures.json;
import static org.iocsync.misp.MispFixtures.take;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.StringJoiner;
import java.util.stream.Collectors;
import java.util.stream.LongStream;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import mockwebserver3.SocketEffect;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class MispEventSummariesTest {
  private final MockWebServer server = MispFixtures.startServer();
  private final MispClient client = MispFixtures.client(server);

  @AfterEach
  void stopServer() {
    server.close();
  }

  @Test
  void postsEventsRestSearchForTheMetadataOfExactlyTheseEvents() {
    server.enqueue(json("{\"response\": []}"));

    client.eventSummaries(List.of(9L, 7L, 9L));

    RecordedRequest request = take(server);
    assertThat(request.getMethod()).isEqualTo("POST");
    assertThat(request.getUrl().encodedPath()).isEqualTo("/events/restSearch");
    assertThat(request.getUrl().query()).isNull();
    assertMispHeaders(request);
    assertThat(request.getBody().utf8())
        .isEqualTo(
            "{\"returnFormat\":\"json\",\"eventid\":[7,9],\"metadata\":true,"
                + "\"sgReferenceOnly\":true,\"page\":1,\"limit\":2,\"order\":\"Event.id asc\"}");
  }

  @Test
  void readsIdUuidTitleOrganisationPublishedAndTimestampOfEachEvent() {
    server.enqueue(
        json(
            """
            {"response": [
              {"Event": {
                "id": "9", "orgc_id": "2", "org_id": "2", "date": "2024-03-01",
                "threat_level_id": "1", "info": "Unpublished draft", "published": false,
                "uuid": "5f6c1d2e-0000-4000-8000-000000000009", "attribute_count": "12",
                "analysis": "0", "timestamp": "1700000900", "distribution": "1",
                "proposal_email_lock": false, "locked": false, "publish_timestamp": "0",
                "sharing_group_id": "0", "disable_correlation": false, "extends_uuid": "",
                "protected": null, "event_creator_email": "analyst@example.org",
                "Org": {"id": "2", "name": "CERT", "uuid": "55f6ea5e-0000-4000-8000-000000000002"},
                "Orgc": {"id": "2", "name": "CERT", "uuid": "55f6ea5e-0000-4000-8000-000000000002"},
                "Tag": [{"id": "3", "name": "tlp:amber", "colour": "#FFC000", "local": 0}]}},
              {"Event": {
                "id": 7, "org_id": 1, "info": "C2 servers", "published": "1",
                "uuid": "5f6c1d2e-0000-4000-8000-000000000007", "timestamp": 1700000700,
                "Galaxy": [], "RelatedEvent": [{"Event": {"id": "3"}}]}}]}
            """));

    List<MispEventSummary> events = client.eventSummaries(List.of(7L, 9L));

    assertThat(events)
        .containsExactly(
            new MispEventSummary(
                7,
                "5f6c1d2e-0000-4000-8000-000000000007",
                "C2 servers",
                1L,
                true,
                Instant.ofEpochSecond(1700000700)),
            new MispEventSummary(
                9,
                "5f6c1d2e-0000-4000-8000-000000000009",
                "Unpublished draft",
                2L,
                false,
                Instant.ofEpochSecond(1700000900)));
  }

  @Test
  void leavesOutEventsTheServerDoesNotReturn() {
    server.enqueue(json("{\"response\": [" + eventJson(7) + "]}"));

    List<MispEventSummary> events = client.eventSummaries(List.of(7L, 8L));

    assertThat(events).extracting(MispEventSummary::id).containsExactly(7L);
  }

  @Test
  void sendsNothingForNoIds() {
    assertThat(client.eventSummaries(List.of())).isEmpty();

    assertThat(server.getRequestCount()).isZero();
  }

  @Test
  void splitsManyIdsOverRequestsOfAtMostFiveHundred() {
    List<Long> ids = LongStream.rangeClosed(1, 1_201).boxed().toList();
    server.enqueue(events(1, 500));
    server.enqueue(events(501, 1_000));
    server.enqueue(events(1_001, 1_201));

    List<MispEventSummary> events = client.eventSummaries(ids);

    assertThat(events).extracting(MispEventSummary::id).containsExactlyElementsOf(ids);
    assertThat(server.getRequestCount()).isEqualTo(3);
    assertThat(requestedIds(take(server))).containsExactlyElementsOf(ids.subList(0, 500));
    assertThat(requestedIds(take(server))).containsExactlyElementsOf(ids.subList(500, 1_000));
    RecordedRequest last = take(server);
    assertThat(requestedIds(last)).containsExactlyElementsOf(ids.subList(1_000, 1_201));
    assertThat(last.getBody().utf8()).contains("\"limit\":201,");
  }

  @Test
  void rejectsIdsThatAreNoEventIdsWithoutCallingTheServer() {
    List<Long> withNull = new ArrayList<>(List.of(1L));
    withNull.add(null);

    assertThatThrownBy(() -> client.eventSummaries(List.of(1L, 0L)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("eventIds holds 0, not a MISP event id");
    assertThatThrownBy(() -> client.eventSummaries(withNull))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("eventIds holds null, not a MISP event id");
    assertThat(server.getRequestCount()).isZero();
  }

  @Test
  void anEventWithoutPublishedIsMalformed() {
    server.enqueue(
        json("{\"response\":[{\"Event\":{\"id\":\"7\",\"uuid\":\"e-7\",\"timestamp\":\"1\"}}]}"));

    assertThatThrownBy(() -> client.eventSummaries(List.of(7L)))
        .isInstanceOfSatisfying(
            MispMalformedResponseException.class,
            e -> {
              assertThat(e.jsonPath()).isEqualTo("$.response[0].Event.published");
              assertThat(e)
                  .hasMessageStartingWith(
                      "MISP at "
                          + MispFixtures.baseUrl(server)
                          + " answered POST /events/restSearch with JSON this client cannot use"
                          + " at $.response[0].Event.published: missing.");
            });
  }

  @Test
  void anEventWithoutTimestampIsMalformed() {
    server.enqueue(
        json("{\"response\":[{\"Event\":{\"id\":\"7\",\"uuid\":\"e-7\",\"published\":true}}]}"));

    assertThatThrownBy(() -> client.eventSummaries(List.of(7L)))
        .isInstanceOfSatisfying(
            MispMalformedResponseException.class,
            e -> assertThat(e.jsonPath()).isEqualTo("$.response[0].Event.timestamp"));
  }

  @Test
  void anElementWithoutEventIsMalformed() {
    server.enqueue(json("{\"response\":[{\"Attribute\":[]}]}"));

    assertThatThrownBy(() -> client.eventSummaries(List.of(7L)))
        .isInstanceOfSatisfying(
            MispMalformedResponseException.class,
            e -> assertThat(e.jsonPath()).isEqualTo("$.response[0].Event"));
  }

  @Test
  void anAnswerWithoutResponseIsMalformed() {
    server.enqueue(json("{\"Event\": []}"));

    assertThatThrownBy(() -> client.eventSummaries(List.of(7L)))
        .isInstanceOfSatisfying(
            MispMalformedResponseException.class,
            e -> assertThat(e.jsonPath()).isEqualTo("$.response"));
  }

  @Test
  void moreEventsThanAskedForIsMalformedAndReadNoFurther() {
    server.enqueue(json("{\"response\":[" + eventJson(7) + "," + eventJson(8) + ",{\"broken\"]}"));

    assertThatThrownBy(() -> client.eventSummaries(List.of(7L, 8L)))
        .isInstanceOfSatisfying(
            MispMalformedResponseException.class,
            e -> {
              assertThat(e.jsonPath()).isEqualTo("$.response[2]");
              assertThat(e)
                  .hasMessageContaining(
                      "more events than the 2 asked for (the server ignores the eventid filter;"
                          + " a proxy that drops the Content-Type header causes this)");
            });
  }

  @Test
  void anEventNotAskedForIsMalformed() {
    server.enqueue(json("{\"response\":[" + eventJson(3) + "]}"));

    assertThatThrownBy(() -> client.eventSummaries(List.of(7L, 8L)))
        .isInstanceOfSatisfying(
            MispMalformedResponseException.class,
            e -> {
              assertThat(e.jsonPath()).isEqualTo("$.response[0].Event.id");
              assertThat(e).hasMessageContaining("event 3, which was not asked for");
            });
  }

  @Test
  void anHtmlPageIsMalformed() {
    server.enqueue(
        new MockResponse.Builder()
            .setHeader("Content-Type", "text/html")
            .body("<html><body>Please log in</body></html>")
            .build());

    assertThatThrownBy(() -> client.eventSummaries(List.of(7L)))
        .isInstanceOfSatisfying(
            MispMalformedResponseException.class, e -> assertThat(e.jsonPath()).isEqualTo("$"));
  }

  @Test
  void aRefusedKeyIsAnAuthenticationError() {
    server.enqueue(
        json(403, "{\"name\":\"Authentication failed.\",\"message\":\"Authentication failed.\"}"));

    assertThatThrownBy(() -> client.eventSummaries(List.of(7L)))
        .isInstanceOfSatisfying(
            MispAuthenticationException.class,
            e -> {
              assertThat(e.statusCode()).isEqualTo(403);
              assertThat(e).hasMessageContaining("refused the API key for POST /events/restSearch");
            });
  }

  @Test
  void aServerErrorCarriesItsStatus() {
    server.enqueue(json(500, "{\"name\":\"An Internal Error Has Occurred.\"}"));

    assertThatThrownBy(() -> client.eventSummaries(List.of(7L)))
        .isInstanceOfSatisfying(
            MispServerException.class, e -> assertThat(e.statusCode()).isEqualTo(500));
  }

  @Test
  void aFailureOnALaterRequestFailsTheWholeLookUp() {
    server.enqueue(events(1, 500));
    server.enqueue(json(502, "{\"name\":\"Bad Gateway\"}"));

    assertThatThrownBy(() -> client.eventSummaries(LongStream.rangeClosed(1, 600).boxed().toList()))
        .isInstanceOfSatisfying(
            MispServerException.class, e -> assertThat(e.statusCode()).isEqualTo(502));
    assertThat(server.getRequestCount()).isEqualTo(2);
  }

  @Test
  void aDroppedConnectionIsATransportError() {
    server.enqueue(
        new MockResponse.Builder()
            .setHeader("Content-Type", "application/json")
            .body("{\"response\":[" + eventJson(7) + "]}")
            .onResponseBody(new SocketEffect.CloseSocket())
            .build());

    assertThatThrownBy(() -> client.eventSummaries(List.of(7L)))
        .isInstanceOfSatisfying(
            MispTransportException.class,
            e ->
                assertThat(e)
                    .hasMessageStartingWith(
                        "The connection to MISP at "
                            + MispFixtures.baseUrl(server)
                            + " failed during POST /events/restSearch ("));
  }

  @Test
  void aTitleOverTheValueLimitIsMalformed() {
    String huge = "x".repeat((int) MispClient.MAX_VALUE_BYTES + 16 * 1024);
    server.enqueue(
        json(
            "{\"response\":[{\"Event\":{\"id\":\"7\",\"uuid\":\"e-7\",\"published\":true,"
                + "\"timestamp\":\"1\",\"info\":\""
                + huge
                + "\"}}]}"));

    assertThatThrownBy(() -> client.eventSummaries(List.of(7L)))
        .isInstanceOfSatisfying(
            MispMalformedResponseException.class,
            e -> assertThat(e.jsonPath()).startsWith("$.response[0].Event.info"));
  }

  /** An events/restSearch answer with metadata for each id in {@code [from, to]}. */
  private static MockResponse events(long from, long to) {
    StringJoiner events = new StringJoiner(",", "{\"response\":[", "]}");
    for (long id = from; id <= to; id++) {
      events.add(eventJson(id));
    }
    return json(events.toString());
  }

  private static String eventJson(long id) {
    return "{\"Event\":{\"id\":\""
        + id
        + "\",\"org_id\":\"1\",\"info\":\"Event "
        + id
        + "\",\"published\":true,\"uuid\":\"5f6c1d2e-0000-4000-8000-"
        + String.format("%012d", id)
        + "\",\"timestamp\":\"1700000000\",\"Orgc\":{\"id\":\"1\",\"name\":\"ORGNAME\"}}}";
  }

  private static List<Long> requestedIds(RecordedRequest request) {
    String body = request.getBody().utf8();
    String list = body.substring(body.indexOf("\"eventid\":[") + 11, body.indexOf(']'));
    return Arrays.stream(list.split(",")).map(Long::valueOf).collect(Collectors.toList());
  }
}
