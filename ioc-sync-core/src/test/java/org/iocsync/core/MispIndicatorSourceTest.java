package org.iocsync.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.List;
import java.util.stream.Stream;
import org.assertj.core.groups.Tuple;
import org.iocsync.misp.MispClient;
import org.iocsync.testkit.FakeMisp;
import org.iocsync.testkit.Fault;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class MispIndicatorSourceTest {
  private final FakeMisp misp = FakeMisp.start();
  private final MispIndicatorSource source =
      new MispIndicatorSource(
          MispClient.builder().baseUrl(misp.url()).apiKey(misp.apiKey()).build(), 100);

  @AfterEach
  void stopMisp() {
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
    assertThat(attribute.eventTimestamp()).isAfterOrEqualTo(attribute.timestamp());
  }

  @Test
  void includesDeletedAttributesOnlyWhenAsked() {
    long event = misp.addEvent("Deleted things");
    String kept = misp.addAttribute(event, "domain", "kept.example");
    String deleted = misp.addAttribute(event, "domain", "gone.example");
    misp.deleteAttribute(deleted);

    List<SourceAttribute> live = read(everything());
    List<SourceAttribute> all =
        read(new SourceQuery(List.of(), List.of(), false, true, null, null));

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
  void aRefusedKeyIsPermanent() {
    MispIndicatorSource wrongKey =
        new MispIndicatorSource(
            MispClient.builder().baseUrl(misp.url()).apiKey("x".repeat(40)).build());

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

  private static SourceQuery everything() {
    return new SourceQuery(List.of(), List.of(), false, false, null, null);
  }

  private List<SourceAttribute> read(SourceQuery query) {
    return read(source, query);
  }

  private static List<SourceAttribute> read(MispIndicatorSource source, SourceQuery query) {
    try (Stream<SourceAttribute> attributes = source.attributes(query)) {
      return attributes.toList();
    }
  }
}
