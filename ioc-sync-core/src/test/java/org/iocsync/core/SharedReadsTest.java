package org.iocsync.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.function.Function;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Runs seated in one gathering read a source once, each taking what its own search returns. */
@Timeout(30)
class SharedReadsTest {
  private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
  private static final List<String> TYPES = List.of("ip-dst", "domain", "md5", "url");

  private final CountingSource source = new CountingSource(attributes(400));

  @Test
  void readsFullSearchesOnceForTheUnionOfTheirTypes() throws Exception {
    SharedReads shared = SharedReads.builder(source).chunkSize(7).build();
    List<SharedReads.Seat> seats = shared.gather(3).seats();

    var ips = readOn(shared, seats.get(0), full("ip-dst"));
    var names = readOn(shared, seats.get(1), full("domain", "url"));
    var hashes = readOn(shared, seats.get(2), full("md5"));

    assertThat(types(ips.get(10, TimeUnit.SECONDS))).containsOnly("ip-dst");
    assertThat(ips.get()).hasSize(100);
    assertThat(types(names.get(10, TimeUnit.SECONDS))).containsOnly("domain", "url");
    assertThat(names.get()).hasSize(200);
    assertThat(hashes.get(10, TimeUnit.SECONDS)).hasSize(100);
    assertThat(source.queries).hasSize(1);
    assertThat(source.queries.get(0).types())
        .containsExactlyInAnyOrder(TYPES.toArray(String[]::new));
  }

  @Test
  void searchesEveryTypeWhenOneRunNamesNone() throws Exception {
    SharedReads shared = SharedReads.of(source);
    List<SharedReads.Seat> seats = shared.gather(2).seats();

    var ips = readOn(shared, seats.get(0), full("ip-dst"));
    var everything = readOn(shared, seats.get(1), full());

    assertThat(ips.get(10, TimeUnit.SECONDS)).hasSize(100);
    assertThat(everything.get(10, TimeUnit.SECONDS)).hasSize(400);
    assertThat(source.queries).singleElement().satisfies(q -> assertThat(q.types()).isEmpty());
  }

  @Test
  void asksForEventTagsWhenOneRunFiltersByTag() throws Exception {
    SharedReads shared = SharedReads.of(source);
    List<SharedReads.Seat> seats = shared.gather(2).seats();
    SourceQuery tagged =
        new SourceQuery(List.of("ip-dst"), List.of(), false, true, true, null, null);

    // The first seat's question starts the group; the tagged one joins it.
    var without = readOn(shared, seats.get(0), full("md5"));
    var withTags = readOn(shared, seats.get(1), tagged);

    assertThat(withTags.get(10, TimeUnit.SECONDS)).hasSize(100);
    assertThat(without.get(10, TimeUnit.SECONDS)).hasSize(100);
    assertThat(source.queries)
        .singleElement()
        .satisfies(q -> assertThat(q.includeEventTags()).isTrue());
  }

  @Test
  void sharesEachQuestionOfIncrementalRunsWithTheSameWindow() throws Exception {
    SharedReads shared = SharedReads.of(source);
    List<SharedReads.Seat> seats = shared.gather(2).seats();
    SourceQuery.Window window = new SourceQuery.Window(T0, T0.plusSeconds(600));

    var first = readOn(shared, seats.get(0), changed(window), changedEvents(window));
    var second = readOn(shared, seats.get(1), changed(window), changedEvents(window));

    assertThat(first.get(10, TimeUnit.SECONDS)).hasSize(800);
    assertThat(second.get(10, TimeUnit.SECONDS)).hasSize(800);
    assertThat(source.queries).containsExactly(changed(window), changedEvents(window));
  }

  @Test
  void readsAloneWhenWindowsDoNotOverlap() throws Exception {
    SharedReads shared = SharedReads.of(source);
    List<SharedReads.Seat> seats = shared.gather(2).seats();
    SourceQuery.Window early = new SourceQuery.Window(T0, T0.plusSeconds(10));
    SourceQuery.Window late = new SourceQuery.Window(T0.plusSeconds(20), T0.plusSeconds(30));

    var first = readOn(shared, seats.get(0), changed(early));
    var second = readOn(shared, seats.get(1), changed(late));

    first.get(10, TimeUnit.SECONDS);
    second.get(10, TimeUnit.SECONDS);
    assertThat(source.queries).containsExactlyInAnyOrder(changed(early), changed(late));
  }

