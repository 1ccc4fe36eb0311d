package org.iocsync.qradar;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.IntStream;
import mockwebserver3.Dispatcher;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import mockwebserver3.junit5.StartStop;
import org.junit.jupiter.api.Test;

/** Which values a set holds, and removals in batches, as they travel on both APIs. */
class PresenceAndRemovalTest {
  private static final String IP_SET =
      "{\"id\":42,\"name\":\"s\",\"entry_type\":\"IP\",\"namespace\":\"SHARED\"}";
  private static final String ALNIC_SET =
      "{\"id\":42,\"name\":\"s\",\"entry_type\":\"ALNIC\",\"namespace\":\"SHARED\"}";
  private static final String ENTRIES = "/api/reference_data_collections/set_entries";
  private static final Pattern QUOTED = Pattern.compile("\"((?:[^\"\\\\]|\\\\.)*)\"");

  @StartStop private final MockWebServer server = new MockWebServer();

  private ReferenceSets collections() {
    return Mock.client(server).apiVersion("20.0").build().referenceSets();
  }

  private ReferenceSets legacy(String version) {
    return Mock.client(server).apiVersion(version).api(ReferenceApi.LEGACY).build().referenceSets();
  }

  @Test
  void presentAsksForTheValuesWithOneFilteredQuery() throws Exception {
    server.enqueue(Mock.json(200, "[" + IP_SET + "]"));
    server.enqueue(Mock.json(200, "[{\"value\":\"192.0.2.1\"}]", "items 0-0/1"));

    Set<String> held = collections().present("s", List.of("192.0.2.1", "192.0.2.9"));

    assertThat(held).containsExactly("192.0.2.1");
    Mock.take(server);
    RecordedRequest query = Mock.take(server);
    assertThat(query.getMethod()).isEqualTo("GET");
    assertThat(query.getUrl().encodedPath()).isEqualTo(ENTRIES);
    assertThat(query.getTarget())
        .isEqualTo(
            ENTRIES
                + "?filter=collection_id%3D42%20and%20value%20in%20%28%22192.0.2.1%22%2C%20"
                + "%22192.0.2.9%22%29&fields=value");
    assertThat(query.getHeaders().get("Range")).isEqualTo("items=0-1");
    assertThat(server.getRequestCount()).isEqualTo(2);
  }

  @Test
  void presentEncodesQuotesBackslashesAndReservedCharacters() throws Exception {
    server.enqueue(Mock.json(200, "[" + IP_SET + "]"));
    server.enqueue(Mock.json(200, "[]"));
    String value = "a \"b\"\\c&d=e+f#g é";

    collections().present("s", List.of(value));

    Mock.take(server);
    RecordedRequest query = Mock.take(server);
    assertThat(query.getUrl().queryParameter("filter"))
        .isEqualTo("collection_id=42 and value in (\"a \\\"b\\\"\\\\c&d=e+f#g é\")");
    assertThat(query.getTarget()).contains("%26d%3De%2Bf%23g%20%C3%A9").doesNotContain("&d=");
  }

  @Test
  void presentCutsManyValuesIntoQueriesOfAFewKilobytes() {
    List<String> values =
        IntStream.range(0, 2_000).mapToObj(i -> "198.51." + (i / 256) + "." + (i % 256)).toList();
    List<String> asked = Collections.synchronizedList(new ArrayList<>());
    List<Integer> targetLengths = Collections.synchronizedList(new ArrayList<>());
    server.setDispatcher(
        new Dispatcher() {
          @Override
          public MockResponse dispatch(RecordedRequest request) {
            if (!request.getUrl().encodedPath().equals(ENTRIES)) {
              return Mock.json(200, "[" + IP_SET + "]");
            }
            targetLengths.add(request.getTarget().length());
            List<String> chunk = quoted(request.getUrl().queryParameter("filter"));
            asked.addAll(chunk);
            return Mock.json(200, "[{\"value\":\"" + chunk.get(0) + "\"}]");
          }
        });

    Set<String> held = collections().present("s", values);

    assertThat(asked).containsExactlyElementsOf(values);
    assertThat(targetLengths).hasSize(EntryQueries.chunks(42, values).size());
    assertThat(targetLengths.size()).isBetween(5, 8);
    assertThat(targetLengths).allSatisfy(length -> assertThat(length).isBetween(3_000, 6_200));
    assertThat(held).hasSize(targetLengths.size());
    assertThat(server.getRequestCount()).isEqualTo(1 + targetLengths.size());
  }

