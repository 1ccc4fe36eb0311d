package org.iocsync.qradar;

import static org.assertj.core.api.Assertions.assertThat;

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
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.Predicate;
import mockwebserver3.Dispatcher;
import mockwebserver3.MockResponse;
import mockwebserver3.MockResponseBody;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import mockwebserver3.SocketEffect;
import okhttp3.HttpUrl;
import okio.Buffer;
import okio.BufferedSink;
import org.iocsync.http.HttpSettings;
import org.iocsync.testkit.Damage;
import org.iocsync.testkit.GeneratedBody;
import org.iocsync.testkit.SlowServer;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Real-shaped QRadar answers of both reference data APIs, damaged every way a broken server, proxy
 * or network damages them: each operation either reads what survived or fails with a {@link
 * QradarException}, never with anything else, in bounded memory and time.
 */
@Timeout(60)
class QradarHostileAnswersTest {
  private static final int MUTATIONS = Damage.mutations(300);

  /** Every damaged answer served by this class's tests. */
  private static final AtomicLong TRIED = new AtomicLong();

  /** What socket buffers hold beyond what the client read when it hung up. */
  private static final long SLACK = 16L * 1024 * 1024;

  private static final long FIFTY_MEGABYTES = 50L * 1000 * 1000;

  private static final String SET = "MISP malicious IPs";
  private static final List<String> VALUES =
      List.of("203.0.113.17", "198.51.100.23", "2001:db8::7");

  private static final HttpSettings HTTP =
      HttpSettings.builder()
          .readTimeout(Duration.ofSeconds(10))
          .callTimeout(Duration.ofSeconds(30))
          .build();

  /** An endpoint: which requests it answers, and its real answer. */
  enum Route {
    VERSIONS("GET", url -> url.encodedPath().equals("/api/help/versions"), 200, "help-versions"),
    LEGACY_LIST(
        "GET", url -> url.encodedPath().equals("/api/reference_data/sets"), 200, "legacy-sets"),
    LEGACY_DATA(
        "GET",
        url ->
            url.encodedPath().startsWith("/api/reference_data/sets/")
                && String.valueOf(url.queryParameter("fields")).startsWith("data"),
        200,
        "legacy-set-data"),
    LEGACY_SET(
        "GET", url -> url.encodedPath().startsWith("/api/reference_data/sets/"), 200, "legacy-set"),
    LEGACY_BULK_LOAD(
        "POST",
        url -> url.encodedPath().startsWith("/api/reference_data/sets/bulk_load/"),
        200,
        "legacy-bulk-load"),
    LEGACY_BULK_LOAD_REFUSED(
        "POST",
        url -> url.encodedPath().startsWith("/api/reference_data/sets/bulk_load/"),
        422,
        "error-1005"),
    LEGACY_PURGE(
        "DELETE",
        url -> url.encodedPath().startsWith("/api/reference_data/sets/"),
        202,
        "legacy-task"),
    LEGACY_TASK(
        "GET",
        url -> url.encodedPath().startsWith("/api/reference_data/set_delete_tasks/"),
        200,
        "legacy-task"),
    COLLECTIONS_SETS(
        "GET",
        url -> url.encodedPath().equals("/api/reference_data_collections/sets"),
        200,
        "collections-sets"),
    COLLECTIONS_UNAVAILABLE(
        "GET",
        url -> url.encodedPath().equals("/api/reference_data_collections/sets"),
        503,
        "error-503"),
    COLLECTIONS_ENTRIES(
        "GET",
        url -> url.encodedPath().equals("/api/reference_data_collections/set_entries"),
        200,
        "collections-entries"),
    COLLECTIONS_PATCH(
        "PATCH",
        url -> url.encodedPath().equals("/api/reference_data_collections/set_entries"),
        202,
        "collections-task"),
    COLLECTIONS_RESULTS(
        "GET",
        url ->
            url.encodedPath().startsWith("/api/reference_data_collections/set_bulk_update_tasks/")
                && url.encodedPath().endsWith("/results"),
        200,
        "collections-results"),
    COLLECTIONS_TASK(
        "GET",
        url ->
            url.encodedPath().startsWith("/api/reference_data_collections/set_bulk_update_tasks/"),
        200,
        "collections-task"),
    COLLECTIONS_DELETE_ENTRY(
        "DELETE",
        url -> url.encodedPath().startsWith("/api/reference_data_collections/set_entries/"),
        204,
        null);

