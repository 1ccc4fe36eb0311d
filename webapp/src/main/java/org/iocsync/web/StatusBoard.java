package org.iocsync.web;

import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.iocsync.core.PostgresStore;
import org.iocsync.core.RunKind;
import org.iocsync.core.RunListener;
import org.iocsync.core.RunRecord;
import org.iocsync.core.RunReport;
import org.iocsync.core.Server;
import org.iocsync.core.Store;
import org.iocsync.core.StoredJob;
import org.iocsync.core.SyncState;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What {@code GET api/status} answers, kept in memory so that the call never waits for the store,
 * which a run holds for each of its write transactions.
 *
 * <p>The store's part of the answer (jobs, connections, last runs, recent values, ledger counts) is
 * read again after every change the web app makes through {@link SyncService}, at the end of every
 * run, and every {@link #REFRESH} on a thread of its own while anyone asks for the status; a status
 * asked for after {@link #IDLE} without any reads it at once. The scheduler's part (whether a job
 * runs, when it runs next) is asked live. A job's ledger counts, which take a count over its whole
 * ledger, are read when the job is saved and when its run ends, not while it runs here; on a shared
 * PostgreSQL store, where other instances' runs change them, also at each refresh while it does not
 * run here.
 */
@Singleton
final class StatusBoard implements RunListener, AutoCloseable {
  /** How often the store's part of the status is read again. */
  static final Duration REFRESH = Duration.ofSeconds(2);

  /** How long after the last status asked for the store stops being read for it. */
  static final Duration IDLE = Duration.ofMinutes(1);

  /** How many of a job's recently added or removed values the status shows. */
  static final int RECENT_VALUES = 20;

  private static final Logger LOG = LoggerFactory.getLogger(StatusBoard.class);

  private final Store store;
  private final boolean shared;
  private final Set<String> runningHere = ConcurrentHashMap.newKeySet();
  private final Set<String> ending = ConcurrentHashMap.newKeySet();
  private final Object refreshing = new Object();
  private final ScheduledExecutorService refresher;
  private volatile @Nullable Snapshot snapshot;
  private volatile long lastAskedNanos = System.nanoTime();
  private volatile boolean failing;

  @Inject
  StatusBoard(Store store) {
    this.store = store;
    this.shared = store instanceof PostgresStore;
    this.refresher =
        Executors.newSingleThreadScheduledExecutor(
            task -> {
              Thread thread = new Thread(task, "ioc-sync-status");
              thread.setDaemon(true);
              return thread;
            });
    refresher.scheduleWithFixedDelay(
        this::refreshQuietly, REFRESH.toMillis(), REFRESH.toMillis(), TimeUnit.MILLISECONDS);
  }

  /** The status: the store's part as last read, the scheduler's as it is now. */
  Views.Status status(SyncService service) {
    long asked = System.nanoTime();
    Snapshot now = snapshot;
    if (now == null) {
      now = refresh(Set.of());
    } else if (asked - now.readAtNanos() > IDLE.toNanos()) {
      now = refreshOr(Set.of(), now);
    }
    lastAskedNanos = asked;
    List<Views.JobStatus> jobs = new ArrayList<>();
    for (JobPart part : now.jobs().values()) {
      String name = part.job().name();
      jobs.add(
          new Views.JobStatus(
              name,
              part.job().paused(),
              service.busy(name) || ending.contains(name),
              part.lastRun(),
              service.nextRun(name).map(Instant::toString).orElse(null),
              part.counts().confirmed(),
              part.counts().pendingAdd(),
              part.counts().pendingRemove(),
              part.recentValues()));
    }
    return new Views.Status(now.connections(), jobs);
  }

  /** Reads the store's part again, after a change to the jobs, their pausing or the connections. */
  void changed() {
    refresh(Set.of());
  }

  /** Reads the store's part again after {@code job} was saved, its ledger counts included. */
  void saved(String job) {
    refresh(Set.of(job));
  }

  @Override
  public void runStarted(String job, RunKind kind, boolean dryRun) {
    if (!dryRun) {
      runningHere.add(job);
    }
  }

  /**
   * Reads the job's finished run and its ledger counts on the refreshing thread, leaving the run's
   * own to the scheduler at once. Until they are read the status says the job runs, so that no
   * status shows it ended with the run before.
   */
  @Override
  public void runFinished(RunReport report) {
    if (report.dryRun()) {
      return;
    }
    String job = report.job();
    runningHere.remove(job);
    ending.add(job);
    try {
      refresher.execute(
          () -> {
            try {
              Snapshot last = snapshot;
              if (last != null) {
                refreshOr(Set.of(job), last);
              }
            } finally {
              ending.remove(job);
            }
          });
    } catch (RejectedExecutionException e) {
      // Closing: nobody asks for the status any more.
      ending.remove(job);
    }
  }

  private void refreshQuietly() {
    Snapshot last = snapshot;
    if (last != null && System.nanoTime() - lastAskedNanos <= IDLE.toNanos()) {
      refreshOr(Set.of(), last);
    }
  }

  /**
   * Reads the store's part again, recounting {@code recount}, or, when the store fails, says so
   * once and keeps {@code last}.
   */
  private Snapshot refreshOr(Set<String> recount, Snapshot last) {
    try {
      Snapshot read = refresh(recount);
      if (failing) {
        failing = false;
        LOG.info("The status is read from the store again");
      }
      return read;
    } catch (RuntimeException e) {
      if (!failing) {
        failing = true;
        LOG.warn(
            "Cannot read the status from the store; the status shows what it last read: {}",
            e.getMessage());
      }
      return last;
    }
  }

  /**
   * Reads the store's part of the status: the ledger counts of the jobs in {@code recount}, of jobs
   * not read before, and, on a shared store, of every job not running here; the others keep theirs.
   */
  private Snapshot refresh(Set<String> recount) {
    synchronized (refreshing) {
      Snapshot before = snapshot;
      List<Views.Connection> connections =
          List.of(connection(Server.MISP), connection(Server.QRADAR));
      Map<String, JobPart> jobs = new LinkedHashMap<>();
      for (StoredJob job : store.jobs()) {
        String name = job.name();
        JobPart old = before == null ? null : before.jobs().get(name);
        Counts counts =
            old == null || recount.contains(name) || (shared && !runningHere.contains(name))
                ? Counts.of(store.syncState(name))
                : old.counts();
        List<RunRecord> runs = store.runs(name, 1);
        jobs.put(
            name,
            new JobPart(
                job,
                runs.isEmpty() ? null : Views.Run.of(runs.get(0)),
                counts,
                store.recentValues(name).stream()
                    .limit(RECENT_VALUES)
                    .map(Views.Value::of)
                    .toList()));
      }
      Snapshot read = new Snapshot(System.nanoTime(), connections, jobs);
      snapshot = read;
      return read;
    }
  }

  private Views.Connection connection(Server server) {
    return Views.Connection.of(
        server,
        store.connection(server).orElse(null),
        store.secret(SyncService.secretName(server)).isPresent());
  }

  /** Stops reading the store; the caller closes the store after. */
  @Override
  public void close() {
    refresher.shutdownNow();
    try {
      refresher.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** The store's part of the status, read at one time. */
  private record Snapshot(
      long readAtNanos, List<Views.Connection> connections, Map<String, JobPart> jobs) {}

  /** The store's part of one job's status. */
  private record JobPart(
      StoredJob job, Views.@Nullable Run lastRun, Counts counts, List<Views.Value> recentValues) {}

  /** A job's ledger counts. */
  private record Counts(long confirmed, long pendingAdd, long pendingRemove) {
    static Counts of(SyncState state) {
      return new Counts(state.confirmed(), state.pendingAdd(), state.pendingRemove());
    }
  }
}
