package org.iocsync.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * What every {@link Store} does, whatever its database: each engine's test extends this class and
 * says how to open its store.
 */
abstract class StoreContractTest {
  private final List<Store> opened = new ArrayList<>();

  /** Opens the store under test on this test's database, which outlives the store. */
  abstract Store openStore();

  /** Opens the store under test keeping {@code runs} runs and {@code values} recent values. */
  abstract Store openStore(int runs, int values);

  /** Runs SQL on the test's database behind the store's back. */
  abstract void sql(String statement) throws SQLException;

  @AfterEach
  void closeStores() {
    for (Store store : opened) {
      store.close();
    }
  }

  final Store open() {
    return keep(openStore());
  }

  final Store open(int runs, int values) {
    return keep(openStore(runs, values));
  }

  private Store keep(Store store) {
    opened.add(store);
    return store;
  }

  static final Instant NOW = Instant.parse("2026-03-01T10:00:00Z");

  @Test
  void savesJobsAndReadsThemBackAfterReopening() {
    JobSpec ips = TestJobs.ips("ips", "MISP IPs");
    JobSpec hashes =
        TestJobs.withCreation(
            TestJobs.withTypes(
                TestJobs.ips("hashes", "MISP hashes"), List.of("md5"), ElementType.ALNIC),
            true,
            "30 days");
    try (Store store = openStore()) {
      store.saveJob(ips);
      store.saveJob(hashes);
      store.setPaused("hashes", true);
    }

    Store store = open();

    assertThat(store.jobs())
        .containsExactly(new StoredJob(hashes, true), new StoredJob(ips, false));
    assertThat(store.job("ips")).contains(new StoredJob(ips, false));
    assertThat(store.job("nope")).isEmpty();
  }

  @Test
  void replacingAJobKeepsItsPausedFlag() {
    Store store = open();
    store.saveJob(TestJobs.ips("ips", "set"));
    store.setPaused("ips", true);

    store.saveJob(TestJobs.withInterval(TestJobs.ips("ips", "set"), 30));

    assertThat(store.job("ips").orElseThrow().paused()).isTrue();
    assertThat(store.job("ips").orElseThrow().spec().intervalMinutes()).isEqualTo(30);
  }

  @Test
  void pausingAnUnknownJobNamesIt() {
    Store store = open();

    assertThatThrownBy(() -> store.setPaused("ghost", true))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'ghost'");
  }

  @Test
  void deletingAJobDeletesItsLedgerAndHistory() {
    Store store = open();
    store.saveJob(TestJobs.ips("ips", "set"));
    confirm(store, "ips", "10.0.0.1");

    assertThat(store.deleteJob("ips")).isTrue();
    store.saveJob(TestJobs.ips("ips", "set"));

    assertThat(store.syncState("ips")).isEqualTo(new SyncState(null, null, 0, 0, 0));
    assertThat(store.runs("ips", 10)).isEmpty();
    assertThat(store.recentValues("ips")).isEmpty();
    assertThat(store.deleteJob("ghost")).isFalse();
  }

  @Test
  void changingAJobsSetStartsItsLedgerAfreshAndChangingItsFilterForcesAFullRun() {
    Store store = open();
    JobSpec job = TestJobs.ips("ips", "set");
    store.saveJob(job);
    confirm(store, "ips", "10.0.0.1");
    Instant cursor = store.syncState("ips").cursor();

    store.saveJob(TestJobs.withInterval(job, 30));
    assertThat(store.syncState("ips").cursor()).isEqualTo(cursor);

    store.saveJob(TestJobs.withTags(job, List.of("malware")));
    assertThat(store.syncState("ips").cursor()).isNull();
    assertThat(store.syncState("ips").confirmed()).isEqualTo(1);

    store.saveJob(TestJobs.withSet(job, "other set", ElementType.IP));
    assertThat(store.syncState("ips").confirmed()).isZero();
  }

  /** Begins a full run of job "ips" at NOW, stages {@code staged} and records the run's plan. */
  private static long recordFullPlan(Store store, StagedAttribute... staged) {
    long run = store.beginRun("ips", RunKind.FULL, NOW);
    store.stageAttributes("ips", List.of(staged));
    store.applyPlan(run, "ips", RunKind.FULL, store.plan("ips", RunKind.FULL, SyncMode.MIRROR));
    return run;
  }