    final String method;
    final Predicate<HttpUrl> matches;
    final int status;
    final byte[] answer;

    Route(String method, Predicate<HttpUrl> matches, int status, @Nullable String resource) {
      this.method = method;
      this.matches = matches;
      this.status = status;
      this.answer = resource == null ? new byte[0] : resource(resource);
    }

    boolean answers(RecordedRequest request) {
      return request.getMethod().equals(method) && matches.test(request.getUrl());
    }

    /** The undamaged answer; tasks are done at once, unless their start is the one damaged. */
    byte[] undamaged() {
      if (this == LEGACY_PURGE
          || this == LEGACY_TASK
          || this == COLLECTIONS_PATCH
          || this == COLLECTIONS_TASK) {
        return new String(answer, StandardCharsets.UTF_8)
            .replace("QUEUED", "COMPLETED")
            .getBytes(StandardCharsets.UTF_8);
      }
      return answer;
    }
  }

  /** The order in which routes are tried: the first that answers a request serves it. */
  private static final List<Route> ROUTING =
      List.of(
          Route.VERSIONS,
          Route.LEGACY_LIST,
          Route.LEGACY_DATA,
          Route.LEGACY_BULK_LOAD,
          Route.LEGACY_SET,
          Route.LEGACY_PURGE,
          Route.LEGACY_TASK,
          Route.COLLECTIONS_SETS,
          Route.COLLECTIONS_ENTRIES,
          Route.COLLECTIONS_PATCH,
          Route.COLLECTIONS_RESULTS,
          Route.COLLECTIONS_TASK,
          Route.COLLECTIONS_DELETE_ENTRY);

  /** An operation of the client, and the route whose answer the tests damage. */
  enum Operation {
    CONNECTION_CHECK(Route.VERSIONS, null, client -> client.testConnection()),
    LEGACY_LIST(Route.LEGACY_LIST, "14.0", client -> client.referenceSets().list()),
    LEGACY_FIND(Route.LEGACY_SET, "14.0", client -> client.referenceSets().find(SET)),
    LEGACY_ENTRIES(
        Route.LEGACY_DATA, "14.0", client -> client.referenceSets().entries(SET).toList()),
    LEGACY_ADD(Route.LEGACY_BULK_LOAD, "14.0", client -> client.referenceSets().add(SET, VALUES)),
    LEGACY_ADD_REFUSED(
        Route.LEGACY_BULK_LOAD_REFUSED, "14.0", client -> client.referenceSets().add(SET, VALUES)),
    LEGACY_PURGE(Route.LEGACY_PURGE, "14.0", client -> client.referenceSets().purge(SET)),
    COLLECTIONS_FIND(Route.COLLECTIONS_SETS, "20.0", client -> client.referenceSets().find(SET)),
    COLLECTIONS_UNAVAILABLE(
        Route.COLLECTIONS_UNAVAILABLE, "20.0", client -> client.referenceSets().find(SET)),
    COLLECTIONS_ENTRIES(
        Route.COLLECTIONS_ENTRIES, "20.0", client -> client.referenceSets().entries(SET).toList()),
    COLLECTIONS_ADD(
        Route.COLLECTIONS_PATCH, "20.0", client -> client.referenceSets().add(SET, VALUES)),
    COLLECTIONS_ADD_RESULTS(
        Route.COLLECTIONS_RESULTS, "20.0", client -> client.referenceSets().add(SET, VALUES)),
    COLLECTIONS_PRESENT(
        Route.COLLECTIONS_ENTRIES, "20.0", client -> client.referenceSets().present(SET, VALUES)),
    COLLECTIONS_REMOVE(
        Route.COLLECTIONS_ENTRIES, "20.0", client -> client.referenceSets().removeAll(SET, VALUES));

