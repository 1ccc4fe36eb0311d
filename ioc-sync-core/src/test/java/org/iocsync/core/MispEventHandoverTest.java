package org.iocsync.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.stream.Stream;
import org.iocsync.misp.MispClient;
import org.iocsync.testkit.FakeMisp;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * An incremental run's two questions to the fake MISP look up each event once: the second starts
 * from the events the first learnt, and nothing outlives the pair.
 */
class MispEventHandoverTest {
  private final TestClock clock = new TestClock();
  private final FakeMisp misp = FakeMisp.builder().clock(clock).start();
  private final MispIndicatorSource source =
      new MispIndicatorSource(
          MispClient.builder().baseUrl(misp.url()).apiKey(misp.apiKey()).build(), 2);
  private final Instant start = clock.instant();

  @AfterEach
  void stopMisp() {
    misp.close();
  }

  @Test
  void secondQuestionOfARunLooksUpNoEventTheFirstLookedUp() {
    long first = misp.addEvent("first");
    long second = misp.addEvent("second");
    for (int i = 1; i <= 3; i++) {
      misp.addAttribute(first, "ip-dst", "10.0.0." + i);
      misp.addAttribute(second, "ip-dst", "10.0.1." + i);
    }
    SourceQuery.Window window = window();
    int before = misp.requestCount();

    List<SourceAttribute> changed = read(changed(window));
    List<SourceAttribute> ofChangedEvents = read(changedEvents(window));

    assertThat(changed).hasSize(6).allSatisfy(a -> assertThat(a.published()).isTrue());
    assertThat(ofChangedEvents).hasSize(6).allSatisfy(a -> assertThat(a.published()).isTrue());
    assertThat(eventLookups()).isEqualTo(1);
    // Three pages and the empty page that ends each search, and the first search's lookup.
    assertThat(misp.requestCount() - before).isEqualTo(2 * 4 + 1);
  }

  @Test
  void laterRunSeesTheEventsNewState() {
    long event = misp.addEvent("campaign");
    misp.addAttribute(event, "ip-dst", "10.0.0.1");
    SourceQuery.Window window = window();
    read(changed(window));
    read(changedEvents(window));

    misp.unpublish(event);
    List<SourceAttribute> changed = read(changed(window));
    List<SourceAttribute> ofChangedEvents = read(changedEvents(window));

    assertThat(changed).singleElement().satisfies(a -> assertThat(a.published()).isFalse());
    assertThat(ofChangedEvents).singleElement().satisfies(a -> assertThat(a.published()).isFalse());
  }

  @Test
  void questionOfAnotherWindowLooksItsEventsUpAgain() {
    long event = misp.addEvent("campaign");
    misp.addAttribute(event, "ip-dst", "10.0.0.1");
    SourceQuery.Window window = window();
    SourceQuery.Window wider = new SourceQuery.Window(start.minusSeconds(60), window.to());

    read(changed(window));
    read(changedEvents(wider));

    assertThat(eventLookups()).isEqualTo(2);
  }

  @Test
  void fullReadsLookTheirEventsUpEachTime() {
    long event = misp.addEvent("campaign");
    misp.addAttribute(event, "ip-dst", "10.0.0.1");
    SourceQuery full = new SourceQuery(List.of(), List.of(), false, true, true, null, null);

    read(full);
    read(full);

    assertThat(eventLookups()).isEqualTo(2);
  }

  private SourceQuery.Window window() {
    clock.advance(Duration.ofMinutes(1));
    return new SourceQuery.Window(start, clock.instant());
  }

  private static SourceQuery changed(SourceQuery.Window window) {
    return new SourceQuery(List.of(), List.of(), false, true, true, window, null);
  }

  private static SourceQuery changedEvents(SourceQuery.Window window) {
    return new SourceQuery(List.of(), List.of(), false, true, true, null, window);
  }

  private List<SourceAttribute> read(SourceQuery query) {
    try (Stream<SourceAttribute> attributes = source.attributes(query)) {
      return attributes.toList();
    }
  }

  private long eventLookups() {
    return misp.requests().stream().filter(r -> r.path().equals("/events/restSearch")).count();
  }
}