  static void confirm(Store store, String job, String value) {
    long run = store.beginRun(job, RunKind.FULL, NOW);
    store.stageAttributes(job, List.of(new StagedAttribute("u-" + value, value, null, 1)));
    store.applyPlan(run, job, RunKind.FULL, store.plan(job, RunKind.FULL, SyncMode.MIRROR));
    store.confirmAdded(run, job, List.of(value), List.of(), NOW);
    store.finishRun(run, job, RunOutcome.OK, null, NOW, NOW, true);
  }

  @Test
  void savesConnectionSettings() {
    Store store = open();
    ConnectionSettings qradar =
        new ConnectionSettings("https://qradar.example.org", "16.0", false, "-----BEGIN...");

    store.saveConnection(Server.QRADAR, qradar);
    store.saveConnection(
        Server.MISP, new ConnectionSettings("https://old.example.org", null, true, null));
    store.saveConnection(
        Server.MISP, new ConnectionSettings("https://misp.example.org", null, true, null));

    assertThat(store.connection(Server.QRADAR)).contains(qradar);
    assertThat(store.connection(Server.MISP))
        .contains(new ConnectionSettings("https://misp.example.org", null, true, null));
  }

  @Test
  void keepsSecretsAcrossReopeningAndNeverShowsThem() {
    String key = "s3cr3t-MISP-key-0123456789abcdefghijklmn";
    try (Store store = openStore()) {
      store.saveSecret("misp", key);
      store.saveSecret("qradar", "token");
      store.deleteSecret("qradar");
      store.deleteSecret("never-saved");
    }

    Store store = open();

    assertThat(store.secret("misp")).contains(key);
    assertThat(store.secret("qradar")).isEmpty();
    assertThat(store.toString()).doesNotContain(key);
  }

  @Test
  void aSecretCopiedUnderAnotherNameDoesNotOpen() throws SQLException {
    Store store = open();
    store.saveSecret("misp", "misp-key");
    store.saveSecret("qradar", "qradar-token");

    sql(
        "UPDATE secret SET sealed = (SELECT sealed FROM secret WHERE name = 'misp')"
            + " WHERE name = 'qradar'");

    assertThatThrownBy(() -> store.secret("qradar"))
        .isInstanceOf(StoreException.class)
        .hasMessageNotContaining("misp-key")
        .extracting(e -> ((StoreException) e).problem())
        .isEqualTo(StoreException.Problem.SECRET_KEY);
    assertThat(store.secret("misp")).contains("misp-key");
  }

  @Test
  void keepsABoundedRunHistoryAndRecentValues() {
    Store store = open(3, 4);
    store.saveJob(TestJobs.ips("ips", "set"));

    for (int i = 0; i < 5; i++) {
      long run = store.beginRun("ips", RunKind.INCREMENTAL, NOW.plusSeconds(i));
      store.confirmAdded(
          run, "ips", List.of("10.0.0." + (2 * i), "10.0.0." + (2 * i + 1)), List.of(), NOW);
      store.finishRun(run, "ips", RunOutcome.OK, null, NOW.plusSeconds(i), null, false);
    }

    assertThat(store.runs("ips", 10))
        .hasSize(3)
        .allSatisfy(r -> assertThat(r.added()).isEqualTo(2));
    assertThat(store.recentValues("ips"))
        .extracting(RecentValue::value)
        .containsExactly("10.0.0.9", "10.0.0.8", "10.0.0.7", "10.0.0.6");
  }

  @Test
  void marksARunThatNeverEndedAsInterruptedWhenTheJobRunsAgain() {
    Store store = open();
    store.saveJob(TestJobs.ips("ips", "set"));
    long crashed = store.beginRun("ips", RunKind.FULL, NOW);
    store.confirmAdded(crashed, "ips", List.of("10.0.0.1"), List.of("bad"), NOW);

    long next = store.beginRun("ips", RunKind.INCREMENTAL, NOW.plusSeconds(60));

    List<RunRecord> runs = store.runs("ips", 10);
    assertThat(runs).extracting(RunRecord::id).containsExactly(next, crashed);
    assertThat(runs.get(0).outcome()).isEqualTo(RunOutcome.RUNNING);
    assertThat(runs.get(1).outcome()).isEqualTo(RunOutcome.INTERRUPTED);
    assertThat(runs.get(1).endedAt()).isEqualTo(NOW.plusSeconds(60));
    assertThat(runs.get(1).added()).isEqualTo(1);
    assertThat(runs.get(1).skippedByReason()).isEqualTo(Map.of(SkipReason.REJECTED, 1L));
    assertThat(store.recentRuns(1)).extracting(RunRecord::id).containsExactly(next);
  }