    final Route victim;
    final @Nullable String version;
    final Consumer<QradarClient> call;

    Operation(Route victim, @Nullable String version, Consumer<QradarClient> call) {
      this.victim = victim;
      this.version = version;
      this.call = call;
    }

    /**
     * What the undamaged answer makes of the call: values refused one by one are a result, a 503 a
     * server error.
     */
    String undamagedOutcome() {
      return victim.status == 503 ? QradarServerException.class.getSimpleName() : "read";
    }

    /** The failure that a damaged answer makes, when it fails. */
    String damagedOutcome() {
      return switch (victim.status) {
        case 422 -> ValueRejectedException.class.getSimpleName();
        case 503 -> QradarServerException.class.getSimpleName();
        default -> QradarMalformedResponseException.class.getSimpleName();
      };
    }
  }

  private final MockWebServer server = new MockWebServer();
  private volatile @Nullable Route victim;
  private volatile MockResponse damaged = new MockResponse.Builder().code(599).build();

  @BeforeEach
  void startServer() throws IOException {
    server.setDispatcher(
        new Dispatcher() {
          @Override
          public MockResponse dispatch(RecordedRequest request) {
            if (victim != null && victim.answers(request)) {
              return damaged;
            }
            for (Route route : ROUTING) {
              if (route.answers(request)) {
                return answer(route, route.undamaged());
              }
            }
            return new MockResponse.Builder().code(599).body("no route").build();
          }
        });
    server.start(InetAddress.getByName("127.0.0.1"), 0);
  }

  @AfterEach
  void stopServer() {
    server.close();
  }

  @AfterAll
  static void sayHowManyInputsWereTried() {
    System.out.println(
        "qradar-client: "
            + TRIED.get()
            + " malformed answers tried (base seed "
            + Damage.SEED
            + ", "
            + MUTATIONS
            + " mutations per answer)");
  }

  private QradarClient client(Operation operation) {
    QradarClient.Builder builder =
        QradarClient.builder()
            .baseUrl("http://127.0.0.1:" + server.getPort() + "/")
            .token(Mock.TOKEN)
            .taskPollInterval(Duration.ofMillis(5))
            .taskDeadline(Duration.ofSeconds(2))
            .http(HTTP);
    if (operation.version != null) {
      builder.apiVersion(operation.version);
    }
    return builder.build();
  }

  @ParameterizedTest
  @EnumSource(Operation.class)
  void readsTheUndamagedAnswer(Operation operation) {
    QradarClient client = client(operation);

    String outcome = run(operation, client, operation.victim.answer, "undamaged");

    assertThat(outcome).isEqualTo(operation.undamagedOutcome());
  }

  @ParameterizedTest
  @EnumSource(Operation.class)
  void anAnswerCutAnywhereIsRefusedWithATypedError(Operation operation) {
    QradarClient client = client(operation);
    byte[] answer = operation.victim.answer;
    Map<String, Integer> outcomes = new TreeMap<>();
    int stride = (answer.length + Damage.CUTS - 1) / Damage.CUTS;

    int cuts = 0;
    for (int length = 0; length < answer.length; length += stride) {
      byte[] cut = Arrays.copyOf(answer, length);
      outcomes.merge(run(operation, client, cut, "cut at byte " + length), 1, Integer::sum);
      cuts++;
    }

    System.out.println(operation + ", cut at " + cuts + " places: " + outcomes);
    assertThat(outcomes).containsOnlyKeys(operation.damagedOutcome()).containsValue(cuts);
  }

