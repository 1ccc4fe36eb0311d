package org.iocsync.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.squareup.moshi.JsonReader;
import com.squareup.moshi.JsonWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Stream;
import mockwebserver3.Dispatcher;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import okhttp3.Headers;
import okhttp3.HttpUrl;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import okhttp3.ResponseBody;
import okio.Buffer;
import org.assertj.core.groups.Tuple;
import org.iocsync.misp.MispClient;
import org.iocsync.testkit.FakeMisp;
import org.iocsync.testkit.Fault;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The source against the testkit's fake MISP, reached through {@link EventSearch}, which adds the
 * {@code events/restSearch} the fake lacks. Like MISP, the fake sends each attribute's event
 * without {@code published} and {@code timestamp}, so these reads look them up; should the fake
 * start sending them, the same tests hold with no lookup at all.
 */
class MispIndicatorSourceTest {
  private final FakeMisp misp = FakeMisp.start();
  private final EventSearch eventSearch = new EventSearch(misp);
  private final MispIndicatorSource source = new MispIndicatorSource(client(misp.apiKey()), 100);

  @AfterEach
  void stopMisp() {
    eventSearch.close();
    misp.close();
  }

  @Test
  void readsAttributesWithTheirEventsStateAndTags() {
    long event = misp.addEvent(FakeMisp.event("Phishing wave").tags("tlp:green"));
    String uuid =
        misp.addAttribute(event, FakeMisp.attribute("ip-dst", "203.0.113.7").tags("kill-chain"));
    misp.unpublish(event);

    List<SourceAttribute> attributes = read(everything());

    assertThat(attributes).hasSize(1);
    SourceAttribute attribute = attributes.get(0);
    assertThat(attribute.uuid()).isEqualTo(uuid);
    assertThat(attribute.eventId()).isEqualTo(Long.toString(event));
    assertThat(attribute.type()).isEqualTo("ip-dst");
    assertThat(attribute.value()).isEqualTo("203.0.113.7");
    assertThat(attribute.toIds()).isTrue();
    assertThat(attribute.deleted()).isFalse();
    assertThat(attribute.published()).isFalse();
    assertThat(attribute.tags()).containsExactlyInAnyOrder("kill-chain", "tlp:green");
    assertThat(attribute.eventTimestamp())
        .isEqualTo(misp.event(event).orElseThrow().timestamp())
        .isAfterOrEqualTo(attribute.timestamp());
  }

  @Test
  void tellsPublishedEventsFromUnpublishedOnes() {
    long published = misp.addEvent("Published");
    long draft = misp.addEvent(FakeMisp.event("Draft").published(false));
    misp.addAttribute(published, "domain", "published.example");
    misp.addAttribute(draft, "domain", "draft.example");
    misp.publish(published);

    List<SourceAttribute> attributes = read(everything());

    assertThat(attributes)
        .extracting(SourceAttribute::value, SourceAttribute::published)
        .containsExactlyInAnyOrder(
            Tuple.tuple("published.example", true), Tuple.tuple("draft.example", false));
    assertThat(attributes)
        .allSatisfy(
            attribute ->
                assertThat(attribute.eventTimestamp())
                    .isEqualTo(
                        misp.event(Long.parseLong(attribute.eventId())).orElseThrow().timestamp()));
  }

  @Test
  void includesDeletedAttributesOnlyWhenAsked() {
    long event = misp.addEvent("Deleted things");
    String kept = misp.addAttribute(event, "domain", "kept.example");
    String deleted = misp.addAttribute(event, "domain", "gone.example");
    misp.deleteAttribute(deleted);

    List<SourceAttribute> live = read(everything());
    List<SourceAttribute> all =
        read(new SourceQuery(List.of(), List.of(), false, true, true, null, null));

    assertThat(live).extracting(SourceAttribute::uuid).containsExactly(kept);
    assertThat(all)
        .extracting(SourceAttribute::uuid, SourceAttribute::deleted)
        .containsExactlyInAnyOrder(Tuple.tuple(kept, false), Tuple.tuple(deleted, true));
  }

  @Test
  void pagesThroughEveryAttribute() {
    misp.seed(1_050);

    assertThat(read(everything()))
        .hasSize(1_050)
        .extracting(SourceAttribute::uuid)
        .doesNotHaveDuplicates();
  }

