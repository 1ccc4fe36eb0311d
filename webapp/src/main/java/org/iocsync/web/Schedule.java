package org.iocsync.web;

import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.iocsync.core.RunKind;
import org.iocsync.core.RunRecord;
import org.iocsync.core.StoredJob;
import org.iocsync.core.SyncState;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Polls each job that is not paused every {@code intervalMinutes} (counted from its last run's
 * start), in full when its last full run is older than {@link #FULL_EVERY}, so that deletions and
 * flag changes are caught even where incremental polls cannot see them.
 */
@Singleton
final class Schedule implements AutoCloseable {
  static final Duration FULL_EVERY = Duration.ofHours(24);
  static final Duration TICK = Duration.ofSeconds(2);

  private static final Logger LOG = LoggerFactory.getLogger(Schedule.class);

  private final SyncService service;
  private final Clock clock;
  private final Map<String, Instant> attempts = new ConcurrentHashMap<>();
  private @Nullable ScheduledExecutorService ticker;

  @Inject
  Schedule(SyncService service, Clock clock) {
    this.service = service;
    this.clock = clock;
  }

  /** Starts polling; until then, jobs run only when asked. */
  synchronized void start() {
    if (ticker != null) {
      return;
    }
    ScheduledExecutorService started =
        Executors.newSingleThreadScheduledExecutor(
            runnable -> {
              Thread thread = new Thread(runnable, "ioc-sync-schedule");
              thread.setDaemon(true);
              return thread;
            });
    started.scheduleWithFixedDelay(this::tick, 0, TICK.toMillis(), TimeUnit.MILLISECONDS);
    ticker = started;
    LOG.info("Scheduler started");
  }

  synchronized boolean started() {
    return ticker != null;
  }

  /** When the job runs next on its own, or empty when it is paused or nothing polls. */
  Optional<Instant> nextRun(StoredJob job) {
    return nextRun(job, clock.instant());
  }

  private Optional<Instant> nextRun(StoredJob job, Instant now) {
    if (job.paused() || !started()) {
      return Optional.empty();
    }
    List<RunRecord> last = service.store().runs(job.name(), 1);
    @Nullable Instant since = last.isEmpty() ? null : last.get(0).startedAt();
    Instant attempt = attempts.get(job.name());
    if (attempt != null && (since == null || attempt.isAfter(since))) {
      since = attempt;
    }
    if (since == null) {
      return Optional.of(now);
    }
    return Optional.of(since.plus(Duration.ofMinutes(job.spec().intervalMinutes())));
  }

  /** Starts every run that is due. */
  void tick() {
    try {
      if (!service.ready()) {
        return;
      }
      Instant now = clock.instant();
      for (StoredJob job : service.jobs()) {
        Optional<Instant> next = nextRun(job, now);
        if (next.isPresent() && !next.get().isAfter(now) && !service.busy(job.name())) {
          // A run that cannot start waits for the next interval rather than retrying each tick.
          attempts.put(job.name(), now);
          service.runSoon(job.name(), kind(job, now));
        }
      }
    } catch (RuntimeException e) {
      LOG.error("The scheduler could not read the jobs: {}", e.getMessage());
    }
  }

  private RunKind kind(StoredJob job, Instant now) {
    SyncState state = service.store().syncState(job.name());
    Instant lastFull = state.lastFullRunAt();
    return lastFull == null || lastFull.plus(FULL_EVERY).isBefore(now)
        ? RunKind.FULL
        : RunKind.INCREMENTAL;
  }

  @Override
  public synchronized void close() {
    if (ticker != null) {
      ticker.shutdownNow();
      ticker = null;
    }
  }
}