  @Test
  void presentOnACaseInsensitiveSetIgnoresCase() throws Exception {
    server.enqueue(Mock.json(200, "[" + ALNIC_SET + "]"));
    server.enqueue(Mock.json(200, "[{\"value\":\"evil.example\"}]"));

    Set<String> held =
        collections().present("s", List.of("EVIL.example", "evil.EXAMPLE", "good.example"));

    assertThat(held).containsExactlyInAnyOrder("EVIL.example", "evil.EXAMPLE");
    Mock.take(server);
    assertThat(Mock.take(server).getUrl().queryParameter("filter"))
        .isEqualTo(
            "collection_id=42 and value in (\"EVIL.example\", \"evil.EXAMPLE\", \"good.example\")");
  }

  @Test
  void presentOnACaseSensitiveSetComparesExactly() {
    server.enqueue(Mock.json(200, "[" + IP_SET.replace("IP", "ALN") + "]"));
    server.enqueue(Mock.json(200, "[{\"value\":\"Evil.example\"}]"));

    assertThatThrownBy(() -> collections().present("s", List.of("evil.example")))
        .isInstanceOf(QradarMalformedResponseException.class)
        .hasMessageContaining("the value 'Evil.example', which was not asked for");
  }

  @Test
  void presentRefusesTheAnswerOfAServerThatIgnoredTheFilter() {
    server.enqueue(Mock.json(200, "[" + IP_SET + "]"));
    server.enqueue(
        Mock.json(200, "[{\"value\":\"192.0.2.7\"},{\"value\":\"192.0.2.8\"}]", "items 0-1/9000"));

    assertThatThrownBy(() -> collections().present("s", List.of("192.0.2.1", "192.0.2.2")))
        .isInstanceOf(QradarMalformedResponseException.class)
        .hasMessage(
            "QRadar answered 9000 entries for 2 values while checking which of 2 values reference"
                + " set 's' holds: it ignored the filter, so the client trusts nothing in the"
                + " answer. Check that the URL is the console's and that no proxy rewrites the"
                + " query.");
  }

  @Test
  void presentRefusesAnHtmlPage() {
    server.enqueue(Mock.json(200, "[" + IP_SET + "]"));
    server.enqueue(
        new MockResponse.Builder()
            .code(200)
            .setHeader("Content-Type", "text/html")
            .body("<html><body>Sign in</body></html>")
            .build());

    assertThatThrownBy(() -> collections().present("s", List.of("192.0.2.1")))
        .isInstanceOf(QradarMalformedResponseException.class);
  }

  @Test
  void presentOfNothingAsksNothing() {
    assertThat(collections().present("s", List.of())).isEmpty();
    assertThat(server.getRequestCount()).isZero();
  }

