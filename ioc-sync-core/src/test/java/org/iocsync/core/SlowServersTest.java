package org.iocsync.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Predicate;
import org.iocsync.http.HttpSettings;
import org.iocsync.misp.MispClient;
import org.iocsync.qradar.QradarClient;
import org.iocsync.testkit.FakeMisp;
import org.iocsync.testkit.FakeQradar;
import org.iocsync.testkit.Fault;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs against a MISP or a QRadar that stops answering: the clients' time-outs end each call, the
 * engine's retries give up within their bounds, the run ends {@link RunOutcome#FAILED} with an
 * error that says what timed out, and the scheduler goes on with the other jobs.
 */
@Timeout(60)
class SlowServersTest {
  /** Long enough for the testkit's fakes on a loaded machine, short against a stall. */
  private static final HttpSettings SHORT_TIMEOUTS =
      HttpSettings.builder()
          .connectTimeout(Duration.ofSeconds(5))
          .readTimeout(Duration.ofMillis(800))
          .callTimeout(Duration.ofSeconds(5))
          .build();

  /** Time-outs that outlast every test: a call on a stalled server waits until it is closed. */
  private static final HttpSettings PATIENT =
      HttpSettings.builder().readTimeout(Duration.ofMinutes(2)).build();

  /** A second attempt after a short pause, then the run gives up. */
  private static final RetryPolicy RETRIES =
      new RetryPolicy(2, Duration.ofMillis(10), Duration.ofMillis(10), Duration.ofSeconds(30));

  private static final Fault STALL = Fault.stall(Duration.ofMinutes(5));
  private static final Duration DEADLINE = Duration.ofSeconds(30);

  @TempDir Path dir;

  private final List<AutoCloseable> closing = new ArrayList<>();
  private SqliteStore store;
  private FakeQradar qradar;

  @BeforeEach
  void start() {
    store = SqliteStore.builder().stateDirectory(dir).build();
    qradar = FakeQradar.builder().taskPolls(1).start();
  }

  @AfterEach
  void stop() throws Exception {
    for (AutoCloseable closeable : closing) {
      closeable.close();
    }
    qradar.close();
    store.close();
  }

  /** A fake MISP holding one published event with one IP for detection. */
  private FakeMisp misp(String ip) {
    FakeMisp misp = FakeMisp.start();
    closing.add(0, misp);
    long event = misp.addEvent(FakeMisp.event("Scanning hosts"));
    misp.addAttribute(event, FakeMisp.attribute("ip-dst", ip).toIds(true));
    return misp;
  }

  private SyncEngine engine(FakeMisp misp, HttpSettings http) {
    MispClient mispClient =
        MispClient.builder().baseUrl(misp.url()).apiKey(misp.apiKey()).http(http).build();
    QradarClient qradarClient =
        QradarClient.builder()
            .baseUrl(qradar.url())
            .token(qradar.token())
            .taskPollInterval(Duration.ofMillis(5))
            .http(http)
            .build();
    return SyncEngine.builder()
        .store(store)
        .source(new MispIndicatorSource(mispClient, 100))
        .target(new QradarSetTarget(qradarClient))
        .retryPolicy(RETRIES)
        .build();
  }

  @Test
  void aRunAgainstAStalledMispFailsSayingWhatTimedOut() {
    FakeMisp misp = misp("192.0.2.1");
    misp.faults().next(100, "POST", "/attributes/restSearch", STALL);
    store.saveJob(TestJobs.ips("ips", "MISP IPs"));

    RunReport report = engine(misp, SHORT_TIMEOUTS).run("ips", RunKind.FULL);

    assertThat(report.outcome()).isEqualTo(RunOutcome.FAILED);
    assertThat(report.error())
        .startsWith("Reading attributes from MISP failed 2 times; the last time: MISP at ")
        .contains(misp.url())
        .contains("did not answer POST /attributes/restSearch in time")
        .doesNotContain(misp.apiKey());
    assertThat(store.runs("ips", 1))
        .extracting(RunRecord::outcome)
        .containsExactly(RunOutcome.FAILED);
    assertThat(valuesOf("MISP IPs")).isEmpty();
  }

  @Test
  void aRunAgainstAStalledQradarFailsSayingWhatTimedOut() {
    FakeMisp misp = misp("192.0.2.1");
    qradar.faults().nextRequests(100, STALL);
    store.saveJob(TestJobs.ips("ips", "MISP IPs"));

    RunReport report = engine(misp, SHORT_TIMEOUTS).run("ips", RunKind.FULL);

    assertThat(report.outcome()).isEqualTo(RunOutcome.FAILED);
    assertThat(report.error())
        .startsWith("Looking up reference set 'MISP IPs' in QRadar failed 2 times; the last time:")
        .contains("QRadar at " + qradar.url())
        .contains("did not answer in time while reading the API versions QRadar offers")
        .doesNotContain(qradar.token());
    assertThat(store.runs("ips", 1))
        .extracting(RunRecord::outcome)
        .containsExactly(RunOutcome.FAILED);
  }

