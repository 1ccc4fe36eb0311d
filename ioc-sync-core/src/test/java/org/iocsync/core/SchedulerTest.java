package org.iocsync.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(30)
class SchedulerTest {
  private static final Duration DEADLINE = Duration.ofSeconds(10);

  @TempDir Path dir;

  private final TestClock clock = new TestClock();
  private final FakeRunner runner = new FakeRunner();
  private SqliteStore store;
  private @Nullable Scheduler scheduler;

  @BeforeEach
  void openStore() {
    store = SqliteStore.builder().stateDirectory(dir).build();
  }

  @AfterEach
  void closeAll() {
    if (scheduler != null) {
      scheduler.stop(Duration.ofSeconds(5));
    }
    store.close();
  }

  private Scheduler scheduler(UnaryOperator<Scheduler.Builder> configure) {
    scheduler =
        configure.apply(Scheduler.builder().runner(runner).store(store).clock(clock)).build();
    return scheduler;
  }

  private Scheduler scheduler() {
    return scheduler(UnaryOperator.identity());
  }

  private void job(String name, int intervalMinutes) {
    store.saveJob(TestJobs.withInterval(TestJobs.ips(name, "set " + name), intervalMinutes));
  }

  /** What a run does in a test: by default it succeeds at once. */
  private interface Behaviour {
    RunReport run(String job, RunKind kind, BooleanSupplier stop) throws Exception;
  }

  private record Call(String job, RunKind kind, Instant at) {}

  private final class FakeRunner implements Scheduler.JobRunner {
    private final List<Call> calls = new ArrayList<>();
    private final Map<String, Behaviour> behaviours = new HashMap<>();
    private final Map<String, Integer> active = new HashMap<>();
    private int mostActiveOfOneJob;

    synchronized void behave(String job, Behaviour behaviour) {
      behaviours.put(job, behaviour);
    }

    @Override
    public RunReport run(String job, RunKind kind, BooleanSupplier stop) {
      Behaviour behaviour;
      synchronized (this) {
        calls.add(new Call(job, kind, clock.instant()));
        int now = active.merge(job, 1, Integer::sum);
        mostActiveOfOneJob = Math.max(mostActiveOfOneJob, now);
        behaviour = behaviours.getOrDefault(job, (j, k, s) -> report(j, k, RunOutcome.OK));
        notifyAll();
      }
      try {
        return behaviour.run(job, kind, stop);
      } catch (RuntimeException | Error e) {
        throw e;
      } catch (Exception e) {
        throw new IllegalStateException(e);
      } finally {
        synchronized (this) {
          active.merge(job, -1, Integer::sum);
        }
      }
    }

    synchronized List<Call> calls() {
      return List.copyOf(calls);
    }

    synchronized List<Call> awaitCalls(int count) throws InterruptedException {
      long deadline = System.nanoTime() + DEADLINE.toNanos();
      while (calls.size() < count) {
        long left = deadline - System.nanoTime();
        assertThat(left).as("waiting for %d runs, saw %s", count, calls).isPositive();
        TimeUnit.NANOSECONDS.timedWait(this, left);
      }
      return List.copyOf(calls);
    }
  }

  private RunReport report(String job, RunKind kind, RunOutcome outcome) {
    return new RunReport(
        job,
        kind,
        false,
        outcome,
        clock.instant(),
        clock.instant(),
        0,
        0,
        0,
        0,
        0,
        Map.of(),
        outcome == RunOutcome.OK ? null : "it " + outcome,
        List.of(),
        List.of(),
        Map.of());
  }

  /** Polls until no job is running, so that the next tick sees every run rescheduled. */
  private static void awaitIdle(Scheduler scheduler) {
    long deadline = System.nanoTime() + DEADLINE.toNanos();
    while (scheduler.schedule().stream().anyMatch(Scheduler.JobSchedule::running)) {
      assertThat(System.nanoTime()).as("waiting for runs to end").isLessThan(deadline);
      LockSupport.parkNanos(1_000_000);
    }
  }

  private void tickAndSettle(Scheduler scheduler) {
    scheduler.tick();
    awaitIdle(scheduler);
  }

  /** A source that records the searches it is asked and answers one attribute of each type. */
  private static final class RecordingSource implements IndicatorSource {
    final List<SourceQuery> queries = new CopyOnWriteArrayList<>();

    @Override
    public Stream<SourceAttribute> attributes(SourceQuery query) {
      queries.add(query);
      return query.types().stream()
          .map(
              type ->
                  new SourceAttribute(
                      "uuid-" + type,
                      "1",
                      type,
                      "10.0.0.1",
                      true,
                      false,
                      true,
                      List.of(),
                      Instant.EPOCH,
                      Instant.EPOCH));
    }

