package org.iocsync.web;

import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.iocsync.core.ConnectionSettings;
import org.iocsync.core.JobBusyException;
import org.iocsync.core.JobSpec;
import org.iocsync.core.PostgresStore;
import org.iocsync.core.RunKind;
import org.iocsync.core.RunReport;
import org.iocsync.core.Scheduler;
import org.iocsync.core.Server;
import org.iocsync.core.Store;
import org.iocsync.core.StoredJob;
import org.iocsync.core.SyncEngine;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the page and the API act on: the store's jobs and connections, and the core's scheduler,
 * which polls each job at its interval, reconciles it in full daily, and runs it when asked, never
 * twice at once.
 *
 * <p>Polling starts with {@link #startScheduling()}, or as soon as both connections and their
 * secrets are saved if that comes later; until then jobs run only when asked.
 */
@Singleton
final class SyncService implements AutoCloseable {
  static final String MISP_KEY = "misp.key";
  static final String QRADAR_TOKEN = "qradar.token";

  /** How long Run now waits to see whether another instance holds the job's lease. */
  static final Duration BUSY_WAIT = Duration.ofMillis(500);

  /** How long runs in progress may take to end their batch in flight when the server stops. */
  static final Duration STOP_GRACE = Duration.ofSeconds(10);

  private static final Logger LOG = LoggerFactory.getLogger(SyncService.class);

  private final Store store;
  private final Connectors connectors;
  private final SyncEngine engine;
  private final Scheduler scheduler;
  private final StatusBoard board;
  private boolean schedulingWanted;
  private volatile boolean scheduling;

  @Inject
  SyncService(
      Store store,
      Connectors connectors,
      SyncEngine engine,
      Scheduler scheduler,
      StatusBoard board) {
    this.store = store;
    this.connectors = connectors;
    this.engine = engine;
    this.scheduler = scheduler;
    this.board = board;
  }

  /**
   * Lets the scheduler poll the jobs, from now on if both connections and their secrets are saved,
   * else from when they are.
   */
  synchronized void startScheduling() {
    schedulingWanted = true;
    startIfReady();
  }

  private synchronized void startIfReady() {
    if (schedulingWanted && !scheduling && ready()) {
      scheduler.start();
      scheduling = true;
      LOG.info("Scheduler started");
    }
  }

  /** When the job runs next on its own, or empty while it is paused or nothing polls. */
  Optional<Instant> nextRun(String job) {
    return scheduling ? scheduler.nextRunAt(job) : Optional.empty();
  }

  Store store() {
    return store;
  }

  /**
   * Both connections and every job's status, answered from memory: see {@link StatusBoard} for when
   * it reads the store.
   */
  Views.Status status() {
    return board.status(this);
  }

  List<StoredJob> jobs() {
    return store.jobs();
  }

  Optional<StoredJob> job(String name) {
    return store.job(name);
  }

  void saveJob(JobSpec spec) {
    store.saveJob(spec);
    board.saved(spec.name());
    LOG.info("Job {} saved", spec.name());
  }

  boolean deleteJob(String name) {
    boolean deleted = store.deleteJob(name);
    board.changed();
    if (deleted) {
      LOG.info("Job {} deleted; the values it added stay in QRadar", name);
    }
    return deleted;
  }

  /** Pauses or resumes the job's scheduled runs, here and in the store. */
  void setPaused(String name, boolean paused) {
    if (paused) {
      scheduler.pause(name);
    } else {
      scheduler.resume(name);
    }
    board.changed();
    LOG.info("Job {} {}", name, paused ? "paused" : "resumed");
  }

  /** Whether a run of the job is waiting or going. */
  boolean busy(String name) {
    return scheduler.schedule().stream()
        .anyMatch(schedule -> schedule.job().equals(name) && schedule.running());
  }

  /**
   * Starts a run of a job on the scheduler, which records it in the history, failed if it could not
   * reach a server.
   *
   * @return false when one is queued or running already
   * @throws JobBusyException when another instance sharing the PostgreSQL store runs the job, which
   *     shows within {@link #BUSY_WAIT} since the run takes the job's lease first
   */
  boolean runSoon(String name, RunKind kind) {
    if (busy(name)) {
      return false;
    }
    CompletableFuture<RunReport> run = scheduler.runNow(name, kind);
    if (!(store instanceof PostgresStore)) {
      return true;
    }
    try {
      run.get(BUSY_WAIT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof JobBusyException busy) {
        throw busy;
      }
    } catch (TimeoutException | CancellationException e) {
      // Still going (or the scheduler is stopping): the history and the status tell the rest.
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return true;
  }

  /**
   * Computes what a full run would change, writing nothing.
   *
   * @throws IllegalStateException when a connection or its secret is not saved, or the job is
   *     running
   */
  RunReport dryRun(String name) {
    for (Server server : Server.values()) {
      if (store.connection(server).isEmpty()) {
        throw new IllegalStateException("Save the " + label(server) + " connection first");
      }
      secret(server);
    }
    return engine.dryRun(name, RunKind.FULL);
  }

  /** Whether both connections and their secrets are saved, so that jobs can run. */
  boolean ready() {
    return store.connection(Server.MISP).isPresent()
        && store.connection(Server.QRADAR).isPresent()
        && secretSet(Server.MISP)
        && secretSet(Server.QRADAR);
  }

  Optional<ConnectionSettings> connection(Server server) {
    return store.connection(server);
  }

  boolean secretSet(Server server) {
    return store.secret(secretName(server)).isPresent();
  }

  /** Saves how to reach a server; a null secret keeps the stored one. */
  void saveConnection(Server server, ConnectionSettings settings, @Nullable Secret secret) {
    store.saveConnection(server, settings);
    if (secret != null) {
      store.saveSecret(secretName(server), secret.reveal());
    }
    board.changed();
    LOG.info("{} connection saved ({})", label(server), settings.url());
    startIfReady();
  }

  /**
   * Tries a server with its stored settings.
   *
   * @return what the server says about itself, such as its version
   * @throws IllegalStateException when the settings or the secret are missing, or the server fails
   */
  String test(Server server) {
    ConnectionSettings settings =
        store
            .connection(server)
            .orElseThrow(
                () -> new IllegalStateException("Save the " + label(server) + " connection first"));
    Secret secret = secret(server);
    return server == Server.MISP
        ? connectors.testMisp(settings, secret)
        : connectors.testQradar(settings, secret);
  }

  /** The types the MISP server knows, for the job form; empty when it cannot be asked. */
  Set<String> mispTypes() {
    try {
      Optional<ConnectionSettings> settings = store.connection(Server.MISP);
      if (settings.isEmpty() || !secretSet(Server.MISP)) {
        return Set.of();
      }
      return connectors.mispTypes(settings.get(), secret(Server.MISP));
    } catch (RuntimeException e) {
      LOG.warn("Cannot read the MISP server's types: {}", e.getMessage());
      return Set.of();
    }
  }

  private Secret secret(Server server) {
    return store
        .secret(secretName(server))
        .map(Secret::new)
        .orElseThrow(
            () ->
                new IllegalStateException(
                    "The "
                        + label(server)
                        + (server == Server.MISP ? " key" : " token")
                        + " is not set: save it with the connection"));
  }

  static String label(Server server) {
    return server == Server.MISP ? "MISP" : "QRadar";
  }

  static String secretName(Server server) {
    return server == Server.MISP ? MISP_KEY : QRADAR_TOKEN;
  }

  /**
   * Stops the scheduler, letting runs end their batch in flight, and the status's reading, then
   * closes the store.
   */
  @Override
  public void close() {
    scheduler.stop(STOP_GRACE);
    board.close();
    store.close();
  }
}