  @Test
  void aBatchStalledByQradarFailsTheRunAndTheNextRunSendsItAgain() {
    FakeMisp misp = misp("192.0.2.1");
    qradar.faults().next(100, "PATCH", "/api/reference_data_collections/set_entries", STALL);
    qradar.faults().next(100, "POST", "/api/reference_data/sets/bulk_load", STALL);
    store.saveJob(TestJobs.ips("ips", "MISP IPs"));
    SyncEngine engine = engine(misp, SHORT_TIMEOUTS);

    RunReport stalled = engine.run("ips", RunKind.FULL);
    qradar.faults().clear();
    RunReport next = engine.run("ips", RunKind.INCREMENTAL);

    assertThat(stalled.outcome()).isEqualTo(RunOutcome.FAILED);
    assertThat(stalled.error())
        .startsWith("Adding 1 values to reference set 'MISP IPs' failed 2 times; the last time:")
        .contains("did not answer in time while adding 1 values");
    assertThat(next.ok()).as(next.error()).isTrue();
    assertThat(valuesOf("MISP IPs")).containsExactly("192.0.2.1");
  }

  @Test
  void theSchedulerRunsAHealthyJobWhileAnotherWaitsOnAStalledMisp() {
    FakeMisp stalledMisp = misp("192.0.2.1");
    stalledMisp.faults().next(100, "POST", "/attributes/restSearch", STALL);
    FakeMisp healthyMisp = misp("198.51.100.7");
    SyncEngine stalledEngine = engine(stalledMisp, PATIENT);
    SyncEngine healthyEngine = engine(healthyMisp, SHORT_TIMEOUTS);
    store.saveJob(TestJobs.ips("stalled", "Stalled IPs"));
    store.saveJob(TestJobs.ips("healthy", "Healthy IPs"));
    Scheduler scheduler =
        Scheduler.builder()
            .runner(
                (job, kind, stop) ->
                    (job.equals("stalled") ? stalledEngine : healthyEngine)
                        .run(job, kind, false, stop))
            .store(store)
            .idleWait(Duration.ofMillis(20))
            .build();
    closing.add(0, () -> scheduler.stop(Duration.ofSeconds(5)));

    scheduler.start();
    RunRecord healthy = awaitRun("healthy", run -> run.outcome() != RunOutcome.RUNNING);
    boolean stalledStillRunning = stalledEngine.isRunning("stalled");
    stalledMisp.close();
    RunRecord stalled = awaitRun("stalled", run -> run.outcome() != RunOutcome.RUNNING);

    assertThat(healthy.outcome()).as(healthy.error()).isEqualTo(RunOutcome.OK);
    assertThat(valuesOf("Healthy IPs")).containsExactly("198.51.100.7");
    assertThat(stalledStillRunning).as("the stalled job was still waiting on MISP").isTrue();
    assertThat(stalled.outcome()).isEqualTo(RunOutcome.FAILED);
    assertThat(stalled.error()).startsWith("Reading attributes from MISP failed 2 times");
  }

  @Test
  void withOneWorkerTheHealthyJobRunsOnceTheStalledRunTimesOut() {
    FakeMisp stalledMisp = misp("192.0.2.1");
    stalledMisp.faults().next(100, "POST", "/attributes/restSearch", STALL);
    FakeMisp healthyMisp = misp("198.51.100.7");
    SyncEngine stalledEngine = engine(stalledMisp, SHORT_TIMEOUTS);
    SyncEngine healthyEngine = engine(healthyMisp, SHORT_TIMEOUTS);
    store.saveJob(TestJobs.ips("stalled", "Stalled IPs"));
    store.saveJob(TestJobs.ips("healthy", "Healthy IPs"));
    Scheduler scheduler =
        Scheduler.builder()
            .runner(
                (job, kind, stop) ->
                    (job.equals("stalled") ? stalledEngine : healthyEngine)
                        .run(job, kind, false, stop))
            .store(store)
            .maxConcurrentRuns(1)
            .idleWait(Duration.ofMillis(20))
            .build();
    closing.add(0, () -> scheduler.stop(Duration.ofSeconds(5)));

    scheduler.start();
    RunRecord stalled = awaitRun("stalled", run -> run.outcome() != RunOutcome.RUNNING);
    RunRecord healthy = awaitRun("healthy", run -> run.outcome() != RunOutcome.RUNNING);

    assertThat(stalled.outcome()).isEqualTo(RunOutcome.FAILED);
    assertThat(stalled.error()).contains("did not answer POST /attributes/restSearch in time");
    assertThat(healthy.outcome()).as(healthy.error()).isEqualTo(RunOutcome.OK);
    assertThat(valuesOf("Healthy IPs")).containsExactly("198.51.100.7");
  }

  /** What QRadar's set {@code name} holds; nothing when there is no such set. */
  private Set<String> valuesOf(String name) {
    return qradar.set(name).isPresent() ? qradar.values(name) : Set.of();
  }

  /** Polls the store until {@code job}'s latest run matches, within {@link #DEADLINE}. */
  private RunRecord awaitRun(String job, Predicate<RunRecord> done) {
    long deadline = System.nanoTime() + DEADLINE.toNanos();
    while (true) {
      Optional<RunRecord> last = store.runs(job, 1).stream().findFirst();
      if (last.isPresent() && done.test(last.get())) {
        return last.get();
      }
      assertThat(System.nanoTime() - deadline)
          .as("waiting for a run of %s, last seen %s", job, last)
          .isNegative();
      LockSupport.parkNanos(10_000_000);
    }
  }
}
