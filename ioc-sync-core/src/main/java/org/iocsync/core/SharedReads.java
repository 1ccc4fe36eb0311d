package org.iocsync.core;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.function.Supplier;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;
import org.jspecify.annotations.Nullable;

/**
 * An {@link IndicatorSource} that lets runs started together read MISP once where their searches
 * overlap.
 *
 * <p>{@link IocSync} uses one of its own. A program that builds its own {@link SyncEngine} and
 * {@link Scheduler} gives the engine {@code SharedReads.of(source)} as its source and the scheduler
 * the same object ({@link Scheduler.Builder#sharedReads}), so that the scheduler's runs that fall
 * due together share their reads:
 *
 * <pre>{@code
 * SharedReads reads = SharedReads.of(new MispIndicatorSource(misp));
 * SyncEngine engine = SyncEngine.builder().store(store).source(reads).target(target).build();
 * Scheduler scheduler =
 *     Scheduler.builder().engine(engine).store(store).sharedReads(reads).build();
 * }</pre>
 *
 * <p>Runs outside a {@linkplain #gather gathering} read through the wrapped source as before. The
 * runs of a gathering each sit on one {@link Seat}, which the threads a run starts while seated
 * share (a seat that has closed reads through the wrapped source): when every seated run that is
 * still expected to search has asked its question (or {@linkplain Builder#gatherTimeout a short
 * wait} is over), the questions are grouped. Searches with the same event ids, warninglist
 * enforcement and deletion flag, and whose time windows (if any) have the same shape and overlap,
 * become one search: the union of their types (every type when one of them names none), and the
 * span of their windows. One thread reads that search and hands each run the attributes of its own
 * types only, through a bounded buffer per run: a run that falls behind holds the shared read back,
 * so memory stays bounded by {@code bufferedChunks * chunkSize} attributes per run whatever the
 * total. A run that closes its stream early leaves the others reading; when all have closed, the
 * shared search is closed too.
 *
 * <p>A run in a grouped incremental read may see a few attributes its own window would not have
 * returned (changed in another run's part of the span); an incremental run takes those as it takes
 * the overlap before its cursor: as the attributes' current state. It never misses one its own
 * search would have returned.
 *
 * <p>A failure of the shared search reaches each run still reading as a {@link SourceException} of
 * the same kind; from then on that run reads alone, so that its retry does not wait for the others.
 */
public final class SharedReads implements IndicatorSource {
  private static final AtomicInteger THREADS = new AtomicInteger();

  private final IndicatorSource source;
  private final int chunkSize;
  private final int bufferedChunks;
  private final Duration gatherTimeout;
  // Inherited, so that the threads a seated run starts to read (the engine's reader) sit with it.
  private final InheritableThreadLocal<@Nullable Seat> seated = new InheritableThreadLocal<>();

  private SharedReads(Builder builder, IndicatorSource source) {
    this.source = source;
    this.chunkSize = builder.chunkSize;
    this.bufferedChunks = builder.bufferedChunks;
    this.gatherTimeout = builder.gatherTimeout;
  }

  /**
   * Shares the reads of {@code source}: each run a buffer of four chunks of 250 attributes, and a
   * wait of at most 30 seconds for the others of its gathering.
   */
  public static SharedReads of(IndicatorSource source) {
    return builder(source).build();
  }

  static Builder builder(IndicatorSource source) {
    return new Builder(source);
  }

  /** Configures a {@link SharedReads}. */
  static final class Builder {
    private final IndicatorSource source;
    private int chunkSize = 250;
    private int bufferedChunks = 4;
    private Duration gatherTimeout = Duration.ofSeconds(30);

    private Builder(IndicatorSource source) {
      this.source = Objects.requireNonNull(source, "source");
    }

    /** How many attributes go to a run at once; 250 by default. */
    Builder chunkSize(int chunkSize) {
      this.chunkSize = positive("chunkSize", chunkSize);
      return this;
    }