  @Test
  void looksUpEachEventAtMostOnceAndAtMostOncePerPage() {
    misp.seed(20_000);
    MispIndicatorSource pagesOf1000 = new MispIndicatorSource(client(misp.apiKey()), 1_000);
    misp.clearRequests();

    List<SourceAttribute> attributes = read(pagesOf1000, everything());

    assertThat(attributes).hasSize(20_000).allMatch(SourceAttribute::published);
    Set<String> events = Set.copyOf(attributes.stream().map(SourceAttribute::eventId).toList());
    List<Long> lookedUp = eventSearch.lookups.stream().flatMap(List::stream).toList();
    assertThat(lookedUp).doesNotHaveDuplicates().hasSizeLessThanOrEqualTo(events.size());
    assertThat(eventSearch.lookups).hasSizeLessThanOrEqualTo(misp.requestCount());
  }

  @Test
  void sendsTheQueryWindowsTypesAndEvents() {
    long event = misp.addEvent("Windows");
    misp.addAttribute(event, "md5", "d41d8cd98f00b204e9800998ecf8427e");
    Instant from = Instant.ofEpochSecond(1_700_000_000);
    Instant to = Instant.ofEpochSecond(1_700_000_600);
    misp.clearRequests();

    read(
        new SourceQuery(
            List.of("md5"),
            List.of(Long.toString(event)),
            true,
            true,
            true,
            new SourceQuery.Window(from, to),
            new SourceQuery.Window(from, to)));

    String body = misp.requests().get(0).body();
    assertThat(body)
        .contains("\"type\":[\"md5\"]")
        .contains("\"eventid\":[" + event + "]")
        .contains("\"enforceWarninglist\":true")
        .contains("\"deleted\":[0,1]")
        .contains("\"attribute_timestamp\":[1700000000,1700000600]")
        .contains("\"event_timestamp\":[1700000000,1700000600]")
        .contains("\"includeEventTags\":true")
        .doesNotContain("to_ids", "published", "\"tags\"");
  }

  @Test
  void leavesEventTagsOutUnlessTheQueryAsksForThem() {
    long event = misp.addEvent("Tagged event");
    misp.tagEvent(event, "tlp:green");
    misp.addAttribute(event, "md5", "d41d8cd98f00b204e9800998ecf8427e");
    misp.clearRequests();

    List<SourceAttribute> without =
        read(new SourceQuery(List.of(), List.of(), false, true, false, null, null));

    assertThat(misp.requests().get(0).body()).doesNotContain("\"includeEventTags\":true");
    assertThat(without).singleElement().satisfies(a -> assertThat(a.tags()).isEmpty());
    assertThat(read(new SourceQuery(List.of(), List.of(), false, true, true, null, null)))
        .singleElement()
        .satisfies(a -> assertThat(a.tags()).containsExactly("tlp:green"));
  }

  @Test
  void aRefusedKeyIsPermanent() {
    MispIndicatorSource wrongKey = new MispIndicatorSource(client("x".repeat(40)));

    assertThatThrownBy(() -> read(wrongKey, everything()))
        .isInstanceOfSatisfying(SourceException.class, e -> assertThat(e.retryable()).isFalse());
  }

  @Test
  void aServerErrorMidStreamIsRetryable() {
    misp.seed(250);
    misp.faults().onRequest(2, Fault.serverError());

    assertThatThrownBy(() -> read(everything()))
        .isInstanceOfSatisfying(SourceException.class, e -> assertThat(e.retryable()).isTrue());
  }

  @Test
  void anHtmlPageIsRetryable() {
    misp.faults().onRequest(1, Fault.badGatewayHtml());

    assertThatThrownBy(() -> read(everything()))
        .isInstanceOfSatisfying(
            SourceException.class,
            e -> {
              assertThat(e.retryable()).isTrue();
              assertThat(e.getMessage()).contains("502");
            });
  }

  @Test
  void knowsTheServersTypes() {
    assertThat(source.knownTypes())
        .contains("ip-dst", "domain|ip", "sha256")
        .hasSizeGreaterThan(100);
  }

  private MispClient client(String key) {
    return MispClient.builder().baseUrl(eventSearch.url()).apiKey(key).build();
  }

  private static SourceQuery everything() {
    return new SourceQuery(List.of(), List.of(), false, false, true, null, null);
  }

