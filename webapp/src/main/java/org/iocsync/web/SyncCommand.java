package org.iocsync.web;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.iocsync.core.JobSpec;
import org.iocsync.core.RunReport;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code ioc-sync sync}: runs every job of a configuration file (or one) once, then exits. */
@Command(
    name = "sync",
    mixinStandardHelpOptions = true,
    description = "Runs every job (or one) once and exits.",
    footer = {
      "",
      "Exit codes: 0 all jobs succeeded, 1 a job failed, 2 a usage or configuration error.",
      "With --json, standard output carries one JSON object; logs go to standard error."
    })
final class SyncCommand implements Callable<Integer> {
  private static final Logger LOG = LoggerFactory.getLogger(SyncCommand.class);

  @Option(
      names = "--config",
      required = true,
      paramLabel = "FILE",
      description = "The JSON configuration file.")
  Path config;

  @Option(
      names = "--state-dir",
      paramLabel = "DIR",
      defaultValue = "ioc-sync-data",
      description = "Where the database and the secrets' key live (default: ${DEFAULT-VALUE}).")
  Path stateDir;

  @Option(
      names = "--store-url",
      paramLabel = "URL",
      description =
          "Keeps the state in this shared PostgreSQL database (jdbc:postgresql://...) instead of"
              + " SQLite in --state-dir; the user, password file and key come from the"
              + " configuration's store section, or IOC_SYNC_STORE_USER,"
              + " IOC_SYNC_STORE_PASSWORD_FILE and IOC_SYNC_STORE_KEY.")
  @Nullable String storeUrl;

  @Option(names = "--job", paramLabel = "NAME", description = "Runs only this job.")
  @Nullable String job;

  @Option(
      names = "--dry-run",
      description = "Computes everything and writes nothing to QRadar or the ledger.")
  boolean dryRun;

  @Option(names = "--full", description = "Recomputes the whole set instead of polling changes.")
  boolean full;

  @Option(names = "--json", description = "Prints a JSON summary on standard output.")
  boolean json;

  private final Console console;

  SyncCommand(Console console) {
    this.console = console;
    this.config = Path.of("");
    this.stateDir = Path.of("ioc-sync-data");
  }

  @Override
  public Integer call() {
    SyncConfig parsed;
    try {
      parsed = new ConfigParser(console.env()).parse(config);
    } catch (ConfigException e) {
      console.err().println("Configuration error in " + e.getMessage());
      return Main.USAGE;
    }
    try {
      parsed =
          parsed.withStore(
              StoreSettings.resolve(parsed.store(), storeUrl, console.env()).orElse(null));
    } catch (IllegalArgumentException e) {
      console.err().println(e.getMessage());
      return Main.USAGE;
    }
    List<JobSpec> jobs = selectJobs(parsed.jobs());
    if (jobs.isEmpty()) {
      return Main.USAGE;
    }

    List<SyncSummary.Job> results = new ArrayList<>();
    try (JobRunner runner = console.runners().open(parsed, stateDir)) {
      for (JobSpec spec : jobs) {
        results.add(runOne(runner, spec));
      }
    } catch (RuntimeException e) {
      LOG.error("Cannot start the sync: {}", e.getMessage());
      console.err().println("Cannot start the sync: " + e.getMessage());
      return Main.FAILED;
    }

    SyncSummary summary = new SyncSummary(results);
    if (json) {
      console.out().println(summary.toJson());
    } else {
      summary.jobs().forEach(result -> console.out().println(result.line(dryRun)));
    }
    return summary.ok() ? Main.OK : Main.FAILED;
  }

  private SyncSummary.Job runOne(JobRunner runner, JobSpec spec) {
    try {
      RunReport report = runner.run(spec, full, dryRun);
      SyncSummary.Job result = SyncSummary.Job.of(report);
      if (result.ok()) {
        LOG.info("{}", result.line(dryRun));
      } else {
        LOG.error("{}", result.line(dryRun));
      }
      return result;
    } catch (RuntimeException e) {
      String error = e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName();
      LOG.error("Job {} failed: {}", spec.name(), error, e);
      return SyncSummary.Job.failed(spec.name(), error);
    }
  }

  /** The jobs to run, or empty after saying why there are none. */
  private List<JobSpec> selectJobs(List<JobSpec> all) {
    if (all.isEmpty()) {
      console.err().println("Configuration error in " + config + ": $.jobs: is empty: add a job");
      return List.of();
    }
    String wanted = job;
    if (wanted == null) {
      return all;
    }
    for (JobSpec spec : all) {
      if (spec.name().equals(wanted)) {
        return List.of(spec);
      }
    }
    console
        .err()
        .println(
            "--job: "
                + JobReader.quote(wanted)
                + " is not a job of "
                + config
                + ": use one of "
                + String.join(", ", all.stream().map(JobSpec::name).toList()));
    return List.of();
  }
}
