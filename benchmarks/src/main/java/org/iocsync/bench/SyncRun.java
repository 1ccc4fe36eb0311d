package org.iocsync.bench;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.iocsync.core.ElementType;
import org.iocsync.core.JobSpec;
import org.iocsync.core.MispIndicatorSource;
import org.iocsync.core.QradarSetTarget;
import org.iocsync.core.RunKind;
import org.iocsync.core.RunOutcome;
import org.iocsync.core.RunReport;
import org.iocsync.core.SqliteStore;
import org.iocsync.core.SyncEngine;
import org.iocsync.core.SyncMode;
import org.iocsync.misp.MispClient;
import org.iocsync.qradar.QradarClient;

/**
 * Syncs a MISP server into a QRadar one with the real engine, store and clients: a full run, then
 * {@link #POLLS} incremental polls in the one JVM, as a service that keeps running makes them, each
 * once the suite has edited MISP, then an idle poll. Reports each phase's time and counts and the
 * full run's heap peak. Arguments: MISP's URL and key, QRadar's URL and token, and a state
 * directory.
 */
public final class SyncRun {
  static final String JOB = "all-indicators";

  /** The number of incremental polls after changes; the first is phase {@code poll1}. */
  static final int POLLS = 5;

  private SyncRun() {}

  public static void main(String[] args) {
    MispClient misp = MispClient.builder().baseUrl(args[0]).apiKey(args[1]).build();
    QradarClient qradar =
        QradarClient.builder()
            .baseUrl(args[2])
            .token(args[3])
            .batchSize(10_000)
            .taskPollInterval(Duration.ofMillis(20))
            .build();
    try (SqliteStore store = SqliteStore.builder().stateDirectory(Path.of(args[4])).build()) {
      store.saveJob(job());
      SyncEngine engine =
          SyncEngine.builder()
              .store(store)
              .source(new MispIndicatorSource(misp, 5_000))
              .target(new QradarSetTarget(qradar))
              .batchSize(10_000)
              .build();
      Figures.resetHeapPeak();

      RunReport full = timed("full", engine, RunKind.FULL);
      Figures.report("full.heapPeakMib", Figures.heapPeakMib());
      Figures.report("full.iocsPerSecond", full.fetched() / seconds(full));

      for (int poll = 1; poll <= POLLS; poll++) {
        Figures.awaitPhase("poll" + poll);
        timed("poll" + poll, engine, RunKind.INCREMENTAL);
      }

      Figures.awaitPhase("idle");
      timed("idle", engine, RunKind.INCREMENTAL);
    }
  }

  private static JobSpec job() {
    return new JobSpec(
        JOB,
        "MISP indicators",
        ElementType.ALNIC,
        List.of(),
        List.of(),
        List.of(),
        List.of(),
        true,
        true,
        false,
        SyncMode.MIRROR,
        15,
        true,
        null);
  }

  private static RunReport timed(String phase, SyncEngine engine, RunKind kind) {
    RunReport report = engine.run(JOB, kind);
    if (report.outcome() != RunOutcome.OK) {
      throw new IllegalStateException(phase + " run failed: " + report.error());
    }
    Figures.report(phase + ".seconds", seconds(report));
    Figures.report(phase + ".fetched", report.fetched());
    Figures.report(phase + ".desired", report.desired());
    Figures.report(phase + ".added", report.added());
    Figures.report(phase + ".removed", report.removed());
    return report;
  }

  private static double seconds(RunReport report) {
    return Duration.between(report.startedAt(), report.endedAt()).toNanos() / 1e9;
  }
}