  private List<SourceAttribute> read(SourceQuery query) {
    return read(source, query);
  }

  private static List<SourceAttribute> read(MispIndicatorSource source, SourceQuery query) {
    try (Stream<SourceAttribute> attributes = source.attributes(query)) {
      return attributes.toList();
    }
  }

  /**
   * Stands in front of a fake MISP: answers {@code POST /events/restSearch} from the fake's events
   * (id, UUID, title, published, timestamp, as MISP's metadata search does), recording the ids each
   * lookup named, and passes every other request through to the fake unchanged.
   */
  private static final class EventSearch extends Dispatcher implements AutoCloseable {
    final List<List<Long>> lookups = new CopyOnWriteArrayList<>();
    private final FakeMisp misp;
    private final HttpUrl target;
    private final OkHttpClient http = new OkHttpClient();
    private final MockWebServer server = new MockWebServer();

    EventSearch(FakeMisp misp) {
      this.misp = misp;
      this.target = HttpUrl.get(misp.url());
      server.setDispatcher(this);
      try {
        server.start(InetAddress.getByName("127.0.0.1"), 0);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }

    String url() {
      return "http://127.0.0.1:" + server.getPort() + "/";
    }

    @Override
    public MockResponse dispatch(RecordedRequest request) {
      try {
        return request.getUrl().encodedPath().equals("/events/restSearch")
            ? searchEvents(request)
            : passOn(request);
      } catch (IOException e) {
        return new MockResponse.Builder().code(599).body(e.toString()).build();
      }
    }

    private MockResponse searchEvents(RecordedRequest request) throws IOException {
      if (!misp.apiKey().equals(request.getHeaders().get("Authorization"))) {
        return json(403, "{\"name\":\"Authentication failed.\"}");
      }
      Map<?, ?> filters =
          (Map<?, ?>) JsonReader.of(new Buffer().write(request.getBody())).readJsonValue();
      List<Long> ids = new ArrayList<>();
      for (Object id : (List<?>) filters.get("eventid")) {
        ids.add(((Number) id).longValue());
      }
      lookups.add(ids);

      Buffer answer = new Buffer();
      try (JsonWriter json = JsonWriter.of(answer)) {
        json.beginObject().name("response").beginArray();
        for (long id : ids) {
          Optional<FakeMisp.Event> found = misp.event(id);
          if (found.isPresent()) {
            FakeMisp.Event event = found.get();
            json.beginObject().name("Event").beginObject();
            json.name("id").value(Long.toString(event.id()));
            json.name("org_id").value("1");
            json.name("info").value(event.info());
            json.name("published").value(event.published());
            json.name("uuid").value(event.uuid());
            json.name("timestamp").value(Long.toString(event.timestamp().getEpochSecond()));
            json.endObject().endObject();
          }
        }
        json.endArray().endObject();
      }
      return json(200, answer.readUtf8());
    }

    private MockResponse passOn(RecordedRequest request) throws IOException {
      Headers.Builder headers = new Headers.Builder();
      for (String name : List.of("Authorization", "Accept", "Content-Type")) {
        String value = request.getHeaders().get(name);
        if (value != null) {
          headers.add(name, value);
        }
      }
      @Nullable RequestBody body =
          request.getMethod().equals("GET") ? null : RequestBody.create(request.getBody(), null);
      Request forwarded =
          new Request.Builder()
              .url(target.newBuilder().encodedPath(request.getUrl().encodedPath()).build())
              .headers(headers.build())
              .method(request.getMethod(), body)
              .build();
      try (Response response = http.newCall(forwarded).execute()) {
        MockResponse.Builder answer = new MockResponse.Builder().code(response.code());
        for (String name : response.headers().names()) {
          if (!Set.of("content-length", "transfer-encoding", "connection", "content-encoding")
              .contains(name.toLowerCase(Locale.ROOT))) {
            answer.setHeader(name, response.header(name, ""));
          }
        }
        ResponseBody responseBody = response.body();
        return answer.body(new Buffer().write(responseBody.bytes())).build();
      }
    }

    private static MockResponse json(int code, String body) {
      return new MockResponse.Builder()
          .code(code)
          .setHeader("Content-Type", "application/json")
          .body(body)
          .build();
    }

    @Override
    public void close() {
      server.close();
      http.dispatcher().executorService().shutdown();
      http.connectionPool().evictAll();
    }
  }
}