  @ParameterizedTest
  @EnumSource(Operation.class)
  void mutatedAnswersAreReadOrRefusedWithATypedError(Operation operation) {
    QradarClient client = client(operation);
    Map<String, Integer> outcomes = new TreeMap<>();

    for (int i = 0; i < MUTATIONS; i++) {
      long seed = Damage.SEED + i;
      byte[] mutated = Damage.mutate(operation.victim.answer, seed);
      outcomes.merge(run(operation, client, mutated, "mutation seed " + seed), 1, Integer::sum);
    }

    System.out.println(operation + ", " + MUTATIONS + " mutations: " + outcomes);
    assertThat(outcomes).containsKey(operation.damagedOutcome());
  }

  @ParameterizedTest
  @EnumSource(Operation.class)
  void absurdNestingIsRefusedNotAStackOverflow(Operation operation) {
    QradarClient client = client(operation);
    byte[] answer = operation.victim.answer;
    Map<String, Integer> outcomes = new TreeMap<>();

    int colons = Damage.colons(answer);
    for (int n = 0; n < colons; n += Math.max(1, colons / Damage.NESTING_PLACES)) {
      for (char bracket : new char[] {'[', '{'}) {
        byte[] nested = Damage.nestedAfterColon(answer, n, bracket);
        String what = Damage.DEPTH + " x " + bracket + " after colon " + n;
        outcomes.merge(run(operation, client, nested, what), 1, Integer::sum);
      }
    }
    byte[] onlyBrackets = "[".repeat(Damage.DEPTH).getBytes(StandardCharsets.UTF_8);
    outcomes.merge(run(operation, client, onlyBrackets, "only brackets"), 1, Integer::sum);

    System.out.println(operation + ", nested " + Damage.DEPTH + " deep: " + outcomes);
    assertThat(outcomes).containsKey(operation.damagedOutcome());
  }

  @ParameterizedTest
  @EnumSource(Operation.class)
  void aConnectionDroppedMidAnswerIsATransportError(Operation operation) {
    QradarClient client = client(operation);
    byte[] answer = operation.victim.answer;
    Map<String, Integer> outcomes = new TreeMap<>();

    for (int length = 1; length < answer.length; length += 37) {
      victim = operation.victim;
      damaged =
          answer(operation.victim, new Buffer())
              .newBuilder()
              .body(new DroppedAfter(answer, length))
              .onResponseBody(new SocketEffect.CloseSocket())
              .build();
      outcomes.merge(run(operation, client, "dropped after byte " + length), 1, Integer::sum);
    }

    System.out.println(operation + ", connection dropped mid-answer: " + outcomes);
    assertThat(outcomes).containsOnlyKeys(QradarTransportException.class.getSimpleName());
  }

  /** A place in a real-shaped answer where a huge or endless run of text goes. */
  private record Spot(Operation operation, String start, String end) {}

  @Test
  void aFiftyMegabyteValueIsMalformedOnceTheAnswerLimitIsRead() throws InterruptedException {
    List<Spot> spots =
        List.of(
            new Spot(Operation.CONNECTION_CHECK, "[{\"version\":\"", "\"}]"),
            new Spot(Operation.LEGACY_ENTRIES, "{\"data\":[{\"value\":\"", "\"}]}"),
            new Spot(
                Operation.LEGACY_PURGE, "{\"id\":12,\"status\":\"QUEUED\",\"message\":\"", "\"}"),
            new Spot(Operation.COLLECTIONS_ENTRIES, "[{\"id\":100,\"value\":\"", "\"}]"));

    for (Spot spot : spots) {
      GeneratedBody body = new GeneratedBody(spot.start(), "a", FIFTY_MEGABYTES, spot.end());
      QradarException e =
          failure(spot.operation(), generated(spot.operation().victim, body), "50 MB");

      assertThat(e)
          .as(spot.operation().name())
          .isInstanceOf(QradarMalformedResponseException.class)
          .hasMessageContaining("is larger than " + BoundedBodies.MAX_BODY_BYTES + " bytes");
      assertThat(body.awaitSent())
          .as(spot.operation().name())
          .isBetween(BoundedBodies.MAX_BODY_BYTES, BoundedBodies.MAX_BODY_BYTES + SLACK);
    }
  }

