package org.iocsync.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.ref.WeakReference;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A large job goes through the engine without the engine holding its attributes or its values:
 * objects handed over early must be collectable by the time the last ones are handed over.
 */
class MemoryBoundTest {
  private static final int ATTRIBUTES = 50_000;
  private static final Instant T = Instant.parse("2026-03-01T10:00:00Z");

  @TempDir Path dir;

  private static String address(int i) {
    return "10." + (i >> 16) + "." + ((i >> 8) & 255) + "." + (i & 255);
  }

  /** Generates attributes lazily; when yielding the last one, checks the first was let go. */
  private static final class GeneratingSource implements IndicatorSource {
    @Nullable WeakReference<SourceAttribute> first;
    @Nullable Boolean firstCollectedBeforeLast;

    @Override
    public Stream<SourceAttribute> attributes(SourceQuery query) {
      return IntStream.range(0, ATTRIBUTES)
          .mapToObj(
              i -> {
                if (i == ATTRIBUTES - 1) {
                  firstCollectedBeforeLast = collected(first);
                }
                SourceAttribute attribute =
                    new SourceAttribute(
                        "00000000-0000-4000-8000-" + String.format("%012d", i),
                        "1",
                        "ip-dst",
                        address(i),
                        true,
                        false,
                        true,
                        List.of(),
                        T,
                        T);
                if (i == 0) {
                  first = new WeakReference<>(attribute);
                }
                return attribute;
              });
    }

    @Override
    public Set<String> knownTypes() {
      return Set.of("ip-dst");
    }
  }

  /** Counts what it is sent; on the last batch, checks the first batch's values were let go. */
  private static final class CountingTarget implements SetTarget {
    final AtomicInteger added = new AtomicInteger();
    @Nullable WeakReference<String> firstValue;
    @Nullable Boolean firstBatchCollectedBeforeLast;

    @Override
    public Optional<ReferenceSet> find(String name) {
      return Optional.of(new ReferenceSet(name, "IP", null));
    }

    @Override
    public ReferenceSet create(String name, ElementType elementType, @Nullable String ttl) {
      throw new AssertionError("the set exists");
    }

    @Override
    public AddResult add(String set, List<String> values) {
      if (firstValue == null) {
        firstValue = new WeakReference<>(values.get(0));
      }
      if (added.addAndGet(values.size()) == ATTRIBUTES) {
        firstBatchCollectedBeforeLast = collected(firstValue);
      }
      return AddResult.allAccepted(values);
    }

    @Override
    public void remove(String set, List<String> values) {}

    @Override
    public Stream<String> values(String set) {
      return Stream.empty();
    }
  }

  /**
   * Takes its time over each batch, like a slow QRadar, and checks on each batch that the one that
   * came four batches before is collectable by then: two are in flight, one is being confirmed, and
   * of the two in flight the later may arrive first.
   */
  private static final class SlowTarget implements SetTarget {
    final List<WeakReference<String>> firstValues = new ArrayList<>();
    int batchesHeldLonger;

    @Override
    public Optional<ReferenceSet> find(String name) {
      return Optional.of(new ReferenceSet(name, "IP", null));
    }

    @Override
    public ReferenceSet create(String name, ElementType elementType, @Nullable String ttl) {
      throw new AssertionError("the set exists");
    }

    @Override
    public AddResult add(String set, List<String> values) {
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(2));
      synchronized (this) {
        firstValues.add(new WeakReference<>(values.get(0)));
        int batch = firstValues.size() - 1;
        if (batch >= 4 && !collected(firstValues.get(batch - 4))) {
          batchesHeldLonger++;
        }
      }
      return AddResult.allAccepted(values);
    }

    @Override
    public void remove(String set, List<String> values) {}

    @Override
    public Stream<String> values(String set) {
      return Stream.empty();
    }
  }

  @Test
  void aSlowQradarMakesTheRunWaitWithAtMostThreeBatchesInMemory() {
    SlowTarget target = new SlowTarget();
    try (SqliteStore store = SqliteStore.builder().stateDirectory(dir).build()) {
      store.saveJob(TestJobs.ips("big", "big set"));
      SyncEngine engine =
          SyncEngine.builder()
              .store(store)
              .source(new GeneratingSource())
              .target(target)
              .batchSize(2_000)
              .build();

      RunReport report = engine.run("big", RunKind.FULL);

      assertThat(report.ok()).as(String.valueOf(report.error())).isTrue();
      assertThat(report.added()).isEqualTo(ATTRIBUTES);
      assertThat(target.firstValues).hasSize(ATTRIBUTES / 2_000);
      assertThat(target.batchesHeldLonger).isZero();
    }
  }

  private static boolean collected(@Nullable WeakReference<?> reference) {
    if (reference == null) {
      return false;
    }
    for (int attempt = 0; attempt < 50 && reference.get() != null; attempt++) {
      System.gc();
    }
    return reference.get() == null;
  }

  @Test
  void aLargeFullRunHoldsNeitherItsAttributesNorItsValues() {
    GeneratingSource source = new GeneratingSource();
    CountingTarget target = new CountingTarget();
    try (SqliteStore store = SqliteStore.builder().stateDirectory(dir).build()) {
      store.saveJob(TestJobs.ips("big", "big set"));
      SyncEngine engine = SyncEngine.builder().store(store).source(source).target(target).build();

      RunReport report = engine.run("big", RunKind.FULL);

      assertThat(report.ok()).as(String.valueOf(report.error())).isTrue();
      assertThat(report.added()).isEqualTo(ATTRIBUTES);
      assertThat(report.desired()).isEqualTo(ATTRIBUTES);
      assertThat(source.firstCollectedBeforeLast).isTrue();
      assertThat(target.firstBatchCollectedBeforeLast).isTrue();

      RunReport again = engine.run("big", RunKind.INCREMENTAL);

      assertThat(again.added()).isZero();
      assertThat(again.removed()).isZero();
      assertThat(store.syncState("big").confirmed()).isEqualTo(ATTRIBUTES);
    }
  }
}
