package org.iocsync.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class SyncEngineTest {
  private static final String SET = "MISP IPs";

  @TempDir Path dir;

  private EngineHarness h;
  private FakeMisp misp;
  private FakeQradar qradar;

  @BeforeEach
  void setUp() {
    h = new EngineHarness(dir);
    misp = h.misp;
    qradar = h.qradar;
  }

  @AfterEach
  void tearDown() {
    h.close();
  }

  /** The attributes of the scenario, named for what happens to them later. */
  private final class Scenario {
    final String e1 = misp.addEvent(true);
    final String deleted = misp.add(e1, "ip-dst", "10.0.0.1");
    final String idsOff = misp.add(e1, "ip-dst", "10.0.0.2");
    final String excludedLater = misp.add(e1, "ip-dst", "10.0.0.3");
    final String edited = misp.add(e1, "ip-dst", "10.0.0.4");
    final String sharedDeleted = misp.add(e1, "ip-dst", "10.0.0.5");
    final String e2 = misp.addEvent(true);
    final String sharedKept = misp.add(e2, "ip-src", "10.0.0.5");
    final String kept = misp.add(e2, "ip-dst", "10.0.0.7");
    final String alsoByHand = misp.add(e2, "ip-dst", "10.0.0.9");
    final String domain = misp.add(e2, "domain", "evil.example");
    final String invalid = misp.add(e2, "ip-dst", "107.183.86");
    final String e3 = misp.addEvent(true);
    final String unpublishedLater = misp.add(e3, "ip-dst", "10.0.0.8");
    final String e4 = misp.addEvent(true);
    final String eventExcludedLater = misp.add(e4, "ip-dst", "10.0.0.12");
    final String e5 = misp.addEvent(true);
    final String untouched = misp.add(e5, "ip-dst", "10.0.0.20");

    void change() {
      h.later();
      qradar.addByHand(SET, "192.0.2.99");
      misp.delete(deleted);
      misp.setToIds(idsOff, false);
      misp.tagAttribute(excludedLater, "tlp:red");
      misp.setValue(edited, "10.0.0.44");
      misp.delete(sharedDeleted);
      misp.setPublished(e3, false);
      misp.delete(alsoByHand);
      misp.tagEvent(e4, "TLP:RED");
    }
  }

  @ParameterizedTest
  @EnumSource(RunKind.class)
  void aSecondRunWithdrawsExactlyWhatStoppedMatchingAndKeepsOthersValues(RunKind kind) {
    qradar.createSet(SET, "IP");
    qradar.addByHand(SET, "10.0.0.9");
    h.store.saveJob(TestJobs.ips("ips", SET));
    Scenario scenario = new Scenario();

    RunReport first = h.run("ips", RunKind.FULL);

    assertThat(first.error()).isNull();
    assertThat(qradar.contents(SET))
        .containsExactlyInAnyOrder(
            "10.0.0.1",
            "10.0.0.2",
            "10.0.0.3",
            "10.0.0.4",
            "10.0.0.5",
            "10.0.0.7",
            "10.0.0.8",
            "10.0.0.9",
            "10.0.0.12",
            "10.0.0.20");
    assertThat(first.added()).isEqualTo(9);
    assertThat(first.desired()).isEqualTo(10);
    assertThat(first.skippedByReason()).isEqualTo(Map.of(SkipReason.INVALID_VALUE, 1L));

    scenario.change();
    RunReport second = h.run("ips", kind);

    assertThat(second.error()).isNull();
    assertThat(second.kind()).isEqualTo(kind);
    assertThat(qradar.contents(SET))
        .containsExactlyInAnyOrder(
            "10.0.0.5", "10.0.0.7", "10.0.0.9", "10.0.0.20", "10.0.0.44", "192.0.2.99");
    assertThat(second.added()).isEqualTo(1);
    assertThat(second.removed()).isEqualTo(6);
    assertThat(second.desired()).isEqualTo(4);

    RunReport third = h.run("ips", kind == RunKind.FULL ? RunKind.INCREMENTAL : RunKind.FULL);

    assertThat(third.added()).isZero();
    assertThat(third.removed()).isZero();
    assertThat(qradar.contents(SET))
        .containsExactlyInAnyOrder(
            "10.0.0.5", "10.0.0.7", "10.0.0.9", "10.0.0.20", "10.0.0.44", "192.0.2.99");
    SyncState state = h.store.syncState("ips");
    assertThat(List.of(state.confirmed(), state.pendingAdd(), state.pendingRemove()))
        .containsExactly(4L, 0L, 0L);
  }

  @Test
  void countsSkippedAttributesByReasonInAnIncrementalRun() {
    h.store.saveJob(TestJobs.ips("ips", SET));
    Scenario scenario = new Scenario();
    h.run("ips", RunKind.FULL);
    scenario.change();

    RunReport report = h.run("ips", RunKind.INCREMENTAL);

    assertThat(report.fetched()).isEqualTo(12);
    assertThat(report.skippedByReason())
        .containsEntry(SkipReason.DELETED, 3L)
        .containsEntry(SkipReason.NOT_IDS, 1L)
        .containsEntry(SkipReason.EXCLUDED_TAG, 2L)
        .containsEntry(SkipReason.UNPUBLISHED, 1L)
        .containsEntry(SkipReason.NOT_IN_FILTER, 1L)
        .containsEntry(SkipReason.INVALID_VALUE, 1L);
    assertThat(report.skipped()).isEqualTo(9);
  }

  @Test
  void theFirstIncrementalRunOfAJobRunsInFullAndCreatesTheSet() {
    h.store.saveJob(TestJobs.withCreation(TestJobs.ips("ips", SET), true, "30 days"));
    String event = misp.addEvent(true);
    misp.add(event, "ip-dst", "10.0.0.1");

    RunReport report = h.run("ips", RunKind.INCREMENTAL);

    assertThat(report.kind()).isEqualTo(RunKind.FULL);
    assertThat(report.ok()).isTrue();
    assertThat(qradar.contents(SET)).containsExactly("10.0.0.1");
    assertThat(qradar.timeToLive(SET)).isEqualTo("30 days");
    assertThat(h.store.syncState("ips").cursor()).isEqualTo(report.startedAt());
    assertThat(h.store.syncState("ips").lastFullRunAt()).isEqualTo(report.startedAt());
  }

  @Test
  void aFullRunAsksForTheJobsTypesAndDeletedAttributesButNoMembershipFilter() {
    h.store.saveJob(TestJobs.withTags(TestJobs.ips("ips", SET), List.of("malware")));

    h.run("ips", RunKind.FULL);

    assertThat(misp.queries())
        .containsExactly(
            new SourceQuery(List.of("ip-src", "ip-dst"), List.of(), false, true, true, null, null));
  }

  @Test
  void asksForEventTagsOnlyWhenTheJobFiltersByTag() {
    h.store.saveJob(TestJobs.withTags(TestJobs.ips("plain", SET), List.of(), List.of()));
    h.store.saveJob(TestJobs.ips("excluding", SET));

    h.run("plain", RunKind.FULL);
    h.run("excluding", RunKind.FULL);

    assertThat(misp.queries())
        .extracting(SourceQuery::includeEventTags)
        .containsExactly(false, true);
  }

  @Test
  void anIncrementalRunReadsBothWindowsFromTheCursorLessTheOverlapToItsFrozenStart() {
    h.store.saveJob(TestJobs.ips("ips", SET));
    RunReport full = h.run("ips", RunKind.FULL);

    RunReport incremental = h.run("ips", RunKind.INCREMENTAL);

    SourceQuery.Window window =
        new SourceQuery.Window(
            full.startedAt().minus(Duration.ofMinutes(5)), incremental.startedAt());
    assertThat(misp.queries())
        .endsWith(
            new SourceQuery(List.of(), List.of(), false, true, true, window, null),
            new SourceQuery(List.of(), List.of(), false, true, true, null, window));
  }

  @Test
  void aChangeInTheSameSecondAsTheCursorIsReadByTheNextRun() {
    h = restartWith(b -> b.incrementalOverlap(Duration.ZERO));
    h.store.saveJob(TestJobs.ips("ips", SET));
    String event = misp.addEvent(true);
    String uuid = misp.add(event, "ip-dst", "10.0.0.1");
    h.run("ips", RunKind.FULL);

    misp.delete(uuid);
    RunReport report = h.run("ips", RunKind.INCREMENTAL);

    assertThat(report.removed()).isEqualTo(1);
    assertThat(qradar.contents(SET)).isEmpty();
  }

  private EngineHarness restartWith(
      java.util.function.UnaryOperator<SyncEngine.Builder> configure) {
    h.close();
    EngineHarness harness = new EngineHarness(dir, configure);
    misp = harness.misp;
    qradar = harness.qradar;
    return harness;
  }

  @Test
  void anAttributeSeenInBothWindowsCountsOnce() {
    h.store.saveJob(TestJobs.ips("ips", SET));
    String event = misp.addEvent(true);
    String uuid = misp.add(event, "ip-dst", "10.0.0.1");
    h.run("ips", RunKind.FULL);
    h.later();
    misp.setValue(uuid, "10.0.0.2");

    RunReport report = h.run("ips", RunKind.INCREMENTAL);

    assertThat(report.fetched()).isEqualTo(1);
    assertThat(report.added()).isEqualTo(1);
    assertThat(report.removed()).isEqualTo(1);
    assertThat(qradar.contents(SET)).containsExactly("10.0.0.2");
  }

  @Test
  void anAttributeWhoseTypeLeavesTheJobIsWithdrawnByAnIncrementalRun() {
    h.store.saveJob(TestJobs.ips("ips", SET));
    String event = misp.addEvent(true);
    String uuid = misp.add(event, "ip-dst", "10.0.0.1");
    h.run("ips", RunKind.FULL);
    h.later();
    misp.setType(uuid, "domain");

    RunReport report = h.run("ips", RunKind.INCREMENTAL);

    assertThat(report.removed()).isEqualTo(1);
    assertThat(qradar.contents(SET)).isEmpty();
  }

  @Test
  void aFullRunCatchesAnEventDeletedOutright() {
    h.store.saveJob(TestJobs.ips("ips", SET));
    String event = misp.addEvent(true);
    misp.add(event, "ip-dst", "10.0.0.1");
    misp.add(misp.addEvent(true), "ip-dst", "10.0.0.2");
    h.run("ips", RunKind.FULL);
    misp.purgeEvent(event);

    RunReport incremental = h.run("ips", RunKind.INCREMENTAL);
    RunReport full = h.run("ips", RunKind.FULL);

    assertThat(incremental.removed()).isZero();
    assertThat(full.removed()).isEqualTo(1);
    assertThat(qradar.contents(SET)).containsExactly("10.0.0.2");
  }

  @Test
  void aFullRunSendsAgainADesiredValueThatVanishedFromTheSet() {
    h.store.saveJob(TestJobs.ips("ips", SET));
    misp.add(misp.addEvent(true), "ip-dst", "10.0.0.1");
    h.run("ips", RunKind.FULL);
    qradar.removeByHand(SET, "10.0.0.1");

    RunReport incremental = h.run("ips", RunKind.INCREMENTAL);
    RunReport full = h.run("ips", RunKind.FULL);

    assertThat(incremental.added()).isZero();
    assertThat(full.added()).isEqualTo(1);
    assertThat(qradar.contents(SET)).containsExactly("10.0.0.1");
  }

  @Test
  void aSetDeletedInQradarIsCreatedAgainAndRefilledByTheNextRunThatWrites() {
    h.store.saveJob(TestJobs.ips("ips", SET));
    String event = misp.addEvent(true);
    misp.add(event, "ip-dst", "10.0.0.1");
    h.run("ips", RunKind.FULL);
    qradar.deleteSet(SET);
    h.later();
    misp.add(event, "ip-dst", "10.0.0.2");

    RunReport report = h.run("ips", RunKind.INCREMENTAL);

    assertThat(report.kind()).isEqualTo(RunKind.FULL);
    assertThat(qradar.contents(SET)).containsExactlyInAnyOrder("10.0.0.1", "10.0.0.2");
  }

  @Test
  void anIdlePollAsksQradarNothing() {
    h.store.saveJob(TestJobs.ips("ips", SET));
    misp.add(misp.addEvent(true), "ip-dst", "10.0.0.1");
    h.run("ips", RunKind.FULL);
    int finds = qradar.calls(FakeQradar.Op.FIND);
    h.later();

    RunReport idle = h.run("ips", RunKind.INCREMENTAL);

    assertThat(idle.ok()).as(String.valueOf(idle.error())).isTrue();
    assertThat(idle.kind()).isEqualTo(RunKind.INCREMENTAL);
    assertThat(qradar.calls(FakeQradar.Op.FIND)).isEqualTo(finds);
    assertThat(qradar.calls(FakeQradar.Op.VALUES)).isZero();
    assertThat(h.store.syncState("ips").cursor()).isNotNull();
  }

  @Test
  void anIncrementalRunWithAChangeStillRefusesASetOfAnotherElementType() {
    h.store.saveJob(TestJobs.ips("ips", SET));
    String event = misp.addEvent(true);
    misp.add(event, "ip-dst", "10.0.0.1");
    h.run("ips", RunKind.FULL);
    qradar.deleteSet(SET);
    qradar.createSet(SET, "ALN");
    h.later();
    misp.add(event, "ip-dst", "10.0.0.2");

    RunReport report = h.run("ips", RunKind.INCREMENTAL);

    assertThat(report.outcome()).isEqualTo(RunOutcome.FAILED);
    assertThat(report.error()).contains("\"ALN\"");
    assertThat(qradar.contents(SET)).isEmpty();
    assertThat(h.store.syncState("ips").pendingAdd()).isZero();
  }

  @Test
  void anIncrementalRunDoesNotClaimAValuePutInTheSetByHand() {
    qradar.createSet(SET, "IP");
    qradar.addByHand(SET, "45.1.2.3");
    h.store.saveJob(TestJobs.ips("ips", SET));
    String uuid = misp.add(misp.addEvent(true), "ip-dst", "45.1.2.3");
    RunReport full = h.run("ips", RunKind.FULL);
    h.later();
    misp.add(misp.addEvent(true), "ip-dst", "10.0.0.1");
    misp.setValue(uuid, "45.1.2.3");

    RunReport incremental = h.run("ips", RunKind.INCREMENTAL);
    h.later();
    misp.delete(uuid);
    RunReport afterDeletion = h.run("ips", RunKind.FULL);

    assertThat(full.added()).isZero();
    assertThat(incremental.error()).isNull();
    assertThat(incremental.added()).isEqualTo(1);
    assertThat(qradar.addBatches()).containsExactly(List.of("10.0.0.1"));
    assertThat(afterDeletion.removed()).isZero();
    assertThat(qradar.contents(SET)).containsExactlyInAnyOrder("45.1.2.3", "10.0.0.1");
  }

  @Test
  void anIncrementalRunDoesNotClaimAValueAddedByHandAfterTheLastFullRun() {
    qradar.createSet(SET, "IP");
    h.store.saveJob(TestJobs.ips("ips", SET));
    misp.add(misp.addEvent(true), "ip-dst", "10.0.0.1");
    h.run("ips", RunKind.FULL);
    h.later();
    qradar.addByHand(SET, "45.1.2.3");
    String uuid = misp.add(misp.addEvent(true), "ip-dst", "45.1.2.3");

    RunReport dry = h.dryRun("ips", RunKind.INCREMENTAL);
    RunReport incremental = h.run("ips", RunKind.INCREMENTAL);
    h.later();
    misp.delete(uuid);
    RunReport afterDeletion = h.run("ips", RunKind.INCREMENTAL);

    assertThat(dry.valuesToAdd()).isEmpty();
    assertThat(incremental.added()).isZero();
    assertThat(afterDeletion.removed()).isZero();
    assertThat(h.store.syncState("ips").confirmed()).isEqualTo(1);
    assertThat(qradar.contents(SET)).containsExactlyInAnyOrder("45.1.2.3", "10.0.0.1");
  }

  @Test
  void anIncrementalRunThatCannotAskWhatTheSetHoldsAddsNothingAndReadsTheChangesAgainNextTime() {
    qradar.createSet(SET, "IP");
    h.store.saveJob(TestJobs.ips("ips", SET));
    misp.add(misp.addEvent(true), "ip-dst", "10.0.0.1");
    h.run("ips", RunKind.FULL);
    h.later();
    misp.add(misp.addEvent(true), "ip-dst", "10.0.0.2");
    qradar.failAlways(
        FakeQradar.Op.VALUES, () -> TargetException.retryable("QRadar answered 503", null));

    RunReport failed = h.run("ips", RunKind.INCREMENTAL);
    qradar.heal();
    RunReport next = h.run("ips", RunKind.INCREMENTAL);

    assertThat(failed.outcome()).isEqualTo(RunOutcome.FAILED);
    assertThat(failed.error())
        .startsWith("Checking which of 1 values reference set 'MISP IPs' holds failed")
        .contains("QRadar answered 503");
    assertThat(failed.added()).isZero();
    assertThat(next.error()).isNull();
    assertThat(next.added()).isEqualTo(1);
    assertThat(qradar.contents(SET)).containsExactlyInAnyOrder("10.0.0.1", "10.0.0.2");
  }

  @Test
  void anIncrementalRunStillSendsAValueItsOwnPendingAdditionLeftInTheSet() {
    qradar.createSet(SET, "IP");
    h.store.saveJob(TestJobs.ips("ips", SET));
    misp.add(misp.addEvent(true), "ip-dst", "10.0.0.1");
    h.run("ips", RunKind.FULL);
    h.later();
    misp.add(misp.addEvent(true), "ip-dst", "10.0.0.2");
    qradar.failAfter(FakeQradar.Op.ADD, 1, () -> TargetException.permanent("lost answer", null));

    RunReport lost = h.run("ips", RunKind.INCREMENTAL);
    qradar.heal();
    RunReport again = h.run("ips", RunKind.INCREMENTAL);

    assertThat(lost.error()).contains("lost answer");
    assertThat(qradar.contents(SET)).contains("10.0.0.2");
    assertThat(again.added()).isEqualTo(1);
    assertThat(h.store.syncState("ips").confirmed()).isEqualTo(2);
  }

  @Test
  void aSecondJobsIncrementalRunDoesNotClaimAValueTheFirstJobPutInTheSet() {
    JobSpec dst = TestJobs.withTypes(TestJobs.ips("dst", SET), List.of("ip-dst"), ElementType.IP);
    JobSpec src = TestJobs.withTypes(TestJobs.ips("src", SET), List.of("ip-src"), ElementType.IP);
    h.store.saveJob(dst);
    h.store.saveJob(src);
    String event = misp.addEvent(true);
    misp.add(event, "ip-src", "10.0.0.2");
    h.run("dst", RunKind.FULL);
    h.run("src", RunKind.FULL);
    h.later();
    misp.add(event, "ip-dst", "10.0.0.1");
    h.run("dst", RunKind.INCREMENTAL);
    h.later();
    String srcShared = misp.add(event, "ip-src", "10.0.0.1");

    RunReport srcIncremental = h.run("src", RunKind.INCREMENTAL);
    h.later();
    misp.delete(srcShared);
    RunReport srcFull = h.run("src", RunKind.FULL);

    assertThat(srcIncremental.added()).isZero();
    assertThat(srcFull.removed()).isZero();
    assertThat(qradar.contents(SET)).containsExactlyInAnyOrder("10.0.0.1", "10.0.0.2");
  }

  @Test
  void appendModeNeverRemoves() {
    h.store.saveJob(TestJobs.withMode(TestJobs.ips("ips", SET), SyncMode.APPEND));
    String uuid = misp.add(misp.addEvent(true), "ip-dst", "10.0.0.1");
    h.run("ips", RunKind.FULL);
    h.later();
    misp.delete(uuid);

    RunReport incremental = h.run("ips", RunKind.INCREMENTAL);
    RunReport full = h.run("ips", RunKind.FULL);

    assertThat(incremental.removed()).isZero();
    assertThat(full.removed()).isZero();
    assertThat(qradar.contents(SET)).containsExactly("10.0.0.1");
  }

  @Test
  void aValueTwoJobsShareIsNotClaimedByTheSecondAndComesBackWhenTheFirstDropsIt() {
    JobSpec dst = TestJobs.withTypes(TestJobs.ips("dst", SET), List.of("ip-dst"), ElementType.IP);
    JobSpec src = TestJobs.withTypes(TestJobs.ips("src", SET), List.of("ip-src"), ElementType.IP);
    h.store.saveJob(dst);
    h.store.saveJob(src);
    String event = misp.addEvent(true);
    String shared = misp.add(event, "ip-dst", "10.0.0.1");
    misp.add(event, "ip-src", "10.0.0.1");
    misp.add(event, "ip-src", "10.0.0.2");
    h.run("dst", RunKind.FULL);
    h.run("src", RunKind.FULL);
    h.later();
    misp.delete(shared);

    h.run("dst", RunKind.INCREMENTAL);
    assertThat(qradar.contents(SET)).containsExactly("10.0.0.2");
    RunReport srcFull = h.run("src", RunKind.FULL);

    assertThat(srcFull.added()).isEqualTo(1);
    assertThat(qradar.contents(SET)).containsExactlyInAnyOrder("10.0.0.1", "10.0.0.2");
  }

  @Test
  void refusesASetOfAnotherElementType() {
    qradar.createSet(SET, "ALN");
    h.store.saveJob(TestJobs.ips("ips", SET));
    misp.add(misp.addEvent(true), "ip-dst", "10.0.0.1");

    RunReport report = h.run("ips", RunKind.FULL);

    assertThat(report.outcome()).isEqualTo(RunOutcome.FAILED);
    assertThat(report.error()).contains("\"MISP IPs\"").contains("\"ALN\"");
    assertThat(qradar.calls(FakeQradar.Op.ADD)).isZero();
    assertThat(h.store.runs("ips", 1).get(0).outcome()).isEqualTo(RunOutcome.FAILED);
    assertThat(h.store.syncState("ips").cursor()).isNull();
  }

  @Test
  void failsWhenTheSetIsMissingAndTheJobMayNotCreateIt() {
    h.store.saveJob(TestJobs.withCreation(TestJobs.ips("ips", SET), false, null));

    RunReport report = h.run("ips", RunKind.FULL);

    assertThat(report.outcome()).isEqualTo(RunOutcome.FAILED);
    assertThat(report.error()).contains("does not exist").contains("createSetIfMissing");
    assertThat(qradar.exists(SET)).isFalse();
  }

  @Test
  void countsValuesQradarRefusesAndTriesThemAgainOnTheNextFullRun() {
    h.store.saveJob(TestJobs.ips("ips", SET));
    String event = misp.addEvent(true);
    misp.add(event, "ip-dst", "10.0.0.1");
    misp.add(event, "ip-dst", "10.0.0.2");
    qradar.refuse(value -> value.equals("10.0.0.2"));

    RunReport first = h.run("ips", RunKind.FULL);
    RunReport incremental = h.run("ips", RunKind.INCREMENTAL);
    qradar.refuse(value -> false);
    RunReport full = h.run("ips", RunKind.FULL);

    assertThat(first.ok()).isTrue();
    assertThat(first.added()).isEqualTo(1);
    assertThat(first.skippedByReason()).containsEntry(SkipReason.REJECTED, 1L);
    assertThat(h.store.runs("ips", 3).get(2).skippedByReason())
        .containsEntry(SkipReason.REJECTED, 1L);
    assertThat(incremental.added()).isZero();
    assertThat(full.added()).isEqualTo(1);
    assertThat(qradar.contents(SET)).containsExactlyInAnyOrder("10.0.0.1", "10.0.0.2");
  }

  @Test
  void sendsValuesInBatchesOfTheConfiguredSize() {
    h = restartWith(b -> b.batchSize(2));
    h.store.saveJob(TestJobs.ips("ips", SET));
    String event = misp.addEvent(true);
    for (int i = 1; i <= 5; i++) {
      misp.add(event, "ip-dst", "10.0.0." + i);
    }

    h.run("ips", RunKind.FULL);

    assertThat(qradar.addBatches()).extracting(List::size).containsExactlyInAnyOrder(2, 2, 1);
    assertThat(h.store.recentValues("ips")).hasSize(5).allMatch(RecentValue::added);
  }

  @Test
  void hasQradarTakeTwoBatchesAtOnce() {
    FakeQradar slow = new FakeQradar();
    Rendezvous twoBatches = new Rendezvous(2);
    SetTarget target =
        new ForwardingTarget(slow) {
          @Override
          public AddResult add(String set, List<String> values) {
            twoBatches.meet();
            return super.add(set, values);
          }
        };
    h = restartWith(b -> b.batchSize(2).target(target));
    h.store.saveJob(TestJobs.ips("ips", SET));
    String event = misp.addEvent(true);
    for (int i = 1; i <= 6; i++) {
      misp.add(event, "ip-dst", "10.0.0." + i);
    }

    RunReport report = h.run("ips", RunKind.FULL);

    assertThat(report.added()).isEqualTo(6);
    assertThat(twoBatches.mostInside()).isEqualTo(2);
    assertThat(slow.contents(SET)).hasSize(6);
    assertThat(h.store.syncState("ips").confirmed()).isEqualTo(6);
  }

  @Test
  void sendsRemovalsWhileItSendsAdditions() {
    FakeQradar slow = new FakeQradar();
    Rendezvous addAndRemove = new Rendezvous(2);
    SetTarget target =
        new ForwardingTarget(slow) {
          @Override
          public AddResult add(String set, List<String> values) {
            if (values.contains("10.0.0.3")) {
              addAndRemove.meet();
            }
            return super.add(set, values);
          }

          @Override
          public void remove(String set, List<String> values) {
            addAndRemove.meet();
            super.remove(set, values);
          }
        };
    h = restartWith(b -> b.incrementalOverlap(Duration.ZERO).target(target));
    h.store.saveJob(TestJobs.ips("ips", SET));
    String event = misp.addEvent(true);
    String first = misp.add(event, "ip-dst", "10.0.0.1");
    misp.add(event, "ip-dst", "10.0.0.2");
    h.run("ips", RunKind.FULL);
    misp.delete(first);
    misp.add(event, "ip-dst", "10.0.0.3");

    RunReport report = h.run("ips", RunKind.INCREMENTAL);

    assertThat(report.added()).isEqualTo(1);
    assertThat(report.removed()).isEqualTo(1);
    assertThat(addAndRemove.mostInside()).isEqualTo(2);
    assertThat(slow.contents(SET)).containsExactlyInAnyOrder("10.0.0.2", "10.0.0.3");
  }

  @Test
  void aDryRunReportsWhatWouldChangeAndWritesNothing() {
    h.store.saveJob(TestJobs.ips("ips", SET));
    Scenario scenario = new Scenario();

    RunReport dry = h.dryRun("ips", RunKind.INCREMENTAL);

    assertThat(dry.dryRun()).isTrue();
    assertThat(dry.kind()).isEqualTo(RunKind.FULL);
    assertThat(dry.valuesToAdd())
        .containsExactly(
            "10.0.0.1",
            "10.0.0.12",
            "10.0.0.2",
            "10.0.0.20",
            "10.0.0.3",
            "10.0.0.4",
            "10.0.0.5",
            "10.0.0.7",
            "10.0.0.8",
            "10.0.0.9");
    assertThat(dry.added()).isEqualTo(10);
    assertThat(dry.skippedExamples())
        .containsOnlyKeys(SkipReason.INVALID_VALUE)
        .satisfies(
            examples ->
                assertThat(examples.get(SkipReason.INVALID_VALUE))
                    .containsExactly(
                        new SkippedAttribute(
                            scenario.invalid, scenario.e2, "ip-dst", "107.183.86")));
    assertThat(qradar.exists(SET)).isFalse();
    assertThat(qradar.calls(FakeQradar.Op.CREATE)).isZero();
    assertThat(h.store.runs("ips", 10)).isEmpty();
    assertThat(h.store.syncState("ips")).isEqualTo(new SyncState(null, null, 0, 0, 0));
  }

  @Test
  void aDryRunAfterChangesListsTheValuesThatWouldBeRemoved() {
    h.store.saveJob(TestJobs.ips("ips", SET));
    Scenario scenario = new Scenario();
    h.run("ips", RunKind.FULL);
    scenario.change();
    Set<String> before = qradar.contents(SET);

    RunReport dry = h.dryRun("ips", RunKind.INCREMENTAL);
    RunReport real = h.run("ips", RunKind.INCREMENTAL);

    assertThat(dry.valuesToRemove())
        .containsExactly(
            "10.0.0.1", "10.0.0.12", "10.0.0.2", "10.0.0.3", "10.0.0.4", "10.0.0.8", "10.0.0.9");
    assertThat(dry.valuesToAdd()).containsExactly("10.0.0.44");
    assertThat(dry.skippedExamples().get(SkipReason.DELETED)).hasSize(3);
    assertThat(dry.skippedExamples().get(SkipReason.NOT_IDS))
        .extracting(SkippedAttribute::uuid)
        .containsExactly(scenario.idsOff);
    assertThat(real.removed()).isEqualTo(dry.removed());
    assertThat(real.added()).isEqualTo(dry.added());
    assertThat(before).contains("10.0.0.1");
  }

  @Test
  void aDryRunListsAtMostTheLimitButCountsEverything() {
    h = restartWith(b -> b.dryRunListLimit(2));
    h.store.saveJob(TestJobs.ips("ips", SET));
    String event = misp.addEvent(true);
    for (int i = 1; i <= 5; i++) {
      misp.add(event, "ip-dst", "10.0.0." + i);
    }

    RunReport dry = h.dryRun("ips", RunKind.FULL);

    assertThat(dry.valuesToAdd()).containsExactly("10.0.0.1", "10.0.0.2");
    assertThat(dry.added()).isEqualTo(5);
  }

  @Test
  void refusesToRunAJobThatIsAlreadyRunning() {
    List<Throwable> nested = new ArrayList<>();
    h =
        restartWith(
            b ->
                b.listener(
                    new RunListener() {
                      @Override
                      public void runStarted(String job, RunKind kind, boolean dryRun) {
                        try {
                          h.engine.run(job, RunKind.FULL);
                        } catch (IllegalStateException e) {
                          nested.add(e);
                        }
                      }
                    }));
    h.store.saveJob(TestJobs.ips("ips", SET));

    RunReport report = h.run("ips", RunKind.FULL);

    assertThat(report.ok()).isTrue();
    assertThat(nested)
        .singleElement()
        .extracting(Throwable::getMessage)
        .asString()
        .contains("already running");
    assertThat(h.engine.isRunning("ips")).isFalse();
  }

  @Test
  void tellsListenersAboutEveryRun() {
    List<String> events = new ArrayList<>();
    h =
        restartWith(
            b ->
                b.listener(
                    new RunListener() {
                      @Override
                      public void runStarted(String job, RunKind kind, boolean dryRun) {
                        events.add("started " + job + " " + kind + " " + dryRun);
                      }

                      @Override
                      public void runFinished(RunReport report) {
                        events.add("finished " + report.job() + " " + report.outcome());
                        throw new IllegalStateException("a broken listener is only logged");
                      }
                    }));
    h.store.saveJob(TestJobs.ips("ips", SET));

    h.run("ips", RunKind.INCREMENTAL);
    h.dryRun("ips", RunKind.FULL);

    assertThat(events)
        .containsExactly(
            "started ips INCREMENTAL false",
            "finished ips OK",
            "started ips FULL true",
            "finished ips OK");
  }

  @Test
  void twoJobsRunAtTheSameTimeWithoutMixingTheirState() throws Exception {
    h = restartWith(b -> b.batchSize(3).stagingBatchSize(5));
    h.store.saveJob(TestJobs.ips("one", "set one"));
    h.store.saveJob(
        TestJobs.withTypes(TestJobs.ips("two", "set two"), List.of("ip-src"), ElementType.IP));
    String event = misp.addEvent(true);
    for (int i = 1; i <= 40; i++) {
      misp.add(event, i % 2 == 0 ? "ip-dst" : "ip-src", "10.0.0." + i);
    }
    ExecutorService pool = Executors.newFixedThreadPool(2);

    try {
      Future<RunReport> one = pool.submit(() -> h.engine.run("one", RunKind.FULL));
      Future<RunReport> two = pool.submit(() -> h.engine.run("two", RunKind.FULL));

      assertThat(one.get(30, TimeUnit.SECONDS).added()).isEqualTo(40);
      assertThat(two.get(30, TimeUnit.SECONDS).added()).isEqualTo(20);
    } finally {
      pool.shutdownNow();
    }
    assertThat(qradar.contents("set one")).hasSize(40);
    assertThat(qradar.contents("set two"))
        .hasSize(20)
        .allMatch(v -> Integer.parseInt(v.substring(7)) % 2 == 1);
  }

  @Test
  void anUnknownJobIsAMistakeOfTheCaller() {
    assertThatThrownBy(() -> h.engine.run("ghost", RunKind.FULL))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'ghost'");
  }

  @Test
  void recordsEachRunInTheHistory() {
    h.store.saveJob(TestJobs.ips("ips", SET));
    misp.add(misp.addEvent(true), "ip-dst", "10.0.0.1");
    misp.add(misp.addEvent(false), "ip-dst", "10.0.0.2");

    RunReport report = h.run("ips", RunKind.FULL);

    RunRecord record = h.store.runs("ips", 1).get(0);
    assertThat(record)
        .isEqualTo(
            new RunRecord(
                record.id(),
                "ips",
                RunKind.FULL,
                report.startedAt(),
                report.endedAt(),
                RunOutcome.OK,
                2,
                1,
                1,
                0,
                1,
                Map.of(SkipReason.UNPUBLISHED, 1L),
                null));
  }

  @Test
  void explainsWhyAJobYieldsNothing() {
    h.store.saveJob(TestJobs.ips("ips", SET));
    String event = misp.addEvent(false);
    misp.setToIds(misp.add(event, "ip-dst", "10.0.0.1"), false);
    misp.add(event, "ip-dst", "10.0.0.2");

    RunReport report = h.run("ips", RunKind.FULL);

    assertThat(report.desired()).isZero();
    assertThat(SyncEngine.emptyCauses(report))
        .contains("of 2 attributes read")
        .contains("1 lack the to_ids flag (toIdsOnly)")
        .contains("1 are in unpublished events (publishedOnly)");
  }

  @Test
  void explainsThatMispReturnedNothing() {
    h.store.saveJob(TestJobs.ips("ips", SET));

    RunReport report = h.run("ips", RunKind.FULL);

    assertThat(report.fetched()).isZero();
    assertThat(SyncEngine.emptyCauses(report)).contains("MISP returned no attribute");
  }

  @Test
  void theCursorStaysWhenARunFails() {
    h.store.saveJob(TestJobs.ips("ips", SET));
    RunReport first = h.run("ips", RunKind.FULL);
    misp.failCall(1, () -> SourceException.permanent("MISP refused the key (403)", null));

    RunReport failed = h.run("ips", RunKind.INCREMENTAL);

    assertThat(failed.outcome()).isEqualTo(RunOutcome.FAILED);
    assertThat(failed.error())
        .isEqualTo("Reading attributes from MISP failed: MISP refused the key (403)");
    assertThat(h.store.syncState("ips").cursor()).isEqualTo(first.startedAt());
    assertThat(h.store.runs("ips", 1).get(0).error()).isEqualTo(failed.error());
  }

  @Test
  void aCursorIsKeptToTheSecond() {
    h.store.saveJob(TestJobs.ips("ips", SET));
    h.clock.advance(Duration.ofMillis(750));

    RunReport report = h.run("ips", RunKind.FULL);

    assertThat(report.startedAt().getNano()).isNotZero();
    assertThat(h.store.syncState("ips").cursor())
        .isEqualTo(Instant.ofEpochSecond(report.startedAt().getEpochSecond()));
  }

  /**
   * Holds each caller until the given number have come, or five seconds have passed, and counts the
   * most that were inside at once: calls made one after another never meet.
   */
  private static final class Rendezvous {
    private final CountDownLatch arrivals;
    private final AtomicInteger inside = new AtomicInteger();
    private final AtomicInteger mostInside = new AtomicInteger();

    Rendezvous(int callers) {
      this.arrivals = new CountDownLatch(callers);
    }

    void meet() {
      mostInside.accumulateAndGet(inside.incrementAndGet(), Math::max);
      arrivals.countDown();
      try {
        arrivals.await(5, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      } finally {
        inside.decrementAndGet();
      }
    }

    int mostInside() {
      return mostInside.get();
    }
  }
}