  @Test
  void recordsARunsCountsOutcomeAndErrorAndListsRunsOfEveryJobNewestFirst() {
    Store store = open();
    store.saveJob(TestJobs.ips("a", "set a"));
    store.saveJob(TestJobs.ips("b", "set b"));
    long first = store.beginRun("a", RunKind.FULL, NOW);
    store.stageAttributes(
        "a",
        List.of(
            new StagedAttribute("u1", "10.0.0.1", null, 1),
            new StagedAttribute("u2", null, SkipReason.NOT_IDS, 1),
            new StagedAttribute("u3", null, SkipReason.NOT_IDS, 1)));
    store.applyPlan(first, "a", RunKind.FULL, store.plan("a", RunKind.FULL, SyncMode.MIRROR));
    store.finishRun(
        first, "a", RunOutcome.FAILED, "QRadar said no", NOW.plusSeconds(5), null, false);
    long second = store.beginRun("b", RunKind.INCREMENTAL, NOW.plusSeconds(10));

    List<RunRecord> runs = store.recentRuns(10);

    assertThat(runs).extracting(RunRecord::id).containsExactly(second, first);
    RunRecord failed = runs.get(1);
    assertThat(failed.job()).isEqualTo("a");
    assertThat(failed.kind()).isEqualTo(RunKind.FULL);
    assertThat(failed.startedAt()).isEqualTo(NOW);
    assertThat(failed.endedAt()).isEqualTo(NOW.plusSeconds(5));
    assertThat(failed.outcome()).isEqualTo(RunOutcome.FAILED);
    assertThat(failed.error()).isEqualTo("QRadar said no");
    assertThat(failed.fetched()).isEqualTo(3);
    assertThat(failed.desired()).isEqualTo(1);
    assertThat(failed.skipped()).isEqualTo(2);
    assertThat(failed.skippedByReason()).isEqualTo(Map.of(SkipReason.NOT_IDS, 2L));
    assertThat(runs.get(0).endedAt()).isNull();
    assertThat(store.syncState("a").cursor()).isNull();
  }

  @Test
  void aFullPlanAddsWhatTheSetLacksOrIsPendingAndRemovesWhatIsNoLongerDesired() {
    Store store = open();
    store.saveJob(TestJobs.ips("ips", "set"));
    confirm(store, "ips", "10.0.0.1");
    confirm(store, "ips", "10.0.0.2");
    long run = store.beginRun("ips", RunKind.FULL, NOW);
    store.stageAttributes(
        "ips",
        List.of(
            new StagedAttribute("u-10.0.0.2", "10.0.0.2", null, 2),
            new StagedAttribute("u-new", "10.0.0.3", null, 2),
            new StagedAttribute("u-theirs", "10.0.0.9", null, 2),
            new StagedAttribute("u-gone", null, SkipReason.DELETED, 2)));
    store.stagePresent("ips", List.of("10.0.0.1", "10.0.0.9", "10.0.0.50"));

    Plan plan = store.plan("ips", RunKind.FULL, SyncMode.MIRROR);

    assertThat(plan.fetched()).isEqualTo(4);
    assertThat(plan.desired()).isEqualTo(3);
    assertThat(plan.skippedByReason()).isEqualTo(Map.of(SkipReason.DELETED, 1L));
    assertThat(store.plannedValues("ips", Plan.Action.ADD, null, 10))
        .containsExactly("10.0.0.2", "10.0.0.3");
    assertThat(store.plannedValues("ips", Plan.Action.REMOVE, null, 10))
        .containsExactly("10.0.0.1");
    assertThat(plan.toAdd()).isEqualTo(2);
    assertThat(plan.toRemove()).isEqualTo(1);
    assertThat(store.plan("ips", RunKind.FULL, SyncMode.APPEND).toRemove()).isZero();
    store.finishRun(run, "ips", RunOutcome.CANCELLED, "stopped", NOW, null, false);
  }