  @Test
  void coversOverlappingWindowsWithTheirSpan() throws Exception {
    SharedReads shared = SharedReads.of(source);
    List<SharedReads.Seat> seats = shared.gather(2).seats();
    SourceQuery.Window first = new SourceQuery.Window(T0, T0.plusSeconds(20));
    SourceQuery.Window second = new SourceQuery.Window(T0.plusSeconds(10), T0.plusSeconds(30));

    var a = readOn(shared, seats.get(0), changed(first));
    var b = readOn(shared, seats.get(1), changed(second));

    assertThat(a.get(10, TimeUnit.SECONDS)).hasSize(400);
    assertThat(b.get(10, TimeUnit.SECONDS)).hasSize(400);
    assertThat(source.queries)
        .containsExactly(changed(new SourceQuery.Window(T0, T0.plusSeconds(30))));
  }

  @Test
  void slowReaderHoldsTheSharedReadBackWithinItsBuffer() throws Exception {
    SharedReads shared = SharedReads.builder(source).chunkSize(10).bufferedChunks(2).build();
    List<SharedReads.Seat> seats = shared.gather(2).seats();
    CompletableFuture<Void> slowMayRead = new CompletableFuture<>();

    var fast = readOn(shared, seats.get(0), full());
    var slow =
        readOn(
            shared,
            seats.get(1),
            stream -> {
              slowMayRead.join();
              return stream.toList();
            },
            full());
    awaitBlockedReader();

    assertThat(source.pulled.get()).isLessThanOrEqualTo(10 * (2 + 1) + 1);
    assertThat(fast).isNotDone();

    slowMayRead.complete(null);
    assertThat(fast.get(10, TimeUnit.SECONDS)).hasSize(400);
    assertThat(slow.get(10, TimeUnit.SECONDS)).hasSize(400);
    awaitCondition(() -> source.closed.get() == 1);
  }

  @Test
  void readerThatClosesEarlyLeavesTheOthersReading() throws Exception {
    SharedReads shared = SharedReads.builder(source).chunkSize(5).bufferedChunks(1).build();
    List<SharedReads.Seat> seats = shared.gather(2).seats();

    var quitter = readOn(shared, seats.get(0), stream -> stream.limit(3).toList(), full());
    var stayer = readOn(shared, seats.get(1), full());

    assertThat(quitter.get(10, TimeUnit.SECONDS)).hasSize(3);
    assertThat(stayer.get(10, TimeUnit.SECONDS)).hasSize(400);
    assertThat(source.queries).hasSize(1);
  }

  @Test
  void closesTheSharedSearchOnceEveryReaderClosed() throws Exception {
    SharedReads shared = SharedReads.builder(source).chunkSize(5).bufferedChunks(1).build();
    List<SharedReads.Seat> seats = shared.gather(2).seats();

    var a = readOn(shared, seats.get(0), stream -> stream.limit(3).toList(), full());
    var b = readOn(shared, seats.get(1), stream -> stream.limit(7).toList(), full());
    a.get(10, TimeUnit.SECONDS);
    b.get(10, TimeUnit.SECONDS);

    awaitCondition(() -> source.closed.get() == 1);
    assertThat(source.pulled.get()).isLessThan(400);
  }

  @Test
  void failureOfTheSharedReadReachesEveryReaderAndItsRetryReadsAlone() throws Exception {
    source.failAfter = 150;
    SharedReads shared = SharedReads.builder(source).chunkSize(10).build();
    List<SharedReads.Seat> seats = shared.gather(2).seats();

    var first = readOn(shared, seats.get(0), Stream::toList, true, full("ip-dst"));
    var second = readOn(shared, seats.get(1), Stream::toList, true, full("domain"));

    assertThat(first.get(10, TimeUnit.SECONDS)).hasSize(100);
    assertThat(second.get(10, TimeUnit.SECONDS)).hasSize(100);
    assertThat(source.queries).hasSize(3);
    assertThat(source.queries.get(0).types()).containsExactlyInAnyOrder("ip-dst", "domain");
    assertThat(source.queries.subList(1, 3))
        .containsExactlyInAnyOrder(full("ip-dst"), full("domain"));
  }

