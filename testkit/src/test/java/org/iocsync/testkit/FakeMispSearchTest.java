package org.iocsync.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import okhttp3.RequestBody;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class FakeMispSearchTest {
  private static final Instant START = Instant.parse("2024-06-01T12:00:00Z");

  private final Http.ManualClock clock = new Http.ManualClock(START);
  private final FakeMisp misp = FakeMisp.builder().clock(clock).start();

  @AfterEach
  void stop() {
    misp.close();
  }

  private Http.Answer search(String body) throws IOException {
    return Http.call(
        Http.request(misp.url() + "/attributes/restSearch")
            .header("Authorization", misp.apiKey())
            .header("Accept", "application/json")
            .post(Http.json(body))
            .build());
  }

  @SuppressWarnings("unchecked")
  private static List<Map<String, Object>> attributes(Http.Answer answer) {
    assertThat(answer.code()).as(answer.body()).isEqualTo(200);
    Map<String, Object> response = (Map<String, Object>) answer.object().get("response");
    return (List<Map<String, Object>>) response.get("Attribute");
  }

  private List<String> values(String body) throws IOException {
    List<String> values = new ArrayList<>();
    for (Map<String, Object> attribute : attributes(search(body))) {
      values.add((String) attribute.get("value"));
    }
    return values;
  }

  @Test
  void writesAttributesWithNumbersAsStringsAndNoTagWhenEmpty() throws IOException {
    long event = misp.addEvent(FakeMisp.event("Sample event"));
    misp.addAttribute(
        event,
        FakeMisp.attribute("ip-dst", "203.0.113.7")
            .uuid("5b0d1a9e-3c4f-4a5b-8c6d-7e8f9a0b1c2d")
            .comment("C2"));

    Http.Answer answer = search("{\"limit\": 10, \"page\": 1}");

    assertThat(answer.header("Content-Type")).isEqualTo("application/json; charset=UTF-8");
    assertThat(answer.header("X-Result-Count")).isEqualTo("1");
    String eventUuid = misp.event(event).orElseThrow().uuid();
    assertThat(answer.body())
        .isEqualTo(
            "{\"response\":{\"Attribute\":[{\"id\":\"1\",\"event_id\":\"1\",\"object_id\":\"0\","
                + "\"object_relation\":null,\"category\":\"Network activity\",\"type\":\"ip-dst\","
                + "\"to_ids\":true,\"uuid\":\"5b0d1a9e-3c4f-4a5b-8c6d-7e8f9a0b1c2d\","
                + "\"timestamp\":\"1717243200\",\"distribution\":\"5\",\"sharing_group_id\":\"0\","
                + "\"comment\":\"C2\",\"deleted\":false,\"disable_correlation\":false,"
                + "\"first_seen\":null,\"last_seen\":null,\"value\":\"203.0.113.7\","
                + "\"Event\":{\"org_id\":\"1\",\"distribution\":\"1\",\"id\":\"1\","
                + "\"info\":\"Sample event\",\"orgc_id\":\"1\",\"uuid\":\""
                + eventUuid
                + "\"}}]}}");
  }

  @Test
  void writesTagsWithTheirMispFields() throws IOException {
    long event = misp.addEvent("Tagged");
    misp.addAttribute(event, FakeMisp.attribute("domain", "evil.example").tags("tlp:green"));

    String body = search("{}").body();

    assertThat(body)
        .endsWith(
            "\"Tag\":[{\"id\":\"1\",\"name\":\"tlp:green\",\"colour\":\"#339900\","
                + "\"exportable\":true,\"user_id\":\"0\",\"hide_tag\":false,"
                + "\"numerical_value\":null,\"is_galaxy\":false,\"is_custom_galaxy\":false,"
                + "\"local_only\":false,\"local\":0}]}]}}");
  }

  @Test
  void pagesAreOneBasedAndPageZeroIsPageOne() throws IOException {
    long event = misp.addEvent("Paged");
    for (int i = 1; i <= 5; i++) {
      misp.addAttribute(event, "ip-dst", "192.0.2." + i);
    }

    assertThat(values("{\"limit\": 2, \"page\": 1}")).containsExactly("192.0.2.1", "192.0.2.2");
    assertThat(values("{\"limit\": 2, \"page\": 0}")).containsExactly("192.0.2.1", "192.0.2.2");
    assertThat(values("{\"limit\": \"2\", \"page\": \"3\"}")).containsExactly("192.0.2.5");
    assertThat(values("{\"limit\": 2, \"page\": 4}")).isEmpty();
  }

  @Test
  void servesEveryMatchWithoutLimit() throws IOException {
    misp.seed(2_500);

    Http.Answer answer = search("{\"page\": 2}");

    assertThat(attributes(answer)).hasSize(2_500);
    assertThat(answer.header("X-Result-Count")).isEqualTo("2500");
  }

  @Test
  void answersAnEmptyListPastTheLastPage() throws IOException {
    misp.addAttribute(misp.addEvent("One"), "md5", "d41d8cd98f00b204e9800998ecf8427e");

    Http.Answer answer = search("{\"limit\": 100, \"page\": 2}");

    assertThat(answer.body()).isEqualTo("{\"response\":{\"Attribute\":[]}}");
    assertThat(answer.header("X-Result-Count")).isEqualTo("0");
  }

  @Test
  void filtersByTypeAsValueListOrNegation() throws IOException {
    long event = misp.addEvent("Types");
    misp.addAttribute(event, "ip-dst", "192.0.2.1");
    misp.addAttribute(event, "domain", "evil.example");
    misp.addAttribute(event, "md5", "d41d8cd98f00b204e9800998ecf8427e");

    assertThat(values("{\"type\": \"domain\"}")).containsExactly("evil.example");
    assertThat(values("{\"type\": [\"ip-dst\", \"md5\"]}"))
        .containsExactly("192.0.2.1", "d41d8cd98f00b204e9800998ecf8427e");
    assertThat(values("{\"type\": [\"!md5\"]}")).containsExactly("192.0.2.1", "evil.example");
    assertThat(values("{\"type\": \"no-such-type\"}")).isEmpty();
  }

  @Test
  void filtersByEventId() throws IOException {
    long first = misp.addEvent("First");
    long second = misp.addEvent("Second");
    misp.addAttribute(first, "ip-dst", "192.0.2.1");
    misp.addAttribute(second, "ip-dst", "192.0.2.2");

    assertThat(values("{\"eventid\": " + second + "}")).containsExactly("192.0.2.2");
    assertThat(values("{\"eventid\": [\"" + first + "\"]}")).containsExactly("192.0.2.1");
    assertThat(values("{\"eventid\": [\"!" + first + "\"]}")).containsExactly("192.0.2.2");
  }

  @Test
  void matchesTagsOfAttributesAndEventsWithLikePatternsAndNot() throws IOException {
    long green = misp.addEvent(FakeMisp.event("Green").tags("tlp:green"));
    long red = misp.addEvent(FakeMisp.event("Red").tags("tlp:red"));
    misp.addAttribute(green, "ip-dst", "192.0.2.1");
    misp.addAttribute(green, FakeMisp.attribute("ip-dst", "192.0.2.2").tags("false-positive"));
    misp.addAttribute(red, FakeMisp.attribute("ip-dst", "192.0.2.3").tags("Malware:Emotet"));

    assertThat(values("{\"tags\": [\"tlp:green\"]}")).containsExactly("192.0.2.1", "192.0.2.2");
    assertThat(values("{\"tags\": [\"TLP:%\"]}"))
        .containsExactly("192.0.2.1", "192.0.2.2", "192.0.2.3");
    assertThat(values("{\"tags\": [\"malware:%\"]}")).containsExactly("192.0.2.3");
    assertThat(values("{\"tags\": [\"!tlp:red\", \"!false-positive\"]}"))
        .containsExactly("192.0.2.1");
    assertThat(values("{\"tags\": [\"tlp:%\", \"!tlp:r_d\"]}"))
        .containsExactly("192.0.2.1", "192.0.2.2");
    assertThat(values("{\"tags\": {\"AND\": [\"tlp:green\", \"false-positive\"]}}"))
        .containsExactly("192.0.2.2");
    assertThat(values("{\"tags\": \"unknown-tag\"}")).isEmpty();
  }

  @Test
  void filtersByToIdsAndPublished() throws IOException {
    long published = misp.addEvent("Published");
    long draft = misp.addEvent(FakeMisp.event("Draft").published(false));
    misp.addAttribute(published, "ip-dst", "192.0.2.1");
    misp.addAttribute(published, FakeMisp.attribute("ip-dst", "192.0.2.2").toIds(false));
    misp.addAttribute(draft, "ip-dst", "192.0.2.3");

    assertThat(values("{\"to_ids\": 1}")).containsExactly("192.0.2.1", "192.0.2.3");
    assertThat(values("{\"to_ids\": false}")).containsExactly("192.0.2.2");
    assertThat(values("{\"published\": \"1\"}")).containsExactly("192.0.2.1", "192.0.2.2");
    assertThat(values("{\"published\": 0, \"to_ids\": 1}")).containsExactly("192.0.2.3");
    assertThat(values("{}")).hasSize(3);
  }

  @Test
  void excludesDeletedByDefaultAndServesThemOnRequest() throws IOException {
    long event = misp.addEvent("Deletions");
    misp.addAttribute(event, "ip-dst", "192.0.2.1");
    String gone = misp.addAttribute(event, "ip-dst", "192.0.2.2");
    misp.deleteAttribute(gone);

    assertThat(values("{}")).containsExactly("192.0.2.1");
    assertThat(values("{\"deleted\": 0}")).containsExactly("192.0.2.1");
    assertThat(values("{\"deleted\": 1}")).containsExactly("192.0.2.2");
    assertThat(values("{\"deleted\": [0, 1]}")).containsExactly("192.0.2.1", "192.0.2.2");
    assertThat(attributes(search("{\"deleted\": 1}")).get(0).get("deleted")).isEqualTo(true);
  }

  @Test
  void filtersByTimestampWindowsInclusively() throws IOException {
    long event = misp.addEvent("Times");
    misp.addAttribute(event, "ip-dst", "192.0.2.1");
    clock.advance(Duration.ofDays(3));
    misp.addAttribute(event, "ip-dst", "192.0.2.2");
    clock.advance(Duration.ofDays(3));
    misp.addAttribute(event, "ip-dst", "192.0.2.3");
    long start = START.getEpochSecond();
    long day = 86_400;

    assertThat(values("{\"timestamp\": " + (start + 3 * day) + "}"))
        .containsExactly("192.0.2.2", "192.0.2.3");
    assertThat(values("{\"attribute_timestamp\": \"" + (start + 3 * day + 1) + "\"}"))
        .containsExactly("192.0.2.3");
    assertThat(values("{\"timestamp\": [" + start + ", " + (start + 3 * day) + "]}"))
        .containsExactly("192.0.2.1", "192.0.2.2");
    assertThat(values("{\"timestamp\": \"4d\"}")).containsExactly("192.0.2.2", "192.0.2.3");
    assertThat(values("{\"timestamp\": \"1h\"}")).containsExactly("192.0.2.3");
    assertThat(values("{\"timestamp\": \"yesterday\"}")).isEmpty();
  }

  @Test
  void filtersByEventTimestamp() throws IOException {
    long old = misp.addEvent("Old");
    misp.addAttribute(old, "ip-dst", "192.0.2.1");
    clock.advance(Duration.ofHours(2));
    long fresh = misp.addEvent("Fresh");
    misp.addAttribute(fresh, "ip-dst", "192.0.2.2");
    long cut = START.getEpochSecond() + 3_600;

    assertThat(values("{\"event_timestamp\": " + cut + "}")).containsExactly("192.0.2.2");

    clock.advance(Duration.ofHours(1));
    misp.tagEvent(old, "tlp:green");

    assertThat(values("{\"event_timestamp\": " + cut + "}"))
        .containsExactly("192.0.2.1", "192.0.2.2");
  }

  @Test
  void addsEventTagsAsInheritedWhenAsked() throws IOException {
    long event = misp.addEvent(FakeMisp.event("Tagged").tags("tlp:amber"));
    misp.addAttribute(event, FakeMisp.attribute("ip-dst", "192.0.2.1").tags("c2"));

    Map<String, Object> plain = attributes(search("{}")).get(0);
    Map<String, Object> withEventTags = attributes(search("{\"includeEventTags\": 1}")).get(0);

    assertThat(tagNames(plain)).containsExactly("c2");
    assertThat(tagNames(withEventTags)).containsExactly("c2", "tlp:amber");
    @SuppressWarnings("unchecked")
    List<Map<String, Object>> tags = (List<Map<String, Object>>) withEventTags.get("Tag");
    assertThat(tags.get(1)).containsEntry("inherited", 1.0);
    assertThat(tags.get(0)).doesNotContainKey("inherited");
  }

  @SuppressWarnings("unchecked")
  private static List<String> tagNames(Map<String, Object> attribute) {
    List<String> names = new ArrayList<>();
    for (Map<String, Object> tag : (List<Map<String, Object>>) attribute.get("Tag")) {
      names.add((String) tag.get("name"));
    }
    return names;
  }

  @Test
  void ordersAsAsked() throws IOException {
    long event = misp.addEvent("Order");
    misp.addAttribute(event, "domain", "b.example");
    clock.advance(Duration.ofSeconds(10));
    misp.addAttribute(event, "domain", "c.example");
    clock.advance(Duration.ofSeconds(10));
    String first = misp.addAttribute(event, "domain", "a.example");
    clock.advance(Duration.ofSeconds(10));
    misp.setToIds(first, true);

    assertThat(values("{\"order\": \"Attribute.id asc\"}"))
        .containsExactly("b.example", "c.example", "a.example");
    assertThat(values("{\"order\": \"Attribute.id desc\"}"))
        .containsExactly("a.example", "c.example", "b.example");
    assertThat(values("{\"order\": \"Attribute.value asc\"}"))
        .containsExactly("a.example", "b.example", "c.example");
    assertThat(values("{\"order\": \"Attribute.timestamp desc\", \"limit\": 2}"))
        .containsExactly("a.example", "c.example");
  }

  @Test
  void removesWarninglistedValuesAfterThePageIsCut() throws IOException {
    long event = misp.addEvent("Warninglist");
    for (int i = 1; i <= 6; i++) {
      misp.addAttribute(event, "ip-dst", "192.0.2." + i);
    }
    misp.addAttribute(event, "domain|ip", "google.com|192.0.2.99");
    misp.warninglist("192.0.2.1", "192.0.2.2", "192.0.2.3", "google.com");
    String query = "{\"enforceWarninglist\": true, \"limit\": 3, \"page\": %d}";

    Http.Answer first = search(String.format(query, 1));
    Http.Answer second = search(String.format(query, 2));
    Http.Answer third = search(String.format(query, 3));

    assertThat(attributes(first)).isEmpty();
    assertThat(first.header("X-Result-Count")).isEqualTo("0");
    assertThat(first.header("X-Skipped-Elements-Count")).isEqualTo("3");
    assertThat(values(String.format(query, 2)))
        .containsExactly("192.0.2.4", "192.0.2.5", "192.0.2.6");
    assertThat(second.header("X-Skipped-Elements-Count")).isEqualTo("0");
    assertThat(attributes(third)).isEmpty();
    assertThat(third.header("X-Skipped-Elements-Count")).isEqualTo("1");
    assertThat(values("{\"limit\": 3, \"page\": 1}")).hasSize(3);
  }

  @Test
  void leavesOutTheSkippedCountWhenModellingAnOlderServer() throws IOException {
    try (FakeMisp old = FakeMisp.builder().skippedCountHeader(false).version("2.4.150").start()) {
      old.addAttribute(old.addEvent("Old"), "ip-dst", "192.0.2.1");
      old.warninglist("192.0.2.1");

      Http.Answer answer =
          Http.call(
              Http.request(old.url() + "/attributes/restSearch")
                  .header("Authorization", old.apiKey())
                  .post(Http.json("{\"enforceWarninglist\": 1, \"limit\": 10}"))
                  .build());

      assertThat(answer.body()).isEqualTo("{\"response\":{\"Attribute\":[]}}");
      assertThat(answer.header("X-Skipped-Elements-Count")).isNull();
    }
  }

  @Test
  void ignoresTheFiltersWithoutAJsonContentType() throws IOException {
    long event = misp.addEvent("Everything");
    misp.addAttribute(event, "ip-dst", "192.0.2.1");
    misp.addAttribute(event, "domain", "evil.example");

    Http.Answer answer =
        Http.call(
            Http.request(misp.url() + "/attributes/restSearch")
                .header("Authorization", misp.apiKey())
                .post(RequestBody.create("{\"type\": \"domain\", \"limit\": 1}", null))
                .build());

    assertThat(attributes(answer)).hasSize(2);
  }

  @Test
  void acceptsTheRequestWrapper() throws IOException {
    long event = misp.addEvent("Wrapped");
    misp.addAttribute(event, "ip-dst", "192.0.2.1");
    misp.addAttribute(event, "domain", "evil.example");

    assertThat(values("{\"request\": {\"type\": \"domain\"}}")).containsExactly("evil.example");
  }

  @Test
  void dropsUnknownFiltersSilently() throws IOException {
    misp.addAttribute(misp.addEvent("Unknown"), "ip-dst", "192.0.2.1");

    assertThat(values("{\"typo_filter\": \"domain\", \"returnFormat\": \"json\"}"))
        .containsExactly("192.0.2.1");
  }

  @Test
  void refusesAnEmptyBodyAndInvalidJsonWith400() throws IOException {
    Http.Answer empty = search("");
    Http.Answer broken = search("{\"type\": ");
    Http.Answer notAnObject = search("[1, 2]");

    assertThat(empty.code()).isEqualTo(400);
    assertThat(empty.object())
        .containsEntry(
            "message",
            "Either specify the search terms in the url, or POST a json with the filter"
                + " parameters.")
        .containsEntry("url", "/attributes/restSearch");
    assertThat(broken.code()).isEqualTo(400);
    assertThat((String) broken.object().get("message")).startsWith("Invalid JSON input.");
    assertThat(notAnObject.code()).isEqualTo(400);
  }

  @Test
  void refusesAnOutputFormatItDoesNotServe() throws IOException {
    Http.Answer answer = search("{\"returnFormat\": \"csv\"}");

    assertThat(answer.code()).isEqualTo(404);
    assertThat(answer.object()).containsEntry("name", "Invalid output format.");
  }

  private List<Map<String, Object>> events(String body) throws IOException {
    Http.Answer answer =
        Http.call(
            Http.request(misp.url() + "/events/restSearch")
                .header("Authorization", misp.apiKey())
                .post(Http.json(body))
                .build());
    assertThat(answer.code()).as(answer.body()).isEqualTo(200);
    List<Map<String, Object>> events = new ArrayList<>();
    for (Object item : (List<?>) answer.object().get("response")) {
      events.add(Http.map(Http.map(item).get("Event")));
    }
    return events;
  }

  @Test
  void searchesEventsByTheirOwnFieldsWithOrWithoutAttributes() throws IOException {
    long green = misp.addEvent(FakeMisp.event("Green").tags("tlp:green"));
    misp.addAttribute(green, "ip-dst", "192.0.2.1");
    clock.advance(Duration.ofHours(1));
    long draft = misp.addEvent(FakeMisp.event("Draft").published(false).tags("tlp:red"));
    long cut = clock.instant().getEpochSecond();

    assertThat(events("{\"published\": 1}"))
        .extracting(e -> e.get("info"))
        .containsExactly("Green");
    assertThat(events("{\"tags\": [\"!tlp:red\"]}"))
        .extracting(e -> e.get("info"))
        .containsExactly("Green");
    assertThat(events("{\"timestamp\": " + cut + "}"))
        .extracting(e -> e.get("info"))
        .containsExactly("Draft");
    assertThat(events("{\"order\": \"Event.id desc\", \"limit\": 1, \"page\": 2}"))
        .extracting(e -> e.get("id"))
        .containsExactly(Long.toString(green));
    assertThat(events("{\"eventid\": [" + green + "]}").get(0))
        .containsKeys("Attribute", "Tag", "Object");
    assertThat(events("{\"eventid\": [" + green + "], \"metadata\": true}").get(0))
        .containsKey("Tag")
        .doesNotContainKeys("Attribute", "Object");
    assertThat(events("{\"eventid\": " + draft + ", \"metadata\": 1}").get(0))
        .containsEntry("published", false)
        .containsEntry("attribute_count", "0");
  }
}
