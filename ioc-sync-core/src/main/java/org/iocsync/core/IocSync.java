package org.iocsync.core;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import org.iocsync.core.InvalidJobException.FieldError;
import org.iocsync.misp.MispClient;
import org.iocsync.qradar.QradarClient;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * IOC Sync embedded in a Java program: built once from a MISP client, a QRadar client and a state
 * directory (or any {@link IndicatorSource}, {@link SetTarget} and {@link Store}), it defines sync
 * jobs, runs them now or on a schedule, dry-runs them, and reports their status, history and recent
 * values.
 *
 * <pre>{@code
 * MispClient misp = MispClient.builder()
 *     .baseUrl("misp.example.org")
 *     .apiKey(System.getenv("MISP_KEY"))
 *     .build();
 * QradarClient qradar = QradarClient.builder()
 *     .baseUrl("qradar.example.org")
 *     .token(System.getenv("QRADAR_TOKEN"))
 *     .build();
 *
 * try (IocSync sync = IocSync.builder()
 *     .misp(misp)
 *     .qradar(qradar)
 *     .stateDirectory(Path.of("ioc-sync-data"))
 *     .build()) {
 *   sync.defineJob(new JobSpec(
 *       "malicious-ips",                        // name
 *       "MISP malicious IPs",                   // QRadar reference set
 *       ElementType.IP,                         // its element type
 *       List.of("ip-src", "ip-dst", "domain|ip"),
 *       List.of(),                              // event ids: every event
 *       List.of(),                              // tags: no restriction
 *       List.of("tlp:red"),                     // excluded tags
 *       true,                                   // to_ids only
 *       true,                                   // published events only
 *       false,                                  // enforce MISP's warninglists
 *       SyncMode.MIRROR,                        // withdraw what MISP no longer yields
 *       15,                                     // minutes between incremental polls
 *       true,                                   // create the set when missing
 *       "30 days"));                            // time to live of a created set
 *
 *   RunReport preview = sync.dryRun("malicious-ips", RunKind.FULL);
 *   RunReport first = sync.run("malicious-ips", RunKind.FULL);
 *
 *   sync.addListener(new RunListener() {
 *     @Override
 *     public void runFinished(RunReport report) {
 *       System.out.println(report.job() + ": +" + report.added() + " -" + report.removed());
 *     }
 *   });
 *   sync.start();                               // incremental polls and a daily full run
 *   ...
 * }
 * }</pre>
 *
 * <h2>Jobs</h2>
 *
 * {@link #defineJob} and {@link #updateJob} check a job with {@link JobValidator} before saving it,
 * naming every bad field in one {@link InvalidJobException}: MISP types are checked against the
 * server's {@code describeTypes} when MISP answers, against the built-in list of MISP 2.5's types
 * otherwise; when QRadar answers and already has the job's reference set, the set's element type
 * must be the job's. A job that cannot be checked against a server is still saved, and its run
 * checks the set again.
 *
 * <h2>Runs</h2>
 *
 * {@link #run} runs a job at once, in full or incrementally, and returns its report; a failure of
 * MISP, QRadar or the store ends the run cleanly and is in {@link RunReport#error()}, not thrown.
 * While the scheduler is started, the run goes through it, so that it waits for a run of the same
 * job in progress rather than racing it. Calls that fail in a way that may pass (the network, HTTP
 * 429 and 5xx) are retried as the {@link Builder#retryPolicy retry policy} says. {@link #runAll}
 * and {@link #runTogether} run several jobs at once, reading MISP once where their searches overlap
 * (see {@link SharedReads}); so does the scheduler with the runs that fall due together.
 *
 * <p>{@link #start} schedules every job of the store: an incremental run at each job's interval, a
 * full reconciliation each {@linkplain Builder#fullRunPeriod full-run period}, paused jobs held
 * back. {@link #stop} ends the schedule; it can be started again.
 *
 * <p>Instances are thread safe. {@link #close} stops the scheduler and closes the store when this
 * object opened it from a state directory; a store passed to {@link Builder#store} stays open.
 */
public final class IocSync implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(IocSync.class);

  /** Fields of {@link JobSpec} that come before what the existing reference set is checked for. */
  private static final Set<String> FIELDS_BEFORE_SET_CHECK =
      Set.of("name", "referenceSet", "elementType");

  private final Store store;
  private final boolean ownsStore;
  private final IndicatorSource source;
  private final SharedReads sharedReads;
  private final SetTarget target;
  private final SyncEngine engine;
  private final Clock clock;
  private final Duration fullRunPeriod;
  private final int maxConcurrentRuns;
  private final List<RunListener> listeners = new CopyOnWriteArrayList<>();
  private final Object lock = new Object();
  private @Nullable Scheduler scheduler;
  private boolean closed;

  private IocSync(
      Builder builder, Store store, boolean ownsStore, IndicatorSource source, SetTarget target) {
    this.store = store;
    this.ownsStore = ownsStore;
    this.source = source;
    this.target = target;
    this.clock = builder.clock;
    this.fullRunPeriod = builder.fullRunPeriod;
    this.maxConcurrentRuns = builder.maxConcurrentRuns;
    this.sharedReads = SharedReads.of(source);
    this.engine =
        SyncEngine.builder()
            .store(store)
            .source(sharedReads)
            .target(target)
            .clock(builder.clock)
            .sleeper(builder.sleeper)
            .retryPolicy(builder.retryPolicy)
            .batchSize(builder.batchSize)
            .listener(new Listeners())
            .build();
  }

  /**
   * A builder; a source ({@link Builder#misp} or {@link Builder#source}), a target ({@link
   * Builder#qradar} or {@link Builder#target}) and a store ({@link Builder#stateDirectory} or
   * {@link Builder#store}) are required.
   */
  public static Builder builder() {
    return new Builder();
  }

  /** Configures an {@link IocSync}; {@link #build()} checks that nothing required is missing. */
  public static final class Builder {
    private @Nullable IndicatorSource source;
    private @Nullable SetTarget target;
    private @Nullable Store store;
    private @Nullable Path stateDirectory;
    private Clock clock = Clock.systemUTC();
    private Sleeper sleeper = Sleeper.SYSTEM;
    private Duration fullRunPeriod = Duration.ofDays(1);
    private RetryPolicy retryPolicy = RetryPolicy.DEFAULT;
    private int batchSize = 1000;
    private int maxConcurrentRuns = 2;

    private Builder() {}

    /** Reads indicators from the MISP server of {@code misp}. */
    public Builder misp(MispClient misp) {
      return source(new MispIndicatorSource(Objects.requireNonNull(misp, "misp")));
    }

    /** Reads indicators from {@code source}, such as a {@link MispIndicatorSource} or a fake. */
    public Builder source(IndicatorSource source) {
      this.source = Objects.requireNonNull(source, "source");
      return this;
    }

    /** Writes values into the reference sets of the QRadar server of {@code qradar}. */
    public Builder qradar(QradarClient qradar) {
      return target(new QradarSetTarget(Objects.requireNonNull(qradar, "qradar")));
    }

    /** Writes values through {@code target}, such as a {@link QradarSetTarget} or a fake. */
    public Builder target(SetTarget target) {
      this.target = Objects.requireNonNull(target, "target");
      return this;
    }

    /**
     * Keeps jobs, ledgers and history in a {@link SqliteStore} in {@code stateDirectory}, made when
     * missing; {@link IocSync#close()} closes it.
     */
    public Builder stateDirectory(Path stateDirectory) {
      this.stateDirectory = Objects.requireNonNull(stateDirectory, "stateDirectory");
      return this;
    }

    /** Keeps jobs, ledgers and history in {@code store}, which the caller closes. */
    public Builder store(Store store) {
      this.store = Objects.requireNonNull(store, "store");
      return this;
    }

    /** The clock that times runs, sets cursors and decides when runs are due; the system's. */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    Builder sleeper(Sleeper sleeper) {
      this.sleeper = Objects.requireNonNull(sleeper, "sleeper");
      return this;
    }

    /**
     * How often the scheduler reconciles each job in full; one day by default, one minute least.
     */
    public Builder fullRunPeriod(Duration fullRunPeriod) {
      if (fullRunPeriod.compareTo(Duration.ofMinutes(1)) < 0) {
        throw new IllegalArgumentException(
            "fullRunPeriod must be at least one minute, got " + fullRunPeriod);
      }
      this.fullRunPeriod = fullRunPeriod;
      return this;
    }

    /** How calls that fail in a way that may pass are retried; {@link RetryPolicy#DEFAULT}. */
    public Builder retryPolicy(RetryPolicy retryPolicy) {
      this.retryPolicy = Objects.requireNonNull(retryPolicy, "retryPolicy");
      return this;
    }

    /**
     * How many values one batch carries, each confirmed in the ledger once QRadar has taken it;
     * 1000 by default.
     */
    public Builder batchSize(int batchSize) {
      if (batchSize < 1) {
        throw new IllegalArgumentException("batchSize must be positive, got " + batchSize);
      }
      this.batchSize = batchSize;
      return this;
    }

    /** How many jobs the scheduler runs at the same time; 2 by default. */
    public Builder maxConcurrentRuns(int maxConcurrentRuns) {
      if (maxConcurrentRuns < 1) {
        throw new IllegalArgumentException(
            "maxConcurrentRuns must be positive, got " + maxConcurrentRuns);
      }
      this.maxConcurrentRuns = maxConcurrentRuns;
      return this;
    }

    /**
     * Builds the instance, opening the state directory's store if one was named. Nothing is sent to
     * MISP or QRadar yet.
     *
     * @throws IllegalStateException when the source, the target or the store is missing, or both a
     *     store and a state directory were given
     * @throws StoreException when the state directory cannot be used
     */
    public IocSync build() {
      if (source == null) {
        throw new IllegalStateException(
            "IocSync needs a MISP source: call misp(MispClient) or source(IndicatorSource)");
      }
      if (target == null) {
        throw new IllegalStateException(
            "IocSync needs a QRadar target: call qradar(QradarClient) or target(SetTarget)");
      }
      if (store != null && stateDirectory != null) {
        throw new IllegalStateException(
            "IocSync takes either a store or a state directory, not both: drop one of the calls");
      }
      if (store != null) {
        return new IocSync(this, store, false, source, target);
      }
      if (stateDirectory == null) {
        throw new IllegalStateException(
            "IocSync needs somewhere to keep its state: call stateDirectory(Path) or store(Store)");
      }
      SqliteStore opened = SqliteStore.builder().stateDirectory(stateDirectory).build();
      try {
        return new IocSync(this, opened, true, source, target);
      } catch (RuntimeException e) {
        opened.close();
        throw e;
      }
    }
  }

  // Jobs

  /**
   * Checks a job and adds it. Its first run is full.
   *
   * @throws InvalidJobException naming every bad field
   * @throws IllegalArgumentException when a job of that name exists: use {@link #updateJob}
   */
  public void defineJob(JobSpec spec) {
    if (store.job(spec.name()).isPresent()) {
      throw new IllegalArgumentException(
          "A job is already called '"
              + spec.name()
              + "': change it with updateJob, or give the new job another name");
    }
    validate(spec);
    store.saveJob(spec);
  }

  /**
   * Checks a job and replaces the one of the same name, which keeps its paused flag. When the
   * reference set or its element type changes, the job's ledger starts afresh (values it put into
   * the former set stay there); when its filter changes, its next run is full.
   *
   * @throws InvalidJobException naming every bad field
   * @throws IllegalArgumentException when there is no job of that name: use {@link #defineJob}
   * @throws IllegalStateException when the job is running: try again once its run has ended
   */
  public void updateJob(JobSpec spec) {
    requireJob(spec.name());
    requireIdle(spec.name(), "changed");
    validate(spec);
    store.saveJob(spec);
  }

  /**
   * Deletes a job with its ledger, cursor and history. The values it put into its set stay there.
   *
   * @return whether there was such a job
   * @throws IllegalStateException when the job is running: try again once its run has ended
   */
  public boolean removeJob(String name) {
    requireIdle(name, "removed");
    return store.deleteJob(name);
  }

  /** The job called {@code name}, or empty. */
  public Optional<StoredJob> job(String name) {
    return store.job(name);
  }

  /** Every job, by name. */
  public List<StoredJob> jobs() {
    return store.jobs();
  }

  /**
   * Checks a job as {@link #defineJob} does, without saving it: against the MISP server's types
   * when it answers (the built-in list otherwise), and against QRadar's reference set when QRadar
   * answers and has it.
   *
   * @throws InvalidJobException naming every bad field
   */
  public void validate(JobSpec spec) {
    List<FieldError> errors = new ArrayList<>(validator().check(spec));
    boolean setFieldsValid =
        errors.stream()
            .noneMatch(e -> e.field().equals("referenceSet") || e.field().equals("elementType"));
    if (setFieldsValid) {
      existingSetError(spec).ifPresent(error -> errors.add(positionOfSetCheck(errors), error));
    }
    if (!errors.isEmpty()) {
      // A spec read from a form may lack its name although its type says it has one.
      throw new InvalidJobException(Objects.toString(spec.name(), ""), errors);
    }
  }

  /** A validator with the server's types, or the built-in ones when MISP cannot be asked. */
  private JobValidator validator() {
    try {
      Set<String> types = source.knownTypes();
      if (!types.isEmpty()) {
        return JobValidator.withKnownTypes(types);
      }
    } catch (SyncException e) {
      log.debug("MISP's attribute types cannot be read; jobs are checked against MISP 2.5's", e);
    }
    return JobValidator.withBuiltInTypes();
  }

  /** The job's clash with the element type of an existing set, when QRadar can say. */
  private Optional<FieldError> existingSetError(JobSpec spec) {
    Optional<ReferenceSet> existing;
    try {
      existing = target.find(spec.referenceSet());
    } catch (SyncException e) {
      log.debug("QRadar cannot be asked for reference set '{}'", spec.referenceSet(), e);
      return Optional.empty();
    }
    if (existing.isEmpty()) {
      return Optional.empty();
    }
    try {
      JobValidator.withBuiltInTypes().checkExistingSet(spec, existing.get().elementType());
      return Optional.empty();
    } catch (InvalidJobException e) {
      return Optional.of(e.errors().get(0));
    }
  }

  /** Where the set's error goes so that errors stay in the order of {@link JobSpec}'s fields. */
  private static int positionOfSetCheck(List<FieldError> errors) {
    int position = 0;
    while (position < errors.size()
        && FIELDS_BEFORE_SET_CHECK.contains(errors.get(position).field())) {
      position++;
    }
    return position;
  }

  // Runs

  /**
   * Runs a job now and returns what it did. While the scheduler is started the run waits for the
   * job's run in progress, if any, and then starts.
   *
   * @throws IllegalArgumentException when there is no such job
   * @throws IllegalStateException when the scheduler is stopped and the job is already running
   *     (started by another thread), or the scheduler stops before the run starts
   */
  public RunReport run(String job, RunKind kind) {
    Objects.requireNonNull(kind, "kind");
    requireJob(job);
    Scheduler current = scheduler();
    if (current == null) {
      return engine.run(job, kind);
    }
    return await(job, current.runNow(job, kind));
  }

  /**
   * Runs every job that is not paused, all at once, and returns their reports by job name. Jobs
   * whose MISP searches overlap read MISP once: see {@link #runTogether}.
   *
   * @throws IllegalStateException as {@link #runTogether} does
   */
  public List<RunReport> runAll(RunKind kind) {
    Objects.requireNonNull(kind, "kind");
    List<String> names = new ArrayList<>();
    for (StoredJob job : store.jobs()) {
      if (!job.paused()) {
        names.add(job.name());
      }
    }
    return runTogether(names, kind);
  }

  /**
   * Runs the named jobs all at once, each on a thread of its own, and returns their reports in the
   * order of {@code jobs}. Jobs whose searches overlap read MISP once: jobs with the same event ids
   * and warninglist setting share one search for the union of their types in a full run, and one
   * search per question in an incremental run when their windows overlap (as they do for jobs that
   * last ran together); each job takes only the attributes of its own types, so its counts and its
   * set are what a run of its own would give. A job that falls behind (a slow QRadar set) holds the
   * shared read back rather than letting memory grow; a failure of the shared read fails each job's
   * read as its own would, and its retry reads alone. While the scheduler is started the runs go
   * through it, each waiting for its job's run in progress, if any.
   *
   * @throws IllegalArgumentException when a job does not exist; nothing has run then
   * @throws IllegalStateException when a job could not run (running already, removed meanwhile, or
   *     the scheduler stopped first), thrown once every other run has ended, their reports lost
   */
  public List<RunReport> runTogether(List<String> jobs, RunKind kind) {
    Objects.requireNonNull(kind, "kind");
    List<String> names = List.copyOf(new LinkedHashSet<>(jobs));
    for (String name : names) {
      requireJob(name);
    }
    if (names.isEmpty()) {
      return List.of();
    }
    Scheduler current = scheduler();
    List<CompletableFuture<RunReport>> results =
        current != null ? current.runTogether(names, kind) : startTogether(names, kind);
    List<RunReport> reports = new ArrayList<>();
    RuntimeException failure = null;
    for (int i = 0; i < names.size(); i++) {
      try {
        reports.add(await(names.get(i), results.get(i)));
      } catch (RuntimeException e) {
        if (failure == null) {
          failure = e;
        } else {
          failure.addSuppressed(e);
        }
      }
    }
    if (failure != null) {
      throw failure;
    }
    return reports;
  }

  /** Starts the runs on threads of their own, each on its seat of one gathering. */
  private List<CompletableFuture<RunReport>> startTogether(List<String> names, RunKind kind) {
    List<SharedReads.Seat> seats = sharedReads.gather(names.size()).seats();
    List<CompletableFuture<RunReport>> results = new ArrayList<>();
    for (int i = 0; i < names.size(); i++) {
      String name = names.get(i);
      SharedReads.Seat seat = seats.get(i);
      CompletableFuture<RunReport> result = new CompletableFuture<>();
      results.add(result);
      Thread thread =
          new Thread(
              () -> {
                seat.enter();
                try {
                  result.complete(engine.run(name, kind));
                } catch (Throwable t) {
                  result.completeExceptionally(t);
                } finally {
                  seat.close();
                }
              },
              "ioc-sync-run-" + name);
      thread.setDaemon(true);
      thread.start();
    }
    return results;
  }

  private static RunReport await(String job, CompletableFuture<RunReport> result) {
    try {
      return result.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(
          "Interrupted while waiting for the run of job '" + job + "', which goes on", e);
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof RuntimeException runtime) {
        throw runtime;
      }
      if (cause instanceof Error error) {
        throw error;
      }
      throw new IllegalStateException("The run of job '" + job + "' failed: " + cause, cause);
    }
  }

  /**
   * Computes what a run would do, writing nothing to QRadar or the ledger: the values it would add
   * and remove, and examples of skipped attributes for each reason. The reference set is read but
   * never created.
   *
   * @throws IllegalArgumentException when there is no such job
   * @throws IllegalStateException when the job is running: try again once its run has ended
   */
  public RunReport dryRun(String job, RunKind kind) {
    Objects.requireNonNull(kind, "kind");
    requireJob(job);
    return engine.dryRun(job, kind);
  }

  // Schedule

  /**
   * Starts running every job of the store on its schedule, on threads of its own; jobs defined,
   * changed or removed later are picked up within seconds.
   *
   * @throws IllegalStateException when already started, or closed
   */
  public void start() {
    synchronized (lock) {
      if (closed) {
        throw new IllegalStateException("this IocSync is closed: build a new one");
      }
      if (scheduler != null) {
        throw new IllegalStateException("the scheduler is started already");
      }
      Scheduler started =
          Scheduler.builder()
              .engine(engine)
              .store(store)
              .clock(clock)
              .fullRunPeriod(fullRunPeriod)
              .maxConcurrentRuns(maxConcurrentRuns)
              .sharedReads(sharedReads)
              .build();
      started.start();
      scheduler = started;
    }
  }

  /**
   * Stops the schedule: no run starts any more, each run in progress is asked to end after its
   * batch in flight, and those still going after {@code grace} are interrupted (their next run
   * repairs what they leave). Stopping a stopped scheduler does nothing.
   *
   * @return whether every run had ended when this method returned
   */
  public boolean stop(Duration grace) {
    Scheduler stopping;
    synchronized (lock) {
      stopping = scheduler;
      scheduler = null;
    }
    return stopping == null || stopping.stop(grace);
  }

  /** Whether the scheduler is started. */
  public boolean isStarted() {
    return scheduler() != null;
  }

  /**
   * Holds back a job's scheduled runs; a run in progress goes on, and {@link #run} still runs it.
   *
   * @throws IllegalArgumentException when there is no such job
   */
  public void pause(String job) {
    setPaused(job, true);
  }

  /**
   * Lets a paused job run on schedule again; a run it missed starts at once.
   *
   * @throws IllegalArgumentException when there is no such job
   */
  public void resume(String job) {
    setPaused(job, false);
  }

  private void setPaused(String job, boolean paused) {
    Scheduler current = scheduler();
    if (current == null) {
      store.setPaused(job, paused);
    } else if (paused) {
      current.pause(job);
    } else {
      current.resume(job);
    }
  }

  // Status

  /**
   * Where a job stands: paused or not, running or not, its last run, its next runs and its ledger.
   *
   * @throws IllegalArgumentException when there is no such job
   */
  public JobStatus status(String job) {
    return status(requireJob(job), scheduleOf(job));
  }

  /** Where every job stands, by name. */
  public List<JobStatus> status() {
    List<JobStatus> statuses = new ArrayList<>();
    for (StoredJob job : store.jobs()) {
      statuses.add(status(job, scheduleOf(job.name())));
    }
    return statuses;
  }

  private JobStatus status(StoredJob job, Optional<Scheduler.JobSchedule> schedule) {
    List<RunRecord> last = store.runs(job.name(), 1);
    boolean running =
        engine.isRunning(job.name()) || schedule.map(Scheduler.JobSchedule::running).orElse(false);
    return new JobStatus(
        job,
        running,
        last.isEmpty() ? null : last.get(0),
        job.paused() ? null : schedule.map(Scheduler.JobSchedule::nextRunAt).orElse(null),
        job.paused() ? null : schedule.map(Scheduler.JobSchedule::nextFullRunAt).orElse(null),
        store.syncState(job.name()));
  }

  private Optional<Scheduler.JobSchedule> scheduleOf(String job) {
    Scheduler current = scheduler();
    if (current == null) {
      return Optional.empty();
    }
    return current.schedule().stream().filter(s -> s.job().equals(job)).findFirst();
  }

  /** The last {@code limit} runs of {@code job}, newest first. */
  public List<RunRecord> runs(String job, int limit) {
    return store.runs(job, positiveLimit(limit));
  }

  /** The last {@code limit} runs of every job, newest first. */
  public List<RunRecord> recentRuns(int limit) {
    return store.recentRuns(positiveLimit(limit));
  }

  /** The values {@code job} recently added or removed, newest first. */
  public List<RecentValue> recentValues(String job) {
    return store.recentValues(job);
  }

  // Events

  /**
   * Lets {@code listener} hear about every run from now on, scheduled, asked for or dry. It is
   * called on the thread of the run and must return quickly; what it throws is logged and ignored.
   */
  public void addListener(RunListener listener) {
    listeners.add(Objects.requireNonNull(listener, "listener"));
  }

  /** Stops {@code listener} hearing about runs; returns whether it was listening. */
  public boolean removeListener(RunListener listener) {
    return listeners.remove(listener);
  }

  /**
   * Stops the scheduler, giving runs in progress 30 seconds to end, and closes the store if this
   * object opened it. Closing twice does nothing.
   */
  @Override
  public void close() {
    synchronized (lock) {
      if (closed) {
        return;
      }
      closed = true;
    }
    try {
      stop(Duration.ofSeconds(30));
    } finally {
      if (ownsStore) {
        store.close();
      }
    }
  }

  private @Nullable Scheduler scheduler() {
    synchronized (lock) {
      return scheduler;
    }
  }

  private StoredJob requireJob(String name) {
    return store
        .job(name)
        .orElseThrow(() -> new IllegalArgumentException("No job is called '" + name + "'"));
  }

  private void requireIdle(String job, String what) {
    boolean running =
        engine.isRunning(job) || scheduleOf(job).map(Scheduler.JobSchedule::running).orElse(false);
    if (running) {
      throw new IllegalStateException(
          "Job '" + job + "' is running and cannot be " + what + ": try again once its run ends");
    }
  }

  private static int positiveLimit(int limit) {
    if (limit < 1) {
      throw new IllegalArgumentException("limit must be positive, got " + limit);
    }
    return limit;
  }

  /** Passes each run event to every listener, one failing listener not silencing the others. */
  private final class Listeners implements RunListener {
    @Override
    public void runStarted(String job, RunKind kind, boolean dryRun) {
      for (RunListener listener : listeners) {
        try {
          listener.runStarted(job, kind, dryRun);
        } catch (RuntimeException e) {
          log.warn("A run listener failed on the start of job {}", job, e);
        }
      }
    }

    @Override
    public void runFinished(RunReport report) {
      for (RunListener listener : listeners) {
        try {
          listener.runFinished(report);
        } catch (RuntimeException e) {
          log.warn("A run listener failed on the end of job {}", report.job(), e);
        }
      }
    }
  }
}
