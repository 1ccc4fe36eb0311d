package org.iocsync.misp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.iocsync.http.HttpSettings;
import org.iocsync.testkit.FakeMisp;
import org.iocsync.testkit.Fault;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Runs the client against the testkit's fake MISP, which pages and filters as MISP does. */
class MispClientFakeMispTest {
  private final List<FakeMisp> fakes = new ArrayList<>();

  @AfterEach
  void stopFakes() {
    fakes.forEach(FakeMisp::close);
  }

  @Test
  void pagesThroughTenThousandAttributesSeeingEachExactlyOnce() {
    FakeMisp misp = start(FakeMisp.builder().requestLogLimit(0));
    misp.seed(10_050);

    List<MispAttribute> attributes = readAll(client(misp), pagesOf(100));

    assertThat(attributes).hasSize(10_050);
    assertThat(attributes).extracting(MispAttribute::uuid).doesNotHaveDuplicates();
    assertThat(attributes).extracting(MispAttribute::id).isSorted();
    assertThat(misp.requestCount()).isEqualTo(101);
  }

  @Test
  void pagesThroughAnOlderServerWithoutSkippedCountsUntilAnEmptyPage() {
    FakeMisp misp = start(FakeMisp.builder().skippedCountHeader(false).requestLogLimit(0));
    misp.seed(10_000);

    List<MispAttribute> attributes = readAll(client(misp), pagesOf(100));

    assertThat(attributes).extracting(MispAttribute::uuid).hasSize(10_000).doesNotHaveDuplicates();
    assertThat(misp.requestCount()).isEqualTo(101);
  }

  @Test
  void readsEveryAttributeOnceWhenTheWarninglistEmptiesAndShortensPagesInTheMiddle() {
    for (boolean skippedCountHeader : new boolean[] {true, false}) {
      FakeMisp misp =
          start(FakeMisp.builder().skippedCountHeader(skippedCountHeader).requestLogLimit(0));
      long event = misp.addEvent("Scanners");
      List<String> listed = new ArrayList<>();
      for (int i = 1; i <= 10_200; i++) {
        String value = "10." + (i / 65536) + "." + (i / 256 % 256) + "." + (i % 256);
        misp.addAttribute(event, "ip-dst", value);
        // Pages 3 and 4 are filtered away whole, page 7 loses half, the last page all but one.
        if ((i > 200 && i <= 400) || (i > 600 && i <= 700 && i % 2 == 0) || i > 10_101) {
          listed.add(value);
        }
      }
      misp.warninglist(listed.toArray(new String[0]));

      List<MispAttribute> attributes =
          readAll(
              client(misp),
              AttributeQuery.builder().enforceWarninglist(true).pageSize(100).build());

      assertThat(attributes).hasSize(10_200 - listed.size());
      assertThat(attributes).extracting(MispAttribute::id).doesNotHaveDuplicates().isSorted();
      assertThat(attributes).extracting(MispAttribute::value).doesNotContainAnyElementsOf(listed);
      assertThat(attributes.get(attributes.size() - 1).value()).isEqualTo("10.0.39.117");
    }
  }

  @Test
  void filtersAsTheQuerySays() {
    FakeMisp misp = start(FakeMisp.builder());
    long published = misp.addEvent(FakeMisp.event("Published").tags("tlp:green"));
    long draft = misp.addEvent(FakeMisp.event("Draft").published(false));
    String ip = misp.addAttribute(published, FakeMisp.attribute("ip-dst", "203.0.113.1"));
    misp.addAttribute(published, FakeMisp.attribute("ip-dst", "203.0.113.2").toIds(false));
    misp.addAttribute(published, FakeMisp.attribute("domain", "evil.example").tags("tlp:red"));
    String deleted = misp.addAttribute(published, FakeMisp.attribute("ip-src", "198.51.100.1"));
    misp.deleteAttribute(deleted);
    String inDraft = misp.addAttribute(draft, FakeMisp.attribute("ip-dst", "192.0.2.1"));
    MispClient client = client(misp);

    assertThat(
            uuids(
                client,
                AttributeQuery.builder()
                    .types("ip-dst", "ip-src", "domain")
                    .toIds(true)
                    .published(true)
                    .excludeTags("tlp:red")
                    .build()))
        .containsExactly(ip);
    assertThat(uuids(client, AttributeQuery.builder().eventIds(draft).build()))
        .containsExactly(inDraft);
    assertThat(uuids(client, AttributeQuery.builder().deleted(AttributeQuery.Deleted.ONLY).build()))
        .containsExactly(deleted);
    assertThat(
            uuids(client, AttributeQuery.builder().deleted(AttributeQuery.Deleted.INCLUDE).build()))
        .hasSize(5);
    assertThat(uuids(client, AttributeQuery.builder().tags("tlp:%").types("ip-dst").build()))
        .hasSize(2);
  }

