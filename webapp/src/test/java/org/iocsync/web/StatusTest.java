package org.iocsync.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.iocsync.core.ElementType;
import org.iocsync.core.JobSpec;
import org.iocsync.core.Store;
import org.iocsync.core.SyncMode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The status call answers from memory, so that a run writing to the store never holds it up. */
class StatusTest {
  private static final String KEY = "k0k1k2k3k4k5k6k7k8k9k0k1k2k3k4k5k6k7k8k9";
  private static final String TOKEN = "t0t1t2t3-t4t5-t6t7-t8t9-t0t1t2t3t4t5";
  private static final String JOB =
      """
      {"name": "ips", "referenceSet": "MISP IPs", "elementType": "IP",
       "types": ["ip-src", "ip-dst"], "intervalMinutes": 15}
      """;

  @TempDir Path stateDir;

  private TestServer server;
  private WebClient client;
  private Map<String, String> csrf;

  @BeforeEach
  void start() {
    server = TestServer.standalone(stateDir);
    client = server.loggedIn();
    csrf = Map.of("X-CSRF-Token", client.get("/").csrf());
    client.json(
        "PUT",
        "/api/connections/misp",
        "{\"url\": \"misp.example.org\", \"key\": \"" + KEY + "\"}",
        csrf);
    client.json(
        "PUT",
        "/api/connections/qradar",
        "{\"url\": \"qradar.example.org\", \"token\": \"" + TOKEN + "\"}",
        csrf);
    server.connectors.misp.add("u1", "ip-src", "203.0.113.7", true);
    client.json("POST", "/api/jobs", JOB, csrf);
  }

  @AfterEach
  void stop() {
    server.close();
  }

  @Test
  @Timeout(20)
  void answersWithTheLastKnownStateWhileTheStoreIsHeld() throws Exception {
    client.json("POST", "/api/jobs/ips/run", "", csrf);
    awaitStatus("\"outcome\":\"ok\"");

    String status;
    StoreHolder held = StoreHolder.hold(server.component.service().store());
    try {
      status = client.get("/api/status").body();
    } finally {
      held.close();
    }

    assertThat(status)
        .contains("\"name\":\"ips\"")
        .contains("\"running\":false")
        .contains("\"outcome\":\"ok\"")
        .contains("\"added\":1")
        .contains("\"valuesInSet\":1")
        .contains("\"recentValues\":[{\"value\":\"203.0.113.7\",\"change\":\"added\"")
        .contains("\"server\":\"misp\",\"url\":\"https://misp.example.org\"");
  }

  @Test
  @Timeout(20)
  void showsARunningJobWhileTheRunAndTheStoreAreHeld() throws Exception {
    server.connectors.misp.hold();
    client.json("POST", "/api/jobs/ips/run", "", csrf);
    assertThat(server.connectors.misp.awaitRead()).isTrue();

    String status;
    StoreHolder held = StoreHolder.hold(server.component.service().store());
    try {
      status = client.get("/api/status").body();
    } finally {
      held.close();
      server.connectors.misp.release();
    }

    assertThat(status).contains("\"name\":\"ips\"").contains("\"running\":true");
    assertThat(awaitStatus("\"outcome\":\"ok\"")).contains("\"valuesInSet\":1");
  }

  @Test
  void showsAChangeMadeToTheStoreElsewhereWithinARefresh() {
    assertThat(client.get("/api/status").body()).doesNotContain("\"name\":\"domains\"");

    server.component.service().store().saveJob(job("domains"));

    assertThat(awaitStatus("\"name\":\"domains\"")).contains("\"name\":\"ips\"");
  }

  @Test
  void showsAJobSavedOrDeletedThroughTheApiAtOnce() {
    client.json("POST", "/api/jobs", JOB.replace("\"ips\"", "\"more-ips\""), csrf);
    assertThat(client.get("/api/status").body()).contains("\"name\":\"more-ips\"");

    client.json("DELETE", "/api/jobs/more-ips", "", csrf);

    assertThat(client.get("/api/status").body()).doesNotContain("\"name\":\"more-ips\"");
  }

  private String awaitStatus(String expected) {
    Instant deadline = Instant.now().plus(Duration.ofSeconds(20));
    String status = "";
    while (Instant.now().isBefore(deadline)) {
      status = client.get("/api/status").body();
      if (status.contains(expected) && !status.contains("\"running\":true")) {
        return status;
      }
      LockSupport.parkNanos(Duration.ofMillis(20).toNanos());
    }
    throw new AssertionError("Status never showed " + expected + ": " + status);
  }

  private static JobSpec job(String name) {
    return new JobSpec(
        name,
        "MISP domains",
        ElementType.ALNIC,
        List.of("domain"),
        List.of(),
        List.of(),
        List.of(),
        true,
        true,
        false,
        SyncMode.MIRROR,
        15,
        true,
        null);
  }

  /**
   * Holds the SQLite store busy from a thread of its own, as a run's write transaction does: the
   * store does each read and write holding its own monitor, which this thread takes and keeps.
   */
  private static final class StoreHolder {
    private final CountDownLatch release = new CountDownLatch(1);
    private final Thread thread;

    private StoreHolder(Store store, CountDownLatch held) {
      this.thread =
          new Thread(
              () -> {
                synchronized (store) {
                  held.countDown();
                  try {
                    release.await();
                  } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                  }
                }
              },
              "store-holder");
    }

    static StoreHolder hold(Store store) throws InterruptedException {
      CountDownLatch held = new CountDownLatch(1);
      StoreHolder holder = new StoreHolder(store, held);
      holder.thread.start();
      assertThat(held.await(10, TimeUnit.SECONDS)).isTrue();
      return holder;
    }

    void close() throws InterruptedException {
      release.countDown();
      thread.join();
    }
  }
}
