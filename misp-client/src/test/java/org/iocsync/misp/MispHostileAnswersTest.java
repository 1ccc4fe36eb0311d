package org.iocsync.misp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.iocsync.misp.MispFixtures.KEY;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Queue;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import mockwebserver3.Dispatcher;
import mockwebserver3.MockResponse;
import mockwebserver3.MockResponseBody;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import mockwebserver3.SocketEffect;
import okio.Buffer;
import okio.BufferedSink;
import org.iocsync.http.HttpSettings;
import org.iocsync.testkit.Damage;
import org.iocsync.testkit.GeneratedBody;
import org.iocsync.testkit.SlowServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Real-shaped MISP answers, damaged every way a broken server, proxy or network damages them: each
 * call either reads what survived or fails with a {@link MispException}, never with anything else,
 * in bounded memory and time.
 */
@Timeout(60)
class MispHostileAnswersTest {
  private static final int MUTATIONS = Damage.mutations(400);

  /** Every damaged answer served by this class's tests. */
  private static final AtomicLong TRIED = new AtomicLong();

  private static final HttpSettings HTTP =
      HttpSettings.builder()
          .readTimeout(Duration.ofSeconds(10))
          .callTimeout(Duration.ofSeconds(30))
          .build();

  /** The calls under test, each with a real answer of its endpoint. */
  enum Endpoint {
    SEARCH(
        "attributes-restSearch.json",
        client -> client.searchAttributes(AttributeQuery.builder().pageSize(100).build()).toList()),
    EVENT_SUMMARIES("events-restSearch.json", client -> client.eventSummaries(List.of(31L, 32L))),
    EVENT("events-view.json", client -> client.event("31")),
    VERSION("servers-getVersion.json", MispClient::version),
    TYPES("attributes-describeTypes.json", MispClient::describeTypes);

    final byte[] answer;
    final Consumer<MispClient> call;

    Endpoint(String resource, Consumer<MispClient> call) {
      this.answer = resource(resource);
      this.call = call;
    }
  }

  /** What socket buffers hold beyond what the client read when it hung up. */
  private static final long SLACK = 16L * 1024 * 1024;

  private static final long FIFTY_MEGABYTES = 50L * 1000 * 1000;

  private final MockWebServer server = new MockWebServer();
  private final Queue<MockResponse> queued = new ConcurrentLinkedQueue<>();
  private volatile MockResponse answer = json(new byte[0]);
  private MispClient client;

  @BeforeEach
  void startServer() throws IOException {
    server.setDispatcher(
        new Dispatcher() {
          @Override
          public MockResponse dispatch(RecordedRequest request) {
            MockResponse next = queued.poll();
            return next != null ? next : answer;
          }
        });
    server.start(InetAddress.getByName("127.0.0.1"), 0);
    client = MispFixtures.client(server, HTTP);
  }

  @AfterEach
  void stopServer() {
    server.close();
  }

  @AfterAll
  static void sayHowManyInputsWereTried() {
    System.out.println(
        "misp-client: "
            + TRIED.get()
            + " malformed answers tried (base seed "
            + Damage.SEED
            + ", "
            + MUTATIONS
            + " mutations per answer)");
  }

  @ParameterizedTest
  @EnumSource(Endpoint.class)
  void readsTheUndamagedAnswer(Endpoint endpoint) {
    answer = json(endpoint.answer);

    endpoint.call.accept(client);
  }

  @ParameterizedTest
  @EnumSource(Endpoint.class)
  void anAnswerCutAnywhereIsMalformed(Endpoint endpoint) {
    Map<String, Integer> outcomes = new TreeMap<>();
    int stride = (endpoint.answer.length + Damage.CUTS - 1) / Damage.CUTS;

    int cuts = 0;
    for (int length = 0; length < endpoint.answer.length; length += stride) {
      byte[] cut = Arrays.copyOf(endpoint.answer, length);
      outcomes.merge(attempt(endpoint, cut, "cut at byte " + length), 1, Integer::sum);
      cuts++;
    }
    byte[] lastByteMissing = Arrays.copyOf(endpoint.answer, endpoint.answer.length - 1);
    outcomes.merge(attempt(endpoint, lastByteMissing, "without its last byte"), 1, Integer::sum);

    System.out.println(endpoint + ", cut at " + (cuts + 1) + " places: " + outcomes);
    assertThat(outcomes)
        .containsOnlyKeys(MispMalformedResponseException.class.getSimpleName())
        .containsValue(cuts + 1);
  }