  @Test
  void readsAttributesWithTheirTagsAndEventSummary() {
    FakeMisp misp = start(FakeMisp.builder());
    long event = misp.addEvent(FakeMisp.event("Phishing wave").tags("tlp:green"));
    String uuid =
        misp.addAttribute(
            event,
            FakeMisp.attribute("domain", "login-example.test")
                .tags("kill-chain:delivery")
                .timestamp(Instant.ofEpochSecond(1_700_000_000)));

    List<MispAttribute> attributes =
        readAll(client(misp), AttributeQuery.builder().includeEventTags(true).build());

    assertThat(attributes).hasSize(1);
    MispAttribute attribute = attributes.get(0);
    assertThat(attribute.uuid()).isEqualTo(uuid);
    assertThat(attribute.eventId()).isEqualTo(event);
    assertThat(attribute.type()).isEqualTo("domain");
    assertThat(attribute.value()).isEqualTo("login-example.test");
    assertThat(attribute.timestamp()).isEqualTo(Instant.ofEpochSecond(1_700_000_000));
    assertThat(attribute.tags())
        .extracting(MispTag::name)
        .containsExactlyInAnyOrder("kill-chain:delivery", "tlp:green");
    assertThat(attribute.event()).isNotNull();
    assertThat(attribute.event().id()).isEqualTo(event);
    assertThat(attribute.event().info()).isEqualTo("Phishing wave");
  }

  @Test
  void anAttributeEnteringTheResultMidReadIsNotSeenTwice() {
    FakeMisp misp = start(FakeMisp.builder());
    long event = misp.addEvent("Scanners");
    List<String> uuids = new ArrayList<>();
    for (int i = 1; i <= 250; i++) {
      uuids.add(
          misp.addAttribute(event, FakeMisp.attribute("ip-dst", "10.0.0." + i).toIds(i != 50)));
    }

    List<String> seen = new ArrayList<>();
    try (Stream<MispAttribute> stream =
        client(misp).searchAttributes(AttributeQuery.builder().toIds(true).pageSize(100).build())) {
      Iterator<MispAttribute> attributes = stream.iterator();
      for (int i = 0; i < 100; i++) {
        seen.add(attributes.next().uuid());
      }
      misp.setToIds(uuids.get(49), true);
      attributes.forEachRemaining(attribute -> seen.add(attribute.uuid()));
    }

    assertThat(seen).hasSize(249).doesNotHaveDuplicates().doesNotContain(uuids.get(49));
  }

  @Test
  void anAttributeLeavingTheResultMidReadCanHideAnotherAtThePageBoundary() {
    FakeMisp misp = start(FakeMisp.builder());
    long event = misp.addEvent("Scanners");
    List<String> uuids = new ArrayList<>();
    for (int i = 1; i <= 250; i++) {
      uuids.add(misp.addAttribute(event, "ip-dst", "10.0.0." + i));
    }

    List<String> seen = new ArrayList<>();
    try (Stream<MispAttribute> stream = client(misp).searchAttributes(pagesOf(100))) {
      Iterator<MispAttribute> attributes = stream.iterator();
      for (int i = 0; i < 100; i++) {
        seen.add(attributes.next().uuid());
      }
      misp.deleteAttribute(uuids.get(9));
      attributes.forEachRemaining(attribute -> seen.add(attribute.uuid()));
    }

    // The documented limit of paging by position: the 101st attribute moved onto page 1.
    assertThat(seen).hasSize(249).doesNotHaveDuplicates().doesNotContain(uuids.get(100));
  }