  @Test
  void aPlanCarriedOutMakesValuesPendingUntilConfirmedOrRejected() {
    Store store = open();
    store.saveJob(TestJobs.ips("ips", "set"));
    confirm(store, "ips", "10.0.0.1");
    long run = store.beginRun("ips", RunKind.FULL, NOW);
    store.stageAttributes(
        "ips",
        List.of(
            new StagedAttribute("u1", "10.0.0.2", null, 2),
            new StagedAttribute("u2", "10.0.0.3", null, 2)));

    store.applyPlan(run, "ips", RunKind.FULL, store.plan("ips", RunKind.FULL, SyncMode.MIRROR));

    assertThat(store.syncState("ips")).isEqualTo(new SyncState(NOW, NOW, 0, 2, 1));
    store.confirmAdded(run, "ips", List.of("10.0.0.2"), List.of("10.0.0.3"), NOW.plusSeconds(1));
    store.confirmRemoved(run, "ips", List.of("10.0.0.1"), NOW.plusSeconds(2));
    store.finishRun(run, "ips", RunOutcome.OK, null, NOW.plusSeconds(3), NOW.plusSeconds(60), true);

    assertThat(store.syncState("ips")).isEqualTo(new SyncState(NOW.plusSeconds(60), NOW, 1, 0, 0));
    assertThat(store.cursor("ips")).contains(NOW.plusSeconds(60));
    assertThat(store.recentValues("ips"))
        .containsExactly(
            new RecentValue("10.0.0.1", false, NOW.plusSeconds(2)),
            new RecentValue("10.0.0.2", true, NOW.plusSeconds(1)),
            new RecentValue("10.0.0.1", true, NOW));
    RunRecord record = store.runs("ips", 1).get(0);
    assertThat(record.added()).isEqualTo(1);
    assertThat(record.removed()).isEqualTo(1);
    assertThat(record.skippedByReason()).isEqualTo(Map.of(SkipReason.REJECTED, 1L));
    assertThat(store.plannedValues("ips", Plan.Action.ADD, null, 10)).isEmpty();
  }

  @Test
  void aFailedRunLeavesWhatQradarDidNotAnswerPendingAndForgetsWhatItRefused() {
    Store store = open();
    store.saveJob(TestJobs.ips("ips", "set"));
    long run =
        recordFullPlan(
            store,
            new StagedAttribute("u1", "10.0.0.1", null, 1),
            new StagedAttribute("u2", "10.0.0.2", null, 1),
            new StagedAttribute("u3", "10.0.0.3", null, 1),
            new StagedAttribute("u4", "10.0.0.4", null, 1));

    store.confirmAdded(run, "ips", List.of("10.0.0.1"), List.of("10.0.0.2"), NOW);
    assertThat(store.syncState("ips").pendingAdd()).isEqualTo(2);
    store.finishRun(run, "ips", RunOutcome.FAILED, "QRadar went away", NOW, null, true);

    assertThat(store.syncState("ips")).isEqualTo(new SyncState(null, null, 1, 2, 0));
    long next = store.beginRun("ips", RunKind.FULL, NOW.plusSeconds(60));
    store.stageAttributes("ips", List.of(new StagedAttribute("u1", "10.0.0.1", null, 2)));
    store.applyPlan(next, "ips", RunKind.FULL, store.plan("ips", RunKind.FULL, SyncMode.MIRROR));
    assertThat(store.plannedValues("ips", Plan.Action.REMOVE, null, 10))
        .containsExactly("10.0.0.3", "10.0.0.4");
  }

  @Test
  void planningAgainAfterRecordingKeepsPendingOnlyWhatWasRecorded() {
    Store store = open();
    store.saveJob(TestJobs.ips("ips", "set"));
    long run =
        recordFullPlan(
            store,
            new StagedAttribute("u1", "10.0.0.1", null, 1),
            new StagedAttribute("u2", "10.0.0.2", null, 1));
    store.stageAttributes("ips", List.of(new StagedAttribute("u3", "10.0.0.3", null, 1)));

    store.plan("ips", RunKind.FULL, SyncMode.MIRROR);
    store.finishRun(run, "ips", RunOutcome.FAILED, "stopped", NOW, null, true);

    assertThat(store.syncState("ips").pendingAdd()).isEqualTo(2);
  }