  @ParameterizedTest
  @EnumSource(Endpoint.class)
  void mutatedAnswersAreReadOrRefusedWithATypedError(Endpoint endpoint) {
    Map<String, Integer> outcomes = new TreeMap<>();

    for (int i = 0; i < MUTATIONS; i++) {
      long seed = Damage.SEED + i;
      byte[] mutated = Damage.mutate(endpoint.answer, seed);
      outcomes.merge(attempt(endpoint, mutated, "mutation seed " + seed), 1, Integer::sum);
    }

    System.out.println(endpoint + ", " + MUTATIONS + " mutations: " + outcomes);
    assertThat(outcomes).containsKey(MispMalformedResponseException.class.getSimpleName());
  }

  @ParameterizedTest
  @EnumSource(Endpoint.class)
  void absurdNestingIsMalformedNotAStackOverflow(Endpoint endpoint) {
    Map<String, Integer> outcomes = new TreeMap<>();

    int colons = Damage.colons(endpoint.answer);
    for (int n = 0; n < colons; n += Math.max(1, colons / Damage.NESTING_PLACES)) {
      for (char bracket : new char[] {'[', '{'}) {
        byte[] nested = Damage.nestedAfterColon(endpoint.answer, n, bracket);
        String what = Damage.DEPTH + " x " + bracket + " after colon " + n;
        outcomes.merge(attempt(endpoint, nested, what), 1, Integer::sum);
      }
    }
    byte[] onlyBrackets = "[".repeat(Damage.DEPTH).getBytes(StandardCharsets.UTF_8);
    outcomes.merge(attempt(endpoint, onlyBrackets, "only brackets"), 1, Integer::sum);

    System.out.println(endpoint + ", nested " + Damage.DEPTH + " deep: " + outcomes);
    assertThat(outcomes).containsKey(MispMalformedResponseException.class.getSimpleName());
  }

  @ParameterizedTest
  @EnumSource(Endpoint.class)
  void aConnectionDroppedMidAnswerIsATransportError(Endpoint endpoint) {
    Map<String, Integer> outcomes = new TreeMap<>();

    for (int length = 1; length < endpoint.answer.length; length += 97) {
      answer =
          new MockResponse.Builder()
              .setHeader("Content-Type", "application/json")
              .body(new DroppedAfter(endpoint.answer, length))
              .onResponseBody(new SocketEffect.CloseSocket())
              .build();
      outcomes.merge(run(endpoint, "dropped after byte " + length), 1, Integer::sum);
    }

    System.out.println(endpoint + ", connection dropped mid-answer: " + outcomes);
    assertThat(outcomes).containsOnlyKeys(MispTransportException.class.getSimpleName());
  }

  /** A place in a real-shaped answer where a huge or endless run of text goes. */
  private record Spot(Endpoint endpoint, String start, String end, String path) {}

  private static final String ATTRIBUTE_START =
      "{\"response\":{\"Attribute\":[{\"id\":\"1\",\"event_id\":\"31\",\"uuid\":\"u\","
          + "\"type\":\"text\",\"timestamp\":\"1\",";

