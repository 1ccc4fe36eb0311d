package org.iocsync.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.UnaryOperator;
import java.util.stream.IntStream;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Failures of MISP and QRadar during a run: what is retried, how, and how a run ends. */
class RetryTest {
  private static final String SET = "MISP IPs";

  @TempDir Path dir;

  private @Nullable EngineHarness h;

  private void start(UnaryOperator<SyncEngine.Builder> configure, int values) {
    h = new EngineHarness(dir, configure);
    h.store.saveJob(TestJobs.ips("ips", SET));
    String event = h.misp.addEvent(true);
    for (int i = 1; i <= values; i++) {
      h.misp.add(event, "ip-dst", "10.0.0." + i);
    }
  }

  @AfterEach
  void tearDown() {
    if (h != null) {
      h.close();
    }
  }

  private static TargetException unavailable() {
    return TargetException.retryable("QRadar answered 503 Service Unavailable", null);
  }

  @Test
  void retriesAFailureThatMayPassWithGrowingJitteredWaits() {
    start(UnaryOperator.identity(), 1);
    h.qradar.failBefore(FakeQradar.Op.ADD, 1, RetryTest::unavailable);
    h.qradar.failBefore(FakeQradar.Op.ADD, 2, RetryTest::unavailable);
    h.qradar.failBefore(FakeQradar.Op.ADD, 3, RetryTest::unavailable);

    RunReport report = h.run("ips", RunKind.FULL);

    assertThat(report.ok()).isTrue();
    assertThat(h.qradar.calls(FakeQradar.Op.ADD)).isEqualTo(4);
    assertThat(h.sleeps).hasSize(3);
    assertThat(h.sleeps.get(0)).isBetween(Duration.ofMillis(500), Duration.ofSeconds(1));
    assertThat(h.sleeps.get(1)).isBetween(Duration.ofSeconds(1), Duration.ofSeconds(2));
    assertThat(h.sleeps.get(2)).isBetween(Duration.ofSeconds(2), Duration.ofSeconds(4));
    assertThat(h.qradar.contents(SET)).containsExactly("10.0.0.1");
  }

  @Test
  void waitsAsLongAsTheServerAsks() {
    start(UnaryOperator.identity(), 1);
    h.qradar.failBefore(
        FakeQradar.Op.ADD,
        1,
        () -> TargetException.retryable("429 Too Many Requests", Duration.ofSeconds(7), null));

    RunReport report = h.run("ips", RunKind.FULL);

    assertThat(report.ok()).isTrue();
    assertThat(h.sleeps).containsExactly(Duration.ofSeconds(7));
  }

  @Test
  void doesNotRetryARefusal() {
    start(UnaryOperator.identity(), 1);
    h.qradar.failBefore(
        FakeQradar.Op.ADD,
        1,
        () -> TargetException.permanent("QRadar refused the token (401): renew it", null));

    RunReport report = h.run("ips", RunKind.FULL);

    assertThat(report.outcome()).isEqualTo(RunOutcome.FAILED);
    assertThat(report.error())
        .isEqualTo(
            "Adding 1 values to reference set 'MISP IPs' failed: QRadar refused the token (401):"
                + " renew it");
    assertThat(h.qradar.calls(FakeQradar.Op.ADD)).isEqualTo(1);
    assertThat(h.sleeps).isEmpty();
  }

  @Test
  void givesUpAfterTheMostAttempts() {
    start(UnaryOperator.identity(), 1);
    h.qradar.failAlways(FakeQradar.Op.ADD, RetryTest::unavailable);

    RunReport report = h.run("ips", RunKind.FULL);

    assertThat(report.outcome()).isEqualTo(RunOutcome.FAILED);
    assertThat(report.error()).contains("failed 5 times").contains("503");
    assertThat(h.qradar.calls(FakeQradar.Op.ADD)).isEqualTo(5);
    assertThat(h.sleeps).hasSize(4);
  }

