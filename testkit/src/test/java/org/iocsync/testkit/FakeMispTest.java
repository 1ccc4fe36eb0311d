package org.iocsync.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class FakeMispTest {
  private static final Instant START = Instant.parse("2024-06-01T12:00:00Z");

  private final Http.ManualClock clock = new Http.ManualClock(START);
  private final FakeMisp misp = FakeMisp.builder().clock(clock).start();

  @AfterEach
  void stop() {
    misp.close();
  }

  private Http.Answer get(String path) throws IOException {
    return Http.call(
        Http.request(misp.url() + path).header("Authorization", misp.apiKey()).build());
  }

  private Http.Answer search(FakeMisp server, String body) throws IOException {
    return Http.call(
        Http.request(server.url() + "/attributes/restSearch")
            .header("Authorization", server.apiKey())
            .post(Http.json(body))
            .build());
  }

  @SuppressWarnings("unchecked")
  private static List<Map<String, Object>> attributes(Http.Answer answer) {
    assertThat(answer.code()).as(answer.body()).isEqualTo(200);
    return (List<Map<String, Object>>)
        ((Map<String, Object>) answer.object().get("response")).get("Attribute");
  }

  @Test
  void refusesAMissingOrWrongKeyWith403Json() throws IOException {
    Http.Answer missing = Http.call(Http.request(misp.url() + "/servers/getVersion").build());
    Http.Answer wrong =
        Http.call(
            Http.request(misp.url() + "/attributes/restSearch")
                .header("Authorization", "x".repeat(40))
                .post(Http.json("{}"))
                .build());

    String message =
        "Authentication failed. Please make sure you pass the API key of an API enabled user along"
            + " in the Authorization header.";
    assertThat(missing.code()).isEqualTo(403);
    assertThat(missing.object())
        .isEqualTo(Map.of("name", message, "message", message, "url", "/servers/getVersion"));
    assertThat(wrong.code()).isEqualTo(403);
    assertThat(wrong.object()).containsEntry("url", "/attributes/restSearch");
  }

  @Test
  void makesUpA40CharacterKeyUnlessGivenOne() {
    try (FakeMisp pinned = FakeMisp.builder().apiKey("my-test-key").start()) {
      assertThat(misp.apiKey()).hasSize(40).matches("[A-Za-z0-9]+");
      assertThat(pinned.apiKey()).isEqualTo("my-test-key");
    }
  }

  @Test
  void servesItsVersion() throws IOException {
    try (FakeMisp old = FakeMisp.builder().version("2.4.190").start()) {
      Http.Answer answer =
          Http.call(
              Http.request(old.url() + "/servers/getVersion.json")
                  .header("Authorization", old.apiKey())
                  .build());

      assertThat(answer.code()).isEqualTo(200);
      assertThat(answer.object()).containsEntry("version", "2.4.190");
    }
    assertThat(get("/servers/getVersion").object()).containsEntry("version", "2.5.1");
  }

  @Test
  @SuppressWarnings("unchecked")
  void servesARealServersDescribeTypes() throws IOException {
    Map<String, Object> result =
        (Map<String, Object>) get("/attributes/describeTypes").object().get("result");

    assertThat((List<String>) result.get("types")).hasSize(194).contains("ip-dst", "domain|ip");
    assertThat(result).containsKeys("categories", "sane_defaults", "category_type_mappings");
  }

  @Test
  void answersUnknownPathsWith404AndWrongMethodsWith405() throws IOException {
    Http.Answer unknown = get("/attributes/nothing");
    Http.Answer wrongMethod = get("/attributes/restSearch");

    assertThat(unknown.code()).isEqualTo(404);
    assertThat(unknown.object()).containsEntry("url", "/attributes/nothing");
    assertThat(wrongMethod.code()).isEqualTo(405);
  }

  @Test
  @SuppressWarnings("unchecked")
  void viewsAnEventWithItsLiveAttributesAndTags() throws IOException {
    long event = misp.addEvent(FakeMisp.event("Viewed event").tags("tlp:green"));
    misp.addAttribute(event, FakeMisp.attribute("ip-dst", "192.0.2.1").tags("c2"));
    misp.addAttribute(event, "domain", "evil.example");
    misp.deleteAttribute(misp.addAttribute(event, "domain", "deleted.example"));

    Http.Answer answer = get("/events/view/" + event);

    assertThat(answer.code()).isEqualTo(200);
    Map<String, Object> body = (Map<String, Object>) answer.object().get("Event");
    assertThat(body)
        .containsEntry("id", "1")
        .containsEntry("info", "Viewed event")
        .containsEntry("published", true)
        .containsEntry("attribute_count", "2")
        .containsEntry("timestamp", Long.toString(START.getEpochSecond()));
    List<Map<String, Object>> attributes = (List<Map<String, Object>>) body.get("Attribute");
    assertThat(attributes)
        .extracting(a -> a.get("value"))
        .containsExactly("192.0.2.1", "evil.example");
    assertThat(attributes.get(0)).containsKey("Tag").doesNotContainKey("Event");
    assertThat(attributes.get(1)).doesNotContainKey("Tag");
    assertThat((List<Object>) body.get("Tag")).hasSize(1);
  }

  @Test
  @SuppressWarnings("unchecked")
  void searchesEventsByIdForTheirMetadata() throws IOException {
    long published = misp.addEvent(FakeMisp.event("Published").tags("tlp:green"));
    long unpublished = misp.addEvent(FakeMisp.event("Draft").published(false));
    misp.addAttribute(published, "ip-dst", "192.0.2.1");

    Http.Answer answer =
        Http.call(
            Http.request(misp.url() + "/events/restSearch")
                .header("Authorization", misp.apiKey())
                .post(
                    Http.json(
                        "{\"eventid\": ["
                            + unpublished
                            + ", 999, "
                            + published
                            + "], \"metadata\": true}"))
                .build());

    assertThat(answer.code()).isEqualTo(200);
    List<Map<String, Object>> events = (List<Map<String, Object>>) answer.object().get("response");
    assertThat(events)
        .extracting(e -> (Map<String, Object>) e.get("Event"))
        .extracting(e -> e.get("id"), e -> e.get("published"), e -> e.containsKey("Attribute"))
        .containsExactly(
            tuple(Long.toString(published), true, false),
            tuple(Long.toString(unpublished), false, false));
    assertThat(events.get(0).get("Event").toString()).contains("timestamp");
  }

  @Test
  void answersAnUnknownEventWith404Json() throws IOException {
    Http.Answer answer = get("/events/view/999");

    assertThat(answer.code()).isEqualTo(404);
    assertThat(answer.object())
        .isEqualTo(
            Map.of("name", "Invalid event", "message", "Invalid event", "url", "/events/view/999"));
  }

  @Test
  void bumpsAttributeAndEventTimestampsOnEveryAttributeChange() {
    long event = misp.addEvent("Changes");
    String uuid = misp.addAttribute(event, "ip-dst", "192.0.2.1");

    clock.advance(Duration.ofMinutes(1));
    misp.editValue(uuid, "192.0.2.2");
    Instant edited = clock.instant();
    FakeMisp.Attribute afterEdit = misp.attribute(uuid).orElseThrow();

    clock.advance(Duration.ofMinutes(1));
    misp.setToIds(uuid, false);
    FakeMisp.Attribute afterToIds = misp.attribute(uuid).orElseThrow();

    clock.advance(Duration.ofMinutes(1));
    misp.tagAttribute(uuid, "false-positive");
    Instant tagged = clock.instant();

    assertThat(afterEdit.value()).isEqualTo("192.0.2.2");
    assertThat(afterEdit.timestamp()).isEqualTo(edited);
    assertThat(afterToIds.toIds()).isFalse();
    assertThat(afterToIds.timestamp()).isEqualTo(edited.plusSeconds(60));
    assertThat(misp.attribute(uuid).orElseThrow().tags()).containsExactly("false-positive");
    assertThat(misp.attribute(uuid).orElseThrow().timestamp()).isEqualTo(tagged);
    assertThat(misp.event(event).orElseThrow().timestamp()).isEqualTo(tagged);

    clock.advance(Duration.ofMinutes(1));
    misp.untagAttribute(uuid, "false-positive");
    misp.deleteAttribute(uuid);

    assertThat(misp.attribute(uuid).orElseThrow().deleted()).isTrue();
    assertThat(misp.attribute(uuid).orElseThrow().tags()).isEmpty();
    assertThat(misp.event(event).orElseThrow().timestamp()).isEqualTo(clock.instant());
  }

  @Test
  void bumpsOnlyTheEventTimestampOnEventChanges() {
    long event = misp.addEvent("Event changes");
    String uuid = misp.addAttribute(event, "ip-dst", "192.0.2.1");

    clock.advance(Duration.ofMinutes(5));
    misp.unpublish(event);

    assertThat(misp.event(event).orElseThrow().published()).isFalse();
    assertThat(misp.event(event).orElseThrow().timestamp()).isEqualTo(clock.instant());
    assertThat(misp.attribute(uuid).orElseThrow().timestamp()).isEqualTo(START);

    clock.advance(Duration.ofMinutes(5));
    misp.publish(event);
    misp.tagEvent(event, "tlp:amber");
    misp.untagEvent(event, "tlp:amber");
    misp.tagEvent(event, "tlp:green");

    assertThat(misp.event(event).orElseThrow().published()).isTrue();
    assertThat(misp.event(event).orElseThrow().tags()).containsExactly("tlp:green");
    assertThat(misp.event(event).orElseThrow().timestamp()).isEqualTo(clock.instant());
  }

  @Test
  void unpublishesOnChangeWhenAskedLikeMispsOwnEditing() {
    try (FakeMisp strict = FakeMisp.builder().unpublishOnChange(true).start()) {
      long event = strict.addEvent("Strict");
      String uuid = strict.addAttribute(event, "ip-dst", "192.0.2.1");

      strict.editValue(uuid, "192.0.2.9");

      assertThat(strict.event(event).orElseThrow().published()).isFalse();
    }
  }

  @Test
  void restoresASoftDeletedAttribute() throws IOException {
    long event = misp.addEvent("Restore");
    String uuid = misp.addAttribute(event, "ip-dst", "192.0.2.1");
    misp.deleteAttribute(uuid);

    misp.restoreAttribute(uuid);

    assertThat(attributes(search(misp, "{}"))).hasSize(1);
  }

  @Test
  void deletesAnEventAndItsAttributesForGood() throws IOException {
    long doomed = misp.addEvent("Doomed");
    long kept = misp.addEvent("Kept");
    String uuid = misp.addAttribute(doomed, "ip-dst", "192.0.2.1");
    misp.addAttribute(kept, "ip-dst", "192.0.2.2");

    misp.deleteEvent(doomed);

    assertThat(attributes(search(misp, "{\"deleted\": [0, 1]}")))
        .extracting(a -> a.get("value"))
        .containsExactly("192.0.2.2");
    assertThat(misp.attribute(uuid)).isEmpty();
    assertThat(misp.event(doomed)).isEmpty();
    assertThat(get("/events/view/" + doomed).code()).isEqualTo(404);
    assertThatThrownBy(() -> misp.editValue(uuid, "x"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("No attribute has UUID " + uuid);
  }

  @Test
  void refusesUnknownTypesEventsAndTakenUuids() {
    long event = misp.addEvent("Checks");
    misp.addAttribute(
        event,
        FakeMisp.attribute("md5", "d41d8cd98f00b204e9800998ecf8427e")
            .uuid("5B0D1A9E-3C4F-4A5B-8C6D-7E8F9A0B1C2D"));

    assertThatThrownBy(() -> misp.addAttribute(event, "ipv4", "192.0.2.1"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("MISP has no attribute type \"ipv4\"");
    assertThatThrownBy(() -> misp.addAttribute(42, "ip-dst", "192.0.2.1"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("No event has id 42");
    assertThatThrownBy(
            () ->
                misp.addAttribute(
                    event,
                    FakeMisp.attribute("ip-dst", "192.0.2.1")
                        .uuid("5b0d1a9e-3c4f-4a5b-8c6d-7e8f9a0b1c2d")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("exists already");
    assertThatThrownBy(
            () -> misp.addAttribute(event, FakeMisp.attribute("ip-dst", "x").category("Nope")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("MISP has no category \"Nope\"");
  }

  @Test
  void takesMispsDefaultCategoryAndToIdsForEachType() {
    long event = misp.addEvent("Defaults");

    FakeMisp.Attribute ip =
        misp.attribute(misp.addAttribute(event, "ip-dst", "192.0.2.1")).orElseThrow();
    FakeMisp.Attribute as = misp.attribute(misp.addAttribute(event, "AS", "AS64496")).orElseThrow();
    FakeMisp.Attribute md5 =
        misp.attribute(misp.addAttribute(event, "md5", "d41d8cd98f00b204e9800998ecf8427e"))
            .orElseThrow();

    assertThat(ip.category()).isEqualTo("Network activity");
    assertThat(ip.toIds()).isTrue();
    assertThat(as.toIds()).isFalse();
    assertThat(md5.category()).isEqualTo("Payload delivery");
  }

  @Test
  void seedsVariedUniqueValuesTheSameWayForTheSameSeed() throws IOException {
    misp.seed(20_000, 7);
    Map<String, Set<String>> valuesByType = new HashMap<>();
    Set<String> uuids = new HashSet<>();
    List<Object> firstPage = null;

    for (int page = 1; ; page++) {
      List<Map<String, Object>> attributes =
          attributes(search(misp, "{\"limit\": 1000, \"page\": " + page + "}"));
      if (attributes.isEmpty()) {
        break;
      }
      if (firstPage == null) {
        firstPage = new ArrayList<>(attributes);
      }
      for (Map<String, Object> attribute : attributes) {
        String type = (String) attribute.get("type");
        assertThat(
                valuesByType
                    .computeIfAbsent(type, t -> new HashSet<>())
                    .add((String) attribute.get("value")))
            .as("value repeated: " + attribute)
            .isTrue();
        assertThat(uuids.add((String) attribute.get("uuid"))).isTrue();
      }
    }

    assertThat(uuids).hasSize(20_000);
    assertThat(valuesByType).containsKeys(SeedData.TYPES).hasSize(SeedData.TYPES.length);
    assertThat(valuesByType.get("ip-dst"))
        .anyMatch(v -> v.contains(":"))
        .anyMatch(v -> v.contains("."));
    assertThat(misp.event(20).orElseThrow().attributeCount()).isEqualTo(1000);
    assertThat(misp.event(21)).isEmpty();
    try (FakeMisp twin = FakeMisp.builder().clock(clock).start()) {
      twin.seed(20_000, 7);
      assertThat(attributes(search(twin, "{\"limit\": 1000, \"page\": 1}"))).isEqualTo(firstPage);
    }
  }

  @Test
  void findsSeededAttributesByUuidAndChangesThem() throws IOException {
    misp.seed(5_000);
    Map<String, Object> seeded = attributes(search(misp, "{\"limit\": 1, \"page\": 4321}")).get(0);
    String uuid = (String) seeded.get("uuid");

    misp.editValue(uuid, "edited.example");

    FakeMisp.Attribute attribute = misp.attribute(uuid).orElseThrow();
    assertThat(attribute.id()).isEqualTo(4321);
    assertThat(attribute.value()).isEqualTo("edited.example");
    assertThat(misp.attribute("00000000-0000-4000-8000-000000000000")).isEmpty();
  }

  @Test
  void holdsAMillionSeededAttributesInLittleHeap() throws IOException {
    Runtime runtime = Runtime.getRuntime();
    long before = usedHeapAfterGc(runtime);

    misp.seed(1_000_000);
    long after = usedHeapAfterGc(runtime);
    List<Map<String, Object>> last = attributes(search(misp, "{\"limit\": 1000, \"page\": 1000}"));

    assertThat(misp.attributeCount()).isEqualTo(1_000_000);
    assertThat(last).hasSize(1000);
    assertThat(last.get(999)).containsEntry("id", "1000000");
    assertThat(after - before).as("heap used by a million attributes").isLessThan(64L << 20);
  }

  private static long usedHeapAfterGc(Runtime runtime) {
    System.gc();
    System.gc();
    return runtime.totalMemory() - runtime.freeMemory();
  }

  @Test
  void addsSampleEventsWithHostileAndInvalidValues() throws IOException {
    misp.addSamples();

    List<Map<String, Object>> all = attributes(search(misp, "{\"deleted\": [0, 1]}"));

    assertThat(all)
        .extracting(a -> a.get("value"))
        .contains("107.183.86", "01.2.3.4", "http://evil.example/<script>alert(1)</script>");
    assertThat(all).anyMatch(a -> Boolean.TRUE.equals(a.get("deleted")));
    assertThat(attributes(search(misp, "{\"published\": 0}"))).hasSize(2);
  }

  @Test
  void logsRequestsAndCountsBytes() throws IOException {
    misp.addAttribute(misp.addEvent("Logged"), "ip-dst", "192.0.2.1");

    Http.Answer answer = search(misp, "{\"limit\": 5}");
    get("/servers/getVersion");

    List<LoggedRequest> requests = misp.requests();
    assertThat(requests).hasSize(2);
    LoggedRequest first = requests.get(0);
    assertThat(first.sequence()).isEqualTo(1);
    assertThat(first.method()).isEqualTo("POST");
    assertThat(first.path()).isEqualTo("/attributes/restSearch");
    assertThat(first.body()).isEqualTo("{\"limit\": 5}");
    assertThat(first.header("authorization")).contains(misp.apiKey());
    assertThat(first.header("Content-Type")).contains("application/json; charset=utf-8");
    assertThat(first.status()).isEqualTo(200);
    assertThat(first.responseBytes()).isEqualTo(answer.body().length());
    assertThat(first.toString()).doesNotContain(misp.apiKey()).contains("authorization=██");
    assertThat(misp.requestCount()).isEqualTo(2);
    assertThat(misp.bytesServed())
        .isEqualTo(first.responseBytes() + requests.get(1).responseBytes());

    misp.clearRequests();

    assertThat(misp.requests()).isEmpty();
    assertThat(misp.requestCount()).isEqualTo(2);
  }

  @Test
  void keepsOnlyTheNewestRequestsUpToItsLimit() throws IOException {
    try (FakeMisp small = FakeMisp.builder().requestLogLimit(2).start()) {
      for (int i = 0; i < 5; i++) {
        Http.call(Http.request(small.url() + "/servers/getVersion").build());
      }

      assertThat(small.requests()).extracting(LoggedRequest::sequence).containsExactly(4, 5);
    }
  }

  @Test
  void servesReadersWhileWritersChangeTheData() throws Exception {
    long event = misp.addEvent("Busy");
    misp.seed(10_000);
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      List<Future<Integer>> readers = new ArrayList<>();
      for (int reader = 0; reader < 3; reader++) {
        readers.add(
            pool.submit(
                () -> {
                  int seen = 0;
                  for (int page = 1; page <= 10; page++) {
                    seen +=
                        attributes(search(misp, "{\"limit\": 1000, \"page\": " + page + "}"))
                            .size();
                  }
                  return seen;
                }));
      }
      Future<?> writer =
          pool.submit(
              () -> {
                for (int i = 0; i < 500; i++) {
                  misp.addAttribute(event, "ip-dst", "198.51.100." + (i % 250));
                }
              });

      writer.get(30, TimeUnit.SECONDS);
      for (Future<Integer> reader : readers) {
        assertThat(reader.get(30, TimeUnit.SECONDS)).isEqualTo(10_000);
      }
    } finally {
      pool.shutdownNow();
    }
    assertThat(misp.attributeCount()).isEqualTo(10_500);
  }
}
