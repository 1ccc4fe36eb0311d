package org.iocsync.web;

import java.util.List;
import org.iocsync.core.ConnectionSettings;
import org.iocsync.core.JobSpec;
import org.jspecify.annotations.Nullable;

/**
 * A configuration file, read and checked: how to reach both servers and the jobs to run.
 *
 * @param misp how to reach MISP
 * @param mispKey the MISP API key
 * @param qradar how to reach QRadar
 * @param qradarToken the QRadar authorized service token
 * @param jobs the jobs, in the file's order
 * @param store the shared PostgreSQL store of the {@code store} section, or null for SQLite in the
 *     state directory
 */
record SyncConfig(
    ConnectionSettings misp,
    Secret mispKey,
    ConnectionSettings qradar,
    Secret qradarToken,
    List<JobSpec> jobs,
    @Nullable StoreSettings store) {
  SyncConfig {
    jobs = List.copyOf(jobs);
  }

  /** This configuration with another store. */
  SyncConfig withStore(@Nullable StoreSettings other) {
    return new SyncConfig(misp, mispKey, qradar, qradarToken, jobs, other);
  }
}