    @Override
    public Set<String> knownTypes() {
      return Set.of("ip-dst");
    }
  }

  private final AtomicInteger reads = new AtomicInteger();

  /** Makes each job's run read its own full search through {@code shared}. */
  private void readThrough(SharedReads shared, String... jobs) {
    for (String job : jobs) {
      runner.behave(
          job,
          (j, k, s) -> {
            SourceQuery query =
                new SourceQuery(List.of("ip-" + j), List.of(), false, true, true, null, null);
            try (var attributes = shared.attributes(query)) {
              assertThat(attributes.map(SourceAttribute::type)).containsExactly("ip-" + j);
            }
            reads.incrementAndGet();
            return report(j, k, RunOutcome.OK);
          });
    }
  }

  @Test
  void runsJobsDueTogetherOnOneReadOfMisp() {
    job("a", 15);
    job("b", 15);
    job("c", 15);
    RecordingSource source = new RecordingSource();
    SharedReads shared = SharedReads.of(source);
    readThrough(shared, "a", "b", "c");
    Scheduler scheduler = scheduler(b -> b.maxConcurrentRuns(3).sharedReads(shared));

    tickAndSettle(scheduler);

    assertThat(runner.calls()).hasSize(3);
    assertThat(reads.get()).isEqualTo(3);
    assertThat(source.queries).singleElement();
    assertThat(source.queries.get(0).types()).containsExactlyInAnyOrder("ip-a", "ip-b", "ip-c");
  }

  @Test
  void groupsNoMoreRunsThanThereAreIdleWorkers() throws Exception {
    job("a", 15);
    job("b", 15);
    job("c", 15);
    RecordingSource source = new RecordingSource();
    SharedReads shared = SharedReads.of(source);
    readThrough(shared, "a", "b", "c");
    Scheduler scheduler = scheduler(b -> b.maxConcurrentRuns(2).sharedReads(shared));

    tickAndSettle(scheduler);
    runner.awaitCalls(3);
    awaitIdle(scheduler);

    assertThat(reads.get()).isEqualTo(3);
    assertThat(source.queries).hasSize(2);
  }

  @Test
  void runsJobsAskedForTogetherOnOneRead() throws Exception {
    job("a", 15);
    job("b", 15);
    RecordingSource source = new RecordingSource();
    SharedReads shared = SharedReads.of(source);
    Scheduler scheduler = scheduler(b -> b.maxConcurrentRuns(2).sharedReads(shared));
    tickAndSettle(scheduler);
    source.queries.clear();
    readThrough(shared, "a", "b");

    List<CompletableFuture<RunReport>> runs =
        scheduler.runTogether(List.of("a", "b"), RunKind.FULL);

    assertThat(runs.get(0).get(10, TimeUnit.SECONDS).job()).isEqualTo("a");
    assertThat(runs.get(1).get(10, TimeUnit.SECONDS).job()).isEqualTo("b");
    assertThat(source.queries).singleElement();
  }

  @Test
  void runsEachJobInFullFirstThenIncrementallyAtItsInterval() throws Exception {
    job("a", 15);
    job("b", 30);
    Scheduler scheduler = scheduler();
    Instant start = clock.instant();

    tickAndSettle(scheduler);
    clock.advance(Duration.ofMinutes(14));
    tickAndSettle(scheduler);
    clock.advance(Duration.ofMinutes(1));
    tickAndSettle(scheduler);
    clock.advance(Duration.ofMinutes(15));
    tickAndSettle(scheduler);

    assertThat(runner.calls())
        .containsExactlyInAnyOrder(
            new Call("a", RunKind.FULL, start),
            new Call("b", RunKind.FULL, start),
            new Call("a", RunKind.INCREMENTAL, start.plus(Duration.ofMinutes(15))),
            new Call("a", RunKind.INCREMENTAL, start.plus(Duration.ofMinutes(30))),
            new Call("b", RunKind.INCREMENTAL, start.plus(Duration.ofMinutes(30))));
    assertThat(scheduler.nextRunAt("a")).contains(start.plus(Duration.ofMinutes(45)));
    assertThat(scheduler.schedule())
        .containsExactly(
            new Scheduler.JobSchedule(
                "a",
                false,
                false,
                start.plus(Duration.ofMinutes(45)),
                start.plus(Duration.ofDays(1))),
            new Scheduler.JobSchedule(
                "b",
                false,
                false,
                start.plus(Duration.ofMinutes(60)),
                start.plus(Duration.ofDays(1))));
  }

