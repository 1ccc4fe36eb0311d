package org.iocsync.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;
import org.iocsync.core.InvalidJobException.FieldError;
import org.iocsync.misp.MispClient;
import org.iocsync.qradar.QradarClient;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The embedded API over the in-memory fakes of MISP and QRadar (the end-to-end tests drive it
 * through the real clients), except where a check needs a real QRadar answer.
 */
@Timeout(30)
class IocSyncTest {
  private static final String SET = "MISP IPs";
  private static final Duration DEADLINE = Duration.ofSeconds(10);

  @TempDir Path dir;

  private final TestClock clock = new TestClock();
  private final FakeMisp misp = new FakeMisp(clock);
  private final FakeQradar qradar = new FakeQradar();
  private @Nullable IocSync sync;

  @AfterEach
  void closeAll() {
    if (sync != null) {
      sync.close();
    }
  }

  private IocSync sync(IndicatorSource source, SetTarget target) {
    sync =
        IocSync.builder()
            .source(source)
            .target(target)
            .stateDirectory(dir)
            .clock(clock)
            .sleeper(clock::advance)
            .build();
    return sync;
  }

  private IocSync sync() {
    return sync(misp, qradar);
  }

  private static void await(String what, BooleanSupplier condition) {
    long deadline = System.nanoTime() + DEADLINE.toNanos();
    while (!condition.getAsBoolean()) {
      assertThat(System.nanoTime()).as("waiting until " + what).isLessThan(deadline);
      LockSupport.parkNanos(1_000_000);
    }
  }

  @Test
  void theEmbeddingExampleSyncsFromMispToQradar() {
    try (org.iocsync.testkit.FakeMisp mispServer = org.iocsync.testkit.FakeMisp.start();
        org.iocsync.testkit.FakeQradar qradarServer = org.iocsync.testkit.FakeQradar.start()) {
      long event = mispServer.addEvent("Phishing wave");
      mispServer.addAttribute(event, "ip-dst", "203.0.113.7");
      mispServer.addAttribute(event, "domain|ip", "phish.example|198.51.100.1");
      MispClient misp =
          MispClient.builder().baseUrl(mispServer.url()).apiKey(mispServer.apiKey()).build();
      QradarClient qradar =
          QradarClient.builder().baseUrl(qradarServer.url()).token(qradarServer.token()).build();
      List<String> heard = new CopyOnWriteArrayList<>();

      try (IocSync sync = IocSync.builder().misp(misp).qradar(qradar).stateDirectory(dir).build()) {
        sync.defineJob(
            new JobSpec(
                "malicious-ips",
                "MISP malicious IPs",
                ElementType.IP,
                List.of("ip-src", "ip-dst", "domain|ip"),
                List.of(),
                List.of(),
                List.of("tlp:red"),
                true,
                true,
                false,
                SyncMode.MIRROR,
                15,
                true,
                "30 days"));
        RunReport preview = sync.dryRun("malicious-ips", RunKind.FULL);
        sync.addListener(
            new RunListener() {
              @Override
              public void runFinished(RunReport report) {
                heard.add(report.job() + ": +" + report.added() + " -" + report.removed());
              }
            });
        RunReport first = sync.run("malicious-ips", RunKind.FULL);

        assertThat(preview.valuesToAdd()).containsExactly("198.51.100.1", "203.0.113.7");
        assertThat(first.error()).isNull();
        assertThat(qradarServer.values("MISP malicious IPs"))
            .containsExactlyInAnyOrder("203.0.113.7", "198.51.100.1");
        assertThat(qradarServer.set("MISP malicious IPs").orElseThrow().timeToLiveSeconds())
            .isEqualTo(Duration.ofDays(30).toSeconds());
        assertThat(heard).containsExactly("malicious-ips: +2 -0");
      }
    }
  }

