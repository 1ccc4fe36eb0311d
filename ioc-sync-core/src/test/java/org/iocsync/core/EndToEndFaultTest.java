package org.iocsync.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.iocsync.core.EndToEndSyncTest.IP_SET;
import static org.iocsync.core.EndToEndSyncTest.assertLedgerHolds;
import static org.iocsync.core.EndToEndSyncTest.ipJob;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.iocsync.http.HttpSettings;
import org.iocsync.qradar.ReferenceApi;
import org.iocsync.testkit.FakeMisp;
import org.iocsync.testkit.Fault;
import org.iocsync.testkit.Faults;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Makes the fake servers misbehave at each stage of a run, on each of QRadar's APIs, and checks
 * that a fault that passes is retried within the run, that one that lasts fails the run cleanly,
 * that a refused key or token fails it at once and changes nothing, and that whatever happened the
 * next run ends with every set exactly right.
 */
@Timeout(60)
class EndToEndFaultTest {
  private static final String BAD_MISP_KEY = "0123456789abcdef0123456789abcdef01234567";

  @TempDir Path dir;

  private @Nullable EndToEndRig rig;
  private final Map<String, String> uuids = new LinkedHashMap<>();
  private long campaign;

  @AfterEach
  void closeRig() {
    if (rig != null) {
      rig.close();
    }
  }

  /** Where in a run the fault strikes. */
  enum Stage {
    /** A page of MISP's attribute search. */
    MISP_SEARCH,
    /** The lookup of the attributes' events in MISP. */
    MISP_EVENTS,
    /** The lookup of the reference set in QRadar. */
    SET_LOOKUP,
    /** The creation of the missing reference set. */
    SET_CREATION,
    /** A bulk addition of values. */
    BULK_ADD,
    /** The removal of a value. */
    REMOVE;

    /** Schedules {@code fault} for the next {@code count} requests of this stage. */
    void arm(EndToEndRig rig, int count, Fault fault) {
      boolean legacy = rig.api == ReferenceApi.LEGACY;
      Faults misp = rig.misp.faults();
      Faults qradar = rig.qradar.faults();
      switch (this) {
        case MISP_SEARCH -> misp.next(count, "POST", "/attributes/restSearch", fault);
        case MISP_EVENTS -> misp.next(count, "POST", "/events/restSearch", fault);
        case SET_LOOKUP -> qradar.next(count, "GET", "/api/reference_data", fault);
        case SET_CREATION ->
            qradar.next(
                count,
                "POST",
                legacy ? "/api/reference_data/sets" : "/api/reference_data_collections/sets",
                fault);
        case BULK_ADD ->
            qradar.next(
                count,
                legacy ? "POST" : "PATCH",
                legacy
                    ? "/api/reference_data/sets/bulk_load"
                    : "/api/reference_data_collections/set_entries",
                fault);
        case REMOVE -> qradar.next(count, "DELETE", "/api/reference_data", fault);
      }
    }

    boolean onQradar() {
      return this != MISP_SEARCH && this != MISP_EVENTS;
    }

    long injected(EndToEndRig rig) {
      return onQradar() ? rig.qradar.faults().injectedCount() : rig.misp.faults().injectedCount();
    }
  }

  static List<Fault> passingFaults() {
    return List.of(
        Fault.serverError(),
        Fault.badGatewayHtml(),
        Fault.htmlPage(),
        Fault.dropBeforeAnswer(),
        Fault.dropMidBody(),
        Fault.slowBody(4000),
        Fault.stall(Duration.ofSeconds(30)),
        Fault.rateLimited(Duration.ofSeconds(1)),
        Fault.unavailable(Duration.ofSeconds(1)));
  }

  static Stream<Arguments> everyFaultAtEveryStage() {
    return Stream.of(ReferenceApi.LEGACY, ReferenceApi.COLLECTIONS)
        .flatMap(
            api ->
                Stream.of(Stage.values())
                    .flatMap(
                        stage ->
                            passingFaults().stream()
                                .map(fault -> Arguments.of(api, stage, fault))));
  }

