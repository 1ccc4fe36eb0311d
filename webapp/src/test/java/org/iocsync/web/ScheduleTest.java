package org.iocsync.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import org.iocsync.core.ConnectionSettings;
import org.iocsync.core.ElementType;
import org.iocsync.core.JobSpec;
import org.iocsync.core.RunKind;
import org.iocsync.core.Server;
import org.iocsync.core.SyncMode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ScheduleTest {
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
    server.close();
  }

  @Test
  void runsEachJobAtItsIntervalInFullFirst() {
    connect();
    service.saveJob(job("ips", 15));

    server.component.schedule().start();
    await(() -> runs("ips") == 1);
    assertThat(service.store().runs("ips", 1).get(0).kind()).isEqualTo(RunKind.FULL);
    server.clock.advance(Duration.ofMinutes(14));
    server.component.schedule().tick();
    assertThat(runs("ips")).isEqualTo(1);
    server.clock.advance(Duration.ofMinutes(2));

    await(() -> runs("ips") == 2);
    assertThat(service.store().runs("ips", 1).get(0).kind()).isEqualTo(RunKind.INCREMENTAL);
    assertThat(server.connectors.qradar.sorted("MISP IPs")).containsExactly("203.0.113.7");
  }

  @Test
  void leavesPausedJobsAlone() {
    connect();
    service.saveJob(job("ips", 15));
    service.setPaused("ips", true);

    server.component.schedule().tick();
    server.component.schedule().start();

    assertThat(server.component.schedule().nextRun(service.job("ips").orElseThrow())).isEmpty();
    assertThat(runs("ips")).isZero();
  }

  @Test
  void waitsForBothConnectionsBeforeRunning() {
    service.saveJob(job("ips", 15));
    server.component.schedule().start();

    server.component.schedule().tick();

    assertThat(runs("ips")).isZero();
    assertThat(server.connectors.secretsSeen).isEmpty();
  }

  @Test
  void saysWhenTheNextPollIs() {
    connect();
    service.saveJob(job("ips", 15));
    server.component.schedule().start();
    await(() -> runs("ips") == 1);

    Instant next = server.component.schedule().nextRun(service.job("ips").orElseThrow()).get();

    assertThat(next).isEqualTo(Instant.parse("2026-01-05T10:15:00Z"));
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

  private long runs(String job) {
    return service.store().runs(job, 100).stream().filter(r -> r.endedAt() != null).count();
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
