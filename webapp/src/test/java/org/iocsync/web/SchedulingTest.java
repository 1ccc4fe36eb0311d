package org.iocsync.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import org.iocsync.core.ConnectionSettings;
import org.iocsync.core.ElementType;
import org.iocsync.core.JobSpec;
import org.iocsync.core.RunKind;
import org.iocsync.core.RunRecord;
import org.iocsync.core.Server;
import org.iocsync.core.SyncMode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The web server on the core's scheduler: polling, pausing, running now and the countdown. */
class SchedulingTest {
  private static final Instant START = Instant.parse("2026-01-05T10:00:00Z");

  @TempDir Path stateDir;

  private TestServer server;
  private SyncService service;

  @BeforeEach
  void start() {
    server = TestServer.standalone(stateDir);
    service = server.component.service();
    server.connectors.misp.add("u1", "ip-src", "203.0.113.7", true);
  }

  @AfterEach
  void stop() {
    server.connectors.misp.release();
    server.close();
  }

  @Test
  void waitsForBothConnectionsBeforePollingThenStartsAtOnce() {
    service.saveJob(job("ips", 15));
    service.startScheduling();

    assertThat(service.nextRun("ips")).isEmpty();
    assertThat(server.connectors.secretsSeen).isEmpty();
    connect();

    await(() -> finishedRuns("ips") == 1);
    assertThat(server.connectors.qradar.sorted("MISP IPs")).containsExactly("203.0.113.7");
  }

  @Test
  void pollsIncrementallyAtTheJobsIntervalAfterAFullFirstRun() {
    connect();
    service.saveJob(job("ips", 15));

    service.startScheduling();
    await(() -> finishedRuns("ips") == 1);
    assertThat(lastRun("ips").kind()).isEqualTo(RunKind.FULL);
    // The scheduler sets the next run once the engine hands the run back, just after its record.
    await(() -> service.nextRun("ips").equals(Optional.of(START.plus(Duration.ofMinutes(15)))));
    server.clock.advance(Duration.ofMinutes(14));
    assertThat(service.nextRun("ips")).contains(START.plus(Duration.ofMinutes(15)));
    server.clock.advance(Duration.ofMinutes(2));

    await(() -> finishedRuns("ips") == 2);
    assertThat(lastRun("ips").kind()).isEqualTo(RunKind.INCREMENTAL);
  }

  @Test
  void saysWhenTheNextPollIsInTheApi() {
    connect();
    service.saveJob(job("ips", 15));
    service.startScheduling();
    await(() -> finishedRuns("ips") == 1);
    WebClient client = server.loggedIn();

    String status = client.get("/api/status").body();

    assertThat(status).contains("\"nextRunAt\":\"2026-01-05T10:15:00Z\"");
  }

  @Test
  void keepsAPausedJobAloneAcrossARestartUntilResumed() {
    connect();
    service.saveJob(job("ips", 15));
    service.setPaused("ips", true);
    service.startScheduling();
    assertThat(service.nextRun("ips")).isEmpty();
    server.close();

    server = TestServer.standalone(stateDir);
    service = server.component.service();
    service.startScheduling();
    assertThat(service.job("ips").orElseThrow().paused()).isTrue();
    assertThat(service.nextRun("ips")).isEmpty();
    assertThat(finishedRuns("ips")).isZero();
    service.setPaused("ips", false);

    await(() -> finishedRuns("ips") == 1);
    assertThat(service.job("ips").orElseThrow().paused()).isFalse();
  }

  @Test
  void neverRunsAJobTwiceAtOnce() throws Exception {
    connect();
    service.saveJob(job("ips", 15));
    WebClient client = server.loggedIn();
    Map<String, String> csrf = Map.of("X-CSRF-Token", client.get("/").csrf());
    server.connectors.misp.hold();

    WebClient.Answer first = client.json("POST", "/api/jobs/ips/run", "", csrf);
    assertThat(server.connectors.misp.awaitRead()).isTrue();
    WebClient.Answer second = client.json("POST", "/api/jobs/ips/run", "", csrf);
    WebClient.Answer dry = client.json("POST", "/api/jobs/ips/dry-run", "", csrf);
    String status = client.get("/api/status").body();
    server.connectors.misp.release();

    assertThat(first.code()).isEqualTo(202);
    assertThat(second.code()).isEqualTo(409);
    assertThat(second.body()).contains("is running already");
    assertThat(dry.code()).isEqualTo(409);
    assertThat(dry.body()).contains("already running");
    assertThat(status).contains("\"running\":true");
    await(() -> finishedRuns("ips") == 1);
    assertThat(service.store().runs("ips", 10)).hasSize(1);
  }

  @Test
  void aRunAskedForWithoutConnectionsFailsSayingWhatToSave() {
    service.saveJob(job("ips", 15));

    assertThat(service.runSoon("ips", RunKind.FULL)).isTrue();

    await(() -> finishedRuns("ips") == 1);
    assertThat(lastRun("ips").error())
        .contains("The QRadar connection or its token is not saved: save both on the main page");
  }

  @Test
  void usesAConnectionSavedAgainFromTheNextRunOn() {
    connect();
    service.saveJob(job("ips", 15));
    service.runSoon("ips", RunKind.FULL);
    // The run's record ends just before the scheduler lets the job go: a run asked for sooner is
    // refused as busy.
    await(() -> finishedRuns("ips") == 1 && !service.busy("ips"));

    service.saveConnection(
        Server.QRADAR,
        new ConnectionSettings("https://qradar2.example.org", null, true, null),
        new Secret("u".repeat(36)));
    service.runSoon("ips", RunKind.FULL);

    await(() -> finishedRuns("ips") == 2);
    assertThat(server.connectors.secretsSeen).endsWith("u".repeat(36));
  }

  private void connect() {
    service.saveConnection(
        Server.MISP,
        new ConnectionSettings("https://misp.example.org", null, true, null),
        new Secret("k".repeat(40)));
    service.saveConnection(
        Server.QRADAR,
        new ConnectionSettings("https://qradar.example.org", null, true, null),
        new Secret("t".repeat(36)));
  }

  private long finishedRuns(String job) {
    return service.store().runs(job, 100).stream().filter(r -> r.endedAt() != null).count();
  }

  private RunRecord lastRun(String job) {
    return service.store().runs(job, 1).get(0);
  }

  private static JobSpec job(String name, int interval) {
    return new JobSpec(
        name,
        "MISP IPs",
        ElementType.IP,
        List.of("ip-src"),
        List.of(),
        List.of(),
        List.of(),
        true,
        true,
        false,
        SyncMode.MIRROR,
        interval,
        true,
        null);
  }

  private static void await(BooleanSupplier condition) {
    Instant deadline = Instant.now().plus(Duration.ofSeconds(20));
    while (!condition.getAsBoolean()) {
      if (Instant.now().isAfter(deadline)) {
        throw new AssertionError("The condition never held");
      }
      LockSupport.parkNanos(Duration.ofMillis(20).toNanos());
    }
  }
}
