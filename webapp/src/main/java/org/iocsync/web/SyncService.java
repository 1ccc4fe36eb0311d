package org.iocsync.web;

import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.iocsync.core.ConnectionSettings;
import org.iocsync.core.JobSpec;
import org.iocsync.core.RunKind;
import org.iocsync.core.RunReport;
import org.iocsync.core.Server;
import org.iocsync.core.Store;
import org.iocsync.core.StoredJob;
import org.iocsync.core.SyncEngine;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the page and the API act on: the store's jobs and connections, and runs of the sync engine,
 * one at a time on a background thread.
 */
@Singleton
final class SyncService implements AutoCloseable {
  static final String MISP_KEY = "misp.key";
  static final String QRADAR_TOKEN = "qradar.token";

  private static final Logger LOG = LoggerFactory.getLogger(SyncService.class);

  private final Store store;
  private final Connectors connectors;
  private final Clock clock;
  private final Set<String> queued = ConcurrentHashMap.newKeySet();
  private final ExecutorService runs =
      Executors.newSingleThreadExecutor(
          runnable -> {
            Thread thread = new Thread(runnable, "ioc-sync-web-runs");
            thread.setDaemon(true);
            return thread;
          });

  @Inject
  SyncService(Store store, Connectors connectors, Clock clock) {
    this.store = store;
    this.connectors = connectors;
    this.clock = clock;
  }

  Store store() {
    return store;
  }

  List<StoredJob> jobs() {
    return store.jobs();
  }

  Optional<StoredJob> job(String name) {
    return store.job(name);
  }

  void saveJob(JobSpec spec) {
    store.saveJob(spec);
    LOG.info("Job {} saved", spec.name());
  }

  boolean deleteJob(String name) {
    boolean deleted = store.deleteJob(name);
    if (deleted) {
      LOG.info("Job {} deleted; the values it added stay in QRadar", name);
    }
    return deleted;
  }

  void setPaused(String name, boolean paused) {
    store.setPaused(name, paused);
    LOG.info("Job {} {}", name, paused ? "paused" : "resumed");
  }

  /** Whether a run of the job is waiting or going. */
  boolean busy(String name) {
    return queued.contains(name);
  }

  /**
   * Queues a run of a job.
   *
   * @return false when one is queued or running already
   */
  boolean runSoon(String name, RunKind kind) {
    if (!queued.add(name)) {
      return false;
    }
    runs.execute(
        () -> {
          try {
            engine().run(name, kind);
          } catch (Exception e) {
            // The engine reports its own failures; this is a run that could not even start, or
            // one stopped by the server shutting down.
            if (Thread.currentThread().isInterrupted() || e instanceof InterruptedException) {
              LOG.info("Run of job {} stopped: the server is shutting down", name);
            } else {
              LOG.error("Run of job {} could not start: {}", name, e.getMessage());
            }
          } finally {
            queued.remove(name);
          }
        });
    return true;
  }

  /** Computes what a run would change, writing nothing. */
  RunReport dryRun(String name) {
    return engine().dryRun(name, RunKind.FULL);
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
    LOG.info("{} connection saved ({})", label(server), settings.url());
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

  private SyncEngine engine() {
    ConnectionSettings misp =
        store
            .connection(Server.MISP)
            .orElseThrow(() -> new IllegalStateException("Save the MISP connection first"));
    ConnectionSettings qradar =
        store
            .connection(Server.QRADAR)
            .orElseThrow(() -> new IllegalStateException("Save the QRadar connection first"));
    return SyncEngine.builder()
        .store(store)
        .source(connectors.misp(misp, secret(Server.MISP)))
        .target(connectors.qradar(qradar, secret(Server.QRADAR)))
        .clock(clock)
        .build();
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

  private static String secretName(Server server) {
    return server == Server.MISP ? MISP_KEY : QRADAR_TOKEN;
  }

  @Override
  public void close() {
    runs.shutdownNow();
    try {
      runs.awaitTermination(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    store.close();
  }
}