  /**
   * Faults that last through every retry. Two writes whose answers are lost are not among them, as
   * the retry finds the work done: a creation (the retry's lookup finds the set) and a removal on
   * the collections API (the retry's lookup finds no entry to delete).
   */
  static Stream<Arguments> lastingFaults() {
    return Stream.of(ReferenceApi.LEGACY, ReferenceApi.COLLECTIONS)
        .flatMap(
            api ->
                Stream.of(Stage.values())
                    .flatMap(
                        stage ->
                            Stream.of(Fault.serverError(), Fault.dropBeforeAnswer())
                                .filter(
                                    fault ->
                                        !fault.equals(Fault.dropBeforeAnswer())
                                            || !(stage == Stage.SET_CREATION
                                                || (stage == Stage.REMOVE
                                                    && api == ReferenceApi.COLLECTIONS)))
                                .map(fault -> Arguments.of(api, stage, fault))));
  }

  /** Seven IPs over three pages and batches, an invalid one, and a job over them. */
  /** A rig whose time-outs a stalled answer reaches, for faults that must be retried. */
  private EndToEndRig seed(ReferenceApi api) {
    return seed(api, EndToEndRig.SHORT_TIMEOUTS);
  }

  /**
   * A rig whose time-outs a loaded machine never reaches, for tests that count every retry or
   * expect none.
   */
  private EndToEndRig seedPatiently(ReferenceApi api) {
    return seed(api, EndToEndRig.LONG_TIMEOUTS);
  }

  private EndToEndRig seed(ReferenceApi api, HttpSettings http) {
    EndToEndRig rig = new EndToEndRig(dir, api, http);
    this.rig = rig;
    campaign = rig.addEvent("Campaign");
    for (int i = 1; i <= 5; i++) {
      uuids.put("10.2.0." + i, rig.misp.addAttribute(campaign, "ip-dst", "10.2.0." + i));
    }
    rig.misp.addAttribute(campaign, "ip-dst", "107.183.86");
    long other = rig.addEvent(FakeMisp.event("Other").tags("tlp:green"));
    uuids.put("10.2.0.6", rig.misp.addAttribute(other, "ip-src", "10.2.0.6"));
    uuids.put("2001:db8::7", rig.misp.addAttribute(other, "ip-dst", "2001:db8::7"));
    rig.sync().defineJob(ipJob());
    return rig;
  }

  /** Withdraws two values and adds one, so that the next run removes and adds. */
  private void changeMisp(EndToEndRig rig, String... withdrawn) {
    rig.later();
    for (String value : withdrawn) {
      rig.misp.deleteAttribute(uuids.get(value));
    }
    String added = "10.2.1." + (uuids.size() + 1);
    uuids.put(added, rig.misp.addAttribute(campaign, "ip-dst", added));
  }

  /** The set is exactly what MISP calls for, the ledger owns it all, and a full run agrees. */
  private static void assertExactlyRight(EndToEndRig rig) {
    Set<String> wanted = rig.expected(ipJob());
    assertThat(rig.values(IP_SET)).isEqualTo(wanted);
    assertLedgerHolds(rig, "ips", wanted.size());
  }

  private static void assertNextRunsEndRight(EndToEndRig rig, Runnable change) {
    change.run();
    RunReport next = rig.run("ips", RunKind.INCREMENTAL);

    assertThat(next.error()).isNull();
    assertExactlyRight(rig);

    RunReport full = rig.run("ips", RunKind.FULL);

    assertThat(full.error()).isNull();
    assertThat(full.added() + full.removed()).isZero();
    assertExactlyRight(rig);
  }