  @Test
  void definesRunsAndReportsAJob() {
    IocSync sync = sync();
    String event = misp.addEvent(true);
    misp.add(event, "ip-dst", "10.0.0.1");
    misp.add(event, "ip-dst", "10.0.0.2");

    sync.defineJob(TestJobs.ips("ips", SET));
    RunReport report = sync.run("ips", RunKind.INCREMENTAL);

    assertThat(report.ok()).isTrue();
    assertThat(report.kind()).isEqualTo(RunKind.FULL);
    assertThat(qradar.contents(SET)).containsExactlyInAnyOrder("10.0.0.1", "10.0.0.2");
    JobStatus status = sync.status("ips");
    assertThat(status.name()).isEqualTo("ips");
    assertThat(status.paused()).isFalse();
    assertThat(status.running()).isFalse();
    assertThat(status.lastRun()).isNotNull();
    assertThat(status.lastRun().outcome()).isEqualTo(RunOutcome.OK);
    assertThat(status.lastRun().added()).isEqualTo(2);
    assertThat(status.nextRunAt()).isNull();
    assertThat(status.state().confirmed()).isEqualTo(2);
    assertThat(status.state().cursor()).isNotNull();
    assertThat(sync.runs("ips", 10)).hasSize(1);
    assertThat(sync.recentRuns(10)).extracting(RunRecord::job).containsExactly("ips");
    assertThat(sync.recentValues("ips"))
        .extracting(RecentValue::value)
        .containsExactlyInAnyOrder("10.0.0.1", "10.0.0.2");
    assertThat(sync.jobs()).extracting(StoredJob::name).containsExactly("ips");
  }

  @Test
  void aDryRunShowsTheChangesAndWritesNothing() {
    IocSync sync = sync();
    misp.add(misp.addEvent(true), "ip-dst", "10.0.0.1");
    misp.add(misp.addEvent(false), "ip-dst", "10.0.0.2");
    sync.defineJob(TestJobs.ips("ips", SET));

    RunReport report = sync.dryRun("ips", RunKind.FULL);

    assertThat(report.dryRun()).isTrue();
    assertThat(report.valuesToAdd()).containsExactly("10.0.0.1");
    assertThat(report.skippedExamples().get(SkipReason.UNPUBLISHED))
        .extracting(SkippedAttribute::value)
        .containsExactly("10.0.0.2");
    assertThat(qradar.exists(SET)).isFalse();
    assertThat(sync.runs("ips", 10)).isEmpty();
    assertThat(sync.status("ips").state().cursor()).isNull();
  }

  @Test
  void checksTypesAgainstTheServersOwnList() {
    IocSync sync = sync(withTypes(misp, Set.of("ip-src", "ip-dst")), qradar);
    JobSpec job =
        TestJobs.withTypes(TestJobs.ips("ips", SET), List.of("domain|ip"), ElementType.IP);

    assertThatThrownBy(() -> sync.defineJob(job))
        .isInstanceOfSatisfying(
            InvalidJobException.class,
            e -> assertThat(e.errors()).extracting(FieldError::field).containsExactly("types"));
    assertThat(sync.jobs()).isEmpty();
  }

  @Test
  void checksTypesAgainstTheBuiltInListWhenMispCannotBeAsked() {
    IndicatorSource unreachable =
        withTypes(misp, null); // knownTypes fails as an unreachable MISP does
    IocSync sync = sync(unreachable, qradar);
    JobSpec good =
        TestJobs.withTypes(TestJobs.ips("ips", SET), List.of("domain|ip"), ElementType.IP);
    JobSpec bad =
        TestJobs.withTypes(TestJobs.ips("bad", SET), List.of("no-such-type"), ElementType.IP);

    sync.defineJob(good);

    assertThat(sync.job("ips")).map(StoredJob::spec).contains(good);
    assertThatThrownBy(() -> sync.defineJob(bad))
        .isInstanceOf(InvalidJobException.class)
        .hasMessageContaining("no-such-type");
  }

  @Test
  void namesTheClashWithAnExistingSetAlongWithEveryOtherBadField() {
    try (org.iocsync.testkit.FakeQradar server = org.iocsync.testkit.FakeQradar.start()) {
      server.createSet(SET, "ALNIC");
      QradarClient client =
          QradarClient.builder().baseUrl(server.url()).token(server.token()).build();
      IocSync sync = sync(misp, new QradarSetTarget(client));
      JobSpec job = TestJobs.withInterval(TestJobs.ips("ips", SET), 0);

      assertThatThrownBy(() -> sync.defineJob(job))
          .isInstanceOfSatisfying(
              InvalidJobException.class,
              e ->
                  assertThat(e.errors())
                      .extracting(FieldError::field)
                      .containsExactly("elementType", "intervalMinutes"))
          .hasMessageContaining("already exists in QRadar with element type \"ALNIC\"");
      assertThat(sync.jobs()).isEmpty();
    }
  }

  @Test
  void acceptsAJobWhoseExistingSetHasItsElementType() {
    qradar.createSet(SET, "IP");
    IocSync sync = sync();

    sync.defineJob(TestJobs.ips("ips", SET));

    assertThat(sync.job("ips")).isPresent();
  }