  @Test
  void givesUpBeforeTheTotalTimeRunsOut() {
    RetryPolicy policy =
        new RetryPolicy(100, Duration.ofSeconds(10), Duration.ofMinutes(1), Duration.ofMinutes(1));
    start(b -> b.retryPolicy(policy), 1);
    h.qradar.failAlways(FakeQradar.Op.ADD, RetryTest::unavailable);

    RunReport report = h.run("ips", RunKind.FULL);

    assertThat(report.outcome()).isEqualTo(RunOutcome.FAILED);
    assertThat(h.qradar.calls(FakeQradar.Op.ADD)).isBetween(2, 5);
    assertThat(h.sleeps.stream().reduce(Duration.ZERO, Duration::plus))
        .isLessThanOrEqualTo(Duration.ofMinutes(1));
  }

  @Test
  void aBatchThatStillFailsEndsTheRunKeepingWhatWasConfirmed() {
    start(b -> b.batchSize(2), 1);
    h.run("ips", RunKind.FULL);
    h.later();
    String event = h.misp.addEvent(true);
    h.misp.delete(h.misp.uuids().iterator().next());
    for (int i = 2; i <= 6; i++) {
      h.misp.add(event, "ip-dst", "10.0.0." + i);
    }
    h.qradar.failAdding(
        "10.0.0.4", () -> TargetException.permanent("validation error (422)", null));

    RunReport failed = h.run("ips", RunKind.INCREMENTAL);

    // The first batch is confirmed; the second fails. The third, in flight beside the second, may
    // have reached
    // QRadar, and the removal, sent beside the additions, may have too: neither is confirmed
    // unless QRadar answered, and what is not confirmed stays pending for the next run.
    assertThat(failed.outcome()).isEqualTo(RunOutcome.FAILED);
    assertThat(failed.added()).isEqualTo(2);
    assertThat(h.qradar.contents(SET))
        .contains("10.0.0.2", "10.0.0.3")
        .doesNotContain("10.0.0.4", "10.0.0.5");
    assertThat(h.store.syncState("ips").pendingAdd()).isEqualTo(3);
    assertThat(h.store.syncState("ips").pendingRemove() + failed.removed()).isEqualTo(1);
    assertThat(h.store.runs("ips", 1).get(0).added()).isEqualTo(2);

    RunReport next = h.run("ips", RunKind.INCREMENTAL);

    assertThat(next.ok()).isTrue();
    assertThat(h.qradar.contents(SET))
        .containsExactlyInAnyOrder("10.0.0.2", "10.0.0.3", "10.0.0.4", "10.0.0.5", "10.0.0.6");
  }

  @Test
  void readsMispAgainAfterAStreamBreaksAndCountsEachAttributeOnce() {
    start(b -> b.stagingBatchSize(2), 5);
    h.misp.failMidStream(3, () -> SourceException.retryable("connection reset", null));

    RunReport report = h.run("ips", RunKind.FULL);

    assertThat(report.ok()).isTrue();
    assertThat(h.misp.calls()).isEqualTo(2);
    assertThat(report.fetched()).isEqualTo(5);
    assertThat(h.qradar.contents(SET)).hasSize(5);
  }

  @Test
  void aMispThatStaysDownFailsTheRunWithoutTouchingQradar() {
    start(UnaryOperator.identity(), 2);
    for (int i = 1; i <= 5; i++) {
      h.misp.failCall(
          i, () -> SourceException.retryable("MISP answered 504 Gateway Time-out", null));
    }

    RunReport report = h.run("ips", RunKind.FULL);

    assertThat(report.outcome()).isEqualTo(RunOutcome.FAILED);
    assertThat(report.error()).startsWith("Reading attributes from MISP failed 5 times");
    assertThat(h.qradar.calls(FakeQradar.Op.ADD)).isZero();
    assertThat(h.store.syncState("ips").pendingAdd()).isZero();
  }