  @Test
  void aFiftyMegabyteValueIsMalformedOnceOneMebibyteIsRead() throws InterruptedException {
    List<Spot> spots =
        List.of(
            new Spot(
                Endpoint.SEARCH,
                ATTRIBUTE_START + "\"value\":\"",
                "\"}]}}",
                "$.response.Attribute[0].value"),
            new Spot(
                Endpoint.SEARCH,
                ATTRIBUTE_START + "\"comment\":\"",
                "\"}]}}",
                "$.response.Attribute[0].comment"),
            new Spot(
                Endpoint.SEARCH, ATTRIBUTE_START + "\"", "\":1}]}}", "$.response.Attribute[0]."),
            new Spot(
                Endpoint.SEARCH, ATTRIBUTE_START + "\"id\":", "}]}}", "$.response.Attribute[0].id"),
            new Spot(Endpoint.SEARCH, "{\"response\":", "{\"Attribute\":[]}}", "$.response"),
            new Spot(
                Endpoint.EVENT, "{\"Event\":{\"id\":\"31\",\"info\":\"", "\"}}", "$.Event.info"),
            new Spot(
                Endpoint.EVENT_SUMMARIES,
                "{\"response\":[{\"Event\":{\"id\":\"31\",\"info\":\"",
                "\"}}]}",
                "$.response[0].Event.info"),
            new Spot(Endpoint.VERSION, "{\"version\":\"", "\"}", "$.version"),
            new Spot(Endpoint.TYPES, "{\"result\":{\"types\":[\"", "\"]}}", "$.result.types[0]"));

    for (Spot spot : spots) {
      String filler =
          spot.path().equals("$.response") ? " " : spot.path().endsWith("id") ? "1" : "a";
      GeneratedBody body = new GeneratedBody(spot.start(), filler, FIFTY_MEGABYTES, spot.end());
      answer = generated(200, "application/json", body);

      MispException e = failure(spot.endpoint(), "50 MB at " + spot.path());

      assertThat(e)
          .as(spot.path())
          .isInstanceOfSatisfying(
              MispMalformedResponseException.class,
              malformed -> assertThat(malformed.jsonPath()).startsWith(spot.path()))
          .hasMessageContaining("longer than " + MispClient.MAX_VALUE_BYTES + " bytes");
      assertThat(body.awaitSent()).as(spot.path()).isLessThan(MispClient.MAX_VALUE_BYTES + SLACK);
    }
  }

  @Test
  void aFiftyMegabyteErrorPageIsAServerErrorWithItsStart() throws InterruptedException {
    GeneratedBody body =
        new GeneratedBody("<html><body><h1>Proxy Error</h1>", "a", FIFTY_MEGABYTES, "</body>");
    answer = generated(502, "text/html", body);

    MispException e = failure(Endpoint.SEARCH, "a 50 MB error page");

    assertThat(e)
        .isInstanceOfSatisfying(
            MispServerException.class,
            server -> {
              assertThat(server.statusCode()).isEqualTo(502);
              assertThat(server.serverMessage()).startsWith("<html><body><h1>Proxy Error</h1>aaa");
            });
    assertThat(body.awaitSent()).isLessThan(SLACK);
  }

  @Test
  void aFiftyMegabyteLoginPageIsMalformed() throws InterruptedException {
    GeneratedBody body =
        new GeneratedBody("<!DOCTYPE html><html>", "a", FIFTY_MEGABYTES, "</html>");
    answer = generated(200, "text/html; charset=UTF-8", body);

    MispException e = failure(Endpoint.VERSION, "a 50 MB HTML page");

    assertThat(e)
        .isInstanceOf(MispMalformedResponseException.class)
        .hasMessageContaining("text/html instead of JSON: \"<!DOCTYPE html><html>aaa");
    assertThat(body.awaitSent()).isLessThan(SLACK);
  }

