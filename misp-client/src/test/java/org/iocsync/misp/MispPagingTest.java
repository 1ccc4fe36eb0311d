package org.iocsync.misp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.iocsync.misp.MispFixtures.json;
import static org.iocsync.misp.MispFixtures.page;
import static org.iocsync.misp.MispFixtures.take;

import java.io.IOException;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.SocketEffect;
import okhttp3.Call;
import okhttp3.EventListener;
import okhttp3.OkHttpClient;
import org.iocsync.http.HttpSettings;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class MispPagingTest {
  private final MockWebServer server = MispFixtures.startServer();
  private final CallCounter calls = new CallCounter();
  private final MispClient client =
      MispFixtures.client(
          server,
          HttpSettings.builder()
              .okHttpClient(new OkHttpClient.Builder().eventListener(calls).build())
              .build());
  private final AttributeQuery pagesOf100 = AttributeQuery.builder().pageSize(100).build();

  @AfterEach
  void stopServer() {
    server.close();
  }

  @Test
  void requestsNothingUntilTheStreamIsUsed() {
    try (Stream<MispAttribute> attributes = client.searchAttributes(pagesOf100)) {
      assertThat(attributes).isNotNull();
    }

    assertThat(server.getRequestCount()).isZero();
  }

  @Test
  void walksPagesInOrderAndEndsOnAnEmptyPageWhenNoSkippedCountIsSent() {
    server.enqueue(page(1, 100));
    server.enqueue(page(101, 100));
    server.enqueue(page(201, 40));
    server.enqueue(page(241, 0));

    List<Long> ids = ids(client.searchAttributes(pagesOf100));

    assertThat(ids).hasSize(240).startsWith(1L, 2L).endsWith(239L, 240L).doesNotHaveDuplicates();
    assertThat(server.getRequestCount()).isEqualTo(4);
    for (int page = 1; page <= 4; page++) {
      assertThat(take(server).getBody().utf8())
          .isEqualTo(
              "{\"returnFormat\":\"json\",\"page\":"
                  + page
                  + ",\"limit\":100,\"order\":\"Attribute.id asc\"}");
    }
  }

  @Test
  void aShortPageWithoutSkippedCountDoesNotEndTheWalk() {
    server.enqueue(page(1, 30));
    server.enqueue(page(31, 100));
    server.enqueue(page(131, 0));

    assertThat(ids(client.searchAttributes(pagesOf100))).hasSize(130);
    assertThat(server.getRequestCount()).isEqualTo(3);
  }

  @Test
  void anEmptyMiddlePageFilteredByTheWarninglistDoesNotEndTheWalk() {
    server.enqueue(page(1, 100, 0));
    server.enqueue(page(101, 0, 100));
    server.enqueue(page(301, 60, 40));
    server.enqueue(page(401, 10, 0));

    List<Long> ids = ids(client.searchAttributes(pagesOf100));

    assertThat(ids).hasSize(170).doesNotHaveDuplicates().isSorted();
    assertThat(server.getRequestCount()).isEqualTo(4);
  }

  @Test
  void probesAnEmptyPageOfAnOlderServerWithoutTheWarninglistBeforeEnding() {
    AttributeQuery query =
        AttributeQuery.builder().enforceWarninglist(true).toIds(true).pageSize(100).build();
    server.enqueue(page(1, 100));
    server.enqueue(page(101, 0));
    server.enqueue(page(150, 1));
    server.enqueue(page(201, 30));
    server.enqueue(page(231, 0));
    server.enqueue(page(231, 0));

    assertThat(ids(client.searchAttributes(query))).hasSize(130).doesNotHaveDuplicates();

    assertThat(server.getRequestCount()).isEqualTo(6);
    String filters = ",\"order\":\"Attribute.id asc\",\"to_ids\":1";
    assertThat(take(server).getBody().utf8())
        .isEqualTo(
            "{\"returnFormat\":\"json\",\"page\":1,\"limit\":100"
                + filters
                + ",\"enforceWarninglist\":true}");
    assertThat(take(server).getBody().utf8()).contains("\"page\":2,");
    assertThat(take(server).getBody().utf8())
        .isEqualTo("{\"returnFormat\":\"json\",\"page\":101,\"limit\":1" + filters + "}");
    assertThat(take(server).getBody().utf8()).contains("\"page\":3,");
    assertThat(take(server).getBody().utf8()).contains("\"page\":4,");
    assertThat(take(server).getBody().utf8())
        .isEqualTo("{\"returnFormat\":\"json\",\"page\":301,\"limit\":1" + filters + "}");
  }

  @Test
  void endsWhenReturnedPlusSkippedIsBelowTheLimit() {
    server.enqueue(page(1, 100, 0));
    server.enqueue(page(101, 50, 49));

    assertThat(ids(client.searchAttributes(pagesOf100))).hasSize(150);
    assertThat(server.getRequestCount()).isEqualTo(2);
  }

  @Test
  void endsOnMispsEmptyResponseArray() {
    server.enqueue(page(1, 100));
    server.enqueue(json("{\"response\": []}"));

    assertThat(ids(client.searchAttributes(pagesOf100))).hasSize(100);
    assertThat(server.getRequestCount()).isEqualTo(2);
  }

  @Test
  void ignoresAnUnreadableSkippedCountAndWaitsForAnEmptyPage() {
    server.enqueue(
        new MockResponse.Builder()
            .setHeader("Content-Type", "application/json")
            .setHeader("X-Skipped-Elements-Count", "many")
            .body(MispFixtures.pageJson(1, 10))
            .build());
    server.enqueue(page(11, 0));

    assertThat(ids(client.searchAttributes(pagesOf100))).hasSize(10);
    assertThat(server.getRequestCount()).isEqualTo(2);
  }

  @Test
  void dropsAttributesRepeatedBecauseAPageShifted() {
    server.enqueue(page(1, 100, 0));
    server.enqueue(page(100, 100, 0));
    server.enqueue(page(200, 5, 0));

    List<Long> ids = ids(client.searchAttributes(pagesOf100));

    assertThat(ids).hasSize(204).doesNotHaveDuplicates().isSorted();
  }

  @Test
  void failsWhenTheServerRepeatsTheSamePage() {
    server.enqueue(page(1, 100, 0));
    server.enqueue(page(1, 100, 0));

    assertThatThrownBy(() -> ids(client.searchAttributes(pagesOf100)))
        .isInstanceOfSatisfying(
            MispMalformedResponseException.class,
            e -> {
              assertThat(e.jsonPath()).isEqualTo("$.response.Attribute");
              assertThat(e)
                  .hasMessageContaining("page 2 holds only attributes of earlier pages")
                  .hasMessageContaining("ignore the page parameter");
            });
  }

  @Test
  void failsWhenAPageHoldsMoreThanTheLimit() {
    server.enqueue(page(1, 101));

    assertThatThrownBy(() -> ids(client.searchAttributes(pagesOf100)))
        .isInstanceOfSatisfying(
            MispMalformedResponseException.class,
            e -> {
              assertThat(e.jsonPath()).isEqualTo("$.response.Attribute[100]");
              assertThat(e)
                  .hasMessageContaining("more attributes than the page limit of 100")
                  .hasMessageContaining("Content-Type");
            });
    assertThat(calls.unfinished()).isZero();
  }

  @Test
  void failsWhenIdsAreNotAscending() {
    server.enqueue(
        json(
            "{\"response\":{\"Attribute\":["
                + MispFixtures.attributeJson(5)
                + ","
                + MispFixtures.attributeJson(3)
                + "]}}"));

    assertThatThrownBy(() -> ids(client.searchAttributes(pagesOf100)))
        .isInstanceOfSatisfying(
            MispMalformedResponseException.class,
            e -> {
              assertThat(e.jsonPath()).isEqualTo("$.response.Attribute[1].id");
              assertThat(e).hasMessageContaining("id 3 after id 5");
            });
  }

  @Test
  void closesEveryResponseWhenTheCallerStopsEarly() {
    for (int page = 0; page < 5; page++) {
      server.enqueue(page(1 + page * 100, 100));
    }

    List<Long> first250;
    try (Stream<MispAttribute> attributes = client.searchAttributes(pagesOf100)) {
      first250 = attributes.limit(250).map(MispAttribute::id).collect(Collectors.toList());
    }

    assertThat(first250).hasSize(250).endsWith(250L);
    assertThat(server.getRequestCount()).isEqualTo(3);
    assertThat(calls.started.get()).isEqualTo(3);
    assertThat(calls.unfinished()).isZero();
    assertThat(calls.bodiesClosed.get()).isEqualTo(3);
  }

  @Test
  void closesEveryResponseEvenWhenTheCallerNeverClosesTheStream() {
    for (int page = 0; page < 3; page++) {
      server.enqueue(page(1 + page * 100, 100));
    }

    Iterator<MispAttribute> attributes = client.searchAttributes(pagesOf100).iterator();
    for (int i = 0; i < 150; i++) {
      attributes.next();
    }

    assertThat(calls.started.get()).isEqualTo(2);
    assertThat(calls.unfinished()).isZero();
  }

  @Test
  void closesTheResponseWhenAPageFailsHalfWay() {
    server.enqueue(page(1, 100));
    server.enqueue(
        json(
            "{\"response\":{\"Attribute\":["
                + MispFixtures.attributeJson(101)
                + ",{\"id\":\"102\",\"event_id\":\"7\",\"uuid\":\"u\",\"type\":\"md5\","
                + "\"timestamp\":\"1\"},"
                + MispFixtures.attributeJson(103)
                + "]}}"));

    Iterator<MispAttribute> attributes = client.searchAttributes(pagesOf100).iterator();
    for (int i = 0; i < 100; i++) {
      attributes.next();
    }

    assertThatThrownBy(attributes::next)
        .isInstanceOfSatisfying(
            MispMalformedResponseException.class,
            e -> assertThat(e.jsonPath()).isEqualTo("$.response.Attribute[1].value"));
    assertThat(calls.started.get()).isEqualTo(2);
    assertThat(calls.unfinished()).isZero();
  }

  @Test
  void aClosedStreamFetchesNoMorePages() {
    server.enqueue(page(1, 100));
    server.enqueue(page(101, 100));
    Stream<MispAttribute> stream = client.searchAttributes(pagesOf100);
    Iterator<MispAttribute> attributes = stream.iterator();
    attributes.next();

    stream.close();

    assertThat(attributes.hasNext()).isFalse();
    assertThat(server.getRequestCount()).isEqualTo(1);
  }

  @Test
  void closingTheStreamFromAnotherThreadCancelsThePageInFlight() throws Exception {
    server.enqueue(new MockResponse.Builder().onResponseStart(SocketEffect.Stall.INSTANCE).build());
    Stream<MispAttribute> stream = client.searchAttributes(pagesOf100);
    CompletableFuture<Long> reader = CompletableFuture.supplyAsync(stream::count);
    take(server);

    stream.close();

    assertThatThrownBy(() -> reader.get(10, TimeUnit.SECONDS))
        .isInstanceOf(ExecutionException.class)
        .cause()
        .isInstanceOf(MispTransportException.class)
        .hasMessageContaining("POST /attributes/restSearch");
    assertThat(calls.unfinished()).isZero();
  }

  private static List<Long> ids(Stream<MispAttribute> attributes) {
    try (attributes) {
      return attributes.map(MispAttribute::id).collect(Collectors.toList());
    }
  }

  /** Counts calls and response bodies as OkHttp reports them, to prove that all were closed. */
  private static final class CallCounter extends EventListener {
    final AtomicInteger started = new AtomicInteger();
    final AtomicInteger ended = new AtomicInteger();
    final AtomicInteger failed = new AtomicInteger();
    final AtomicInteger bodiesClosed = new AtomicInteger();

    @Override
    public void callStart(Call call) {
      started.incrementAndGet();
    }

    @Override
    public void callEnd(Call call) {
      ended.incrementAndGet();
    }

    @Override
    public void callFailed(Call call, IOException ioe) {
      failed.incrementAndGet();
    }

    @Override
    public void responseBodyEnd(Call call, long byteCount) {
      bodiesClosed.incrementAndGet();
    }

    int unfinished() {
      return started.get() - ended.get() - failed.get();
    }
  }
}