  @Test
  void reconcilesInFullAtTheConfiguredPeriod() {
    job("a", 15);
    Scheduler scheduler = scheduler(b -> b.fullRunPeriod(Duration.ofHours(1)));

    for (int i = 0; i <= 4; i++) {
      tickAndSettle(scheduler);
      clock.advance(Duration.ofMinutes(15));
    }

    assertThat(runner.calls())
        .extracting(Call::kind)
        .containsExactly(
            RunKind.FULL,
            RunKind.INCREMENTAL,
            RunKind.INCREMENTAL,
            RunKind.INCREMENTAL,
            RunKind.FULL);
  }

  @Test
  void aFailedFullRunIsTriedAgainAtTheNextIntervalNotAtOnce() {
    job("a", 15);
    runner.behave("a", (job, kind, stop) -> report(job, kind, RunOutcome.FAILED));
    Scheduler scheduler = scheduler();

    tickAndSettle(scheduler);
    tickAndSettle(scheduler);
    clock.advance(Duration.ofMinutes(15));
    tickAndSettle(scheduler);

    assertThat(runner.calls()).extracting(Call::kind).containsExactly(RunKind.FULL, RunKind.FULL);
  }

  @Test
  void aJobThatThrowsAnythingIsRescheduledAndTheOthersGoOn() {
    job("a", 15);
    job("b", 15);
    runner.behave(
        "a",
        (job, kind, stop) -> {
          throw new SimulatedCrash("in job a");
        });
    Scheduler scheduler = scheduler();

    tickAndSettle(scheduler);
    tickAndSettle(scheduler);
    clock.advance(Duration.ofMinutes(15));
    tickAndSettle(scheduler);

    assertThat(runner.calls())
        .extracting(c -> c.job() + " " + c.kind())
        .containsExactlyInAnyOrder("a FULL", "b FULL", "a FULL", "b INCREMENTAL");
    assertThatThrownBy(() -> scheduler.runNow("a", RunKind.INCREMENTAL).get())
        .hasCauseInstanceOf(SimulatedCrash.class);
  }

  @Test
  void neverRunsOneJobTwiceAtOnceAndQueuesRequestsBehindTheRunInProgress() throws Exception {
    job("a", 15);
    CountDownLatch release = new CountDownLatch(1);
    AtomicBoolean first = new AtomicBoolean(true);
    runner.behave(
        "a",
        (job, kind, stop) -> {
          if (first.getAndSet(false)) {
            release.await();
          }
          return report(job, kind, RunOutcome.OK);
        });
    Scheduler scheduler = scheduler();

    scheduler.tick();
    runner.awaitCalls(1);
    clock.advance(Duration.ofMinutes(20));
    scheduler.tick();
    CompletableFuture<RunReport> incremental = scheduler.runNow("a", RunKind.INCREMENTAL);
    CompletableFuture<RunReport> full = scheduler.runNow("a", RunKind.FULL);

    assertThat(incremental).isSameAs(full).isNotDone();
    assertThat(runner.calls()).hasSize(1);
    assertThat(scheduler.schedule().get(0).running()).isTrue();

    release.countDown();

    assertThat(full.get(10, TimeUnit.SECONDS).kind()).isEqualTo(RunKind.FULL);
    assertThat(runner.calls()).hasSize(2);
    assertThat(runner.mostActiveOfOneJob).isEqualTo(1);
  }

  @Test
  void aPausedJobWaitsYetRunsWhenAskedAndCatchesUpWhenResumed() throws Exception {
    job("a", 15);
    Scheduler scheduler = scheduler();

    scheduler.pause("a");
    tickAndSettle(scheduler);

    assertThat(runner.calls()).isEmpty();
    assertThat(scheduler.nextRunAt("a")).isEmpty();
    assertThat(store.job("a").orElseThrow().paused()).isTrue();

    RunReport asked = scheduler.runNow("a", RunKind.INCREMENTAL).get(10, TimeUnit.SECONDS);
    assertThat(asked.job()).isEqualTo("a");
    awaitIdle(scheduler);

    clock.advance(Duration.ofMinutes(30));
    scheduler.resume("a");
    tickAndSettle(scheduler);

    assertThat(store.job("a").orElseThrow().paused()).isFalse();
    assertThat(runner.calls())
        .extracting(Call::kind)
        .containsExactly(RunKind.INCREMENTAL, RunKind.FULL);
  }