  @Test
  void endlessAnswersAreCutOffAtTheirLimit() throws InterruptedException {
    String attribute =
        "{\"id\":\"%d\",\"event_id\":\"31\",\"uuid\":\"u%<d\",\"type\":\"ip-dst\","
            + "\"timestamp\":\"1617875568\",\"value\":\"192.0.2.1\",\"to_ids\":true},";
    // Long comments, which the client skips, make the event's endless attributes cheap to read.
    String commented =
        attribute.replace("{\"id\"", "{\"comment\":\"" + "c".repeat(16_000) + "\",\"id\"");
    record Endless(Endpoint endpoint, int status, GeneratedBody body, String problem, long limit) {}
    List<Endless> answers =
        List.of(
            new Endless(
                Endpoint.SEARCH,
                200,
                GeneratedBody.beyond(
                    MispClient.MAX_ANSWER_BYTES,
                    "{\"response\":{\"Attribute\":[",
                    i -> String.format(attribute, i + 1)),
                "more attributes than the page limit of 100",
                0),
            new Endless(
                Endpoint.SEARCH,
                200,
                GeneratedBody.beyond(
                    MispClient.MAX_ANSWER_BYTES, ATTRIBUTE_START + "\"value\":\"", "a"),
                "a value longer than " + MispClient.MAX_VALUE_BYTES + " bytes",
                MispClient.MAX_VALUE_BYTES),
            new Endless(
                Endpoint.EVENT,
                200,
                GeneratedBody.beyond(
                    MispClient.MAX_ANSWER_BYTES,
                    "{\"Event\":{\"id\":\"31\",\"uuid\":\"e\",\"timestamp\":\"1\",\"Attribute\":[",
                    i -> String.format(commented, i + 1)),
                "an answer longer than " + MispClient.MAX_ANSWER_BYTES + " bytes",
                MispClient.MAX_ANSWER_BYTES),
            new Endless(
                Endpoint.EVENT_SUMMARIES,
                200,
                GeneratedBody.beyond(
                    MispClient.MAX_ANSWER_BYTES,
                    "{\"response\":[",
                    "{\"Event\":{\"id\":\"31\",\"uuid\":\"e\",\"published\":true,"
                        + "\"timestamp\":\"1\"}},"),
                "more events than the 2 asked for",
                0),
            new Endless(
                Endpoint.VERSION,
                200,
                GeneratedBody.beyond(MispClient.MAX_ANSWER_BYTES, "", " "),
                "more than 65536 bytes of blank space where JSON was expected",
                0),
            new Endless(
                Endpoint.VERSION,
                200,
                GeneratedBody.beyond(MispClient.MAX_ANSWER_BYTES, "{\"version\":", "\n"),
                "longer than " + MispClient.MAX_VALUE_BYTES + " bytes",
                MispClient.MAX_VALUE_BYTES),
            new Endless(
                Endpoint.VERSION,
                500,
                GeneratedBody.beyond(MispClient.MAX_ANSWER_BYTES, "<html>", "Internal error. "),
                "500",
                0));

    for (Endless endless : answers) {
      answer =
          generated(
              endless.status(),
              endless.status() == 200 ? "application/json" : "text/html",
              endless.body());

      MispException e = failure(endless.endpoint(), "endless: " + endless.problem());

      assertThat(e)
          .as(endless.problem())
          .isInstanceOf(
              endless.status() == 200
                  ? MispMalformedResponseException.class
                  : MispServerException.class)
          .hasMessageContaining(endless.problem());
      assertThat(endless.body().awaitSent())
          .as(endless.problem())
          .isGreaterThanOrEqualTo(endless.limit())
          .isLessThan(endless.limit() + SLACK);
    }
  }

  @Test
  void aTimestampBeyondTheRangeOfATimeIsMalformed() {
    answer =
        json(
            (ATTRIBUTE_START.replace("\"timestamp\":\"1\"", "\"timestamp\":\"99999999999999999\"")
                    + "\"value\":\"x\"}]}}")
                .getBytes(StandardCharsets.UTF_8));

    MispException e = failure(Endpoint.SEARCH, "a timestamp in the year 3 billion");

    assertThat(e)
        .isInstanceOfSatisfying(
            MispMalformedResponseException.class,
            malformed ->
                assertThat(malformed.jsonPath()).isEqualTo("$.response.Attribute[0].timestamp"))
        .hasMessageContaining("99999999999999999 seconds is beyond the range of a time");
  }

  @Test
  void aHugeSkippedCountIsNotTakenForTheEnd() {
    queued.add(
        MispFixtures.page(1, 2)
            .newBuilder()
            .setHeader("X-Skipped-Elements-Count", Integer.MAX_VALUE)
            .build());
    queued.add(MispFixtures.page(3, 1, 0));

    List<MispAttribute> attributes =
        client.searchAttributes(AttributeQuery.builder().pageSize(100).build()).toList();

    assertThat(attributes).extracting(MispAttribute::id).containsExactly(1L, 2L, 3L);
  }