  @Test
  void failureKeepsItsKind() throws Exception {
    source.failAfter = 5;
    source.failure = SourceException.permanent("MISP refused the key", null);
    SharedReads shared = SharedReads.of(source);
    List<SharedReads.Seat> seats = shared.gather(2).seats();

    var first = readOn(shared, seats.get(0), full("ip-dst"));
    var second = readOn(shared, seats.get(1), full("md5"));

    for (var read : List.of(first, second)) {
      assertThatThrownBy(() -> read.get(10, TimeUnit.SECONDS))
          .isInstanceOf(ExecutionException.class)
          .cause()
          .isInstanceOf(SourceException.class)
          .hasMessage("MISP refused the key")
          .satisfies(e -> assertThat(((SourceException) e).retryable()).isFalse());
    }
  }

  @Test
  void runThatLeavesWithoutReadingDoesNotHoldTheOthersBack() throws Exception {
    SharedReads shared = SharedReads.of(source);
    List<SharedReads.Seat> seats = shared.gather(3).seats();

    var a = readOn(shared, seats.get(0), full("ip-dst"));
    var b = readOn(shared, seats.get(1), full("md5"));
    seats.get(2).close();

    assertThat(a.get(10, TimeUnit.SECONDS)).hasSize(100);
    assertThat(b.get(10, TimeUnit.SECONDS)).hasSize(100);
    assertThat(source.queries).hasSize(1);
  }

  @Test
  void runsThatAskedGoOnWithoutOneThatNeverAsks() throws Exception {
    SharedReads shared = SharedReads.builder(source).gatherTimeout(Duration.ofMillis(200)).build();
    List<SharedReads.Seat> seats = shared.gather(3).seats();

    var a = readOn(shared, seats.get(0), full("ip-dst"));
    var b = readOn(shared, seats.get(1), full("md5"));

    assertThat(a.get(10, TimeUnit.SECONDS)).hasSize(100);
    assertThat(b.get(10, TimeUnit.SECONDS)).hasSize(100);
    assertThat(source.queries).hasSizeBetween(1, 2);
    seats.get(2).close();
  }

  @Test
  void readsThroughTheSourceOutsideAGathering() {
    SharedReads shared = SharedReads.of(source);

    List<SourceAttribute> read;
    try (Stream<SourceAttribute> stream = shared.attributes(full("url"))) {
      read = stream.toList();
    }

    assertThat(read).hasSize(100);
    assertThat(source.queries).containsExactly(full("url"));
  }

  private static SourceQuery full(String... types) {
    return new SourceQuery(List.of(types), List.of(), false, true, false, null, null);
  }

  private static SourceQuery changed(SourceQuery.Window window) {
    return new SourceQuery(List.of(), List.of(), false, true, false, window, null);
  }

  private static SourceQuery changedEvents(SourceQuery.Window window) {
    return new SourceQuery(List.of(), List.of(), false, true, false, null, window);
  }