  @Test
  void aFiftyMegabyteErrorPageIsAServerErrorWithItsStart() throws InterruptedException {
    GeneratedBody body =
        new GeneratedBody("<html><body><h1>Proxy Error</h1>", "a", FIFTY_MEGABYTES, "</body>");
    MockResponse page =
        new MockResponse.Builder()
            .code(502)
            .setHeader("Content-Type", "text/html")
            .setHeader("Connection", "close")
            .body(body)
            .build();

    QradarException e = failure(Operation.COLLECTIONS_FIND, page, "a 50 MB error page");

    assertThat(e)
        .isInstanceOf(QradarServerException.class)
        .hasMessageContaining("502")
        .hasMessageContaining("«<html><body><h1>Proxy Error</h1>aaa");
    assertThat(body.awaitSent()).isLessThan(BoundedBodies.MAX_ERROR_BODY_BYTES + SLACK);
  }

  @Test
  void endlessAnswersAreCutOffAtTheAnswerLimit() throws InterruptedException {
    String entry =
        "{\"id\":%d,\"collection_id\":3,\"value\":\"192.0.2.1\",\"source\":\"IOC Sync\","
            + "\"first_seen\":1617875568000,\"last_seen\":1617875600000},";
    List<GeneratedBody> bodies =
        List.of(
            GeneratedBody.beyond(BoundedBodies.MAX_BODY_BYTES, "[", i -> String.format(entry, i)),
            GeneratedBody.beyond(BoundedBodies.MAX_BODY_BYTES, "", " "));
    List<Operation> operations = List.of(Operation.COLLECTIONS_ENTRIES, Operation.CONNECTION_CHECK);

    for (int i = 0; i < bodies.size(); i++) {
      Operation operation = operations.get(i);
      GeneratedBody body = bodies.get(i);

      QradarException e = failure(operation, generated(operation.victim, body), "endless");

      assertThat(e)
          .as(operation.name())
          .isInstanceOf(QradarMalformedResponseException.class)
          .hasMessageContaining("is larger than " + BoundedBodies.MAX_BODY_BYTES + " bytes");
      assertThat(body.awaitSent())
          .as(operation.name())
          .isBetween(BoundedBodies.MAX_BODY_BYTES, BoundedBodies.MAX_BODY_BYTES + SLACK);
    }
  }

  @Test
  void anEndlessErrorAnswerIsAServerErrorAfterItsStart() throws InterruptedException {
    GeneratedBody body =
        GeneratedBody.beyond(
            BoundedBodies.MAX_BODY_BYTES, "{\"message\":\"overloaded\",\"x\":\"", "y");
    MockResponse endless =
        new MockResponse.Builder()
            .code(503)
            .setHeader("Content-Type", "application/json")
            .setHeader("Connection", "close")
            .body(body)
            .build();

    QradarException e = failure(Operation.COLLECTIONS_FIND, endless, "an endless error answer");

    assertThat(e).isInstanceOf(QradarServerException.class).hasMessageContaining("503");
    assertThat(body.awaitSent()).isLessThan(BoundedBodies.MAX_ERROR_BODY_BYTES + SLACK);
  }

  @Test
  void aContentRangeWithNumbersBeyondALongIsMalformed() {
    QradarClient client = client(Operation.COLLECTIONS_ENTRIES);
    victim = Route.COLLECTIONS_ENTRIES;
    damaged =
        answer(Route.COLLECTIONS_ENTRIES, Route.COLLECTIONS_ENTRIES.answer)
            .newBuilder()
            .setHeader("Content-Range", "items 0-2/99999999999999999999")
            .build();

    String outcome = run(Operation.COLLECTIONS_ENTRIES, client, "a total beyond a long");

    assertThat(outcome).isEqualTo(QradarMalformedResponseException.class.getSimpleName());
  }

