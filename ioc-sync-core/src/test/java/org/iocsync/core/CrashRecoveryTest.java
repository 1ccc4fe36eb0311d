package org.iocsync.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Kills a run at each of its stages, changes MISP, and checks that the next run ends in exactly the
 * right state: the set holds what is desired plus what others put there, and the ledger has nothing
 * pending.
 */
class CrashRecoveryTest {
  private static final String SET = "MISP IPs";

  @TempDir Path dir;

  private EngineHarness h;
  private String event;
  private final String[] uuids = new String[11];

  @BeforeEach
  void firstSync() {
    h = new EngineHarness(dir, b -> b.batchSize(2));
    h.store.saveJob(TestJobs.ips("ips", SET));
    event = h.misp.addEvent(true);
    for (int i = 1; i <= 6; i++) {
      uuids[i] = h.misp.add(event, "ip-dst", "10.0.0." + i);
    }
    assertThat(h.run("ips", RunKind.FULL).ok()).isTrue();
    h.qradar.addByHand(SET, "192.0.2.99");
  }

  @AfterEach
  void tearDown() {
    h.close();
  }

  /** Where the process dies. */
  enum Crash {
    STORE_BEGIN_RUN,
    STORE_STAGE_ATTRIBUTES,
    STORE_STAGE_PRESENT,
    STORE_PLAN,
    STORE_APPLY_PLAN,
    STORE_FIRST_CONFIRM_ADDED,
    STORE_SECOND_CONFIRM_ADDED,
    STORE_CONFIRM_REMOVED,
    STORE_FINISH_RUN,
    MISP_MID_STREAM,
    QRADAR_FIND,
    QRADAR_VALUES,
    QRADAR_BEFORE_FIRST_ADD,
    QRADAR_AFTER_FIRST_ADD,
    QRADAR_AFTER_SECOND_ADD,
    QRADAR_BEFORE_REMOVE,
    QRADAR_AFTER_REMOVE
  }

  static Stream<Arguments> crashes() {
    return Stream.of(RunKind.values())
        .flatMap(kind -> Stream.of(Crash.values()).map(crash -> Arguments.of(kind, crash)));
  }

  @ParameterizedTest(name = "{0} run killed at {1}")
  @MethodSource("crashes")
  void theRunAfterACrashEndsExactlyRight(RunKind kind, Crash crash) {
    assumeTrue(
        kind == RunKind.FULL
            || (crash != Crash.QRADAR_VALUES && crash != Crash.STORE_STAGE_PRESENT),
        "incremental runs do not read the set");
    h.later();
    h.misp.delete(uuids[1]);
    h.misp.delete(uuids[2]);
    uuids[7] = h.misp.add(event, "ip-dst", "10.0.0.7");
    uuids[8] = h.misp.add(event, "ip-dst", "10.0.0.8");
    uuids[9] = h.misp.add(event, "ip-dst", "10.0.0.9");

    AtomicInteger storeCalls = new AtomicInteger();
    SyncEngine crashing =
        SyncEngine.builder()
            .store(crashingStore(h.store, crash, storeCalls))
            .source(h.misp)
            .target(h.qradar)
            .clock(h.clock)
            .batchSize(2)
            .build();
    arm(crash);
    h.later();
    assertThatThrownBy(() -> crashing.run("ips", kind)).isInstanceOf(SimulatedCrash.class);
    h.qradar.heal();
    h.restart();

    h.later();
    h.misp.delete(uuids[7]);
    h.misp.restore(uuids[1]);
    h.misp.setValue(uuids[3], "10.0.0.33");
    uuids[10] = h.misp.add(event, "ip-dst", "10.0.0.10");
    RunReport next = h.run("ips", RunKind.INCREMENTAL);

    List<String> desired =
        List.of(
            "10.0.0.1",
            "10.0.0.33",
            "10.0.0.4",
            "10.0.0.5",
            "10.0.0.6",
            "10.0.0.8",
            "10.0.0.9",
            "10.0.0.10");
    assertThat(next.ok()).as(String.valueOf(next.error())).isTrue();
    assertThat(h.qradar.contents(SET))
        .containsExactlyInAnyOrderElementsOf(
            Stream.concat(desired.stream(), Stream.of("192.0.2.99")).toList());
    assertThat(h.store.syncState("ips").pendingAdd()).isZero();
    assertThat(h.store.syncState("ips").pendingRemove()).isZero();
    assertThat(h.store.syncState("ips").confirmed()).isEqualTo(desired.size());

    RunReport full = h.run("ips", RunKind.FULL);

    assertThat(full.added()).isZero();
    assertThat(full.removed()).isZero();
    assertThat(full.desired()).isEqualTo(desired.size());
    if (crash != Crash.STORE_BEGIN_RUN) {
      assertThat(h.store.runs("ips", 3).get(2).outcome()).isEqualTo(RunOutcome.INTERRUPTED);
    }
  }