  @Test
  void aConfirmationArrivingAfterTheJobsSetChangedRecordsNothing() {
    Store store = open();
    JobSpec job = TestJobs.ips("ips", "set");
    store.saveJob(job);
    long run = recordFullPlan(store, new StagedAttribute("u1", "10.0.0.1", null, 1));

    store.saveJob(TestJobs.withSet(job, "other set", ElementType.IP));
    store.confirmAdded(run, "ips", List.of("10.0.0.1"), List.of(), NOW);
    store.finishRun(run, "ips", RunOutcome.OK, null, NOW, NOW, true);

    assertThat(store.syncState("ips").confirmed()).isZero();
    assertThat(store.syncState("ips").pendingAdd()).isZero();
  }

  @Test
  void anIncrementalPlanJudgesOnlyWhatChangedPlusPendingValues() {
    Store store = open();
    store.saveJob(TestJobs.ips("ips", "set"));
    long first =
        recordFullPlan(
            store,
            new StagedAttribute("u1", "10.0.0.1", null, 1),
            new StagedAttribute("u2", "10.0.0.2", null, 1),
            new StagedAttribute("u3", "10.0.0.2", null, 1),
            new StagedAttribute("u4", "10.0.0.4", null, 1));
    store.confirmAdded(first, "ips", List.of("10.0.0.1", "10.0.0.2"), List.of(), NOW);
    store.finishRun(first, "ips", RunOutcome.FAILED, "stopped", NOW, null, false);
    long next = store.beginRun("ips", RunKind.INCREMENTAL, NOW.plusSeconds(60));
    store.stageAttributes(
        "ips",
        List.of(
            new StagedAttribute("u1", null, SkipReason.DELETED, 2),
            new StagedAttribute("u2", null, SkipReason.NOT_IDS, 2),
            new StagedAttribute("u5", "10.0.0.5", null, 2)));

    Plan plan = store.plan("ips", RunKind.INCREMENTAL, SyncMode.MIRROR);

    assertThat(store.plannedValues("ips", Plan.Action.ADD, null, 10))
        .containsExactly("10.0.0.4", "10.0.0.5");
    assertThat(store.plannedValues("ips", Plan.Action.REMOVE, null, 10))
        .containsExactly("10.0.0.1");
    assertThat(plan.desired()).isEqualTo(3);
    assertThat(plan.fetched()).isEqualTo(3);
    store.applyPlan(next, "ips", RunKind.INCREMENTAL, plan);
    assertThat(store.syncState("ips").pendingRemove()).isEqualTo(1);
    assertThat(store.syncState("ips").pendingAdd()).isEqualTo(2);
  }

  @Test
  void anIncrementalPlanLeavesAValueTheSetHoldsButTheLedgerDoesNotKnowToItsOwner() {
    Store store = open();
    store.saveJob(TestJobs.ips("ips", "set"));
    long first = store.beginRun("ips", RunKind.FULL, NOW);
    store.stageAttributes(
        "ips",
        List.of(
            new StagedAttribute("u1", "10.0.0.1", null, 1),
            new StagedAttribute("u2", "10.0.0.2", null, 1),
            new StagedAttribute("u3", "10.0.0.2", null, 1)));
    store.stagePresent("ips", List.of("10.0.0.2"));
    store.applyPlan(first, "ips", RunKind.FULL, store.plan("ips", RunKind.FULL, SyncMode.MIRROR));
    store.confirmAdded(first, "ips", List.of("10.0.0.1"), List.of(), NOW);
    store.finishRun(first, "ips", RunOutcome.OK, null, NOW, NOW, true);
    long next = store.beginRun("ips", RunKind.INCREMENTAL, NOW.plusSeconds(60));
    store.stageAttributes(
        "ips",
        List.of(
            new StagedAttribute("u1", "10.0.0.1", null, 2),
            new StagedAttribute("u2", "10.0.0.7", null, 2),
            new StagedAttribute("u4", "10.0.0.9", null, 2),
            new StagedAttribute("u5", "10.0.0.5", null, 2)));

    List<String> unowned = new ArrayList<>();
    String after = null;
    for (List<String> page; !(page = store.unownedValues("ips", after, 2)).isEmpty(); ) {
      unowned.addAll(page);
      after = page.get(page.size() - 1);
    }
    store.stagePresent("ips", List.of("10.0.0.2", "10.0.0.9"));
    Plan plan = store.plan("ips", RunKind.INCREMENTAL, SyncMode.MIRROR);
    store.applyPlan(next, "ips", RunKind.INCREMENTAL, plan);

    assertThat(unowned).containsExactly("10.0.0.2", "10.0.0.5", "10.0.0.7", "10.0.0.9");
    assertThat(store.plannedValues("ips", Plan.Action.ADD, null, 10))
        .containsExactly("10.0.0.5", "10.0.0.7");
    assertThat(store.plannedValues("ips", Plan.Action.REMOVE, null, 10)).isEmpty();
    assertThat(plan.desired()).isEqualTo(5);
    assertThat(store.syncState("ips").pendingAdd()).isEqualTo(2);
    assertThat(store.syncState("ips").confirmed()).isEqualTo(1);
  }

