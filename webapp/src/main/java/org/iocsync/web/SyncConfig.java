package org.iocsync.web;

import java.util.List;
import org.iocsync.core.ConnectionSettings;
import org.iocsync.core.JobSpec;

/**
 * A configuration file, read and checked: how to reach both servers and the jobs to run.
 *
 * @param misp how to reach MISP
 * @param mispKey the MISP API key
 * @param qradar how to reach QRadar
 * @param qradarToken the QRadar authorized service token
 * @param jobs the jobs, in the file's order
 */
record SyncConfig(
    ConnectionSettings misp,
    Secret mispKey,
    ConnectionSettings qradar,
    Secret qradarToken,
    List<JobSpec> jobs) {
  SyncConfig {
    jobs = List.copyOf(jobs);
  }
}