  @Test
  void savesAJobWhenQradarCannotBeAskedAndLetsItsRunCheckTheSet() {
    qradar.createSet(SET, "ALNIC");
    qradar.failBefore(
        FakeQradar.Op.FIND, 1, () -> TargetException.retryable("QRadar is unreachable", null));
    IocSync sync = sync();

    sync.defineJob(TestJobs.ips("ips", SET));
    RunReport report = sync.run("ips", RunKind.FULL);

    assertThat(sync.job("ips")).isPresent();
    assertThat(report.ok()).isFalse();
    assertThat(report.error()).contains("already exists in QRadar with element type \"ALNIC\"");
  }

  @Test
  void definingAJobTwiceOrUpdatingAMissingOneIsAMistake() {
    IocSync sync = sync();
    sync.defineJob(TestJobs.ips("ips", SET));

    assertThatThrownBy(() -> sync.defineJob(TestJobs.ips("ips", "other")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("updateJob");
    assertThatThrownBy(() -> sync.updateJob(TestJobs.ips("nope", SET)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("No job is called 'nope'");
    assertThat(sync.job("ips").orElseThrow().spec().referenceSet()).isEqualTo(SET);
  }

  @Test
  void updatesAJobKeepingItsPausedFlagAndRemovesIt() {
    IocSync sync = sync();
    sync.defineJob(TestJobs.ips("ips", SET));
    sync.pause("ips");

    sync.updateJob(TestJobs.withInterval(TestJobs.ips("ips", SET), 30));

    StoredJob updated = sync.job("ips").orElseThrow();
    assertThat(updated.spec().intervalMinutes()).isEqualTo(30);
    assertThat(updated.paused()).isTrue();
    assertThat(sync.removeJob("ips")).isTrue();
    assertThat(sync.removeJob("ips")).isFalse();
    assertThat(sync.jobs()).isEmpty();
  }

  @Test
  void anUpdateIsCheckedLikeADefinition() {
    IocSync sync = sync();
    sync.defineJob(TestJobs.ips("ips", SET));

    assertThatThrownBy(() -> sync.updateJob(TestJobs.withInterval(TestJobs.ips("ips", SET), 0)))
        .isInstanceOf(InvalidJobException.class)
        .hasMessageContaining("intervalMinutes");
    assertThat(sync.job("ips").orElseThrow().spec().intervalMinutes()).isEqualTo(15);
  }

  @Test
  void runningAnUnknownJobIsAMistake() {
    IocSync sync = sync();

    assertThatThrownBy(() -> sync.run("nope", RunKind.FULL))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("No job is called 'nope'");
    assertThatThrownBy(() -> sync.dryRun("nope", RunKind.FULL))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> sync.status("nope")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> sync.pause("nope")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> sync.runTogether(List.of("nope"), RunKind.FULL))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("No job is called 'nope'");
  }

  @Test
  void runsSeveralJobsTogetherOnOneReadOfMisp() {
    IocSync sync = sync();
    String event = misp.addEvent(true);
    misp.add(event, "ip-dst", "10.0.0.1");
    misp.add(event, "ip-src", "10.0.0.2");
    sync.defineJob(TestJobs.ips("ips", SET));
    sync.defineJob(
        TestJobs.withTypes(
            TestJobs.ips("sources", "MISP sources"), List.of("ip-src"), ElementType.IP));
    sync.defineJob(TestJobs.ips("paused", "MISP paused"));
    sync.pause("paused");
    int before = misp.calls();

    List<RunReport> reports = sync.runAll(RunKind.FULL);

    assertThat(reports).extracting(RunReport::job).containsExactly("ips", "sources");
    assertThat(reports).allSatisfy(report -> assertThat(report.ok()).isTrue());
    assertThat(misp.calls() - before).isEqualTo(1);
    assertThat(qradar.contents(SET)).containsExactlyInAnyOrder("10.0.0.1", "10.0.0.2");
    assertThat(qradar.contents("MISP sources")).containsExactly("10.0.0.2");
    assertThat(reports.get(1).skippedByReason()).isEmpty();
  }

  @Test
  void runsJobsTogetherThroughTheStartedScheduler() {
    IocSync sync =
        IocSync.builder()
            .source(misp)
            .target(qradar)
            .stateDirectory(dir)
            .clock(clock)
            .sleeper(clock::advance)
            .maxConcurrentRuns(2)
            .build();
    this.sync = sync;
    misp.add(misp.addEvent(true), "ip-dst", "10.0.0.1");
    sync.defineJob(TestJobs.ips("first", SET));
    sync.defineJob(TestJobs.ips("second", "MISP IPs again"));
    sync.start();

    List<RunReport> reports = sync.runTogether(List.of("second", "first"), RunKind.FULL);

    assertThat(reports).extracting(RunReport::job).containsExactly("second", "first");
    assertThat(reports).allSatisfy(report -> assertThat(report.ok()).isTrue());
    assertThat(qradar.contents("MISP IPs again")).containsExactly("10.0.0.1");
  }

  @Test
  void listenersHearEveryRunAndAFailingOneSilencesNoOther() {
    IocSync sync = sync();
    misp.add(misp.addEvent(true), "ip-dst", "10.0.0.1");
    sync.defineJob(TestJobs.ips("ips", SET));
    List<String> heard = new CopyOnWriteArrayList<>();
    RunListener failing =
        new RunListener() {
          @Override
          public void runStarted(String job, RunKind kind, boolean dryRun) {
            throw new IllegalStateException("a broken listener");
          }

          @Override
          public void runFinished(RunReport report) {
            throw new IllegalStateException("a broken listener");
          }
        };
    RunListener recording =
        new RunListener() {
          @Override
          public void runStarted(String job, RunKind kind, boolean dryRun) {
            heard.add("started " + job + " " + kind + (dryRun ? " dry" : ""));
          }

          @Override
          public void runFinished(RunReport report) {
            heard.add("finished " + report.job() + " " + report.outcome());
          }
        };
    sync.addListener(failing);
    sync.addListener(recording);

    RunReport dry = sync.dryRun("ips", RunKind.FULL);
    RunReport real = sync.run("ips", RunKind.FULL);
    sync.removeListener(recording);
    sync.run("ips", RunKind.INCREMENTAL);

    assertThat(dry.ok()).isTrue();
    assertThat(real.ok()).isTrue();
    assertThat(heard)
        .containsExactly(
            "started ips FULL dry", "finished ips OK", "started ips FULL", "finished ips OK");
  }

  @Test
  void theSchedulerRunsJobsOnItsOwnAndStartsAgainAfterAStop() {
    IocSync sync = sync();
    misp.add(misp.addEvent(true), "ip-dst", "10.0.0.1");
    sync.defineJob(TestJobs.ips("ips", SET));
    sync.defineJob(TestJobs.ips("paused", "other set"));
    sync.pause("paused");

    sync.start();
    await("the job has run", () -> sync.status("ips").lastRun() != null);
    await("the run has ended", () -> !sync.status("ips").running());

    JobStatus status = sync.status("ips");
    assertThat(sync.isStarted()).isTrue();
    assertThat(status.lastRun().outcome()).isEqualTo(RunOutcome.OK);
    assertThat(status.nextRunAt())
        .isEqualTo(status.lastRun().startedAt().plus(Duration.ofMinutes(15)));
    assertThat(status.nextFullRunAt())
        .isEqualTo(status.lastRun().startedAt().plus(Duration.ofDays(1)));
    assertThat(qradar.contents(SET)).containsExactly("10.0.0.1");
    JobStatus paused = sync.status("paused");
    assertThat(paused.paused()).isTrue();
    assertThat(paused.nextRunAt()).isNull();
    assertThat(paused.lastRun()).isNull();
    assertThatThrownBy(sync::start).isInstanceOf(IllegalStateException.class);

    assertThat(sync.stop(Duration.ofSeconds(5))).isTrue();
    assertThat(sync.isStarted()).isFalse();
    assertThat(sync.status("ips").nextRunAt()).isNull();
    assertThat(sync.stop(Duration.ofSeconds(5))).isTrue();
    sync.start();
    await("the job is scheduled again", () -> sync.status("ips").nextRunAt() != null);
    assertThat(sync.status("ips").nextRunAt()).isEqualTo(status.nextRunAt());
    assertThat(sync.runs("ips", 10)).hasSize(1);
  }

  @Test
  void aRunAskedForWhileTheScheduledOneIsGoingWaitsForItInsteadOfRacingIt() throws Exception {
    misp.add(misp.addEvent(true), "ip-dst", "10.0.0.1");
    CountDownLatch adding = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    SetTarget held =
        new ForwardingTarget(qradar) {
          @Override
          public AddResult add(String set, List<String> values) {
            adding.countDown();
            awaitLatch(release);
            return super.add(set, values);
          }
        };
    IocSync sync = sync(misp, held);
    sync.defineJob(TestJobs.ips("ips", SET));
    sync.start();
    assertThat(adding.await(10, TimeUnit.SECONDS)).isTrue();

    CompletableFuture<RunReport> asked = new CompletableFuture<>();
    Thread asking =
        new Thread(
            () -> {
              try {
                asked.complete(sync.run("ips", RunKind.FULL));
              } catch (RuntimeException e) {
                asked.completeExceptionally(e);
              }
            });
    asking.start();
    await(
        "the asked run waits or fails",
        () -> asking.getState() == Thread.State.WAITING || asked.isDone());

    assertThat(asked).isNotDone();
    assertThatThrownBy(() -> sync.removeJob("ips"))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("running");
    assertThatThrownBy(() -> sync.updateJob(TestJobs.ips("ips", "elsewhere")))
        .isInstanceOf(IllegalStateException.class);
    release.countDown();
    RunReport report = asked.get(10, TimeUnit.SECONDS);

    assertThat(report.ok()).isTrue();
    assertThat(sync.runs("ips", 10))
        .extracting(RunRecord::outcome)
        .containsExactly(RunOutcome.OK, RunOutcome.OK);
    assertThat(qradar.contents(SET)).containsExactly("10.0.0.1");
  }

  @Test
  void pausingWithoutTheSchedulerIsKeptInTheStore() {
    IocSync sync = sync();
    sync.defineJob(TestJobs.ips("ips", SET));

    sync.pause("ips");

    assertThat(sync.status("ips").paused()).isTrue();
    sync.resume("ips");
    assertThat(sync.status("ips").paused()).isFalse();
  }

  @Test
  void closingReleasesTheStateDirectoryItOpened() {
    IocSync first = sync();
    first.defineJob(TestJobs.ips("ips", SET));
    first.start();

    first.close();
    first.close();

    try (IocSync second =
        IocSync.builder().source(misp).target(qradar).stateDirectory(dir).build()) {
      assertThat(second.jobs()).extracting(StoredJob::name).containsExactly("ips");
    }
    assertThatThrownBy(first::start).isInstanceOf(IllegalStateException.class);
  }

  @Test
  void leavesAStoreItWasGivenOpen() {
    try (SqliteStore store = SqliteStore.builder().stateDirectory(dir).build()) {
      IocSync given = IocSync.builder().source(misp).target(qradar).store(store).build();
      given.defineJob(TestJobs.ips("ips", SET));

      given.close();

      assertThat(store.job("ips")).isPresent();
    }
  }

  @Test
  void buildingWithoutASourceATargetOrAStoreSaysWhatIsMissing() {
    assertThatThrownBy(() -> IocSync.builder().target(qradar).stateDirectory(dir).build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("misp(MispClient)");
    assertThatThrownBy(() -> IocSync.builder().source(misp).stateDirectory(dir).build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("qradar(QradarClient)");
    assertThatThrownBy(() -> IocSync.builder().source(misp).target(qradar).build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("stateDirectory(Path)");
    try (SqliteStore store = SqliteStore.builder().stateDirectory(dir.resolve("s")).build()) {
      assertThatThrownBy(
              () ->
                  IocSync.builder()
                      .source(misp)
                      .target(qradar)
                      .store(store)
                      .stateDirectory(dir)
                      .build())
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("not both");
    }
    assertThatThrownBy(() -> IocSync.builder().batchSize(0))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> IocSync.builder().fullRunPeriod(Duration.ofSeconds(59)))
        .isInstanceOf(IllegalArgumentException.class);
  }

  /** {@code source} with {@code types} as the server's types; null makes MISP unreachable. */
  private static IndicatorSource withTypes(IndicatorSource source, @Nullable Set<String> types) {
    return new IndicatorSource() {
      @Override
      public Stream<SourceAttribute> attributes(SourceQuery query) {
        return source.attributes(query);
      }

      @Override
      public Set<String> knownTypes() {
        if (types == null) {
          throw SourceException.retryable("MISP at 127.0.0.1:1 does not answer", null);
        }
        return types;
      }
    };
  }

  private static void awaitLatch(CountDownLatch latch) {
    try {
      assertThat(latch.await(10, TimeUnit.SECONDS)).isTrue();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
