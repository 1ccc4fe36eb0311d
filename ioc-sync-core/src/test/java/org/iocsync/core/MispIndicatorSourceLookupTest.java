package org.iocsync.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.squareup.moshi.JsonReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.StringJoiner;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import mockwebserver3.Dispatcher;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.QueueDispatcher;
import mockwebserver3.RecordedRequest;
import okio.Buffer;
import org.assertj.core.groups.Tuple;
import org.iocsync.misp.MispClient;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The source against a scripted MISP that, like MISP 2.4 and 2.5, sends each attribute's event
 * without {@code published} and {@code timestamp} (or, where a test says so, with them).
 */
class MispIndicatorSourceLookupTest {
  private static final String KEY = "AbCdEfGhIjKlMnOpQrStUvWxYz0123456789abcd";
  private static final String EVENT_SEARCH = "/events/restSearch";
  private static final String ATTRIBUTE_SEARCH = "/attributes/restSearch";

  private final MockWebServer server = startServer();
  private final MispClient client =
      MispClient.builder()
          .baseUrl("http://127.0.0.1:" + server.getPort() + "/")
          .apiKey(KEY)
          .build();

  @AfterEach
  void stopServer() {
    server.close();
  }

  @Test
  void looksUpTheEventsWhoseStateTheSearchLeftOutInOneRequest() {
    server.enqueue(
        page(
            attribute(1, 7, 1_600_000_001L, null),
            attribute(2, 7, 1_600_000_002L, null),
            attribute(3, 9, 1_600_000_003L, null)));
    server.enqueue(events(event(7, true, 1_700_000_700L), event(9, false, 1_700_000_900L)));

    List<SourceAttribute> attributes = read(new MispIndicatorSource(client, 100));

    assertThat(attributes)
        .extracting(
            SourceAttribute::eventId,
            SourceAttribute::published,
            SourceAttribute::eventTimestamp,
            SourceAttribute::timestamp)
        .containsExactly(
            Tuple.tuple(
                "7",
                true,
                Instant.ofEpochSecond(1_700_000_700L),
                Instant.ofEpochSecond(1_600_000_001L)),
            Tuple.tuple(
                "7",
                true,
                Instant.ofEpochSecond(1_700_000_700L),
                Instant.ofEpochSecond(1_600_000_002L)),
            Tuple.tuple(
                "9",
                false,
                Instant.ofEpochSecond(1_700_000_900L),
                Instant.ofEpochSecond(1_600_000_003L)));
    assertThat(take().getUrl().encodedPath()).isEqualTo(ATTRIBUTE_SEARCH);
    RecordedRequest lookup = take();
    assertThat(lookup.getMethod()).isEqualTo("POST");
    assertThat(lookup.getUrl().encodedPath()).isEqualTo(EVENT_SEARCH);
    assertThat(lookup.getHeaders().get("Authorization")).isEqualTo(KEY);
    assertThat(lookup.getHeaders().get("Content-Type")).isEqualTo("application/json");
    assertThat(lookup.getBody().utf8())
        .isEqualTo(
            "{\"returnFormat\":\"json\",\"eventid\":[7,9],\"metadata\":true,"
                + "\"sgReferenceOnly\":true,\"page\":1,\"limit\":2,\"order\":\"Event.id asc\"}");
    assertThat(server.getRequestCount()).isEqualTo(2);
  }

  @Test
  void asksOncePerPageAndOnlyForEventsItDoesNotKnowYet() {
    server.enqueue(
        page(attribute(1, 1, 1L, null), attribute(2, 1, 2L, null), attribute(3, 2, 3L, null)));
    server.enqueue(events(event(1, true, 100L), event(2, false, 200L)));
    server.enqueue(
        page(attribute(4, 2, 4L, null), attribute(5, 3, 5L, null), attribute(6, 3, 6L, null)));
    server.enqueue(events(event(3, true, 300L)));
    server.enqueue(page(attribute(7, 1, 7L, null)));

    List<SourceAttribute> attributes = read(new MispIndicatorSource(client, 3));

    assertThat(attributes)
        .extracting(SourceAttribute::eventId, SourceAttribute::published)
        .containsExactly(
            Tuple.tuple("1", true),
            Tuple.tuple("1", true),
            Tuple.tuple("2", false),
            Tuple.tuple("2", false),
            Tuple.tuple("3", true),
            Tuple.tuple("3", true),
            Tuple.tuple("1", true));
    assertThat(attributes.get(6).eventTimestamp()).isEqualTo(Instant.ofEpochSecond(100L));
    assertThat(requests())
        .containsExactly(
            ATTRIBUTE_SEARCH,
            EVENT_SEARCH + " [1, 2]",
            ATTRIBUTE_SEARCH,
            EVENT_SEARCH + " [3]",
            ATTRIBUTE_SEARCH);
  }