  @Test
  void aUuidStagedAgainKeepsItsLatestReading() {
    Store store = open();
    store.saveJob(TestJobs.ips("ips", "set"));
    store.beginRun("ips", RunKind.FULL, NOW);

    store.stageAttributes(
        "ips",
        List.of(
            new StagedAttribute("u1", "10.0.0.1", null, 5),
            new StagedAttribute("u1", "10.0.0.2", null, 7),
            new StagedAttribute("u1", "10.0.0.3", null, 6)));
    store.stageAttributes("ips", List.of(new StagedAttribute("u1", "10.0.0.4", null, 4)));
    store.stageAttributes("ips", List.of(new StagedAttribute("u1", null, SkipReason.DELETED, 7)));

    Plan plan = store.plan("ips", RunKind.FULL, SyncMode.MIRROR);
    assertThat(plan.fetched()).isEqualTo(1);
    assertThat(plan.desired()).isZero();
    assertThat(plan.skippedByReason()).isEqualTo(Map.of(SkipReason.DELETED, 1L));
  }

  @Test
  void pagesThroughPlannedValuesInByteOrder() {
    Store store = open();
    store.saveJob(TestJobs.withTypes(TestJobs.ips("names", "set"), List.of(), ElementType.ALN));
    store.beginRun("names", RunKind.FULL, NOW);
    List<String> values = List.of("b", "B", "a", "Ä", "a b", "_z", "10", "9", "ab");
    List<StagedAttribute> batch = new ArrayList<>();
    for (int i = 0; i < values.size(); i++) {
      batch.add(new StagedAttribute("u" + i, values.get(i), null, 1));
    }
    store.stageAttributes("names", batch);
    store.plan("names", RunKind.FULL, SyncMode.MIRROR);

    List<String> seen = new ArrayList<>();
    String after = null;
    for (List<String> page;
        !(page = store.plannedValues("names", Plan.Action.ADD, after, 2)).isEmpty(); ) {
      seen.addAll(page);
      after = page.get(page.size() - 1);
    }

    assertThat(seen).containsExactly("10", "9", "B", "_z", "a", "a b", "ab", "b", "Ä");
  }

  @Test
  void clearingTheStagingAreaForgetsWhatWasStaged() {
    Store store = open();
    store.saveJob(TestJobs.ips("ips", "set"));
    store.beginRun("ips", RunKind.FULL, NOW);
    store.stageAttributes("ips", List.of(new StagedAttribute("u1", "10.0.0.1", null, 1)));
    store.stagePresent("ips", List.of("10.0.0.7", "10.0.0.7"));

    store.clearStaging("ips");

    Plan plan = store.plan("ips", RunKind.FULL, SyncMode.MIRROR);
    assertThat(plan.fetched()).isZero();
    assertThat(plan.toAdd()).isZero();
  }

  @Test
  void refusesUseAfterClose() {
    Store store = openStore();
    store.close();

    assertThatThrownBy(store::jobs).isInstanceOf(IllegalStateException.class);
    store.close();
  }
}