  @Test
  void aChunkedAnswerBrokenOffIsATransportErrorAndOneEndedEarlyIsMalformed() throws IOException {
    String head =
        "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n";
    String json = "[{\"id\":3,\"name\":\"MISP";
    String chunk = Integer.toHexString(json.length()) + "\r\n" + json + "\r\n";
    try (SlowServer server =
        new SlowServer(
            SlowServer.Answer.brokenOffAfter(head + chunk + "1"),
            SlowServer.Answer.brokenOffAfter(head + "ff\r\n" + json),
            SlowServer.Answer.brokenOffAfter(head + chunk + "0\r\n\r\n"))) {
      QradarClient broken =
          QradarClient.builder()
              .baseUrl(server.url())
              .token(Mock.TOKEN)
              .apiVersion("20.0")
              .http(HTTP)
              .build();
      Operation find = Operation.COLLECTIONS_FIND;

      String inChunkSize = run(find, broken, "broken off in a chunk's size");
      String inChunk = run(find, broken, "broken off in a chunk");
      String endedEarly = run(find, broken, "ended by its last chunk before its JSON did");

      assertThat(inChunkSize).isEqualTo(QradarTransportException.class.getSimpleName());
      assertThat(inChunk).isEqualTo(QradarTransportException.class.getSimpleName());
      assertThat(endedEarly).isEqualTo(QradarMalformedResponseException.class.getSimpleName());
    }
  }

  /** Serves {@code body} as the damaged answer of the operation's route, and runs it once. */
  private String run(Operation operation, QradarClient client, byte[] body, String what) {
    victim = operation.victim;
    damaged = answer(operation.victim, body);
    return run(operation, client, what + " (" + Damage.excerpt(body) + ")");
  }

  private String run(Operation operation, QradarClient client, String what) {
    TRIED.incrementAndGet();
    try {
      operation.call.accept(client);
      return "read";
    } catch (QradarException e) {
      assertThat(e.getMessage()).as(what).isNotBlank().doesNotContain(Mock.TOKEN);
      return e.getClass().getSimpleName();
    } catch (RuntimeException | Error e) {
      throw new AssertionError(operation + ", " + what + ": " + e, e);
    }
  }

  /** Serves {@code answer} on the operation's route and runs it once; it must fail. */
  private QradarException failure(Operation operation, MockResponse answer, String what) {
    QradarClient client = client(operation);
    victim = operation.victim;
    damaged = answer;
    TRIED.incrementAndGet();
    try {
      operation.call.accept(client);
    } catch (QradarException e) {
      assertThat(e.getMessage()).as(what).isNotBlank().doesNotContain(Mock.TOKEN);
      return e;
    } catch (RuntimeException | Error e) {
      throw new AssertionError(operation + ", " + what + ": " + e, e);
    }
    throw new AssertionError(operation + ", " + what + ": read without a failure");
  }

  private static MockResponse answer(Route route, byte[] body) {
    return answer(route, new Buffer().write(body));
  }

  private static MockResponse answer(Route route, Buffer body) {
    MockResponse.Builder answer =
        new MockResponse.Builder()
            .code(route.status)
            // A fresh connection for each answer: one reused after a body read to its end waits
            // for delayed acknowledgements, tens of milliseconds an answer.
            .setHeader("Connection", "close");
    if (route.status != 204) {
      answer.setHeader("Content-Type", "application/json;charset=UTF-8").body(body);
    }
    if (route == Route.LEGACY_LIST || route == Route.LEGACY_DATA) {
      answer.setHeader("Content-Range", "items 0-2/3");
    }
    if (route == Route.COLLECTIONS_ENTRIES) {
      answer.setHeader("Content-Range", "items 0-2/3");
    }
    return answer.build();
  }

  private static MockResponse generated(Route route, GeneratedBody body) {
    return answer(route, new Buffer()).newBuilder().body(body).build();
  }

  private static byte[] resource(String name) {
    try (InputStream in =
        Objects.requireNonNull(
            QradarHostileAnswersTest.class.getResourceAsStream("/answers/" + name + ".json"),
            name)) {
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