    /** How many chunks a run may have waiting before the shared read waits for it; 4. */
    Builder bufferedChunks(int bufferedChunks) {
      this.bufferedChunks = positive("bufferedChunks", bufferedChunks);
      return this;
    }

    /**
     * How long a run that asked waits at most for the others of its gathering to ask too, before
     * those that asked read together without them; 30 seconds by default.
     */
    Builder gatherTimeout(Duration gatherTimeout) {
      if (gatherTimeout.isNegative()) {
        throw new IllegalArgumentException("gatherTimeout is negative: " + gatherTimeout);
      }
      this.gatherTimeout = gatherTimeout;
      return this;
    }

    SharedReads build() {
      return new SharedReads(this, source);
    }

    private static int positive(String name, int value) {
      if (value < 1) {
        throw new IllegalArgumentException(name + " must be positive, got " + value);
      }
      return value;
    }
  }

  @Override
  public Stream<SourceAttribute> attributes(SourceQuery query) {
    Seat seat = seated.get();
    return seat == null ? source.attributes(query) : seat.read(query);
  }

  @Override
  public Set<String> knownTypes() {
    return source.knownTypes();
  }

  /** A gathering of {@code runs} runs about to start together, one seat each. */
  Gathering gather(int runs) {
    if (runs < 1) {
      throw new IllegalArgumentException("a gathering needs at least one run, got " + runs);
    }
    return new Gathering(runs);
  }

  /** Runs started together, whose reads are grouped; thread safe. */
  final class Gathering {
    private final Object lock = new Object();
    private final List<Seat> seats = new ArrayList<>();

    private Gathering(int runs) {
      for (int i = 0; i < runs; i++) {
        seats.add(new Seat(this));
      }
    }

    /** The seats, one for each run; each must be {@linkplain Seat#close closed}. */
    List<Seat> seats() {
      return List.copyOf(seats);
    }

    /** Groups the waiting questions once every run still expected to ask has asked. */
    private void dispatchIfReady() {
      for (Seat seat : seats) {
        if (seat.expected && seat.waiting == null) {
          return;
        }
      }
      dispatch();
    }

    /** Starts a read for each group of waiting questions; called holding {@link #lock}. */
    private void dispatch() {
      List<Group> groups = new ArrayList<>();
      for (Seat seat : seats) {
        SourceQuery query = seat.waiting;
        if (query == null) {
          continue;
        }
        Group group = groups.stream().filter(g -> g.takes(query)).findFirst().orElse(null);
        if (group == null) {
          groups.add(new Group(seat, query));
        } else {
          group.add(seat, query);
        }
        seat.waiting = null;
      }
      for (Group group : groups) {
        group.start();
      }
      lock.notifyAll();
    }
  }

  /**
   * The place of one run in a gathering: {@link #enter} on the run's thread before the run, {@link
   * #close} after it, whatever happened.
   */
  final class Seat implements AutoCloseable {
    private final Gathering gathering;
    private boolean expected = true;
    private boolean alone;
    private @Nullable SourceQuery waiting;
    private @Nullable Supplier<Stream<SourceAttribute>> assigned;

    private Seat(Gathering gathering) {
      this.gathering = gathering;
    }

    /** Makes the current thread's reads go through this seat until {@link #close}. */
    void enter() {
      seated.set(this);
    }

    /** Leaves the gathering, so that the others no longer wait for this run. */
    @Override
    public void close() {
      if (seated.get() == this) {
        seated.remove();
      }
      synchronized (gathering.lock) {
        expected = false;
        waiting = null;
        gathering.dispatchIfReady();
      }
    }

    private Stream<SourceAttribute> read(SourceQuery query) {
      Supplier<Stream<SourceAttribute>> opened;
      synchronized (gathering.lock) {
        if (!expected || alone) {
          opened = () -> source.attributes(query);
        } else {
          opened = await(query);
          // An incremental run asks twice (changed attributes, then changed events): the others
          // wait for its second question; after a full run's only question, nobody waits.
          expected = query.attributeWindow() != null && query.eventWindow() == null;
          gathering.dispatchIfReady();
        }
      }
      return opened.get();
    }

