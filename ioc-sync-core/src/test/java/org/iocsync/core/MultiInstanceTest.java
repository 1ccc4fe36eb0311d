package org.iocsync.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import java.io.IOException;
import java.security.SecureRandom;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.iocsync.misp.MispClient;
import org.iocsync.testkit.FakeMisp;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Several IOC Sync instances, each with its own store, engine and scheduler, share one PostgreSQL
 * database, one MISP (the testkit's fake, through the real client) and one QRadar (an in-memory
 * fake behind a probe that sees every call). One instance loses the database in the middle of a
 * run, as a machine that dies does; another must finish its job, no set may ever be written by two
 * instances at once, and every set must end exactly right.
 */
@ExtendWith(PostgresCluster.Available.class)
@Timeout(120)
class MultiInstanceTest {
  private static final Duration LEASE = Duration.ofSeconds(2);
  private static final Duration DEADLINE = Duration.ofSeconds(40);
  private static final int JOBS = 4;
  private static final int VALUES_PER_JOB = 300;
  private static final int BATCH = 40;
  private static final String VICTIM_JOB = "job-1";

  private final FakeMisp misp = FakeMisp.start();
  private final ProbedQradar qradar = new ProbedQradar();
  private final List<Instance> instances = new ArrayList<>();
  private final Map<String, Set<String>> expected = new LinkedHashMap<>();
  private final KeyMaterial key = randomKey();
  private PostgresCluster cluster;
  private String database;

  @BeforeEach
  void createDatabase(PostgresCluster cluster) throws SQLException {
    this.cluster = cluster;
    this.database = cluster.createDatabase();
  }

  @AfterEach
  void stopAll() throws IOException {
    qradar.release();
    for (Instance instance : instances) {
      instance.scheduler.stop(Duration.ofSeconds(5));
    }
    for (Instance instance : instances) {
      instance.store.close();
      instance.proxy.close();
    }
    misp.close();
  }

  private static KeyMaterial randomKey() {
    byte[] bytes = new byte[KeyMaterial.KEY_BYTES];
    new SecureRandom().nextBytes(bytes);
    return KeyMaterial.of(bytes);
  }

  /**
   * One IOC Sync process: its own connection to the database (through a proxy that can cut it),
   * engine and scheduler.
   */
  private record Instance(
      String id, TcpProxy proxy, PostgresStore store, SyncEngine engine, Scheduler scheduler) {}

  private Instance instance(String id, Clock clock) throws IOException {
    TcpProxy proxy = new TcpProxy(cluster.port());
    PostgresStore store =
        PostgresStore.builder()
            .url(PostgresCluster.url(proxy.port(), database))
            .user(PostgresCluster.USER)
            .password(PostgresCluster.PASSWORD)
            .keyMaterial(key)
            .instanceId(id)
            .leaseDuration(LEASE)
            .connectionTimeout(Duration.ofMillis(500))
            .build();
    MispClient client = MispClient.builder().baseUrl(misp.url()).apiKey(misp.apiKey()).build();
    SyncEngine engine =
        SyncEngine.builder()
            .store(store)
            .source(new MispIndicatorSource(client, 100))
            .target(qradar.as(id))
            .batchSize(BATCH)
            .clock(clock)
            .build();
    Scheduler scheduler =
        Scheduler.builder()
            .engine(engine)
            .store(store)
            .clock(clock)
            .maxConcurrentRuns(JOBS)
            .idleWait(Duration.ofMillis(100))
            .build();
    Instance instance = new Instance(id, proxy, store, engine, scheduler);
    instances.add(instance);
    return instance;
  }

  private Instance instance(String id) throws IOException {
    return instance(id, Clock.systemUTC());
  }