  @Test
  void takesTheStateMispSendsWithTheAttributeWithoutLookingItUp() {
    server.enqueue(
        page(
            attribute(1, 7, 1_600_000_001L, new State(true, 1_700_000_700L)),
            attribute(2, 9, 1_600_000_002L, new State(false, 1_700_000_900L))));

    List<SourceAttribute> attributes = read(new MispIndicatorSource(client, 100));

    assertThat(attributes)
        .extracting(SourceAttribute::published, SourceAttribute::eventTimestamp)
        .containsExactly(
            Tuple.tuple(true, Instant.ofEpochSecond(1_700_000_700L)),
            Tuple.tuple(false, Instant.ofEpochSecond(1_700_000_900L)));
    assertThat(requests()).containsExactly(ATTRIBUTE_SEARCH);
  }

  @Test
  void looksUpOnlyTheEventsWhoseStateIsMissing() {
    server.enqueue(
        page(
            attribute(1, 7, 1L, new State(true, 700L)),
            attribute(2, 9, 2L, null),
            attribute(3, 9, 3L, null)));
    server.enqueue(events(event(9, true, 900L)));

    List<SourceAttribute> attributes = read(new MispIndicatorSource(client, 100));

    assertThat(attributes)
        .extracting(SourceAttribute::eventTimestamp)
        .containsExactly(
            Instant.ofEpochSecond(700L), Instant.ofEpochSecond(900L), Instant.ofEpochSecond(900L));
    assertThat(requests()).containsExactly(ATTRIBUTE_SEARCH, EVENT_SEARCH + " [9]");
  }

  @Test
  void anEventTheLookupDoesNotReturnCountsAsUnpublishedAtTheAttributesTime() {
    server.enqueue(page(attribute(1, 7, 1_600_000_001L, null)));
    server.enqueue(events());
    server.enqueue(page(attribute(2, 7, 1_600_000_002L, null)));
    server.enqueue(page());

    List<SourceAttribute> attributes = read(new MispIndicatorSource(client, 1));

    assertThat(attributes)
        .extracting(SourceAttribute::published, SourceAttribute::eventTimestamp)
        .containsExactly(
            Tuple.tuple(false, Instant.ofEpochSecond(1_600_000_001L)),
            Tuple.tuple(false, Instant.ofEpochSecond(1_600_000_002L)));
    assertThat(requests())
        .as("the missing event is remembered too")
        .containsExactly(
            ATTRIBUTE_SEARCH, EVENT_SEARCH + " [7]", ATTRIBUTE_SEARCH, ATTRIBUTE_SEARCH);
  }

  @Test
  void remembersAtMostTheLimitOfEventsForgettingTheLeastRecentlyUsed() {
    long[] eventOfAttribute = {1, 2, 1, 3, 1, 2};
    for (int i = 0; i < eventOfAttribute.length; i++) {
      long eventId = eventOfAttribute[i];
      server.enqueue(page(attribute(i + 1, eventId, i + 1, null)));
      if (i == 0 || i == 1 || i == 3 || i == 5) {
        server.enqueue(events(event(eventId, true, eventId * 100)));
      }
    }
    server.enqueue(page());

    List<SourceAttribute> attributes = read(new MispIndicatorSource(client, 1, 2));

    assertThat(attributes)
        .extracting(SourceAttribute::eventTimestamp)
        .containsExactly(
            Instant.ofEpochSecond(100),
            Instant.ofEpochSecond(200),
            Instant.ofEpochSecond(100),
            Instant.ofEpochSecond(300),
            Instant.ofEpochSecond(100),
            Instant.ofEpochSecond(200));
    assertThat(requests())
        .as("event 1, used last, outlives event 2 when event 3 comes")
        .containsExactly(
            ATTRIBUTE_SEARCH,
            EVENT_SEARCH + " [1]",
            ATTRIBUTE_SEARCH,
            EVENT_SEARCH + " [2]",
            ATTRIBUTE_SEARCH,
            ATTRIBUTE_SEARCH,
            EVENT_SEARCH + " [3]",
            ATTRIBUTE_SEARCH,
            ATTRIBUTE_SEARCH,
            EVENT_SEARCH + " [2]",
            ATTRIBUTE_SEARCH);
  }

