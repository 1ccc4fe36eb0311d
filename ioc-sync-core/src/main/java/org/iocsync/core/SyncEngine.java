package org.iocsync.core;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.EnumMap;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.random.RandomGenerator;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs sync jobs: reads a job's attributes from MISP, turns them into values for its reference set,
 * reconciles those with the job's ledger and writes the difference to QRadar.
 *
 * <p>A run goes through these steps:
 *
 * <ol>
 *   <li>The reference set is looked up: by a full run first, by an incremental run only once it has
 *       a value to ask QRadar about or a change to write, so that an idle poll costs QRadar
 *       nothing. A set of another element type stops the run, and a missing one the job may create
 *       makes the run full (it is created once MISP has been read, so that a run MISP refuses
 *       leaves QRadar untouched).
 *   <li>Attributes are read as a stream and staged in the store in batches. A full run reads every
 *       attribute of the job's types and events, deleted ones included; an incremental run reads
 *       the attributes changed since the job's cursor and the attributes of events changed since
 *       then (from the cursor less {@linkplain Builder#incrementalOverlap an overlap} to the start
 *       of the run, both bounds included). Neither asks MISP to filter on {@code to_ids},
 *       publication or tags: the engine applies those filters itself, so it sees what stops
 *       matching.
 *   <li>A full run also reads the values the set holds, so that a desired value missing from the
 *       set is sent again and a value someone else put there is left to its owner. An incremental
 *       run asks QRadar only about the values it could add that the ledger does not know (the
 *       values of the attributes it read): those the set holds already are someone else's and are
 *       left alone, so that the job never claims, and later removes, a value it did not put there.
 *   <li>The store diffs the staged attributes with the ledger and records the plan: values to add
 *       become pending additions, values to remove (mode {@code mirror}, and only values the job
 *       put there) pending removals.
 *   <li>Batches are sent; each is confirmed in the ledger, with the run's counts, once QRadar
 *       confirms it. A call that fails in a way that may pass is retried with backoff; a batch that
 *       still fails ends the run, keeping what was confirmed before it.
 *   <li>The job's cursor moves to the start of the run.
 * </ol>
 *
 * <p>If the process dies at any point, the next run repairs what it left: pending values count as
 * the job's own, sent again while desired and removed once not, and the cursor has not moved, so
 * the changes are read again. Memory stays bounded whatever the size of the job: attributes are
 * streamed, and diffs are made in the database.
 *
 * <p>What an incremental run cannot see is caught by the next full run: an attribute whose type was
 * changed, one newly on an enforced warninglist, an event deleted outright, changes that reached
 * MISP (from a partner's instance) with timestamps older than the cursor, and a value that vanished
 * from QRadar by other hands or by its time to live.
 *
 * <p>Each run logs one line with its counts (INFO, or WARN when it failed) and a WARN when a job
 * yields no value at all, naming the likely causes.
 *
 * <p>On a store that several instances share ({@link PostgresStore}), each run, dry or not, first
 * takes the job's lease, so that no two instances run a job at once; a job another instance is
 * running gives a {@link JobBusyException}. A run whose lease is lost (its instance could not reach
 * the database in time) stops at its next batch and fails, leaving the job to the instance that
 * took it over.
 */
public final class SyncEngine {
  private static final Logger log = LoggerFactory.getLogger(SyncEngine.class);
  private static final int EXAMPLES_PER_REASON = 5;

  /**
   * How many batches a run on a store of its own has QRadar take at once: two hide the round trips
   * of a bulk task without crowding QRadar's task queue.
   */
  private static final int BATCHES_IN_FLIGHT = 2;

  private final Store store;
  private final IndicatorSource source;
  private final SetTarget target;
  private final Clock clock;
  private final Retrier retrier;
  private final int batchSize;
  private final int stagingBatchSize;
  private final int maxValueLength;
  private final Duration incrementalOverlap;
  private final int dryRunListLimit;
  private final RunListener listener;
  private final @Nullable JobLeases leases;
  private final Set<String> running = ConcurrentHashMap.newKeySet();

  private SyncEngine(Builder builder, Store store, IndicatorSource source, SetTarget target) {
    this.store = store;
    this.source = source;
    this.target = target;
    this.clock = builder.clock;
    this.retrier = new Retrier(builder.retryPolicy, builder.clock, builder.sleeper, builder.random);
    this.batchSize = builder.batchSize;
    this.stagingBatchSize = builder.stagingBatchSize;
    this.maxValueLength = builder.maxValueLength;
    this.incrementalOverlap = builder.incrementalOverlap;
    this.dryRunListLimit = builder.dryRunListLimit;
    this.listener = builder.listener;
    this.leases = store instanceof PostgresStore shared ? shared.leases() : null;
  }

  /**
   * A builder; {@link Builder#store}, {@link Builder#source} and {@link Builder#target} are
   * required.
   */
  public static Builder builder() {
    return new Builder();
  }

  /** Configures a {@link SyncEngine}. */
  public static final class Builder {
    private @Nullable Store store;
    private @Nullable IndicatorSource source;
    private @Nullable SetTarget target;
    private Clock clock = Clock.systemUTC();
    private Sleeper sleeper = Sleeper.SYSTEM;
    private RandomGenerator random = RandomGenerator.getDefault();
    private RetryPolicy retryPolicy = RetryPolicy.DEFAULT;
    private int batchSize = 1000;
    private int stagingBatchSize = 5_000;
    private int maxValueLength = 2048;
    private Duration incrementalOverlap = Duration.ofMinutes(5);
    private int dryRunListLimit = 1000;
    private RunListener listener = new RunListener() {};

    private Builder() {}

    /** Where jobs, ledgers and run history are kept. */
    public Builder store(Store store) {
      this.store = Objects.requireNonNull(store, "store");
      return this;
    }

    /** Where attributes are read from. */
    public Builder source(IndicatorSource source) {
      this.source = Objects.requireNonNull(source, "source");
      return this;
    }

    /** Where values are written to. */
    public Builder target(SetTarget target) {
      this.target = Objects.requireNonNull(target, "target");
      return this;
    }

    /** The clock that times runs and sets cursors; the system's by default. */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    Builder sleeper(Sleeper sleeper) {
      this.sleeper = Objects.requireNonNull(sleeper, "sleeper");
      return this;
    }

    Builder random(RandomGenerator random) {
      this.random = Objects.requireNonNull(random, "random");
      return this;
    }

    /** How failures that may pass are retried; {@link RetryPolicy#DEFAULT} by default. */
    public Builder retryPolicy(RetryPolicy retryPolicy) {
      this.retryPolicy = Objects.requireNonNull(retryPolicy, "retryPolicy");
      return this;
    }

    /** How many values go to QRadar in one request; 1000 by default. */
    public Builder batchSize(int batchSize) {
      this.batchSize = positive("batchSize", batchSize);
      return this;
    }

    Builder stagingBatchSize(int stagingBatchSize) {
      this.stagingBatchSize = positive("stagingBatchSize", stagingBatchSize);
      return this;
    }

    /**
     * The longest value, in code points, put into a set; longer ones are skipped as {@code
     * too-long}. 2048 by default.
     */
    public Builder maxValueLength(int maxValueLength) {
      this.maxValueLength = positive("maxValueLength", maxValueLength);
      return this;
    }

    /**
     * How far before the cursor an incremental run starts reading, so that a MISP clock a little
     * behind this one loses no change; 5 minutes by default. Reading a change twice is harmless.
     */
    public Builder incrementalOverlap(Duration incrementalOverlap) {
      if (incrementalOverlap.isNegative()) {
        throw new IllegalArgumentException("incrementalOverlap is negative: " + incrementalOverlap);
      }
      this.incrementalOverlap = incrementalOverlap;
      return this;
    }

    /** How many values a dry run lists on each side; 1000 by default (the counts are exact). */
    public Builder dryRunListLimit(int dryRunListLimit) {
      if (dryRunListLimit < 0) {
        throw new IllegalArgumentException("dryRunListLimit is negative: " + dryRunListLimit);
      }
      this.dryRunListLimit = dryRunListLimit;
      return this;
    }

    /** Hears about every run; none by default. */
    public Builder listener(RunListener listener) {
      this.listener = Objects.requireNonNull(listener, "listener");
      return this;
    }

    /**
     * Builds the engine.
     *
     * @throws IllegalStateException when the store, source or target is missing
     */
    public SyncEngine build() {
      if (store == null || source == null || target == null) {
        throw new IllegalStateException(
            "a sync engine needs a store, a source and a target: call store(), source() and"
                + " target()");
      }
      return new SyncEngine(this, store, source, target);
    }

    private static int positive(String name, int value) {
      if (value < 1) {
        throw new IllegalArgumentException(name + " must be positive, got " + value);
      }
      return value;
    }
  }

  /**
   * Runs the job called {@code job} and returns what it did. A failure of MISP, QRadar or the store
   * ends the run cleanly and is reported in {@link RunReport#error()}, not thrown.
   *
   * @throws IllegalArgumentException when there is no such job
   * @throws IllegalStateException when the job is already running ({@link JobBusyException} when
   *     another instance sharing the store runs it)
   */
  public RunReport run(String job, RunKind kind) {
    return run(job, kind, false, () -> false);
  }

  /**
   * Computes what a run would do without writing to QRadar or the ledger: the values it would add
   * and remove, and examples of skipped attributes for each reason. The reference set is read but
   * never created.
   *
   * @throws IllegalArgumentException when there is no such job
   * @throws IllegalStateException when the job is already running ({@link JobBusyException} when
   *     another instance sharing the store runs it)
   */
  public RunReport dryRun(String job, RunKind kind) {
    return run(job, kind, true, () -> false);
  }

  /** Whether a run of {@code job} is in progress in this engine. */
  public boolean isRunning(String job) {
    return running.contains(job);
  }

  /**
   * Runs a job, ending it as {@link RunOutcome#CANCELLED} between two batches once {@code
   * stopRequested} says so or the thread is interrupted.
   */
  RunReport run(String jobName, RunKind kind, boolean dryRun, BooleanSupplier stopRequested) {
    JobSpec spec =
        store
            .job(jobName)
            .orElseThrow(() -> new IllegalArgumentException("No job is called '" + jobName + "'"))
            .spec();
    if (!running.add(jobName)) {
      throw new IllegalStateException(
          "Job '" + jobName + "' is already running: wait for its run to end");
    }
    JobLeases shared = leases;
    JobLease lease = null;
    try {
      lease = shared == null ? null : shared.acquire(jobName);
      notifyStarted(jobName, kind, dryRun);
      RunReport report = new Run(spec, kind, dryRun, stopRequested, lease).execute();
      logReport(report);
      notifyFinished(report);
      return report;
    } finally {
      if (shared != null && lease != null) {
        shared.release(lease);
      }
      running.remove(jobName);
    }
  }

  private void notifyStarted(String job, RunKind kind, boolean dryRun) {
    try {
      listener.runStarted(job, kind, dryRun);
    } catch (RuntimeException e) {
      log.warn("A run listener failed on the start of job {}", job, e);
    }
  }

  private void notifyFinished(RunReport report) {
    try {
      listener.runFinished(report);
    } catch (RuntimeException e) {
      log.warn("A run listener failed on the end of job {}", report.job(), e);
    }
  }

  /** One run of one job, from start to report. */
  private final class Run {
    private final JobSpec spec;
    private final String name;
    private final boolean dryRun;
    private final BooleanSupplier stopRequested;
    private final @Nullable JobLease lease;
    private final Membership membership;
    private final Instant startedAt;
    private final Instant upperBound;
    private @Nullable Instant cursor;
    private RunKind kind;
    private long runId = -1;
    private @Nullable Plan plan;
    private @Nullable Boolean setIsNew;
    private long added;

    /** Counted on the thread that sends removals, read once the run has ended. */
    private final AtomicLong removed = new AtomicLong();

    private long rejected;
    private final Map<SkipReason, List<SkippedAttribute>> examples =
        new EnumMap<>(SkipReason.class);

    Run(
        JobSpec spec,
        RunKind requested,
        boolean dryRun,
        BooleanSupplier stopRequested,
        @Nullable JobLease lease) {
      this.spec = spec;
      this.name = spec.name();
      this.dryRun = dryRun;
      this.lease = lease;
      this.stopRequested =
          lease == null ? stopRequested : () -> stopRequested.getAsBoolean() || !lease.held();
      this.membership = new Membership(spec, maxValueLength);
      this.startedAt = clock.instant();
      this.upperBound = startedAt.truncatedTo(ChronoUnit.SECONDS);
      this.kind = requested;
    }

    RunReport execute() {
      try {
        cursor = store.cursor(name).orElse(null);
        if (kind == RunKind.INCREMENTAL && cursor == null) {
          kind = RunKind.FULL;
        }
        if (dryRun) {
          store.clearStaging(name);
        } else {
          runId = store.beginRun(name, kind, startedAt);
        }
        return reconcile();
      } catch (Retrier.StoppedException e) {
        if (lease != null && !lease.held()) {
          return end(RunOutcome.FAILED, leaseLost(lease));
        }
        return end(RunOutcome.CANCELLED, "Stopped on request before the run ended");
      } catch (Retrier.GaveUpException
          | RunFailedException
          | StoreException
          | InvalidJobException e) {
        return end(RunOutcome.FAILED, e.getMessage());
      } catch (RuntimeException e) {
        return end(RunOutcome.FAILED, "Unexpected failure: " + e);
      }
    }

    private RunReport reconcile() {
      Plan planned = readAndPlan();
      plan = planned;
      if (dryRun) {
        return dryReport(planned);
      }

      store.applyPlan(runId, name, kind, planned);
      sendChanges(planned);
      store.finishRun(
          runId, name, RunOutcome.OK, null, clock.instant(), upperBound, kind == RunKind.FULL);
      return report(RunOutcome.OK, null, List.of(), List.of());
    }

    /**
     * Reads MISP and plans. A full run looks the set up first; an incremental run only once it has
     * a value to ask QRadar about or a change to write, and starts again as a full run when the set
     * then turns out to be missing.
     */
    private Plan readAndPlan() {
      if (kind == RunKind.FULL) {
        setIsNew();
        readAttributes();
        if (setIsNew()) {
          createSet();
        } else {
          readPresentValues();
        }
        return store.plan(name, kind, spec.mode());
      }
      readAttributes();
      if (findForeignValues()) {
        Plan planned = store.plan(name, kind, spec.mode());
        if ((planned.toAdd() == 0 && planned.toRemove() == 0) || !setIsNew()) {
          return planned;
        }
      }
      kind = RunKind.FULL;
      return readAndPlan();
    }

    /**
     * Whether the job's set is missing and the job may create it, looking it up the first time. A
     * full run looks first; an incremental run only once it has something to ask or write, so that
     * an idle poll costs QRadar nothing.
     */
    private boolean setIsNew() {
      Boolean known = setIsNew;
      if (known == null) {
        known = lookUpSet();
        setIsNew = known;
      }
      return known;
    }

    /** Finds the job's set; returns whether it is missing and the job may create it. */
    private boolean lookUpSet() {
      String set = spec.referenceSet();
      var found =
          retrier.call(
              "Looking up reference set '" + set + "' in QRadar",
              stopRequested,
              () -> target.find(set));
      if (found.isPresent()) {
        JobValidator.withBuiltInTypes().checkExistingSet(spec, found.get().elementType());
        return false;
      }
      if (!spec.createSetIfMissing()) {
        throw new RunFailedException(
            "Reference set '"
                + set
                + "' does not exist in QRadar and job '"
                + name
                + "' may not create it: create the set, or let the job create it"
                + " (createSetIfMissing)");
      }
      return true;
    }

    /** Creates the missing set, once MISP has been read, so that a refused read changes nothing. */
    private void createSet() {
      if (dryRun) {
        return;
      }
      String set = spec.referenceSet();
      // Looking again first makes a retry harmless when QRadar made the set but the answer was
      // lost.
      retrier.call(
          "Creating reference set '" + set + "' in QRadar",
          stopRequested,
          () ->
              target
                  .find(set)
                  .orElseGet(() -> target.create(set, spec.elementType(), spec.timeToLive())));
    }

    private void readAttributes() {
      List<SourceQuery> queries = queries();
      retrier.call(
          "Reading attributes from MISP",
          stopRequested,
          () -> {
            store.clearStaging(name);
            examples.clear();
            for (SourceQuery query : queries) {
              readAttributes(query);
            }
            return null;
          });
    }

    private List<SourceQuery> queries() {
      if (kind == RunKind.FULL) {
        return List.of(
            new SourceQuery(
                fullQueryTypes(),
                spec.eventIds(),
                spec.enforceWarninglist(),
                true,
                filtersByTag(),
                null,
                null));
      }
      Instant from = Objects.requireNonNull(cursor).minus(incrementalOverlap);
      if (from.isBefore(Instant.EPOCH)) {
        from = Instant.EPOCH;
      }
      if (from.isAfter(upperBound)) {
        from = upperBound;
      }
      SourceQuery.Window window = new SourceQuery.Window(from, upperBound);
      return List.of(
          new SourceQuery(
              List.of(),
              spec.eventIds(),
              spec.enforceWarninglist(),
              true,
              filtersByTag(),
              window,
              null),
          new SourceQuery(
              List.of(),
              spec.eventIds(),
              spec.enforceWarninglist(),
              true,
              filtersByTag(),
              null,
              window));
    }

    /** Whether the job judges attributes by tag, and so needs their events' tags too. */
    private boolean filtersByTag() {
      return !spec.tags().isEmpty() || !spec.excludeTags().isEmpty();
    }

    /** The job's types, or when it names none, those that can yield a value for its set. */
    private List<String> fullQueryTypes() {
      if (!spec.types().isEmpty()) {
        return spec.types();
      }
      return switch (spec.elementType()) {
        case IP, PORT, NUM -> MispTypes.yielding(MispTypes.builtIn(), spec.elementType());
        case ALNIC, ALN -> List.of();
      };
    }

    /**
     * Reads and judges attributes on a thread of its own, one batch ahead of the staging here, so
     * that reading MISP overlaps with writing the store while at most three batches are in memory.
     */
    private void readAttributes(SourceQuery query) {
      try (Handoff<Judged> judged =
          new Handoff<>("ioc-sync-read-" + name, 1, sink -> judge(query, sink))) {
        for (Judged batch = judged.next(); batch != null; batch = judged.next()) {
          checkStop();
          store.stageAttributes(name, batch.staged());
          batch
              .examples()
              .forEach((reason, list) -> list.forEach(a -> example(examples, reason, a)));
        }
      }
    }

    /** Runs on the reading thread: touches only the source and what it hands over. */
    private void judge(SourceQuery query, Handoff.Sink<Judged> sink) {
      List<StagedAttribute> batch = new ArrayList<>(stagingBatchSize);
      Map<SkipReason, List<SkippedAttribute>> found = new EnumMap<>(SkipReason.class);
      try (Stream<SourceAttribute> attributes = source.attributes(query)) {
        Iterator<SourceAttribute> iterator = attributes.iterator();
        while (iterator.hasNext()) {
          SourceAttribute attribute = iterator.next();
          MappingResult result = membership.judge(attribute);
          long timestamp = attribute.timestamp().getEpochSecond();
          if (result.isSkipped()) {
            batch.add(new StagedAttribute(attribute.uuid(), null, result.reason(), timestamp));
            if (dryRun) {
              example(
                  found,
                  result.reason(),
                  new SkippedAttribute(
                      attribute.uuid(), attribute.eventId(), attribute.type(), attribute.value()));
            }
          } else {
            batch.add(new StagedAttribute(attribute.uuid(), result.value(), null, timestamp));
          }
          if (batch.size() >= stagingBatchSize) {
            sink.put(new Judged(batch, found));
            batch = new ArrayList<>(stagingBatchSize);
            found = new EnumMap<>(SkipReason.class);
          }
        }
      }
      if (!batch.isEmpty()) {
        sink.put(new Judged(batch, found));
      }
    }

    private static void example(
        Map<SkipReason, List<SkippedAttribute>> examples,
        SkipReason reason,
        SkippedAttribute attribute) {
      List<SkippedAttribute> list = examples.computeIfAbsent(reason, r -> new ArrayList<>());
      if (list.size() < EXAMPLES_PER_REASON
          && list.stream().noneMatch(known -> known.uuid().equals(attribute.uuid()))) {
        list.add(attribute);
      }
    }

    private void readPresentValues() {
      String set = spec.referenceSet();
      retrier.call(
          "Reading the values of reference set '" + set + "' from QRadar",
          stopRequested,
          () -> {
            List<String> batch = new ArrayList<>(stagingBatchSize);
            try (Stream<String> values = target.values(set)) {
              Iterator<String> iterator = values.iterator();
              while (iterator.hasNext()) {
                batch.add(iterator.next());
                if (batch.size() >= stagingBatchSize) {
                  checkStop();
                  store.stagePresent(name, batch);
                  batch.clear();
                }
              }
            }
            if (!batch.isEmpty()) {
              store.stagePresent(name, batch);
            }
            return null;
          });
    }

    /**
     * Asks QRadar which of the values an incremental run could add without owning them the set
     * holds already, and stages those as present, so that the plan leaves them to their owners as a
     * full run does. Returns false, asking nothing, when the set turns out to be missing.
     */
    private boolean findForeignValues() {
      String set = spec.referenceSet();
      String after = null;
      while (true) {
        checkStop();
        List<String> batch = store.unownedValues(name, after, stagingBatchSize);
        if (batch.isEmpty()) {
          return true;
        }
        if (setIsNew()) {
          return false;
        }
        Set<String> held =
            retrier.call(
                "Checking which of " + batch.size() + " values reference set '" + set + "' holds",
                stopRequested,
                () -> target.present(set, batch));
        if (!held.isEmpty()) {
          store.stagePresent(name, batch.stream().filter(held::contains).toList());
        }
        after = batch.get(batch.size() - 1);
      }
    }

    /**
     * Sends the planned additions and removals. A run on a store of its own sends the removals on a
     * thread of their own while it sends the additions, since no value is both added and removed,
     * and stops them when the additions fail; a run on a shared store sends one after the other,
     * for the reason {@link #send} gives.
     */
    private void sendChanges(Plan planned) {
      if (lease != null || planned.toAdd() == 0 || planned.toRemove() == 0) {
        sendAdditions();
        sendRemovals();
        return;
      }
      try (Sender removing = new Sender("ioc-sync-remove-" + name, 1)) {
        Future<Void> removals =
            removing.submit(
                () -> {
                  sendRemovals();
                  return null;
                });
        try {
          sendAdditions();
        } catch (RuntimeException | Error e) {
          removing.stop();
          throw e;
        }
        removing.await(removals);
      }
    }

    /** Sends the planned additions, confirming each batch once QRadar has. */
    private void sendAdditions() {
      String set = spec.referenceSet();
      send(Plan.Action.ADD, batch -> add(set, batch), result -> confirmAdded(set, result));
    }

    private AddResult add(String set, List<String> batch) {
      return retrier.call(
          "Adding " + batch.size() + " values to reference set '" + set + "'",
          stopRequested,
          () -> target.add(set, batch));
    }

    private void confirmAdded(String set, AddResult result) {
      List<String> refused = result.rejected().stream().map(AddResult.Rejection::value).toList();
      store.confirmAdded(runId, name, result.accepted(), refused, clock.instant());
      added += result.accepted().size();
      rejected += refused.size();
      if (!refused.isEmpty()) {
        log.warn(
            "Job {}: QRadar refused {} values for reference set '{}', such as {} ({})",
            name,
            refused.size(),
            set,
            result.rejected().get(0).value(),
            result.rejected().get(0).reason());
      }
    }

    /** Sends the planned removals, confirming each batch once QRadar has. */
    private void sendRemovals() {
      String set = spec.referenceSet();
      send(
          Plan.Action.REMOVE,
          batch -> remove(set, batch),
          done -> {
            store.confirmRemoved(runId, name, done, clock.instant());
            removed.addAndGet(done.size());
          });
    }

    private List<String> remove(String set, List<String> batch) {
      retrier.call(
          "Removing " + batch.size() + " values from reference set '" + set + "'",
          stopRequested,
          () -> {
            target.remove(set, batch);
            return null;
          });
      return batch;
    }

    /**
     * Sends the planned values of {@code action} a batch at a time on threads of their own: while
     * QRadar takes up to {@link #BATCHES_IN_FLIGHT} batches, the next is read from the store and
     * the one answered confirmed, in the order they were sent. At most one batch more than those in
     * flight is in memory, so a slow QRadar makes the run wait, not memory grow. A run on a shared
     * store ({@link PostgresStore}) sends one batch at a time and does its store work between
     * batches, so that the lease check of each confirmation comes before the next batch leaves: a
     * run that lost its lease sends nothing more.
     */
    private <R> void send(Plan.Action action, Function<List<String>, R> call, Consumer<R> confirm) {
      boolean overlap = lease == null;
      int depth = overlap ? BATCHES_IN_FLIGHT : 1;
      PlannedBatches planned = new PlannedBatches(action);
      try (Sender sender = new Sender("ioc-sync-send-" + name, depth)) {
        checkStop();
        Deque<Future<R>> inFlight = new ArrayDeque<>(depth);
        planned.submitUpTo(depth, inFlight, sender, call);
        while (!inFlight.isEmpty()) {
          R result = sender.await(inFlight.remove());
          boolean stop = stopNow();
          if (overlap && !stop) {
            planned.submitUpTo(depth, inFlight, sender, call);
          }
          confirm.accept(result);
          if (stop || stopNow()) {
            throw new Retrier.StoppedException();
          }
          if (!overlap) {
            planned.submitUpTo(depth, inFlight, sender, call);
          }
        }
      }
    }

    /** Reads the plan's values of one action a batch at a time, in value order. */
    private final class PlannedBatches {
      private final Plan.Action action;
      private @Nullable String last;
      private boolean done;

      PlannedBatches(Plan.Action action) {
        this.action = action;
      }

      /** Reads and submits batches until {@code depth} are in flight or the plan is sent. */
      <R> void submitUpTo(
          int depth, Deque<Future<R>> inFlight, Sender sender, Function<List<String>, R> call) {
        while (!done && inFlight.size() < depth) {
          List<String> batch = store.plannedValues(name, action, last, batchSize);
          if (batch.isEmpty()) {
            done = true;
          } else {
            last = batch.get(batch.size() - 1);
            inFlight.add(sender.submit(() -> call.apply(batch)));
          }
        }
      }
    }

    private boolean stopNow() {
      return stopRequested.getAsBoolean() || Thread.currentThread().isInterrupted();
    }

    private void checkStop() {
      if (stopNow()) {
        throw new Retrier.StoppedException();
      }
    }

    private RunReport dryReport(Plan planned) {
      List<String> toAdd = store.plannedValues(name, Plan.Action.ADD, null, dryRunListLimit);
      List<String> toRemove = store.plannedValues(name, Plan.Action.REMOVE, null, dryRunListLimit);
      store.clearStaging(name);
      added = planned.toAdd();
      removed.set(planned.toRemove());
      return report(RunOutcome.OK, null, toAdd, toRemove);
    }

    private String leaseLost(JobLease lease) {
      return "Instance '"
          + lease.holder()
          + "' lost its lease on the job: it could not reach the database to renew it in time,"
          + " so it stopped, and another instance sharing the store takes the job over";
    }

    private RunReport end(RunOutcome outcome, @Nullable String error) {
      String message = error == null ? outcome.name() : error;
      if (!dryRun && runId >= 0) {
        try {
          store.finishRun(runId, name, outcome, message, clock.instant(), null, false);
        } catch (StoreException e) {
          message = message + "; the run could not be recorded either: " + e.getMessage();
        }
      } else if (dryRun) {
        try {
          store.clearStaging(name);
        } catch (StoreException e) {
          message = message + "; its scratch data could not be cleared: " + e.getMessage();
        }
      }
      return report(outcome, message, List.of(), List.of());
    }

    private RunReport report(
        RunOutcome outcome, @Nullable String error, List<String> toAdd, List<String> toRemove) {
      Map<SkipReason, Long> skipped = new EnumMap<>(SkipReason.class);
      long fetched = 0;
      long desired = 0;
      if (plan != null) {
        skipped.putAll(plan.skippedByReason());
        fetched = plan.fetched();
        desired = plan.desired();
      }
      if (rejected > 0) {
        skipped.merge(SkipReason.REJECTED, rejected, Long::sum);
      }
      long skippedTotal = skipped.values().stream().mapToLong(Long::longValue).sum();
      return new RunReport(
          name,
          kind,
          dryRun,
          outcome,
          startedAt,
          clock.instant(),
          fetched,
          desired,
          added,
          removed.get(),
          skippedTotal,
          skipped,
          error,
          toAdd,
          toRemove,
          dryRun ? examples : Map.of());
    }
  }

  /** One batch of judged attributes, with examples of the skipped ones in dry runs. */
  private record Judged(
      List<StagedAttribute> staged, Map<SkipReason, List<SkippedAttribute>> examples) {}

  /**
   * Makes up to a given number of calls at once on threads of its own, so that the caller can work
   * on the next batch meanwhile. Closing interrupts the calls still going: their batches stay
   * pending in the ledger, and the next run sends them again.
   */
  private static final class Sender implements AutoCloseable {
    private static final Duration STOP_WAIT = Duration.ofSeconds(10);

    private final ExecutorService executor;
    private volatile boolean interrupted;

    Sender(String threadName, int threads) {
      this.executor =
          Executors.newFixedThreadPool(
              threads,
              task -> {
                Thread thread = new Thread(task, threadName);
                thread.setDaemon(true);
                return thread;
              });
    }

    <T> Future<T> submit(Callable<T> call) {
      return executor.submit(
          () -> {
            try {
              return call.call();
            } finally {
              // A call that ends interrupted (a backoff wait cut short) passes the interrupt on to
              // the waiting thread.
              if (Thread.interrupted()) {
                interrupted = true;
              }
            }
          });
    }

    /**
     * Waits for {@code call}, throwing its failure as it was thrown.
     *
     * @throws Retrier.StoppedException when this thread is interrupted while waiting
     */
    <T> T await(Future<T> call) {
      try {
        return call.get();
      } catch (InterruptedException e) {
        call.cancel(true);
        Thread.currentThread().interrupt();
        throw new Retrier.StoppedException();
      } catch (ExecutionException e) {
        if (interrupted) {
          Thread.currentThread().interrupt();
        }
        Throwable cause = e.getCause();
        if (cause instanceof RuntimeException runtime) {
          throw runtime;
        }
        if (cause instanceof Error error) {
          throw error;
        }
        throw new IllegalStateException(cause);
      }
    }

    /**
     * Interrupts the calls and waits up to {@link #STOP_WAIT} for them to end, so that what QRadar
     * confirmed meanwhile is in the run's report as it is in the store.
     */
    void stop() {
      executor.shutdownNow();
      try {
        executor.awaitTermination(STOP_WAIT.toMillis(), TimeUnit.MILLISECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }

    @Override
    public void close() {
      executor.shutdownNow();
    }
  }

  /** A run cannot go on, for a reason the message explains. */
  private static final class RunFailedException extends RuntimeException {
    RunFailedException(String message) {
      super(message);
    }
  }

  private void logReport(RunReport report) {
    String counts =
        String.format(
            "fetched %d, desired %d, %s %d, %s %d, skipped %d%s",
            report.fetched(),
            report.desired(),
            report.dryRun() ? "would add" : "added",
            report.added(),
            report.dryRun() ? "would remove" : "removed",
            report.removed(),
            report.skipped(),
            reasons(report.skippedByReason()));
    String what =
        (report.dryRun() ? "dry " : "") + report.kind().name().toLowerCase(Locale.ROOT) + " run";
    if (report.ok()) {
      log.info(
          "Job {}: {} ok in {} ms: {}", report.job(), what, report.duration().toMillis(), counts);
      if (report.desired() == 0) {
        log.warn("Job {} yields no value: {}", report.job(), emptyCauses(report));
      }
    } else {
      log.warn(
          "Job {}: {} {} after {} ms: {}; {}",
          report.job(),
          what,
          report.outcome().name().toLowerCase(Locale.ROOT),
          report.duration().toMillis(),
          counts,
          report.error());
    }
  }

  private static String reasons(Map<SkipReason, Long> reasons) {
    if (reasons.isEmpty()) {
      return "";
    }
    return reasons.entrySet().stream()
        .map(e -> e.getKey().code() + " " + e.getValue())
        .collect(Collectors.joining(", ", " (", ")"));
  }

  /** The sentence that helps a reader see why a job that succeeded put nothing in its set. */
  static String emptyCauses(RunReport report) {
    if (report.kind() == RunKind.INCREMENTAL) {
      return "no attribute held a value after this incremental run; the next full run will"
          + " confirm whether the job's filter matches anything";
    }
    if (report.fetched() == 0) {
      return "MISP returned no attribute for its types and event ids (or its warninglists"
          + " withheld them all): check the job's types and eventIds, and that the MISP key"
          + " may see those events";
    }
    List<String> hints = new ArrayList<>();
    Map<SkipReason, Long> reasons = report.skippedByReason();
    if (reasons.containsKey(SkipReason.NOT_IDS)) {
      hints.add(reasons.get(SkipReason.NOT_IDS) + " lack the to_ids flag (toIdsOnly)");
    }
    if (reasons.containsKey(SkipReason.UNPUBLISHED)) {
      hints.add(reasons.get(SkipReason.UNPUBLISHED) + " are in unpublished events (publishedOnly)");
    }
    if (reasons.containsKey(SkipReason.NOT_IN_FILTER)) {
      hints.add(reasons.get(SkipReason.NOT_IN_FILTER) + " carry none of the job's tags (tags)");
    }
    if (reasons.containsKey(SkipReason.EXCLUDED_TAG)) {
      hints.add(reasons.get(SkipReason.EXCLUDED_TAG) + " carry an excluded tag (excludeTags)");
    }
    if (reasons.containsKey(SkipReason.DELETED)) {
      hints.add(reasons.get(SkipReason.DELETED) + " are deleted");
    }
    if (reasons.containsKey(SkipReason.TYPE_MISMATCH)) {
      hints.add(
          reasons.get(SkipReason.TYPE_MISMATCH)
              + " have types that yield nothing for the set's element type (types,"
              + " elementType)");
    }
    if (reasons.containsKey(SkipReason.INVALID_VALUE) || reasons.containsKey(SkipReason.TOO_LONG)) {
      hints.add("the rest have invalid or over-long values");
    }
    return "of "
        + report.fetched()
        + " attributes read, "
        + String.join("; ", hints)
        + ": check the job's filter, tags, toIdsOnly and publishedOnly";
  }
}