  @ParameterizedTest(name = "{0} API, {2} on {1}")
  @MethodSource("everyFaultAtEveryStage")
  void aFaultThatPassesIsRetriedWithinTheRun(ReferenceApi api, Stage stage, Fault fault) {
    EndToEndRig rig = seed(api);
    RunKind kind = RunKind.FULL;
    if (stage == Stage.REMOVE) {
      assertThat(rig.run("ips", RunKind.FULL).error()).isNull();
      changeMisp(rig, "10.2.0.2", "10.2.0.6");
      kind = RunKind.INCREMENTAL;
    }
    rig.sleeps.clear();

    stage.arm(rig, 1, fault);
    RunReport report = rig.run("ips", kind);

    assertThat(report.error()).isNull();
    assertThat(stage.injected(rig)).as("faults injected").isEqualTo(1);
    assertExactlyRight(rig);
    if (stage.onQradar()
        && (fault.equals(Fault.rateLimited(Duration.ofSeconds(1)))
            || fault.equals(Fault.unavailable(Duration.ofSeconds(1))))) {
      assertThat(rig.sleeps)
          .as("waits between attempts, one as long as Retry-After asked")
          .anyMatch(wait -> wait.compareTo(Duration.ofSeconds(1)) >= 0);
    }

    changeMisp(rig, "10.2.0.3");
    RunReport next = rig.run("ips", RunKind.INCREMENTAL);
    // A bulk task whose answer was lost has ended, before its retry's, and adds nothing back.
    rig.qradar.finishTasks();

    assertThat(next.error()).isNull();
    assertExactlyRight(rig);
  }

  @ParameterizedTest(name = "{0} API, lasting {2} on {1}")
  @MethodSource("lastingFaults")
  void aFaultThatLastsFailsTheRunCleanlyAndTheNextRunRepairsIt(
      ReferenceApi api, Stage stage, Fault fault) {
    EndToEndRig rig = seedPatiently(api);
    RunKind kind = RunKind.FULL;
    if (stage == Stage.REMOVE) {
      assertThat(rig.run("ips", RunKind.FULL).error()).isNull();
      changeMisp(rig, "10.2.0.2", "10.2.0.6");
      kind = RunKind.INCREMENTAL;
    }
    Set<String> before = rig.values(IP_SET);
    Set<String> afterwards = rig.expected(ipJob());
    Instant cursor = rig.sync().status("ips").state().cursor();
    rig.sleeps.clear();

    stage.arm(rig, 100, fault);
    RunReport report = rig.run("ips", kind);

    assertThat(report.outcome()).isEqualTo(RunOutcome.FAILED);
    assertThat(report.error()).contains("failed " + EndToEndRig.RETRIES.maxAttempts() + " times");
    // Each call retries until it gives up; two batches of changes may be in flight, and the second
    // may wait out its own attempts before the run's end stops it.
    int waitsOfOneCall = EndToEndRig.RETRIES.maxAttempts() - 1;
    boolean batched = stage == Stage.BULK_ADD || stage == Stage.REMOVE;
    assertThat(rig.sleeps.size())
        .isBetween(waitsOfOneCall, batched ? 2 * waitsOfOneCall : waitsOfOneCall);
    assertThat(rig.sync().runs("ips", 1).get(0).error()).isEqualTo(report.error());
    Set<String> mayHold = new HashSet<>(before);
    mayHold.addAll(afterwards);
    assertThat(mayHold).containsAll(rig.values(IP_SET));
    assertThat(rig.sync().status("ips").state().cursor()).isEqualTo(cursor);

    rig.misp.faults().clear();
    rig.qradar.faults().clear();
    // QRadar works through the bulk tasks whose answers were lost long before the next run; the
    // fake ends them only when asked to.
    rig.qradar.finishTasks();
    assertNextRunsEndRight(rig, () -> changeMisp(rig, "10.2.0.3"));
  }