  @Test
  void manyAttributesInAFewEventsCostOneLookupPerEvent() {
    GeneratedMisp misp = new GeneratedMisp(20_000, 100);
    server.setDispatcher(misp);

    List<SourceAttribute> attributes = read(new MispIndicatorSource(client, 1_000));

    assertThat(attributes).hasSize(20_000);
    assertThat(attributes)
        .allSatisfy(
            attribute -> {
              long eventId = Long.parseLong(attribute.eventId());
              assertThat(attribute.published()).isEqualTo(eventId % 2 == 0);
              assertThat(attribute.eventTimestamp()).isEqualTo(Instant.ofEpochSecond(eventId));
            });
    assertThat(misp.attributePages).as("twenty full pages and the empty one").isEqualTo(21);
    assertThat(misp.lookups)
        .as("the first page holds all hundred events; no later page needs a lookup")
        .hasSize(1);
    assertThat(misp.lookups.get(0)).hasSize(100).doesNotHaveDuplicates();
  }

  @Test
  void aLookupRefusedForTheKeyIsPermanent() {
    server.enqueue(page(attribute(1, 7, 1L, null)));
    server.enqueue(
        json(403, "{\"name\":\"Authentication failed.\",\"message\":\"Authentication failed.\"}"));

    assertThatThrownBy(() -> read(new MispIndicatorSource(client, 100)))
        .isInstanceOfSatisfying(
            SourceException.class,
            e -> {
              assertThat(e.retryable()).isFalse();
              assertThat(e).hasMessageContaining("POST /events/restSearch");
            });
  }

  @Test
  void aLookupTheServerFailedIsRetryable() {
    server.enqueue(page(attribute(1, 7, 1L, null)));
    server.enqueue(json(503, "{\"name\":\"Service Unavailable\"}"));

    assertThatThrownBy(() -> read(new MispIndicatorSource(client, 100)))
        .isInstanceOfSatisfying(
            SourceException.class,
            e -> {
              assertThat(e.retryable()).isTrue();
              assertThat(e).hasMessageContaining("POST /events/restSearch with HTTP 503");
            });
  }

  @Test
  void aLookupAnsweredWithAnHtmlPageIsRetryable() {
    server.enqueue(page(attribute(1, 7, 1L, null)));
    server.enqueue(
        new MockResponse.Builder()
            .setHeader("Content-Type", "text/html")
            .body("<html><body>Sign in</body></html>")
            .build());

    assertThatThrownBy(() -> read(new MispIndicatorSource(client, 100)))
        .isInstanceOfSatisfying(
            SourceException.class,
            e -> {
              assertThat(e.retryable()).isTrue();
              assertThat(e).hasMessageContaining("text/html instead of JSON");
            });
  }

  @Test
  void aLookupAnswerWithoutPublishedIsRetryableNotAGuess() {
    server.enqueue(page(attribute(1, 7, 1L, null)));
    server.enqueue(
        json(
            200, "{\"response\":[{\"Event\":{\"id\":\"7\",\"uuid\":\"e\",\"timestamp\":\"1\"}}]}"));

    assertThatThrownBy(() -> read(new MispIndicatorSource(client, 100)))
        .isInstanceOfSatisfying(
            SourceException.class,
            e -> assertThat(e).hasMessageContaining("$.response[0].Event.published: missing"));
  }