  @Test
  void aChunkedAnswerBrokenOffIsATransportErrorAndOneEndedEarlyIsMalformed() throws IOException {
    String head =
        "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n";
    String json = "{\"response\":{\"Attribute\":[";
    String chunk = Integer.toHexString(json.length()) + "\r\n" + json + "\r\n";
    try (SlowServer server =
        new SlowServer(
            SlowServer.Answer.brokenOffAfter(head + chunk + "1"),
            SlowServer.Answer.brokenOffAfter(head + "ff\r\n" + json),
            SlowServer.Answer.brokenOffAfter(head + chunk + "0\r\n\r\n"))) {
      MispClient broken = MispClient.builder().baseUrl(server.url()).apiKey(KEY).http(HTTP).build();
      Endpoint search = Endpoint.SEARCH;

      String inChunkSize = run(search, broken, "broken off in a chunk's size");
      String inChunk = run(search, broken, "broken off in a chunk");
      String endedEarly = run(search, broken, "ended by its last chunk before its JSON did");

      assertThat(inChunkSize).isEqualTo(MispTransportException.class.getSimpleName());
      assertThat(inChunk).isEqualTo(MispTransportException.class.getSimpleName());
      assertThat(endedEarly).isEqualTo(MispMalformedResponseException.class.getSimpleName());
    }
  }

  /** Serves {@code body} as a JSON answer to one call of {@code endpoint} and says how it ended. */
  private String attempt(Endpoint endpoint, byte[] body, String what) {
    answer = json(body);
    return run(endpoint, what + " (" + Damage.excerpt(body) + ")");
  }

  private String run(Endpoint endpoint, String what) {
    return run(endpoint, client, what);
  }

  private String run(Endpoint endpoint, MispClient client, String what) {
    TRIED.incrementAndGet();
    try {
      endpoint.call.accept(client);
      return "read";
    } catch (MispException e) {
      assertThat(e.serverUrl()).as(what).isEqualTo(client.baseUrl());
      assertThat(e.getMessage()).as(what).isNotBlank().doesNotContain(KEY);
      return e.getClass().getSimpleName();
    } catch (RuntimeException | Error e) {
      throw new AssertionError(endpoint + ", " + what + ": " + e, e);
    }
  }

  /** Runs one call of {@code endpoint} that must fail, and returns its exception. */
  private MispException failure(Endpoint endpoint, String what) {
    TRIED.incrementAndGet();
    try {
      endpoint.call.accept(client);
    } catch (MispException e) {
      checkMessage(e, what);
      return e;
    } catch (RuntimeException | Error e) {
      throw new AssertionError(endpoint + ", " + what + ": " + e, e);
    }
    throw new AssertionError(endpoint + ", " + what + ": read without a failure");
  }

  private void checkMessage(MispException e, String what) {
    assertThat(e.serverUrl()).as(what).isEqualTo(MispFixtures.baseUrl(server));
    assertThat(e.getMessage()).as(what).isNotBlank().doesNotContain(KEY);
  }

  private static MockResponse generated(int code, String contentType, GeneratedBody body) {
    return new MockResponse.Builder()
        .code(code)
        .setHeader("Content-Type", contentType)
        .setHeader("Connection", "close")
        .body(body)
        .build();
  }

  private static MockResponse json(byte[] body) {
    return new MockResponse.Builder()
        .setHeader("Content-Type", "application/json; charset=UTF-8")
        .setHeader("X-Skipped-Elements-Count", "0")
        // A fresh connection for each answer: one reused after a body read to its end waits for
        // delayed acknowledgements, tens of milliseconds an answer.
        .setHeader("Connection", "close")
        .body(new Buffer().write(body))
        .build();
  }

  private static byte[] resource(String name) {
    try (InputStream in =
        Objects.requireNonNull(
            MispHostileAnswersTest.class.getResourceAsStream("/answers/" + name), name)) {
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Promises twice {@code length} bytes of the answer and its padding. MockWebServer closes the
   * socket halfway through a body with {@link SocketEffect.CloseSocket} on the response body, so
   * the client receives exactly {@code length} bytes and then a closed connection.
   */
  private static final class DroppedAfter implements MockResponseBody {
    private final byte[] answer;
    private final int length;

    DroppedAfter(byte[] answer, int length) {
      this.answer = answer;
      this.length = length;
    }

    @Override
    public long getContentLength() {
      return 2L * length;
    }

    @Override
    public void writeTo(BufferedSink sink) throws IOException {
      int fromAnswer = Math.min(answer.length, 2 * length);
      sink.write(answer, 0, fromAnswer);
      for (int i = fromAnswer; i < 2 * length; i++) {
        sink.writeByte(' ');
      }
    }
  }
}