  @ParameterizedTest(name = "{0} API")
  @EnumSource(
      value = ReferenceApi.class,
      names = {"LEGACY", "COLLECTIONS"})
  void aRefusedMispKeyFailsTheFirstRunAtOnceAndCreatesNothing(ReferenceApi api) {
    EndToEndRig rig = seedPatiently(api);
    rig.restart(BAD_MISP_KEY, rig.qradar.token(), UnaryOperator.identity());
    rig.sleeps.clear();

    RunReport report = rig.run("ips", RunKind.FULL);

    assertThat(report.outcome()).isEqualTo(RunOutcome.FAILED);
    assertThat(report.error()).contains("refused the API key").doesNotContain(BAD_MISP_KEY);
    assertThat(rig.sleeps).isEmpty();
    assertThat(rig.qradar.sets()).isEmpty();
    assertThat(rig.sync().status("ips").state()).isEqualTo(new SyncState(null, null, 0, 0, 0));

    rig.restart();
    assertNextRunsEndRight(rig, () -> changeMisp(rig, "10.2.0.3"));
  }

  @ParameterizedTest(name = "{0} API")
  @EnumSource(
      value = ReferenceApi.class,
      names = {"LEGACY", "COLLECTIONS"})
  void aRefusedKeyOrTokenFailsALaterRunAtOnceAndChangesNothing(ReferenceApi api) {
    EndToEndRig rig = seedPatiently(api);
    assertThat(rig.run("ips", RunKind.FULL).error()).isNull();
    changeMisp(rig, "10.2.0.2");
    Set<String> before = rig.values(IP_SET);
    SyncState state = rig.sync().status("ips").state();
    String badToken = "00000000-0000-0000-0000-000000000000";

    for (String[] credentials :
        List.of(
            new String[] {BAD_MISP_KEY, rig.qradar.token()},
            new String[] {rig.misp.apiKey(), badToken})) {
      rig.restart(credentials[0], credentials[1], UnaryOperator.identity());
      rig.sleeps.clear();

      RunReport report = rig.run("ips", RunKind.INCREMENTAL);

      assertThat(report.outcome()).isEqualTo(RunOutcome.FAILED);
      assertThat(report.error())
          .containsAnyOf("refused the API key", "QRadar refused the credentials (401)")
          .doesNotContain(credentials[0])
          .doesNotContain(credentials[1]);
      assertThat(rig.sleeps).isEmpty();
      assertThat(rig.values(IP_SET)).isEqualTo(before);
      assertThat(rig.sync().status("ips").state()).isEqualTo(state);
    }

    rig.restart();
    assertNextRunsEndRight(rig, () -> changeMisp(rig, "10.2.0.3"));
  }

  @ParameterizedTest(name = "{0} API")
  @EnumSource(
      value = ReferenceApi.class,
      names = {"LEGACY", "COLLECTIONS"})
  void aServerThatIsDownFailsTheRunAfterItsRetriesAndChangesNothing(ReferenceApi api) {
    EndToEndRig rig = seedPatiently(api);
    assertThat(rig.run("ips", RunKind.FULL).error()).isNull();
    changeMisp(rig, "10.2.0.2");
    Set<String> before = rig.values(IP_SET);
    SyncState state = rig.sync().status("ips").state();
    String down;
    try (FakeMisp gone = FakeMisp.start()) {
      down = gone.url();
    }

    for (boolean mispDown : List.of(true, false)) {
      rig.restart(
          mispDown ? down : rig.misp.url(),
          rig.misp.apiKey(),
          mispDown ? rig.qradar.url() : down,
          rig.qradar.token());
      rig.sleeps.clear();

      RunReport report = rig.run("ips", RunKind.INCREMENTAL);

      assertThat(report.outcome()).isEqualTo(RunOutcome.FAILED);
      assertThat(report.error())
          .contains(mispDown ? "Reading attributes from MISP" : "in QRadar")
          .contains("failed " + EndToEndRig.RETRIES.maxAttempts() + " times");
      assertThat(rig.sleeps).hasSize(EndToEndRig.RETRIES.maxAttempts() - 1);
      assertThat(rig.values(IP_SET)).isEqualTo(before);
      assertThat(rig.sync().status("ips").state()).isEqualTo(state);
    }

    rig.restart();
    assertNextRunsEndRight(rig, () -> changeMisp(rig, "10.2.0.3"));
  }
}