  @Test
  void rejectsARememberedEventLimitBelowOne() {
    assertThatThrownBy(() -> new MispIndicatorSource(client, 100, 0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("rememberedEvents must be at least 1, was 0");
  }

  /** Whether an attribute's event is published and when it changed, as MISP may send them. */
  private record State(boolean published, long timestamp) {}

  private static String attribute(long id, long eventId, long timestamp, @Nullable State state) {
    return "{\"id\":\""
        + id
        + "\",\"event_id\":\""
        + eventId
        + "\",\"object_id\":\"0\",\"category\":\"Network activity\",\"type\":\"ip-dst\","
        + "\"to_ids\":true,\"uuid\":\"5f6c1d2e-0000-4000-8000-"
        + String.format("%012d", id)
        + "\",\"timestamp\":\""
        + timestamp
        + "\",\"distribution\":\"5\",\"deleted\":false,\"value\":\"10.0."
        + (id / 256 % 256)
        + "."
        + (id % 256)
        + "\",\"Event\":{\"org_id\":\"1\",\"distribution\":\"1\",\"id\":\""
        + eventId
        + "\",\"info\":\"Event "
        + eventId
        + "\",\"orgc_id\":\"1\",\"uuid\":\"5f6c1d2e-0000-4000-9000-"
        + String.format("%012d", eventId)
        + "\""
        + (state == null
            ? ""
            : ",\"published\":"
                + state.published()
                + ",\"timestamp\":\""
                + state.timestamp()
                + "\"")
        + "}}";
  }

  private static String event(long id, boolean published, long timestamp) {
    return "{\"Event\":{\"id\":\""
        + id
        + "\",\"orgc_id\":\"1\",\"org_id\":\"1\",\"date\":\"2024-01-01\",\"info\":\"Event "
        + id
        + "\",\"published\":"
        + published
        + ",\"uuid\":\"5f6c1d2e-0000-4000-9000-"
        + String.format("%012d", id)
        + "\",\"attribute_count\":\"3\",\"timestamp\":\""
        + timestamp
        + "\",\"publish_timestamp\":\"0\",\"Orgc\":{\"id\":\"1\",\"name\":\"ORGNAME\"},"
        + "\"Tag\":[{\"id\":\"1\",\"name\":\"tlp:white\"}]}}";
  }

  /**
   * A search answer that says no attribute was skipped, so that a page shorter than the page size
   * ends the search and a full one asks for the next.
   */
  private static MockResponse page(String... attributes) {
    StringJoiner page = new StringJoiner(",", "{\"response\":{\"Attribute\":[", "]}}");
    for (String attribute : attributes) {
      page.add(attribute);
    }
    return new MockResponse.Builder()
        .setHeader("Content-Type", "application/json")
        .setHeader("X-Skipped-Elements-Count", "0")
        .body(page.toString())
        .build();
  }

  private static MockResponse events(String... events) {
    StringJoiner answer = new StringJoiner(",", "{\"response\":[", "]}");
    for (String event : events) {
      answer.add(event);
    }
    return json(200, answer.toString());
  }

  private static MockResponse json(int code, String body) {
    return new MockResponse.Builder()
        .code(code)
        .setHeader("Content-Type", "application/json; charset=UTF-8")
        .body(body)
        .build();
  }

  /** Starts a server on the loopback address that answers 599 at once when nothing is enqueued. */
  private static MockWebServer startServer() {
    MockWebServer server = new MockWebServer();
    QueueDispatcher dispatcher = new QueueDispatcher();
    dispatcher.setFailFast(new MockResponse.Builder().code(599).body("nothing enqueued").build());
    server.setDispatcher(dispatcher);
    try {
      server.start(InetAddress.getByName("127.0.0.1"), 0);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return server;
  }

  private RecordedRequest take() {
    try {
      RecordedRequest request = server.takeRequest(5, TimeUnit.SECONDS);
      assertThat(request).as("a request reached the server").isNotNull();
      return request;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  /** Every request the server got, as its path, and for a lookup the event ids it named. */
  private List<String> requests() {
    List<String> requests = new ArrayList<>();
    for (int i = server.getRequestCount(); i > 0; i--) {
      RecordedRequest request = take();
      String path = request.getUrl().encodedPath();
      requests.add(
          path.equals(EVENT_SEARCH) ? path + " " + eventIds(request.getBody().utf8()) : path);
    }
    return requests;
  }

  private static List<Long> eventIds(String body) {
    Map<?, ?> filters = (Map<?, ?>) parse(body);
    List<Long> ids = new ArrayList<>();
    for (Object id : (List<?>) filters.get("eventid")) {
      ids.add(((Number) id).longValue());
    }
    return ids;
  }

  private static @Nullable Object parse(String json) {
    try {
      return JsonReader.of(new Buffer().writeUtf8(json)).readJsonValue();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static List<SourceAttribute> read(MispIndicatorSource source) {
    try (Stream<SourceAttribute> attributes =
        source.attributes(new SourceQuery(List.of(), List.of(), false, false, true, null, null))) {
      return attributes.toList();
    }
  }

  /**
   * A MISP that makes up its attributes as they are asked for: attribute {@code i} (from 1) belongs
   * to event {@code i % events + 1}, so that every page holds every event; even events are
   * published, and an event's timestamp is its id.
   */
  private static final class GeneratedMisp extends Dispatcher {
    final List<List<Long>> lookups = new CopyOnWriteArrayList<>();
    volatile int attributePages;
    private final int attributes;
    private final int events;

    GeneratedMisp(int attributes, int events) {
      this.attributes = attributes;
      this.events = events;
    }

    @Override
    public MockResponse dispatch(RecordedRequest request) {
      String body = request.getBody().utf8();
      if (request.getUrl().encodedPath().equals(EVENT_SEARCH)) {
        List<Long> ids = eventIds(body);
        lookups.add(ids);
        List<String> found = new ArrayList<>();
        for (long id : ids) {
          found.add(event(id, id % 2 == 0, id));
        }
        return events(found.toArray(String[]::new));
      }
      attributePages++;
      Map<?, ?> filters = (Map<?, ?>) parse(body);
      int page = ((Number) filters.get("page")).intValue();
      int limit = ((Number) filters.get("limit")).intValue();
      List<String> answer = new ArrayList<>();
      for (long id = (long) (page - 1) * limit + 1;
          id <= Math.min((long) page * limit, attributes);
          id++) {
        answer.add(attribute(id, id % events + 1, id, null));
      }
      return page(answer.toArray(String[]::new));
    }
  }
}
