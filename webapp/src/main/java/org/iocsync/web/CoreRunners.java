package org.iocsync.web;

import java.nio.file.Path;
import java.time.Clock;
import java.util.Optional;
import org.iocsync.core.JobSpec;
import org.iocsync.core.RunKind;
import org.iocsync.core.RunReport;
import org.iocsync.core.SqliteStore;
import org.iocsync.core.Store;
import org.iocsync.core.StoredJob;
import org.iocsync.core.SyncEngine;

/**
 * Runs jobs with the core's sync engine on the store of a state directory, or on the shared
 * PostgreSQL store the configuration names.
 */
final class CoreRunners implements JobRunner.Factory {
  private final Connectors connectors;
  private final Clock clock;

  CoreRunners(Connectors connectors, Clock clock) {
    this.connectors = connectors;
    this.clock = clock;
  }

  @Override
  public JobRunner open(SyncConfig config, Path stateDir) {
    StoreSettings shared = config.store();
    Store store =
        shared != null ? shared.open() : SqliteStore.builder().stateDirectory(stateDir).build();
    try {
      SyncEngine engine =
          SyncEngine.builder()
              .store(store)
              .source(connectors.misp(config.misp(), config.mispKey()))
              .target(connectors.qradar(config.qradar(), config.qradarToken()))
              .clock(clock)
              .build();
      return new Runner(store, engine);
    } catch (RuntimeException e) {
      store.close();
      throw e;
    }
  }

  private static final class Runner implements JobRunner {
    private final Store store;
    private final SyncEngine engine;

    Runner(Store store, SyncEngine engine) {
      this.store = store;
      this.engine = engine;
    }

    @Override
    public RunReport run(JobSpec job, boolean full, boolean dryRun) {
      Optional<StoredJob> stored = store.job(job.name());
      if (dryRun && stored.isPresent() && changesTheSet(stored.get().spec(), job)) {
        // Saving would start the job's ledger afresh, and a dry run must not touch the ledger.
        throw new IllegalStateException(
            "the configuration moves job "
                + JobReader.quote(job.name())
                + " to another reference set or element type than the state directory has;"
                + " a dry run cannot show that change: run it without --dry-run, or use a new"
                + " --state-dir");
      }
      if (stored.isEmpty() || !stored.get().spec().equals(job)) {
        store.saveJob(job);
      }
      RunKind kind = full ? RunKind.FULL : RunKind.INCREMENTAL;
      return dryRun ? engine.dryRun(job.name(), kind) : engine.run(job.name(), kind);
    }

    @Override
    public void close() {
      store.close();
    }

    private static boolean changesTheSet(JobSpec before, JobSpec after) {
      return !before.referenceSet().equals(after.referenceSet())
          || before.elementType() != after.elementType();
    }
  }
}