  private void seedJobs(Store store, int jobs, boolean paused) {
    for (int j = 1; j <= jobs; j++) {
      String job = "job-" + j;
      long event = misp.addEvent("Campaign " + j);
      Set<String> values = new LinkedHashSet<>();
      for (int i = 0; i < VALUES_PER_JOB; i++) {
        String value = "10." + j + "." + (i / 250) + "." + (i % 250);
        misp.addAttribute(event, "ip-dst", value);
        values.add(value);
      }
      misp.addAttribute(event, FakeMisp.attribute("ip-src", "10." + j + ".99.1").toIds(false));
      expected.put(job, values);
      store.saveJob(
          new JobSpec(
              job,
              "set " + job,
              ElementType.IP,
              List.of("ip-src", "ip-dst"),
              List.of(Long.toString(event)),
              List.of(),
              List.of(),
              true,
              true,
              false,
              SyncMode.MIRROR,
              60,
              true,
              null));
      store.setPaused(job, paused);
    }
  }

  @ParameterizedTest(name = "{0} instances")
  @ValueSource(ints = {2, 3})
  void anotherInstanceFinishesTheJobOfOneThatDiedMidRunAndNoSetIsEverWrittenByTwoAtOnce(int count)
      throws IOException {
    for (int i = 0; i < count; i++) {
      instance("sync-" + (char) ('a' + i));
    }
    seedJobs(instances.get(0).store, JOBS, false);
    qradar.holdAddition("set " + VICTIM_JOB, 3);

    instances.forEach(instance -> instance.scheduler.start());
    String victim = qradar.awaitGate();
    Instance dead = instances.stream().filter(i -> i.id.equals(victim)).findFirst().orElseThrow();
    dead.proxy.cut();
    long killedAt = System.nanoTime();
    qradar.release();
    Instance survivor = instances.stream().filter(i -> i != dead).findFirst().orElseThrow();

    RunRecord finished =
        poll(() -> lastOk(survivor.store, VICTIM_JOB).filter(r -> !victim.equals(r.instance())));
    long takenOverAfter = System.nanoTime() - killedAt;
    for (String job : expected.keySet()) {
      poll(() -> lastOk(survivor.store, job));
    }

    assertThat(Duration.ofNanos(takenOverAfter)).isLessThan(LEASE.multipliedBy(8));
    assertThat(qradar.overlaps()).as("calls on one set from two instances at once").isEmpty();
    assertThat(qradar.handovers())
        .as("instances that wrote each set, in order")
        .allSatisfy((set, writers) -> assertThat(writers).doesNotHaveDuplicates())
        .containsEntry("set " + VICTIM_JOB, List.of(victim, finished.instance()));
    for (Map.Entry<String, Set<String>> job : expected.entrySet()) {
      assertThat(qradar.contents("set " + job.getKey()))
          .as(job.getKey())
          .containsExactlyInAnyOrderElementsOf(job.getValue());
      SyncState state = survivor.store.syncState(job.getKey());
      assertThat(state.confirmed()).as(job.getKey()).isEqualTo(VALUES_PER_JOB);
      assertThat(state.pendingAdd() + state.pendingRemove()).as(job.getKey()).isZero();
    }
    List<RunRecord> history = survivor.store.runs(VICTIM_JOB, 10);
    assertThat(history)
        .filteredOn(run -> victim.equals(run.instance()))
        .extracting(RunRecord::outcome)
        .containsExactly(RunOutcome.INTERRUPTED);
    assertThat(finished.kind()).isEqualTo(RunKind.FULL);
    assertThat(finished.added()).isPositive().isLessThanOrEqualTo(VALUES_PER_JOB);
    for (Instance other : instances) {
      if (other != dead) {
        assertThat(other.store.recentRuns(100))
            .extracting(RunRecord::id)
            .containsExactlyElementsOf(
                survivor.store.recentRuns(100).stream().map(RunRecord::id).toList());
      }
    }
  }

