package org.iocsync.core;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs every job of a store on its own schedule: an incremental run each interval, a full
 * reconciliation each {@linkplain Builder#fullRunPeriod period} (daily by default), and a run
 * whenever one is asked for.
 *
 * <p>A job never has two runs at once: asking for a run while one is going queues it behind
 * (requests for the same job merge, full winning over incremental). Paused jobs keep their place
 * but are not run on schedule; a run asked for explicitly still runs. A run that fails, or throws
 * anything at all, is logged and the job runs again at its next time; a failed full run is tried
 * again at the job's next interval. Jobs added to, changed in or deleted from the store are picked
 * up within seconds.
 *
 * <pre>{@code
 * Scheduler scheduler = Scheduler.builder().engine(engine).store(store).build();
 * scheduler.start();
 * ...
 * scheduler.stop(Duration.ofSeconds(30));
 * }</pre>
 *
 * <p>Several instances may share one store ({@link PostgresStore}), each with its own scheduler.
 * Each job is then run by one instance at a time, whichever takes its lease first; the others look
 * at the job again when that lease would expire, so that a job whose instance died is taken over
 * within about one lease duration. Before a scheduled run, a scheduler reads when the job last ran
 * on any instance, so that the instances together run each job once per interval.
 *
 * <p>{@link #stop} first asks each run to end after the batch in flight; a run still going when the
 * grace period is over is interrupted, which abandons its batch cleanly (the ledger holds it as
 * pending and the next run repairs it). Runs use daemon threads, so a scheduler left running does
 * not keep the JVM alive.
 */
public final class Scheduler implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Scheduler.class);

  /** Runs one job; the engine in production, fakes in tests. */
  interface JobRunner {
    RunReport run(String job, RunKind kind, BooleanSupplier stopRequested);
  }

  private final Store store;
  private final JobRunner runner;
  private final Clock clock;
  private final Duration fullRunPeriod;
  private final Duration idleWait;
  private final ExecutorService workers;
  private final int maxConcurrentRuns;
  private final @Nullable SharedReads sharedReads;
  private final boolean shared;
  private final Object lock = new Object();
  private final Map<String, Slot> slots = new HashMap<>();
  private @Nullable Thread loop;
  private boolean started;
  private volatile boolean stopping;

  private Scheduler(Builder builder, Store store, JobRunner runner) {
    this.store = store;
    this.runner = runner;
    this.clock = builder.clock;
    this.fullRunPeriod = builder.fullRunPeriod;
    this.idleWait = builder.idleWait;
    this.workers = Executors.newFixedThreadPool(builder.maxConcurrentRuns, daemonThreads());
    this.maxConcurrentRuns = builder.maxConcurrentRuns;
    this.sharedReads = builder.sharedReads;
    this.shared = store instanceof PostgresStore;
  }

  private static ThreadFactory daemonThreads() {
    AtomicInteger count = new AtomicInteger();
    return task -> {
      Thread thread = new Thread(task, "ioc-sync-run-" + count.incrementAndGet());
      thread.setDaemon(true);
      return thread;
    };
  }

  /** A builder; {@link Builder#engine} and {@link Builder#store} are required. */
  public static Builder builder() {
    return new Builder();
  }

  /** Configures a {@link Scheduler}. */
  public static final class Builder {
    private @Nullable Store store;
    private @Nullable JobRunner runner;
    private Clock clock = Clock.systemUTC();
    private Duration fullRunPeriod = Duration.ofDays(1);
    private int maxConcurrentRuns = 2;
    private Duration idleWait = Duration.ofSeconds(5);
    private @Nullable SharedReads sharedReads;

    private Builder() {}

    /** The engine that runs the jobs. */
    public Builder engine(SyncEngine engine) {
      Objects.requireNonNull(engine, "engine");
      this.runner = (job, kind, stop) -> engine.run(job, kind, false, stop);
      return this;
    }

    Builder runner(JobRunner runner) {
      this.runner = Objects.requireNonNull(runner, "runner");
      return this;
    }

    /** The store whose jobs are scheduled. */
    public Builder store(Store store) {
      this.store = Objects.requireNonNull(store, "store");
      return this;
    }

    /** The clock that decides when runs are due; the system's by default. */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /** How often each job is reconciled in full; one day by default. */
    public Builder fullRunPeriod(Duration fullRunPeriod) {
      if (fullRunPeriod.compareTo(Duration.ofMinutes(1)) < 0) {
        throw new IllegalArgumentException(
            "fullRunPeriod must be at least one minute, got " + fullRunPeriod);
      }
      this.fullRunPeriod = fullRunPeriod;
      return this;
    }

    /** How many jobs may run at the same time; 2 by default. */
    public Builder maxConcurrentRuns(int maxConcurrentRuns) {
      if (maxConcurrentRuns < 1) {
        throw new IllegalArgumentException(
            "maxConcurrentRuns must be positive, got " + maxConcurrentRuns);
      }
      this.maxConcurrentRuns = maxConcurrentRuns;
      return this;
    }

    /**
     * The source the engine reads through, so that runs due together (and those {@link
     * Scheduler#runTogether} starts) read MISP once where their searches overlap; without it each
     * run reads alone.
     */
    public Builder sharedReads(SharedReads sharedReads) {
      this.sharedReads = Objects.requireNonNull(sharedReads, "sharedReads");
      return this;
    }

    /** How long the scheduler waits at most before it looks at the store's jobs again. */
    Builder idleWait(Duration idleWait) {
      this.idleWait = Objects.requireNonNull(idleWait, "idleWait");
      return this;
    }

    /**
     * Builds the scheduler, which does nothing until {@link Scheduler#start()}.
     *
     * @throws IllegalStateException when the engine or the store is missing
     */
    public Scheduler build() {
      if (store == null || runner == null) {
        throw new IllegalStateException(
            "a scheduler needs an engine and a store: call engine() and store()");
      }
      return new Scheduler(this, store, runner);
    }
  }

  /**
   * Where one job stands in the schedule.
   *
   * @param job the job's name
   * @param paused whether scheduled runs are held back
   * @param running whether a run is going or queued to start
   * @param nextRunAt when the next scheduled run is due, or null while paused
   * @param nextFullRunAt when the next full reconciliation is due, or null while paused
   */
  public record JobSchedule(
      String job,
      boolean paused,
      boolean running,
      @Nullable Instant nextRunAt,
      @Nullable Instant nextFullRunAt) {}

  /** A run asked for while the job was running, to start when that run ends. */
  private record Request(RunKind kind, CompletableFuture<RunReport> result) {}

  /** The schedule of one job; guarded by {@link #lock}. */
  private static final class Slot {
    final String name;
    Duration interval;
    boolean paused;
    Instant nextIncrementalAt;
    Instant nextFullAt;
    boolean running;
    AtomicBoolean stop = new AtomicBoolean();
    @Nullable Request queued;

    Slot(
        String name,
        Duration interval,
        boolean paused,
        Instant nextIncrementalAt,
        Instant nextFullAt) {
      this.name = name;
      this.interval = interval;
      this.paused = paused;
      this.nextIncrementalAt = nextIncrementalAt;
      this.nextFullAt = nextFullAt;
    }

    Instant dueAt() {
      return nextFullAt.isBefore(nextIncrementalAt) ? nextFullAt : nextIncrementalAt;
    }
  }

  /**
   * Starts running jobs on schedule, on a thread of its own.
   *
   * @throws IllegalStateException when already started or stopped
   */
  public void start() {
    synchronized (lock) {
      if (started || stopping) {
        throw new IllegalStateException("a scheduler starts once");
      }
      started = true;
      Thread thread = new Thread(this::loop, "ioc-sync-scheduler");
      thread.setDaemon(true);
      loop = thread;
      thread.start();
    }
  }

  private void loop() {
    while (!stopping) {
      Duration wait = idleWait;
      try {
        tick();
        wait = untilNextDue();
      } catch (RuntimeException e) {
        log.error(
            "The scheduler cannot read its jobs; it tries again in {} s", idleWait.toSeconds(), e);
      }
      synchronized (lock) {
        if (stopping) {
          return;
        }
        try {
          lock.wait(Math.max(1, wait.toMillis()));
        } catch (InterruptedException e) {
          return;
        }
      }
    }
  }

  private Duration untilNextDue() {
    synchronized (lock) {
      Instant now = clock.instant();
      Duration wait = idleWait;
      for (Slot slot : slots.values()) {
        if (!slot.paused && !slot.running) {
          Duration due = Duration.between(now, slot.dueAt());
          if (due.compareTo(wait) < 0) {
            wait = due;
          }
        }
      }
      return wait;
    }
  }

  /** Reads the store's jobs and starts the runs that are due. */
  void tick() {
    List<StoredJob> jobs = store.jobs();
    Map<String, LastRuns> history = shared ? lastRuns(jobs) : Map.of();
    synchronized (lock) {
      if (stopping) {
        return;
      }
      Instant now = clock.instant();
      Set<String> names = new HashSet<>();
      for (StoredJob job : jobs) {
        names.add(job.name());
        Slot slot = slots.get(job.name());
        if (slot == null) {
          slots.put(job.name(), newSlot(job, now));
        } else {
          slot.interval = Duration.ofMinutes(job.spec().intervalMinutes());
          slot.paused = job.paused();
        }
      }
      slots.values().removeIf(slot -> !names.contains(slot.name) && !slot.running);

      List<Slot> due = new ArrayList<>();
      List<RunKind> kinds = new ArrayList<>();
      for (Slot slot : slots.values()) {
        if (shared && !slot.paused && !slot.running && !slot.dueAt().isAfter(now)) {
          catchUp(slot, history.get(slot.name));
        }
        if (!slot.paused && !slot.running && !slot.dueAt().isAfter(now)) {
          due.add(slot);
          kinds.add(slot.nextFullAt.isAfter(now) ? RunKind.INCREMENTAL : RunKind.FULL);
        }
      }
      List<SharedReads.@Nullable Seat> seats = seats(due.size());
      for (int i = 0; i < due.size(); i++) {
        dispatch(due.get(i), kinds.get(i), new CompletableFuture<>(), seats.get(i));
      }
    }
  }

  /**
   * Seats in one gathering for the first of {@code runs} runs about to start, as many as there are
   * idle workers (a seated run that waited for a worker would hold the others back), and none when
   * fewer than two would share; called holding {@link #lock}.
   */
  private List<SharedReads.@Nullable Seat> seats(int runs) {
    List<SharedReads.@Nullable Seat> seats = new ArrayList<>();
    long busy = slots.values().stream().filter(slot -> slot.running).count();
    int together = (int) Math.min(runs, maxConcurrentRuns - busy);
    SharedReads reads = sharedReads;
    if (reads != null && together >= 2) {
      seats.addAll(reads.gather(together).seats());
    }
    while (seats.size() < runs) {
      seats.add(null);
    }
    return seats;
  }

  /** When a job last started a run, and its last successful full run, on any instance. */
  private record LastRuns(@Nullable RunRecord last, @Nullable Instant lastFull) {}

  /** The last runs of the jobs that are due, read from the store that the instances share. */
  private Map<String, LastRuns> lastRuns(List<StoredJob> jobs) {
    Instant now = clock.instant();
    List<String> due = new ArrayList<>();
    synchronized (lock) {
      for (StoredJob job : jobs) {
        Slot slot = slots.get(job.name());
        if (slot != null && !slot.running && !slot.dueAt().isAfter(now)) {
          due.add(job.name());
        }
      }
    }
    Map<String, LastRuns> history = new HashMap<>();
    for (String job : due) {
      List<RunRecord> last = store.runs(job, 1);
      history.put(
          job,
          new LastRuns(last.isEmpty() ? null : last.get(0), store.syncState(job).lastFullRunAt()));
    }
    return history;
  }

  /**
   * Moves a due slot's times past the runs another instance made since; called holding {@link
   * #lock}. A run that never ended leaves the job due: its lease says whether it still goes on.
   */
  private void catchUp(Slot slot, @Nullable LastRuns history) {
    if (history == null) {
      return;
    }
    RunRecord last = history.last();
    if (last != null && last.outcome() != RunOutcome.RUNNING) {
      Instant next = last.startedAt().plus(slot.interval);
      if (next.isAfter(slot.nextIncrementalAt)) {
        slot.nextIncrementalAt = next;
      }
    }
    Instant lastFull = history.lastFull();
    if (lastFull != null) {
      Instant nextFull = lastFull.plus(fullRunPeriod);
      if (nextFull.isAfter(slot.nextFullAt)) {
        slot.nextFullAt = nextFull;
      }
    }
  }

  private Slot newSlot(StoredJob job, Instant now) {
    Duration interval = Duration.ofMinutes(job.spec().intervalMinutes());
    List<RunRecord> last = store.runs(job.name(), 1);
    Instant nextIncremental = last.isEmpty() ? now : last.get(0).startedAt().plus(interval);
    Instant lastFull = store.syncState(job.name()).lastFullRunAt();
    Instant nextFull = lastFull == null ? now : lastFull.plus(fullRunPeriod);
    return new Slot(
        job.name(),
        interval,
        job.paused(),
        nextIncremental.isBefore(now) ? now : nextIncremental,
        nextFull.isBefore(now) ? now : nextFull);
  }

  /**
   * Starts a run of {@code slot}'s job on a worker, on {@code seat} of a gathering if any; called
   * holding {@link #lock}.
   */
  private void dispatch(
      Slot slot,
      RunKind kind,
      CompletableFuture<RunReport> result,
      SharedReads.@Nullable Seat seat) {
    slot.running = true;
    AtomicBoolean stop = new AtomicBoolean();
    slot.stop = stop;
    try {
      workers.execute(() -> execute(slot, kind, stop, result, seat));
    } catch (RuntimeException e) {
      slot.running = false;
      if (seat != null) {
        seat.close();
      }
      result.completeExceptionally(e);
    }
  }

  private void execute(
      Slot slot,
      RunKind kind,
      AtomicBoolean stop,
      CompletableFuture<RunReport> result,
      SharedReads.@Nullable Seat seat) {
    Instant start = clock.instant();
    RunReport report = null;
    Throwable failure = null;
    JobBusyException busy = null;
    if (seat != null) {
      seat.enter();
    }
    try {
      report = runner.run(slot.name, kind, () -> stopping || stop.get());
    } catch (JobBusyException e) {
      failure = e;
      busy = e;
      log.debug(
          "Job {} is being run by instance {}; looking again in {} s",
          slot.name,
          e.holder(),
          e.retryAfter().toSeconds());
    } catch (Throwable t) {
      failure = t;
      log.error(
          "Job {}: the {} run ended with {}; the job runs again at its next time",
          slot.name,
          kind.name().toLowerCase(Locale.ROOT),
          t.toString(),
          t);
    }
    // Left before a queued run starts from here, so that a worker it starts does not inherit it.
    if (seat != null) {
      seat.close();
    }
    synchronized (lock) {
      slot.running = false;
      if (busy != null) {
        lookAgain(slot, busy);
      } else {
        reschedule(slot, kind, start, report);
      }
      if (report != null) {
        result.complete(report);
      } else {
        result.completeExceptionally(Objects.requireNonNull(failure));
      }
      Request queued = slot.queued;
      slot.queued = null;
      if (queued != null) {
        if (stopping) {
          queued.result().cancel(false);
        } else {
          dispatch(slot, queued.kind(), queued.result(), null);
        }
      }
      lock.notifyAll();
    }
  }

  /**
   * Looks at a job another instance runs again when that instance's lease would expire, keeping a
   * full run that was due; called holding {@link #lock}.
   */
  private void lookAgain(Slot slot, JobBusyException busy) {
    Duration wait = busy.retryAfter().plusMillis(100);
    Instant next = clock.instant().plus(wait.compareTo(slot.interval) < 0 ? wait : slot.interval);
    slot.nextIncrementalAt = next;
    if (slot.nextFullAt.isBefore(next)) {
      slot.nextFullAt = next;
    }
  }

  private void reschedule(Slot slot, RunKind kind, Instant start, @Nullable RunReport report) {
    Instant end = clock.instant();
    Instant next = start.plus(slot.interval);
    slot.nextIncrementalAt = next.isBefore(end) ? end : next;
    RunKind ran = report != null ? report.kind() : kind;
    if (ran == RunKind.FULL) {
      boolean ok = report != null && report.ok();
      slot.nextFullAt = ok ? start.plus(fullRunPeriod) : slot.nextIncrementalAt;
    }
  }

  /**
   * Runs a job as soon as a worker is free, or right after its run in progress.
   *
   * @return the report of the run, failed with the exception if the run threw one, or cancelled
   *     when the scheduler stops first
   * @throws IllegalArgumentException when there is no such job
   * @throws IllegalStateException when the scheduler is stopping
   */
  public CompletableFuture<RunReport> runNow(String job, RunKind kind) {
    Slot slot = slotOf(job);
    synchronized (lock) {
      if (stopping) {
        throw new IllegalStateException("the scheduler is stopping: no new run can start");
      }
      if (!slot.running) {
        CompletableFuture<RunReport> result = new CompletableFuture<>();
        dispatch(slot, kind, result, null);
        return result;
      }
      return queue(slot, kind);
    }
  }

  /**
   * Runs several jobs as soon as workers are free, those that start together reading MISP once
   * where their searches overlap; a job whose run is in progress runs right after it, on its own.
   *
   * @return the reports of the runs, in the order of {@code jobs}, each as {@link #runNow} gives
   * @throws IllegalArgumentException when a job does not exist
   * @throws IllegalStateException when the scheduler is stopping
   */
  public List<CompletableFuture<RunReport>> runTogether(List<String> jobs, RunKind kind) {
    List<Slot> named = new ArrayList<>();
    for (String job : jobs) {
      named.add(slotOf(job));
    }
    synchronized (lock) {
      if (stopping) {
        throw new IllegalStateException("the scheduler is stopping: no new run can start");
      }
      List<Slot> idle = named.stream().filter(slot -> !slot.running).distinct().toList();
      List<SharedReads.@Nullable Seat> seats = seats(idle.size());
      List<CompletableFuture<RunReport>> results = new ArrayList<>();
      for (Slot slot : named) {
        int position = idle.indexOf(slot);
        if (position >= 0 && !slot.running) {
          CompletableFuture<RunReport> result = new CompletableFuture<>();
          dispatch(slot, kind, result, seats.get(position));
          results.add(result);
        } else {
          results.add(queue(slot, kind));
        }
      }
      return results;
    }
  }

  /** Queues a run behind the job's run in progress; called holding {@link #lock}. */
  private CompletableFuture<RunReport> queue(Slot slot, RunKind kind) {
    Request queued = slot.queued;
    if (queued == null) {
      queued = new Request(kind, new CompletableFuture<>());
    } else if (kind == RunKind.FULL) {
      queued = new Request(RunKind.FULL, queued.result());
    }
    slot.queued = queued;
    return queued.result();
  }

  /**
   * Holds back a job's scheduled runs, here and in the store. A run in progress goes on.
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
    store.setPaused(job, paused);
    Slot slot = slotOf(job);
    synchronized (lock) {
      slot.paused = paused;
      lock.notifyAll();
    }
  }

  private Slot slotOf(String job) {
    synchronized (lock) {
      Slot slot = slots.get(job);
      if (slot != null) {
        return slot;
      }
    }
    StoredJob stored =
        store
            .job(job)
            .orElseThrow(() -> new IllegalArgumentException("No job is called '" + job + "'"));
    synchronized (lock) {
      return slots.computeIfAbsent(job, name -> newSlot(stored, clock.instant()));
    }
  }

  /** When the next scheduled run of {@code job} is due, or empty when paused or unknown. */
  public Optional<Instant> nextRunAt(String job) {
    synchronized (lock) {
      Slot slot = slots.get(job);
      return slot == null || slot.paused ? Optional.empty() : Optional.of(slot.dueAt());
    }
  }

  /** Where each job stands, by name. */
  public List<JobSchedule> schedule() {
    synchronized (lock) {
      List<JobSchedule> schedule = new ArrayList<>();
      for (Slot slot : slots.values()) {
        schedule.add(
            new JobSchedule(
                slot.name,
                slot.paused,
                slot.running,
                slot.paused ? null : slot.dueAt(),
                slot.paused ? null : slot.nextFullAt));
      }
      schedule.sort((a, b) -> a.job().compareTo(b.job()));
      return schedule;
    }
  }

  /**
   * Stops: no run starts any more, each run in progress is asked to end after its batch in flight,
   * and those still going after {@code grace} are interrupted.
   *
   * @return whether every run had ended when this method returned
   */
  public boolean stop(Duration grace) {
    Thread thread;
    synchronized (lock) {
      stopping = true;
      for (Slot slot : slots.values()) {
        slot.stop.set(true);
      }
      thread = loop;
      lock.notifyAll();
    }
    workers.shutdown();
    boolean ended;
    try {
      ended = workers.awaitTermination(grace.toMillis(), TimeUnit.MILLISECONDS);
      if (!ended) {
        log.warn(
            "Runs still going after {} ms are interrupted; their next runs repair them",
            grace.toMillis());
        workers.shutdownNow();
        ended = workers.awaitTermination(grace.toMillis(), TimeUnit.MILLISECONDS);
      }
      if (thread != null) {
        thread.join(grace.toMillis());
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      workers.shutdownNow();
      ended = false;
    }
    cancelQueued();
    return ended;
  }

  private void cancelQueued() {
    synchronized (lock) {
      for (Slot slot : slots.values()) {
        if (slot.queued != null) {
          slot.queued
              .result()
              .completeExceptionally(
                  new CancellationException("the scheduler stopped before the run could start"));
          slot.queued = null;
        }
      }
    }
  }

  /** Stops with a grace period of 30 seconds. */
  @Override
  public void close() {
    stop(Duration.ofSeconds(30));
  }
}