    /** Waits, holding the gathering's lock, until this question has a read. */
    private Supplier<Stream<SourceAttribute>> await(SourceQuery query) {
      waiting = query;
      assigned = null;
      gathering.dispatchIfReady();
      long deadline = System.nanoTime() + gatherTimeout.toNanos();
      while (assigned == null) {
        long remaining = deadline - System.nanoTime();
        if (remaining <= 0) {
          gathering.dispatch();
          break;
        }
        try {
          TimeUnit.NANOSECONDS.timedWait(gathering.lock, remaining);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          if (assigned == null) {
            waiting = null;
            goAlone();
            throw SourceException.retryable(
                "Interrupted while waiting to read attributes from MISP with other jobs", e);
          }
        }
      }
      return Objects.requireNonNull(assigned);
    }

    /** From now on this run reads alone, and the others no longer wait for it. */
    private void goAlone() {
      synchronized (gathering.lock) {
        alone = true;
        expected = false;
        gathering.dispatchIfReady();
      }
    }
  }

  /** Questions that one search answers. */
  private final class Group {
    private final List<Seat> seats = new ArrayList<>();
    private final List<SourceQuery> queries = new ArrayList<>();
    private SourceQuery union;

    Group(Seat seat, SourceQuery query) {
      seats.add(seat);
      queries.add(query);
      union = query;
    }

    boolean takes(SourceQuery query) {
      return query.eventIds().equals(union.eventIds())
          && query.enforceWarninglist() == union.enforceWarninglist()
          && query.includeDeleted() == union.includeDeleted()
          && overlaps(query.attributeWindow(), union.attributeWindow())
          && overlaps(query.eventWindow(), union.eventWindow());
    }

    void add(Seat seat, SourceQuery query) {
      seats.add(seat);
      queries.add(query);
      List<String> types;
      if (union.types().isEmpty() || query.types().isEmpty()) {
        types = List.of();
      } else {
        Set<String> both = new LinkedHashSet<>(union.types());
        both.addAll(query.types());
        types = List.copyOf(both);
      }
      union =
          new SourceQuery(
              types,
              union.eventIds(),
              union.enforceWarninglist(),
              union.includeDeleted(),
              union.includeEventTags() || query.includeEventTags(),
              span(union.attributeWindow(), query.attributeWindow()),
              span(union.eventWindow(), query.eventWindow()));
    }

    /** Gives each seat its read; called holding the gathering's lock. */
    void start() {
      if (seats.size() == 1) {
        SourceQuery only = queries.get(0);
        seats.get(0).assigned = () -> source.attributes(only);
        return;
      }
      List<Outlet> outlets = new ArrayList<>();
      for (int i = 0; i < seats.size(); i++) {
        Outlet outlet = new Outlet(seats.get(i), queries.get(i).types());
        outlets.add(outlet);
        seats.get(i).assigned = outlet::stream;
      }
      Thread reader =
          new Thread(
              () -> share(union, outlets), "ioc-sync-shared-read-" + THREADS.incrementAndGet());
      reader.setDaemon(true);
      reader.start();
    }
  }

  private static boolean overlaps(SourceQuery.@Nullable Window a, SourceQuery.@Nullable Window b) {
    if (a == null || b == null) {
      return a == b;
    }
    return !a.from().isAfter(b.to()) && !b.from().isAfter(a.to());
  }

  private static SourceQuery.@Nullable Window span(
      SourceQuery.@Nullable Window a, SourceQuery.@Nullable Window b) {
    if (a == null || b == null) {
      return null;
    }
    return new SourceQuery.Window(
        a.from().isBefore(b.from()) ? a.from() : b.from(),
        a.to().isAfter(b.to()) ? a.to() : b.to());
  }