  private static List<SourceAttribute> attributes(int count) {
    List<SourceAttribute> attributes = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      String type = TYPES.get(i % TYPES.size());
      attributes.add(
          new SourceAttribute(
              "uuid-" + i,
              Integer.toString(1 + i / 50),
              type,
              type + "-" + i,
              true,
              false,
              true,
              List.of("tlp:green"),
              T0.plusSeconds(i),
              T0.plusSeconds(i)));
    }
    return attributes;
  }

  private static Set<String> types(List<SourceAttribute> attributes) {
    return Set.copyOf(attributes.stream().map(SourceAttribute::type).toList());
  }

  /** Reads each query to its end on a thread of its own, seated on {@code seat}. */
  private static CompletableFuture<List<SourceAttribute>> readOn(
      SharedReads shared, SharedReads.Seat seat, SourceQuery... queries) {
    return readOn(shared, seat, Stream::toList, queries);
  }

  private static CompletableFuture<List<SourceAttribute>> readOn(
      SharedReads shared,
      SharedReads.Seat seat,
      Function<Stream<SourceAttribute>, List<SourceAttribute>> read,
      SourceQuery... queries) {
    return readOn(shared, seat, read, false, queries);
  }

  /**
   * Reads as above; with {@code retry}, reads a query again after a failure that may pass, as the
   * engine's retrier does.
   */
  private static CompletableFuture<List<SourceAttribute>> readOn(
      SharedReads shared,
      SharedReads.Seat seat,
      Function<Stream<SourceAttribute>, List<SourceAttribute>> read,
      boolean retry,
      SourceQuery... queries) {
    CompletableFuture<List<SourceAttribute>> result = new CompletableFuture<>();
    Thread thread =
        new Thread(
            () -> {
              seat.enter();
              try {
                List<SourceAttribute> all = new ArrayList<>();
                for (SourceQuery query : queries) {
                  try {
                    all.addAll(readOnce(shared, query, read));
                  } catch (SourceException e) {
                    if (!retry || !e.retryable()) {
                      throw e;
                    }
                    all.addAll(readOnce(shared, query, read));
                  }
                }
                result.complete(all);
              } catch (Throwable t) {
                result.completeExceptionally(t);
              } finally {
                seat.close();
              }
            });
    thread.setDaemon(true);
    thread.start();
    return result;
  }

  private static List<SourceAttribute> readOnce(
      SharedReads shared,
      SourceQuery query,
      Function<Stream<SourceAttribute>, List<SourceAttribute>> read) {
    try (Stream<SourceAttribute> stream = shared.attributes(query)) {
      return read.apply(stream);
    }
  }

  private static void awaitBlockedReader() {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (System.nanoTime() < deadline) {
      for (Thread thread : Thread.getAllStackTraces().keySet()) {
        if (thread.getName().startsWith("ioc-sync-shared-read-")
            && thread.getState() == Thread.State.WAITING) {
          return;
        }
      }
      Thread.onSpinWait();
    }
    throw new AssertionError("the shared read never waited for its slow reader");
  }

  private static void awaitCondition(BooleanSupplier condition) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("condition not met in time");
      }
      Thread.onSpinWait();
    }
  }

  /** A source of fixed attributes that records its searches and fails on request. */
  private static final class CountingSource implements IndicatorSource {
    final List<SourceQuery> queries = new CopyOnWriteArrayList<>();
    final AtomicInteger pulled = new AtomicInteger();
    final AtomicInteger closed = new AtomicInteger();
    private final List<SourceAttribute> attributes;
    volatile int failAfter = -1;
    volatile RuntimeException failure = SourceException.retryable("MISP answered 503", null);

    CountingSource(List<SourceAttribute> attributes) {
      this.attributes = attributes;
    }

    @Override
    public Stream<SourceAttribute> attributes(SourceQuery query) {
      queries.add(query);
      boolean failing = failAfter >= 0 && queries.size() == 1;
      Iterator<SourceAttribute> all = attributes.iterator();
      AtomicInteger served = new AtomicInteger();
      return Stream.generate(() -> next(all, query, served, failing))
          .takeWhile(a -> a != null)
          .onClose(closed::incrementAndGet);
    }

    private @Nullable SourceAttribute next(
        Iterator<SourceAttribute> all, SourceQuery query, AtomicInteger served, boolean failing) {
      while (all.hasNext()) {
        if (failing && served.get() == failAfter) {
          throw failure;
        }
        SourceAttribute attribute = all.next();
        served.incrementAndGet();
        pulled.incrementAndGet();
        if (query.types().isEmpty() || query.types().contains(attribute.type())) {
          return attribute;
        }
      }
      return null;
    }

    @Override
    public Set<String> knownTypes() {
      return Set.copyOf(TYPES);
    }
  }
}