  private void arm(Crash crash) {
    switch (crash) {
      case MISP_MID_STREAM -> h.misp.failMidStream(2, () -> new SimulatedCrash("reading MISP"));
      case QRADAR_FIND -> h.qradar.failBefore(FakeQradar.Op.FIND, 1, CrashRecoveryTest::crash);
      case QRADAR_VALUES -> h.qradar.failAfter(FakeQradar.Op.VALUES, 1, CrashRecoveryTest::crash);
      case QRADAR_BEFORE_FIRST_ADD ->
          h.qradar.failBefore(FakeQradar.Op.ADD, 1, CrashRecoveryTest::crash);
      case QRADAR_AFTER_FIRST_ADD ->
          h.qradar.failAfter(FakeQradar.Op.ADD, 1, CrashRecoveryTest::crash);
      case QRADAR_AFTER_SECOND_ADD ->
          h.qradar.failAfter(FakeQradar.Op.ADD, 2, CrashRecoveryTest::crash);
      case QRADAR_BEFORE_REMOVE ->
          h.qradar.failBefore(FakeQradar.Op.REMOVE, 1, CrashRecoveryTest::crash);
      case QRADAR_AFTER_REMOVE ->
          h.qradar.failAfter(FakeQradar.Op.REMOVE, 1, CrashRecoveryTest::crash);
      default -> {
        // The store proxy crashes on its own.
      }
    }
  }

  private static SimulatedCrash crash() {
    return new SimulatedCrash("in QRadar");
  }

  /** A store that dies just before the n-th call of one of its methods. */
  private static Store crashingStore(Store store, Crash crash, AtomicInteger calls) {
    String method;
    int n = 1;
    switch (crash) {
      case STORE_BEGIN_RUN -> method = "beginRun";
      case STORE_STAGE_ATTRIBUTES -> method = "stageAttributes";
      case STORE_STAGE_PRESENT -> method = "stagePresent";
      case STORE_PLAN -> method = "plan";
      case STORE_APPLY_PLAN -> method = "applyPlan";
      case STORE_FIRST_CONFIRM_ADDED -> method = "confirmAdded";
      case STORE_SECOND_CONFIRM_ADDED -> {
        method = "confirmAdded";
        n = 2;
      }
      case STORE_CONFIRM_REMOVED -> method = "confirmRemoved";
      case STORE_FINISH_RUN -> method = "finishRun";
      default -> method = "";
    }
    String crashMethod = method;
    int crashCall = n;
    return (Store)
        Proxy.newProxyInstance(
            Store.class.getClassLoader(),
            new Class<?>[] {Store.class},
            (proxy, m, args) -> {
              if (m.getName().equals(crashMethod) && calls.incrementAndGet() == crashCall) {
                throw new SimulatedCrash("before " + crashMethod);
              }
              try {
                return m.invoke(store, args);
              } catch (InvocationTargetException e) {
                throw e.getCause();
              }
            });
  }
}