  /** Reads {@code union} once and hands each outlet its attributes; runs on its own thread. */
  private void share(SourceQuery union, List<Outlet> outlets) {
    try {
      try (Stream<SourceAttribute> attributes = source.attributes(union)) {
        Spliterator<SourceAttribute> read = attributes.spliterator();
        boolean more = true;
        while (more && outlets.stream().anyMatch(outlet -> !outlet.closed)) {
          more =
              read.tryAdvance(
                  attribute -> {
                    for (Outlet outlet : outlets) {
                      outlet.offer(attribute);
                    }
                  });
        }
      }
      for (Outlet outlet : outlets) {
        outlet.finish();
      }
    } catch (RuntimeException e) {
      for (Outlet outlet : outlets) {
        outlet.fail(e);
      }
    }
  }

  /** What the shared read hands a run: attributes, its end, or its failure. */
  private sealed interface Item {}

  private record Chunk(List<SourceAttribute> attributes) implements Item {}

  private record End() implements Item {}

  private record Failure(RuntimeException failure) implements Item {}

  /** One run's end of a shared read, with its bounded buffer. */
  private final class Outlet {
    private final Seat seat;
    private final Set<String> types;
    private final BlockingQueue<Item> queue = new ArrayBlockingQueue<>(bufferedChunks);
    private List<SourceAttribute> pending = new ArrayList<>();
    private volatile boolean closed;

    Outlet(Seat seat, List<String> types) {
      this.seat = seat;
      this.types = Set.copyOf(types);
    }

    /** Keeps the attribute for this run when it is of the run's types; on the reader's thread. */
    void offer(SourceAttribute attribute) {
      if (closed || !(types.isEmpty() || types.contains(attribute.type()))) {
        return;
      }
      pending.add(attribute);
      if (pending.size() >= chunkSize) {
        put(new Chunk(pending));
        pending = new ArrayList<>(chunkSize);
      }
    }

    void finish() {
      if (!pending.isEmpty()) {
        put(new Chunk(pending));
        pending = List.of();
      }
      put(new End());
    }

    void fail(RuntimeException failure) {
      pending = List.of();
      put(new Failure(failure));
    }

    /** Waits for room in the buffer; a run that closed its stream takes nothing more. */
    private void put(Item item) {
      if (closed) {
        return;
      }
      try {
        queue.put(item);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw SourceException.retryable("The shared read of MISP was interrupted", e);
      }
    }

    Stream<SourceAttribute> stream() {
      return StreamSupport.stream(new Reader(), false).onClose(this::close);
    }

    private void close() {
      closed = true;
      // Room for a reader blocked on this buffer: it sees the flag before its next put.
      queue.clear();
    }

    /** The run's side: takes the chunks the shared read hands it. */
    private final class Reader extends Spliterators.AbstractSpliterator<SourceAttribute> {
      private List<SourceAttribute> chunk = List.of();
      private int position;
      private boolean ended;

      Reader() {
        super(Long.MAX_VALUE, Spliterator.ORDERED);
      }

      @Override
      public boolean tryAdvance(Consumer<? super SourceAttribute> action) {
        while (position == chunk.size()) {
          if (ended) {
            return false;
          }
          Item item = take();
          if (item instanceof Chunk next) {
            chunk = next.attributes();
            position = 0;
          } else if (item instanceof Failure failed) {
            ended = true;
            seat.goAlone();
            throw copy(failed.failure());
          } else {
            ended = true;
            return false;
          }
        }
        action.accept(chunk.get(position++));
        return true;
      }

      private Item take() {
        try {
          return queue.take();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          ended = true;
          seat.goAlone();
          throw SourceException.retryable(
              "Interrupted while reading attributes from MISP with other jobs", e);
        }
      }
    }
  }

  /** A failure of the shared read as this run's own, of the same kind, so it is retried alike. */
  private static RuntimeException copy(RuntimeException failure) {
    String message = String.valueOf(failure.getMessage());
    if (failure instanceof SyncException sync) {
      if (!sync.retryable()) {
        return SourceException.permanent(message, failure);
      }
      return sync.retryAfter()
          .map(wait -> SourceException.retryable(message, wait, failure))
          .orElseGet(() -> SourceException.retryable(message, failure));
    }
    return new IllegalStateException("The shared read of MISP failed: " + failure, failure);
  }
}
