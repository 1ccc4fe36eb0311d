package org.iocsync.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.security.SecureRandom;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Runs the same random histories of runs on SQLite and on PostgreSQL and checks that both stores
 * plan, count and remember exactly alike: the PostgreSQL store's SQL is a translation of SQLite's,
 * and this is where a slip in it would show.
 */
@ExtendWith(PostgresCluster.Available.class)
@Timeout(120)
class StoreEquivalenceTest {
  private static final Instant START = Instant.parse("2026-03-01T10:00:00Z");
  private static final SkipReason[] REASONS = {
    SkipReason.DELETED, SkipReason.NOT_IDS, SkipReason.INVALID_VALUE, SkipReason.EXCLUDED_TAG
  };

  @TempDir Path dir;

  @ParameterizedTest
  @ValueSource(longs = {1, 2, 3, 4, 5, 6, 7, 8})
  void bothStoresPlanAndRecordTheSameRandomHistoryAlike(long seed, PostgresCluster cluster)
      throws SQLException {
    byte[] keyBytes = new byte[KeyMaterial.KEY_BYTES];
    new SecureRandom().nextBytes(keyBytes);
    KeyMaterial key = KeyMaterial.of(keyBytes);
    SplittableRandom random = new SplittableRandom(seed);
    SyncMode mode = random.nextBoolean() ? SyncMode.MIRROR : SyncMode.APPEND;
    JobSpec job = TestJobs.withMode(TestJobs.ips("job", "set"), mode);

    try (Store sqlite = SqliteStore.builder().stateDirectory(dir).keyMaterial(key).build();
        Store postgres =
            PostgresStore.builder()
                .url(cluster.url(cluster.createDatabase()))
                .user(PostgresCluster.USER)
                .password(PostgresCluster.PASSWORD)
                .keyMaterial(key)
                .connectionTimeout(Duration.ofSeconds(5))
                .build()) {
      List<Store> stores = List.of(sqlite, postgres);
      stores.forEach(store -> store.saveJob(job));

      for (int round = 0; round < 8; round++) {
        Instant at = START.plus(Duration.ofMinutes(10L * round));
        RunKind kind = round == 0 || random.nextInt(3) == 0 ? RunKind.FULL : RunKind.INCREMENTAL;
        List<List<StagedAttribute>> batches = attributes(random);
        List<String> present = kind == RunKind.FULL ? present(random) : List.of();
        boolean apply = random.nextInt(5) > 0;
        long acceptSeed = random.nextLong();
        boolean ok = random.nextInt(4) > 0;
        String where = "seed " + seed + ", round " + round + " (" + kind + ", " + mode + ")";

        List<Plan> plans = new ArrayList<>();
        List<List<String>> adds = new ArrayList<>();
        List<List<String>> removes = new ArrayList<>();
        for (Store store : stores) {
          long run = store.beginRun("job", kind, at);
          batches.forEach(batch -> store.stageAttributes("job", batch));
          if (!present.isEmpty()) {
            store.stagePresent("job", present);
          }
          Plan plan = store.plan("job", kind, mode);
          List<String> add = store.plannedValues("job", Plan.Action.ADD, null, 1000);
          List<String> remove = store.plannedValues("job", Plan.Action.REMOVE, null, 1000);
          plans.add(plan);
          adds.add(add);
          removes.add(remove);
          if (apply) {
            SplittableRandom choices = new SplittableRandom(acceptSeed);
            store.applyPlan(run, "job", kind, plan);
            List<String> accepted = new ArrayList<>();
            List<String> rejected = new ArrayList<>();
            for (String value : add) {
              int choice = choices.nextInt(6);
              if (choice == 0) {
                rejected.add(value);
              } else if (choice > 1) {
                accepted.add(value);
              }
            }
            store.confirmAdded(run, "job", accepted, rejected, at.plusSeconds(1));
            store.confirmRemoved(
                run,
                "job",
                remove.stream().filter(value -> choices.nextBoolean()).toList(),
                at.plusSeconds(2));
          }
          store.finishRun(
              run,
              "job",
              ok ? RunOutcome.OK : RunOutcome.FAILED,
              ok ? null : "failed",
              at.plusSeconds(3),
              ok && apply ? at : null,
              ok && apply && kind == RunKind.FULL);
        }

        assertThat(plans.get(1)).as(where).isEqualTo(plans.get(0));
        assertThat(adds.get(1)).as(where).isEqualTo(adds.get(0));
        assertThat(removes.get(1)).as(where).isEqualTo(removes.get(0));
        assertThat(postgres.syncState("job")).as(where).isEqualTo(sqlite.syncState("job"));
        assertThat(postgres.recentValues("job")).as(where).isEqualTo(sqlite.recentValues("job"));
        assertThat(withoutIds(postgres.runs("job", 100)))
            .as(where)
            .isEqualTo(withoutIds(sqlite.runs("job", 100)));
      }
    }
  }

  private static List<List<StagedAttribute>> attributes(SplittableRandom random) {
    List<List<StagedAttribute>> batches = new ArrayList<>();
    int count = random.nextInt(3);
    for (int b = 0; b <= count; b++) {
      List<StagedAttribute> batch = new ArrayList<>();
      int size = random.nextInt(12);
      for (int i = 0; i < size; i++) {
        String uuid = "u" + random.nextInt(20);
        long ts = 1 + random.nextInt(5);
        if (random.nextInt(4) == 0) {
          batch.add(new StagedAttribute(uuid, null, REASONS[random.nextInt(REASONS.length)], ts));
        } else {
          batch.add(new StagedAttribute(uuid, "10.0.0." + random.nextInt(12), null, ts));
        }
      }
      batches.add(batch);
    }
    return batches;
  }

  private static List<String> present(SplittableRandom random) {
    List<String> present = new ArrayList<>();
    for (int i = 0; i < 14; i++) {
      if (random.nextBoolean()) {
        present.add("10.0.0." + i);
      }
    }
    return present;
  }

  private static List<RunRecord> withoutIds(List<RunRecord> runs) {
    return runs.stream()
        .map(
            r ->
                new RunRecord(
                    0,
                    r.job(),
                    r.kind(),
                    r.startedAt(),
                    r.endedAt(),
                    r.outcome(),
                    r.fetched(),
                    r.desired(),
                    r.added(),
                    r.removed(),
                    r.skipped(),
                    r.skippedByReason(),
                    r.error()))
        .toList();
  }
}
