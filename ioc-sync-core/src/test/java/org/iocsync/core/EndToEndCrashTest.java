package org.iocsync.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.iocsync.core.EndToEndSyncTest.IP_SET;
import static org.iocsync.core.EndToEndSyncTest.assertLedgerHolds;
import static org.iocsync.core.EndToEndSyncTest.ipJob;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;
import org.iocsync.qradar.ReferenceApi;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Kills a run after QRadar confirmed a batch but before the ledger recorded it, changes MISP, and
 * checks that the next run, in a new process on the same state directory, ends with the set exactly
 * right, on each of QRadar's APIs.
 */
@Timeout(60)
class EndToEndCrashTest {
  @TempDir Path dir;

  private @Nullable EndToEndRig rig;
  private final Map<String, String> uuids = new LinkedHashMap<>();

  @AfterEach
  void closeRig() {
    if (rig != null) {
      rig.close();
    }
  }

  /** Which write QRadar carries out just before the process dies. */
  enum Crash {
    AFTER_ADDING,
    AFTER_REMOVING
  }

  static Stream<Arguments> crashes() {
    return Stream.of(ReferenceApi.LEGACY, ReferenceApi.COLLECTIONS)
        .flatMap(
            api ->
                Stream.of(Crash.values())
                    .flatMap(
                        crash ->
                            Stream.of(RunKind.values())
                                .map(next -> Arguments.of(api, crash, next))));
  }

  @ParameterizedTest(name = "{0} API, killed {1}, then a {2} run")
  @MethodSource("crashes")
  void theNextRunRepairsARunKilledBetweenQradarsConfirmationAndTheLedger(
      ReferenceApi api, Crash crash, RunKind next) {
    EndToEndRig rig = this.rig = new EndToEndRig(dir, api);
    long event = rig.addEvent("Campaign");
    for (int i = 1; i <= 7; i++) {
      uuids.put("10.3.0." + i, rig.misp.addAttribute(event, "ip-dst", "10.3.0." + i));
    }
    rig.sync().defineJob(ipJob());
    RunKind killedKind = crash == Crash.AFTER_ADDING ? RunKind.FULL : RunKind.INCREMENTAL;
    if (crash == Crash.AFTER_REMOVING) {
      assertThat(rig.run("ips", RunKind.FULL).error()).isNull();
      rig.later();
      for (String value : List.of("10.3.0.2", "10.3.0.4", "10.3.0.6", "10.3.0.7")) {
        rig.misp.deleteAttribute(uuids.get(value));
      }
    }
    List<String> lastBatch = new ArrayList<>();
    AtomicBoolean killed = new AtomicBoolean();
    rig.restart(
        rig.misp.apiKey(),
        rig.qradar.token(),
        target ->
            new ForwardingTarget(target) {
              @Override
              public AddResult add(String set, List<String> values) {
                AddResult result = super.add(set, values);
                if (crash == Crash.AFTER_ADDING && killed.compareAndSet(false, true)) {
                  lastBatch.addAll(values);
                  throw new SimulatedCrash("after QRadar took " + values);
                }
                return result;
              }

              @Override
              public void remove(String set, List<String> values) {
                super.remove(set, values);
                if (crash == Crash.AFTER_REMOVING && killed.compareAndSet(false, true)) {
                  lastBatch.addAll(values);
                  throw new SimulatedCrash("after QRadar removed " + values);
                }
              }
            });

    assertThatThrownBy(() -> rig.run("ips", killedKind)).isInstanceOf(SimulatedCrash.class);
    Set<String> inQradar = rig.values(IP_SET);
    if (crash == Crash.AFTER_ADDING) {
      assertThat(inQradar).containsAll(lastBatch);
    } else {
      assertThat(inQradar).doesNotContainAnyElementsOf(lastBatch);
    }
    SyncState left = rig.sync().status("ips").state();
    assertThat(left.pendingAdd() + left.pendingRemove())
        .as("values the ledger holds as pending")
        .isPositive();

    rig.later();
    if (crash == Crash.AFTER_ADDING) {
      rig.misp.deleteAttribute(uuids.get(lastBatch.get(0)));
    } else {
      rig.misp.restoreAttribute(uuids.get(lastBatch.get(0)));
    }
    rig.misp.addAttribute(event, "ip-src", "10.3.1.1");
    rig.restart();
    RunReport repaired = rig.run("ips", next);

    assertThat(repaired.error()).isNull();
    Set<String> wanted = rig.expected(ipJob());
    assertThat(rig.values(IP_SET)).isEqualTo(wanted);
    assertLedgerHolds(rig, "ips", wanted.size());
    assertThat(rig.sync().runs("ips", 2))
        .extracting(RunRecord::outcome)
        .containsExactly(RunOutcome.OK, RunOutcome.INTERRUPTED);

    RunReport full = rig.run("ips", RunKind.FULL);

    assertThat(full.error()).isNull();
    assertThat(full.added() + full.removed()).isZero();
    assertThat(rig.values(IP_SET)).isEqualTo(wanted);
  }
}