  @Test
  void aRunThatLostItsLeaseStopsWithoutWritingAnyMore() throws Exception {
    Instance a = instance("sync-a");
    Instance b = instance("sync-b");
    seedJobs(a.store, 1, true);
    qradar.holdAddition("set " + VICTIM_JOB, 3);
    CompletableFuture<RunReport> running =
        CompletableFuture.supplyAsync(() -> a.engine.run(VICTIM_JOB, RunKind.FULL));
    assertThat(qradar.awaitGate()).isEqualTo("sync-a");

    a.proxy.cut();
    JobLease taken = poll(() -> Optional.ofNullable(tryAcquire(b.store, VICTIM_JOB)));
    a.proxy.heal();
    poll(() -> reaches(a.store));
    qradar.release();
    RunReport report = running.get(DEADLINE.toSeconds(), TimeUnit.SECONDS);

    assertThat(report.outcome()).isEqualTo(RunOutcome.FAILED);
    assertThat(report.error()).contains("'sync-a' lost its lease on job 'job-1'");
    assertThat(qradar.additions("sync-a")).isEqualTo(3);
    assertThat(b.store.runs(VICTIM_JOB, 1))
        .extracting(RunRecord::outcome, RunRecord::instance)
        .containsExactly(tuple(RunOutcome.RUNNING, "sync-a"));
    b.store.leases().release(taken);
    RunReport next = b.engine.run(VICTIM_JOB, RunKind.INCREMENTAL);
    assertThat(next.ok()).isTrue();
    assertThat(qradar.contents("set " + VICTIM_JOB))
        .containsExactlyInAnyOrderElementsOf(expected.get(VICTIM_JOB));
    assertThat(b.store.runs(VICTIM_JOB, 2))
        .extracting(RunRecord::outcome, RunRecord::instance)
        .containsExactly(tuple(RunOutcome.OK, "sync-b"), tuple(RunOutcome.INTERRUPTED, "sync-a"));
    assertThat(qradar.overlaps()).isEmpty();
  }

  @Test
  void instancesTogetherRunAJobOncePerIntervalWhicheverRunsIt() throws IOException {
    TestClock clock = new TestClock();
    Instance a = instance("sync-a", clock);
    Instance b = instance("sync-b", clock);
    seedJobs(a.store, 1, true);
    String job = VICTIM_JOB;
    b.scheduler.start();
    poll(() -> b.scheduler.schedule().stream().filter(s -> s.job().equals(job)).findFirst());
    Instant start = clock.instant();

    assertThat(a.engine.run(job, RunKind.FULL).ok()).isTrue();
    a.store.setPaused(job, false);

    Instant next = start.plus(Duration.ofMinutes(60));
    poll(() -> b.scheduler.nextRunAt(job).filter(next::equals));
    assertThat(b.store.runs(job, 10)).extracting(RunRecord::instance).containsExactly("sync-a");

    clock.advance(Duration.ofMinutes(60));

    poll(() -> b.scheduler.nextRunAt(job).filter(next.plus(Duration.ofMinutes(60))::equals));
    assertThat(b.store.runs(job, 10))
        .extracting(RunRecord::instance, RunRecord::outcome, RunRecord::kind)
        .containsExactly(
            tuple("sync-b", RunOutcome.OK, RunKind.INCREMENTAL),
            tuple("sync-a", RunOutcome.OK, RunKind.FULL));
  }

  private static Optional<Boolean> reaches(Store store) {
    try {
      store.jobs();
      return Optional.of(true);
    } catch (StoreException e) {
      return Optional.empty();
    }
  }

  private static @Nullable JobLease tryAcquire(PostgresStore store, String job) {
    try {
      return store.leases().acquire(job);
    } catch (JobBusyException e) {
      return null;
    }
  }

  private static Optional<RunRecord> lastOk(Store store, String job) {
    return store.runs(job, 10).stream().filter(r -> r.outcome() == RunOutcome.OK).findFirst();
  }