  @Test
  void presentRefusesAnEmptyValueBeforeAsking() {
    assertThatThrownBy(() -> collections().present("s", List.of("a", "")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("value is empty");
    assertThat(server.getRequestCount()).isZero();
  }

  @Test
  void presentOfAMissingSetIsNotFound() {
    server.enqueue(Mock.json(200, "[]"));

    assertThatThrownBy(() -> collections().present("s", List.of("192.0.2.1")))
        .isInstanceOf(ReferenceSetNotFoundException.class);
  }

  @Test
  void legacyPresentFromApi16AsksTheCollectionsApiWithTheSetsCollectionId() throws Exception {
    server.enqueue(
        Mock.json(200, "{\"name\":\"s\",\"element_type\":\"ALNIC\",\"collection_id\":9}"));
    server.enqueue(Mock.json(200, "[{\"value\":\"a.example\"}]"));

    Set<String> held = legacy("16.0").present("s", List.of("A.example", "b.example"));

    assertThat(held).containsExactly("A.example");
    RecordedRequest set = Mock.take(server);
    assertThat(set.getTarget())
        .isEqualTo("/api/reference_data/sets/s?fields=name%2Celement_type%2Ccollection_id");
    RecordedRequest query = Mock.take(server);
    assertThat(query.getUrl().encodedPath()).isEqualTo(ENTRIES);
    assertThat(query.getUrl().queryParameter("filter"))
        .isEqualTo("collection_id=9 and value in (\"A.example\", \"b.example\")");
    assertThat(query.getUrl().queryParameter("fields")).isEqualTo("value");
    assertThat(server.getRequestCount()).isEqualTo(2);
  }

  @Test
  void legacyPresentBeforeApi16ReadsTheSet() throws Exception {
    server.enqueue(Mock.json(200, "{\"name\":\"s\",\"element_type\":\"IP\"}"));
    server.enqueue(
        Mock.json(
            200,
            "{\"name\":\"s\",\"data\":[{\"value\":\"192.0.2.1\"},{\"value\":\"192.0.2.2\"}]}",
            "items 0-1/2"));

    Set<String> held = legacy("14.0").present("s", List.of("192.0.2.2", "192.0.2.9"));

    assertThat(held).containsExactly("192.0.2.2");
    assertThat(Mock.take(server).getTarget())
        .isEqualTo("/api/reference_data/sets/s?fields=name%2Celement_type");
    assertThat(Mock.take(server).getUrl().queryParameter("fields"))
        .isEqualTo("data(value,source,first_seen,last_seen)");
    assertThat(server.getRequestCount()).isEqualTo(2);
  }

  @Test
  void legacyPresentReadsTheSetWhenTheCollectionsEndpointsAreMissing() throws Exception {
    server.enqueue(Mock.json(200, "{\"name\":\"s\",\"element_type\":\"IP\",\"collection_id\":9}"));
    server.enqueue(
        new MockResponse.Builder()
            .code(404)
            .setHeader("Content-Type", "text/html")
            .body("<html>Not Found</html>")
            .build());
    server.enqueue(
        Mock.json(200, "{\"name\":\"s\",\"data\":[{\"value\":\"192.0.2.1\"}]}", "items 0-0/1"));

    Set<String> held = legacy("20.0").present("s", List.of("192.0.2.1", "192.0.2.9"));

    assertThat(held).containsExactly("192.0.2.1");
    Mock.take(server);
    assertThat(Mock.take(server).getUrl().encodedPath()).isEqualTo(ENTRIES);
    assertThat(Mock.take(server).getUrl().queryParameter("fields"))
        .isEqualTo("data(value,source,first_seen,last_seen)");
  }

  @Test
  void legacyPresentFailsWhenTheCollectionsQuestionFailsOtherwise() {
    server.enqueue(Mock.json(200, "{\"name\":\"s\",\"element_type\":\"IP\",\"collection_id\":9}"));
    server.enqueue(Mock.error(503, 1020, "Unavailable", "Try later."));

    assertThatThrownBy(() -> legacy("20.0").present("s", List.of("192.0.2.1")))
        .isInstanceOf(QradarServerException.class);
    assertThat(server.getRequestCount()).isEqualTo(2);
  }

  @Test
  void legacyPresentOfAMissingSetIsNotFound() {
    server.enqueue(Mock.error(404, 1002, "s does not exist", "The reference set does not exist"));

    assertThatThrownBy(() -> legacy("20.0").present("s", List.of("192.0.2.1")))
        .isInstanceOf(ReferenceSetNotFoundException.class);
  }

  @Test
  void removeAllLooksUpTheBatchOnceAndDeletesEachEntryById() throws Exception {
    server.enqueue(Mock.json(200, "[" + IP_SET + "]"));
    server.enqueue(
        Mock.json(
            200,
            "[{\"id\":1,\"collection_id\":42,\"value\":\"192.0.2.1\"},"
                + "{\"id\":2,\"collection_id\":42,\"value\":\"192.0.2.2\"}]"));
    server.enqueue(new MockResponse.Builder().code(204).build());
    server.enqueue(new MockResponse.Builder().code(204).build());

    List<String> removed =
        collections().removeAll("s", List.of("192.0.2.1", "192.0.2.2", "192.0.2.3"));

    assertThat(removed).containsExactlyInAnyOrder("192.0.2.1", "192.0.2.2");
    Mock.take(server);
    RecordedRequest lookup = Mock.take(server);
    assertThat(lookup.getUrl().queryParameter("filter"))
        .isEqualTo("collection_id=42 and value in (\"192.0.2.1\", \"192.0.2.2\", \"192.0.2.3\")");
    assertThat(lookup.getUrl().queryParameter("fields")).isEqualTo("id,collection_id,value");
    assertThat(lookup.getHeaders().get("Range")).isEqualTo("items=0-2");
    Set<String> deletes = new HashSet<>();
    for (int i = 0; i < 2; i++) {
      RecordedRequest delete = Mock.take(server);
      assertThat(delete.getMethod()).isEqualTo("DELETE");
      assertThat(delete.getHeaders().get("Accept")).isEqualTo("text/plain");
      deletes.add(delete.getTarget());
    }
    assertThat(deletes).containsExactlyInAnyOrder(ENTRIES + "/1", ENTRIES + "/2");
    assertThat(server.getRequestCount()).isEqualTo(4);
  }

  @Test
  void removeAllOnACaseInsensitiveSetRemovesEverySpellingOfTheEntry() {
    server.enqueue(Mock.json(200, "[" + ALNIC_SET + "]"));
    server.enqueue(Mock.json(200, "[{\"id\":5,\"collection_id\":42,\"value\":\"evil.example\"}]"));
    server.enqueue(new MockResponse.Builder().code(204).build());

    List<String> removed = collections().removeAll("s", List.of("EVIL.example", "Evil.Example"));

    assertThat(removed).containsExactlyInAnyOrder("EVIL.example", "Evil.Example");
    assertThat(server.getRequestCount()).isEqualTo(3);
  }

  @Test
  void removeAllDeletesNothingWhenTheServerIgnoredTheFilter() {
    server.enqueue(Mock.json(200, "[" + IP_SET + "]"));
    server.enqueue(
        Mock.json(
            200,
            "[{\"id\":1,\"collection_id\":42,\"value\":\"192.0.2.1\"},"
                + "{\"id\":2,\"collection_id\":42,\"value\":\"192.0.2.200\"}]"));

    assertThatThrownBy(() -> collections().removeAll("s", List.of("192.0.2.1", "192.0.2.2")))
        .isInstanceOf(QradarMalformedResponseException.class)
        .hasMessageContaining("the value '192.0.2.200', which was not asked for");
    assertThat(server.getRequestCount()).isEqualTo(2);
  }

  @Test
  void removeAllDeletesNothingOfAnotherSet() {
    server.enqueue(Mock.json(200, "[" + IP_SET + "]"));
    server.enqueue(Mock.json(200, "[{\"id\":1,\"collection_id\":7,\"value\":\"192.0.2.1\"}]"));

    assertThatThrownBy(() -> collections().removeAll("s", List.of("192.0.2.1")))
        .isInstanceOf(QradarMalformedResponseException.class)
        .hasMessageContaining("an entry of the set with id 7");
    assertThat(server.getRequestCount()).isEqualTo(2);
  }

  @Test
  void removeAllTakesAnEntryGoneMeanwhileForDone() {
    server.enqueue(Mock.json(200, "[" + IP_SET + "]"));
    server.enqueue(Mock.json(200, "[{\"id\":1,\"collection_id\":42,\"value\":\"192.0.2.1\"}]"));
    server.enqueue(Mock.error(404, 22001, "The entry was not found", "No entry has id 1."));

    assertThat(collections().removeAll("s", List.of("192.0.2.1"))).isEmpty();
  }

  @Test
  void removeAllTakesAnHtmlPageInsteadOfTheDeletionForAnError() {
    server.enqueue(Mock.json(200, "[" + IP_SET + "]"));
    server.enqueue(Mock.json(200, "[{\"id\":1,\"collection_id\":42,\"value\":\"192.0.2.1\"}]"));
    server.enqueue(
        new MockResponse.Builder()
            .code(200)
            .setHeader("Content-Type", "text/html; charset=UTF-8")
            .body("<html>Sign in</html>")
            .build());

    assertThatThrownBy(() -> collections().removeAll("s", List.of("192.0.2.1")))
        .isInstanceOf(QradarMalformedResponseException.class)
        .hasMessageContaining("with an HTML page");
  }

  @Test
  void removeAllFailingMidBatchSaysWhichValuesWereRemovedBefore() {
    List<String> values = IntStream.range(1, 41).mapToObj(i -> "192.0.2." + i).toList();
    Set<String> answered204 = ConcurrentHashMap.newKeySet();
    server.setDispatcher(
        new Dispatcher() {
          @Override
          public MockResponse dispatch(RecordedRequest request) {
            String path = request.getUrl().encodedPath();
            if (path.equals(ENTRIES)) {
              return Mock.json(200, entriesNumberedFromOne(values));
            }
            if (path.startsWith(ENTRIES + "/")) {
              String id = path.substring(ENTRIES.length() + 1);
              if (id.equals("20")) {
                return Mock.error(500, 1020, "An error occurred", "The server failed.");
              }
              answered204.add("192.0.2." + id);
              return new MockResponse.Builder().code(204).build();
            }
            return Mock.json(200, "[" + IP_SET + "]");
          }
        });

    assertThatThrownBy(() -> collections().removeAll("s", values))
        .isInstanceOf(QradarServerException.class)
        .satisfies(
            e -> {
              List<String> removed = ((QradarException) e).completedWrites().accepted();
              assertThat(removed).containsExactlyInAnyOrderElementsOf(answered204);
              assertThat(removed).doesNotContain("192.0.2.20").isNotEmpty();
            });
  }

  @Test
  void removeAllRunsEightDeletionsAtOnce() {
    List<String> values = IntStream.range(1, 25).mapToObj(i -> "192.0.2." + i).toList();
    CountDownLatch allInFlight = new CountDownLatch(8);
    AtomicInteger inFlight = new AtomicInteger();
    AtomicInteger mostInFlight = new AtomicInteger();
    server.setDispatcher(
        new Dispatcher() {
          @Override
          public MockResponse dispatch(RecordedRequest request) throws InterruptedException {
            String path = request.getUrl().encodedPath();
            if (path.equals(ENTRIES)) {
              return Mock.json(200, entriesNumberedFromOne(values));
            }
            if (path.startsWith(ENTRIES + "/")) {
              mostInFlight.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
              allInFlight.countDown();
              allInFlight.await(5, TimeUnit.SECONDS);
              inFlight.decrementAndGet();
              return new MockResponse.Builder().code(204).build();
            }
            return Mock.json(200, "[" + IP_SET + "]");
          }
        });

    List<String> removed = collections().removeAll("s", values);

    assertThat(removed).containsExactlyInAnyOrderElementsOf(values);
    assertThat(mostInFlight.get()).isEqualTo(8).isEqualTo(Concurrently.REQUESTS_AT_ONCE);
  }

  @Test
  void removeAllOfNothingSendsNothing() {
    assertThat(collections().removeAll("s", List.of())).isEmpty();
    assertThat(legacy("20.0").removeAll("s", List.of())).isEmpty();
    assertThat(server.getRequestCount()).isZero();
  }

  @Test
  void interruptingARemovalStopsItsRequestsAndSaysSo() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    CountDownLatch deleting = new CountDownLatch(1);
    server.setDispatcher(
        new Dispatcher() {
          @Override
          public MockResponse dispatch(RecordedRequest request) throws InterruptedException {
            deleting.countDown();
            release.await(10, TimeUnit.SECONDS);
            return Mock.json(200, "{\"name\":\"s\",\"element_type\":\"IP\"}");
          }
        });
    List<Throwable> thrown = Collections.synchronizedList(new ArrayList<>());
    Thread caller =
        new Thread(
            () -> {
              try {
                legacy("20.0").removeAll("s", List.of("192.0.2.1", "192.0.2.2", "192.0.2.3"));
              } catch (RuntimeException e) {
                thrown.add(e);
              }
            });

    caller.start();
    assertThat(deleting.await(5, TimeUnit.SECONDS)).isTrue();
    caller.interrupt();
    caller.join(5_000);
    release.countDown();

    assertThat(caller.isAlive()).isFalse();
    assertThat(thrown)
        .singleElement()
        .isInstanceOf(QradarTransportException.class)
        .satisfies(e -> assertThat(e.getMessage()).startsWith("Interrupted while removing 3"));
  }

  @Test
  void legacyRemoveAllDeletesValueByValueAndTakesNotInSetForDone() throws Exception {
    server.setDispatcher(
        new Dispatcher() {
          @Override
          public MockResponse dispatch(RecordedRequest request) {
            if (request.getTarget().endsWith("/192.0.2.2")) {
              return Mock.error(404, 1003, "not in set", "The record does not exist in the set");
            }
            return Mock.json(200, "{\"name\":\"s\",\"element_type\":\"IP\"}");
          }
        });

    List<String> removed =
        legacy("20.0").removeAll("s", List.of("192.0.2.1", "192.0.2.2", "192.0.2.3", "192.0.2.1"));

    assertThat(removed).containsExactlyInAnyOrder("192.0.2.1", "192.0.2.3");
    Set<String> targets = new HashSet<>();
    for (int i = 0; i < 3; i++) {
      RecordedRequest delete = Mock.take(server);
      assertThat(delete.getMethod()).isEqualTo("DELETE");
      targets.add(delete.getTarget());
    }
    assertThat(targets)
        .containsExactlyInAnyOrder(
            "/api/reference_data/sets/s/192.0.2.1",
            "/api/reference_data/sets/s/192.0.2.2",
            "/api/reference_data/sets/s/192.0.2.3");
    assertThat(server.getRequestCount()).isEqualTo(3);
  }

  @Test
  void legacyRemoveAllFailingMidBatchSaysWhichValuesWereRemovedBefore() {
    List<String> values = IntStream.range(1, 41).mapToObj(i -> "192.0.2." + i).toList();
    Set<String> answered = ConcurrentHashMap.newKeySet();
    server.setDispatcher(
        new Dispatcher() {
          @Override
          public MockResponse dispatch(RecordedRequest request) {
            String value = request.getTarget().substring("/api/reference_data/sets/s/".length());
            if (value.equals("192.0.2.20")) {
              return Mock.error(503, 1020, "Unavailable", "Try later.");
            }
            answered.add(value);
            return Mock.json(200, "{\"name\":\"s\",\"element_type\":\"IP\"}");
          }
        });

    assertThatThrownBy(() -> legacy("20.0").removeAll("s", values))
        .isInstanceOf(QradarServerException.class)
        .satisfies(
            e ->
                assertThat(((QradarException) e).completedWrites().accepted())
                    .containsExactlyInAnyOrderElementsOf(answered)
                    .doesNotContain("192.0.2.20"));
  }

  @Test
  void legacyRemoveAllTakesAnHtmlPageForAnError() {
    server.enqueue(
        new MockResponse.Builder()
            .code(200)
            .setHeader("Content-Type", "text/html")
            .body("<html>Sign in</html>")
            .build());

    assertThatThrownBy(() -> legacy("20.0").removeAll("s", List.of("192.0.2.1")))
        .isInstanceOf(QradarMalformedResponseException.class);
  }

  /** The quoted values of a filter, unescaped. */
  private static List<String> quoted(String filter) {
    List<String> values = new ArrayList<>();
    Matcher matcher = QUOTED.matcher(filter);
    while (matcher.find()) {
      values.add(matcher.group(1).replaceAll("\\\\(.)", "$1"));
    }
    return values;
  }

  /** The set's entries for {@code values}, in collection 42, with ids 1, 2, 3 and so on. */
  private static String entriesNumberedFromOne(List<String> values) {
    StringBuilder body = new StringBuilder("[");
    for (int i = 0; i < values.size(); i++) {
      body.append(i > 0 ? "," : "")
          .append("{\"id\":")
          .append(i + 1)
          .append(",\"collection_id\":42,\"value\":\"")
          .append(values.get(i))
          .append("\"}");
    }
    return body.append(']').toString();
  }
}