  @Test
  void pausingAnUnknownJobIsAMistakeOfTheCaller() {
    Scheduler scheduler = scheduler();

    assertThatThrownBy(() -> scheduler.pause("ghost"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'ghost'");
    assertThatThrownBy(() -> scheduler.runNow("ghost", RunKind.FULL))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void takesTheLastRunFromTheHistoryWhenItStarts() {
    job("a", 15);
    Instant lastRun = clock.instant().minus(Duration.ofMinutes(5));
    long run = store.beginRun("a", RunKind.FULL, lastRun);
    store.finishRun(run, "a", RunOutcome.OK, null, lastRun, lastRun, true);
    Scheduler scheduler = scheduler();

    tickAndSettle(scheduler);

    assertThat(runner.calls()).isEmpty();
    assertThat(scheduler.nextRunAt("a")).contains(lastRun.plus(Duration.ofMinutes(15)));
  }

  @Test
  void picksUpJobsAddedToAndDeletedFromTheStore() throws Exception {
    Scheduler scheduler = scheduler();
    tickAndSettle(scheduler);

    job("c", 15);
    tickAndSettle(scheduler);
    store.deleteJob("c");
    tickAndSettle(scheduler);

    assertThat(runner.calls()).extracting(Call::job).containsExactly("c");
    assertThat(scheduler.schedule()).isEmpty();
  }

  @Test
  void stopAsksTheRunInFlightToEndAfterItsBatch() throws Exception {
    job("a", 15);
    AtomicBoolean sawStop = new AtomicBoolean();
    runner.behave(
        "a",
        (job, kind, stop) -> {
          while (!stop.getAsBoolean()) {
            LockSupport.parkNanos(1_000_000);
          }
          sawStop.set(true);
          return report(job, kind, RunOutcome.CANCELLED);
        });
    Scheduler scheduler = scheduler();
    scheduler.tick();
    runner.awaitCalls(1);

    boolean ended = scheduler.stop(Duration.ofSeconds(10));

    assertThat(ended).isTrue();
    assertThat(sawStop).isTrue();
    assertThatThrownBy(() -> scheduler.runNow("a", RunKind.FULL))
        .isInstanceOf(IllegalStateException.class);
  }

  @Test
  void stopInterruptsARunThatOutlastsTheGracePeriodAndCancelsQueuedRequests() throws Exception {
    job("a", 15);
    AtomicBoolean interrupted = new AtomicBoolean();
    runner.behave(
        "a",
        (job, kind, stop) -> {
          try {
            new CountDownLatch(1).await();
          } catch (InterruptedException e) {
            interrupted.set(true);
          }
          return report(job, kind, RunOutcome.CANCELLED);
        });
    Scheduler scheduler = scheduler();
    scheduler.tick();
    runner.awaitCalls(1);
    CompletableFuture<RunReport> queued = scheduler.runNow("a", RunKind.FULL);

    boolean ended = scheduler.stop(Duration.ofMillis(200));

    assertThat(ended).isTrue();
    assertThat(interrupted).isTrue();
    assertThatThrownBy(queued::get)
        .isInstanceOfAny(CancellationException.class, ExecutionException.class);
    assertThat(runner.calls()).hasSize(1);
  }

  @Test
  void onceStartedRunsDueJobsOnItsOwn() throws Exception {
    job("a", 15);
    Scheduler scheduler = scheduler(b -> b.idleWait(Duration.ofMillis(20)));

    scheduler.start();
    runner.awaitCalls(1);
    clock.advance(Duration.ofMinutes(15));
    List<Call> calls = runner.awaitCalls(2);

    assertThat(calls).extracting(Call::kind).containsExactly(RunKind.FULL, RunKind.INCREMENTAL);
    assertThatThrownBy(scheduler::start).isInstanceOf(IllegalStateException.class);
  }

  @Test
  void drivesTheRealEngine() throws Exception {
    try (EngineHarness h = new EngineHarness(dir.resolve("engine"))) {
      h.store.saveJob(TestJobs.ips("ips", "MISP IPs"));
      h.misp.add(h.misp.addEvent(true), "ip-dst", "10.0.0.1");
      Scheduler withEngine =
          Scheduler.builder().engine(h.engine).store(h.store).clock(h.clock).build();
      try {
        RunReport report = withEngine.runNow("ips", RunKind.INCREMENTAL).get(10, TimeUnit.SECONDS);

        assertThat(report.ok()).isTrue();
        assertThat(report.kind()).isEqualTo(RunKind.FULL);
        assertThat(h.qradar.contents("MISP IPs")).containsExactly("10.0.0.1");
      } finally {
        withEngine.stop(Duration.ofSeconds(5));
      }
    }
  }
}