  private static <T> T poll(Supplier<Optional<T>> attempt) {
    long deadline = System.nanoTime() + DEADLINE.toNanos();
    while (true) {
      Optional<T> result = attempt.get();
      if (result.isPresent()) {
        return result.get();
      }
      assertThat(System.nanoTime()).as("waited %s in vain", DEADLINE).isLessThan(deadline);
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(50));
    }
  }

  /**
   * One QRadar that every instance writes to, through a view per instance. It records each call
   * that reached a set while another instance's call on that set was still going, and the order in
   * which instances wrote each set; and it can hold one addition until the test releases it, so
   * that the test knows which instance is in the middle of a run.
   */
  private static final class ProbedQradar {
    private final FakeQradar backend = new FakeQradar();
    private @Nullable String gateSet;
    private int gateAt;
    private final Map<String, Map<String, Integer>> inFlight = new HashMap<>();
    private final Map<String, List<String>> writers = new LinkedHashMap<>();
    private final List<String> overlaps = new ArrayList<>();
    private final Map<String, Integer> additions = new HashMap<>();
    private final CountDownLatch reached = new CountDownLatch(1);
    private final CountDownLatch released = new CountDownLatch(1);
    private int additionsToGateSet;
    private @Nullable String victim;

    /** Holds the {@code n}-th addition to {@code set} until {@link #release()}. */
    synchronized void holdAddition(String set, int n) {
      this.gateSet = set;
      this.gateAt = n;
    }

    SetTarget as(String instance) {
      return new SetTarget() {
        @Override
        public Optional<ReferenceSet> find(String name) {
          return call(instance, name, () -> backend.find(name));
        }

        @Override
        public ReferenceSet create(
            String name, ElementType elementType, @Nullable String timeToLive) {
          return call(instance, name, () -> backend.create(name, elementType, timeToLive));
        }

        @Override
        public AddResult add(String set, List<String> values) {
          return call(
              instance,
              set,
              () -> {
                synchronized (this) {
                  additions.merge(instance, 1, Integer::sum);
                }
                holdAtGate(instance, set);
                return backend.add(set, values);
              });
        }

        @Override
        public void remove(String set, List<String> values) {
          call(
              instance,
              set,
              () -> {
                backend.remove(set, values);
                return null;
              });
        }

        @Override
        public Stream<String> values(String set) {
          return call(instance, set, () -> backend.values(set).toList()).stream();
        }
      };
    }

    private <T> T call(String instance, String set, Supplier<T> call) {
      synchronized (this) {
        Map<String, Integer> callers = inFlight.computeIfAbsent(set, s -> new HashMap<>());
        for (Map.Entry<String, Integer> caller : callers.entrySet()) {
          if (!caller.getKey().equals(instance) && caller.getValue() > 0) {
            overlaps.add(instance + " called " + set + " while " + caller.getKey() + " did");
          }
        }
        callers.merge(instance, 1, Integer::sum);
        List<String> order = writers.computeIfAbsent(set, s -> new ArrayList<>());
        if (order.isEmpty() || !order.get(order.size() - 1).equals(instance)) {
          order.add(instance);
        }
      }
      try {
        return call.get();
      } finally {
        synchronized (this) {
          inFlight.get(set).merge(instance, -1, Integer::sum);
        }
      }
    }

    private void holdAtGate(String instance, String set) {
      synchronized (this) {
        if (!set.equals(gateSet) || ++additionsToGateSet != gateAt) {
          return;
        }
        victim = instance;
      }
      reached.countDown();
      try {
        released.await(DEADLINE.toSeconds(), TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }

    /** Waits for an instance to reach the gate and returns which. */
    String awaitGate() {
      try {
        assertThat(reached.await(DEADLINE.toSeconds(), TimeUnit.SECONDS))
            .as("an instance reaches addition %d to %s", gateAt, gateSet)
            .isTrue();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError(e);
      }
      synchronized (this) {
        return Objects.requireNonNull(victim);
      }
    }

    void release() {
      released.countDown();
    }

    /** How many additions {@code instance} made, to any set. */
    synchronized int additions(String instance) {
      return additions.getOrDefault(instance, 0);
    }

    synchronized List<String> overlaps() {
      return List.copyOf(overlaps);
    }

    synchronized Map<String, List<String>> handovers() {
      Map<String, List<String>> copy = new LinkedHashMap<>();
      writers.forEach((set, order) -> copy.put(set, List.copyOf(order)));
      return copy;
    }

    Set<String> contents(String set) {
      return backend.contents(set);
    }
  }
}