  @Test
  void retriesLookingUpAndCreatingTheSet() {
    start(UnaryOperator.identity(), 1);
    h.qradar.failBefore(FakeQradar.Op.FIND, 1, RetryTest::unavailable);
    h.qradar.failAfter(FakeQradar.Op.CREATE, 1, RetryTest::unavailable);

    RunReport report = h.run("ips", RunKind.FULL);

    assertThat(report.ok()).as(String.valueOf(report.error())).isTrue();
    assertThat(h.qradar.calls(FakeQradar.Op.CREATE)).isEqualTo(1);
    assertThat(h.sleeps).hasSize(2);
    assertThat(h.qradar.contents(SET)).containsExactly("10.0.0.1");
  }

  @Test
  void anUnexpectedFailureOfAnAdapterIsNotRetried() {
    start(UnaryOperator.identity(), 1);
    h.qradar.failBefore(FakeQradar.Op.ADD, 1, () -> new IllegalStateException("adapter bug"));

    RunReport report = h.run("ips", RunKind.FULL);

    assertThat(report.outcome()).isEqualTo(RunOutcome.FAILED);
    assertThat(report.error()).contains("Unexpected failure").contains("adapter bug");
    assertThat(h.qradar.calls(FakeQradar.Op.ADD)).isEqualTo(1);
  }

  @Test
  void aStopRequestEndsTheRunBetweenBatchesAndTheNextRunFinishesTheWork() {
    start(b -> b.batchSize(2), 5);

    RunReport stopped =
        h.engine.run("ips", RunKind.FULL, false, () -> h.qradar.calls(FakeQradar.Op.ADD) >= 1);

    // The stop comes while two batches are in flight: the run confirms what QRadar answered and
    // takes no further batch.
    assertThat(stopped.outcome()).isEqualTo(RunOutcome.CANCELLED);
    assertThat(h.qradar.contents(SET)).hasSizeBetween(2, 4);
    assertThat(h.qradar.calls(FakeQradar.Op.ADD)).isLessThanOrEqualTo(2);
    assertThat(h.store.syncState("ips").cursor()).isNull();
    assertThat(h.store.runs("ips", 1).get(0).outcome()).isEqualTo(RunOutcome.CANCELLED);

    RunReport next = h.run("ips", RunKind.INCREMENTAL);

    assertThat(next.ok()).isTrue();
    assertThat(h.qradar.contents(SET)).hasSize(5);
  }

  @Test
  void anInterruptDuringABackoffWaitCancelsTheRun() {
    AtomicBoolean slept = new AtomicBoolean();
    start(
        b ->
            b.sleeper(
                duration -> {
                  slept.set(true);
                  throw new InterruptedException();
                }),
        1);
    h.qradar.failBefore(FakeQradar.Op.ADD, 1, RetryTest::unavailable);

    RunReport report = h.run("ips", RunKind.FULL);
    boolean interrupted = Thread.interrupted();

    assertThat(slept).isTrue();
    assertThat(interrupted).isTrue();
    assertThat(report.outcome()).isEqualTo(RunOutcome.CANCELLED);
    assertThat(h.store.syncState("ips").pendingAdd()).isEqualTo(1);
  }

  @Test
  void backoffStaysWithinItsBoundsAndIsJittered() {
    Retrier retrier =
        new Retrier(
            new RetryPolicy(10, Duration.ofSeconds(1), Duration.ofSeconds(8), Duration.ofHours(1)),
            new TestClock(),
            duration -> {},
            new SplittableRandom(7));

    List<Duration> delays =
        IntStream.rangeClosed(1, 8).mapToObj(n -> retrier.delay(n, Optional.empty())).toList();

    assertThat(delays.get(0)).isBetween(Duration.ofMillis(500), Duration.ofSeconds(1));
    assertThat(delays.get(3)).isBetween(Duration.ofSeconds(4), Duration.ofSeconds(8));
    assertThat(delays.subList(4, 8))
        .allSatisfy(d -> assertThat(d).isBetween(Duration.ofSeconds(4), Duration.ofSeconds(8)));
    assertThat(delays.subList(4, 8).stream().distinct().count()).isGreaterThan(1);
  }
}