  @Test
  void testsTheConnectionReadsTypesAndViewsAnEvent() {
    FakeMisp misp = start(FakeMisp.builder().version("2.4.199"));
    long event = misp.addEvent(FakeMisp.event("Regin").tags("tlp:white"));
    misp.addAttribute(event, "md5", "d41d8cd98f00b204e9800998ecf8427e");
    misp.addAttribute(event, "ip-dst", "198.51.100.7");
    MispClient client = client(misp);

    MispVersion version = client.version();
    MispTypes types = client.describeTypes();
    MispEvent viewed = client.event(Long.toString(event));

    assertThat(version.version()).isEqualTo("2.4.199");
    assertThat(types.types()).hasSize(194).contains("ip-src", "domain|ip", "sha256");
    assertThat(types.categoryTypes().get("Network activity")).contains("ip-dst");
    assertThat(types.defaults().get("md5"))
        .isEqualTo(new MispTypes.Defaults("Payload delivery", true));
    assertThat(viewed.id()).isEqualTo(event);
    assertThat(viewed.info()).isEqualTo("Regin");
    assertThat(viewed.tags()).extracting(MispTag::name).containsExactly("tlp:white");
    assertThat(viewed.attributes())
        .extracting(MispAttribute::value)
        .containsExactly("d41d8cd98f00b204e9800998ecf8427e", "198.51.100.7");
  }

  @Test
  void aMissingEventIsNotFound() {
    FakeMisp misp = start(FakeMisp.builder());

    assertThatThrownBy(() -> client(misp).event("4711"))
        .isInstanceOf(MispNotFoundException.class)
        .hasMessageContaining("GET /events/view/4711 (HTTP 404");
  }

  @Test
  void aWrongKeyIsRefused() {
    FakeMisp misp = start(FakeMisp.builder());
    MispClient wrongKey = MispClient.builder().baseUrl(misp.url()).apiKey(MispFixtures.KEY).build();

    assertThatThrownBy(wrongKey::version)
        .isInstanceOfSatisfying(
            MispAuthenticationException.class,
            e -> {
              assertThat(e.statusCode()).isEqualTo(403);
              assertThat(e.serverMessage()).isNotEmpty();
              assertThat(e.getMessage()).doesNotContain(MispFixtures.KEY);
            });
  }

  @Test
  void aFaultInTheMiddleOfAReadIsTypedByWhoMustAct() {
    FakeMisp misp = start(FakeMisp.builder());
    misp.seed(1_000);
    MispClient client = client(misp, HttpSettings.builder().readTimeout(Duration.ofMillis(500)));

    misp.faults().onRequest(3, Fault.serverError());
    assertThatThrownBy(() -> readAll(client, pagesOf(100)))
        .isInstanceOfSatisfying(
            MispServerException.class, e -> assertThat(e.statusCode()).isEqualTo(500));

    misp.faults().onRequest(2, Fault.badGatewayHtml());
    assertThatThrownBy(() -> readAll(client, pagesOf(100)))
        .isInstanceOfSatisfying(
            MispServerException.class,
            e -> {
              assertThat(e.statusCode()).isEqualTo(502);
              assertThat(e.serverMessage()).contains("502 Bad Gateway");
            });

    misp.faults().onRequest(2, Fault.htmlPage());
    assertThatThrownBy(() -> readAll(client, pagesOf(100)))
        .isInstanceOf(MispMalformedResponseException.class);

    misp.faults().onRequest(2, Fault.dropMidBody());
    assertThatThrownBy(() -> readAll(client, pagesOf(100)))
        .isInstanceOf(MispTransportException.class);

    misp.faults().onRequest(2, Fault.stall(Duration.ofSeconds(3)));
    assertThatThrownBy(() -> readAll(client, pagesOf(100)))
        .isInstanceOf(MispTransportException.class)
        .hasMessageContaining("in time");

    assertThat(readAll(client, pagesOf(100))).hasSize(1_000);
  }

  private FakeMisp start(FakeMisp.Builder builder) {
    FakeMisp misp = builder.start();
    fakes.add(misp);
    return misp;
  }

  private static MispClient client(FakeMisp misp) {
    return client(misp, HttpSettings.builder());
  }

  private static MispClient client(FakeMisp misp, HttpSettings.Builder http) {
    return MispClient.builder()
        .baseUrl(misp.url())
        .apiKey(misp.apiKey())
        .http(http.build())
        .build();
  }

  private static AttributeQuery pagesOf(int pageSize) {
    return AttributeQuery.builder().pageSize(pageSize).build();
  }

  private static List<MispAttribute> readAll(MispClient client, AttributeQuery query) {
    try (Stream<MispAttribute> attributes = client.searchAttributes(query)) {
      return attributes.collect(Collectors.toList());
    }
  }

  private static Set<String> uuids(MispClient client, AttributeQuery query) {
    return readAll(client, query).stream().map(MispAttribute::uuid).collect(Collectors.toSet());
  }
}
