package org.iocsync.web;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.iocsync.core.ConnectionSettings;
import org.iocsync.core.JobSpec;
import org.iocsync.core.RecentValue;
import org.iocsync.core.RunRecord;
import org.iocsync.core.RunReport;
import org.iocsync.core.Server;
import org.iocsync.core.SkipReason;
import org.iocsync.core.SkippedAttribute;
import org.iocsync.core.StoredJob;
import org.iocsync.core.SyncState;
import org.jspecify.annotations.Nullable;

/** The JSON shapes of the API. Secrets appear only as whether they are set. */
final class Views {
  private Views() {}

  /** A job as the configuration file spells it, with whether it is paused. */
  record Job(
      String name,
      String referenceSet,
      String elementType,
      List<String> types,
      List<String> eventIds,
      List<String> tags,
      List<String> excludeTags,
      boolean toIdsOnly,
      boolean publishedOnly,
      boolean enforceWarninglist,
      String mode,
      int intervalMinutes,
      boolean createSetIfMissing,
      @Nullable String timeToLive,
      boolean paused) {
    static Job of(StoredJob stored) {
      JobSpec spec = stored.spec();
      return new Job(
          spec.name(),
          spec.referenceSet(),
          spec.elementType().name(),
          spec.types(),
          spec.eventIds(),
          spec.tags(),
          spec.excludeTags(),
          spec.toIdsOnly(),
          spec.publishedOnly(),
          spec.enforceWarninglist(),
          spec.mode().name().toLowerCase(Locale.ROOT),
          spec.intervalMinutes(),
          spec.createSetIfMissing(),
          spec.timeToLive(),
          stored.paused());
    }
  }

  record Jobs(List<Job> jobs) {}

  /** A finished or running run, with the instance that ran it on a shared store (else null). */
  record Run(
      long id,
      String job,
      String kind,
      String outcome,
      String startedAt,
      @Nullable String endedAt,
      long fetched,
      long desired,
      long added,
      long removed,
      long skipped,
      Map<String, Long> skippedByReason,
      @Nullable String error,
      @Nullable String instance) {
    static Run of(RunRecord run) {
      Instant ended = run.endedAt();
      return new Run(
          run.id(),
          run.job(),
          lower(run.kind()),
          lower(run.outcome()),
          run.startedAt().toString(),
          ended == null ? null : ended.toString(),
          run.fetched(),
          run.desired(),
          run.added(),
          run.removed(),
          run.skipped(),
          reasons(run.skippedByReason()),
          run.error(),
          run.instance());
    }
  }

  record Runs(List<Run> runs) {}

  /** A value a job recently added or removed. */
  record Value(String value, String change, String at) {
    static Value of(RecentValue value) {
      return new Value(value.value(), value.added() ? "added" : "removed", value.at().toString());
    }
  }

  /** Where one job stands. */
  record JobStatus(
      String name,
      boolean paused,
      boolean running,
      @Nullable Run lastRun,
      @Nullable String nextRunAt,
      long valuesInSet,
      long pendingAdd,
      long pendingRemove,
      List<Value> recentValues) {}

  /** A server's settings; the secret only as set or not set. */
  record Connection(
      String server,
      @Nullable String url,
      @Nullable String apiVersion,
      boolean verifyTls,
      String caCertificate,
      String secret) {
    static Connection of(Server server, @Nullable ConnectionSettings settings, boolean secretSet) {
      return new Connection(
          lower(server),
          settings == null ? null : settings.url(),
          settings == null ? null : settings.apiVersion(),
          settings == null || settings.verifyTls(),
          settings != null && settings.caCertificatePem() != null ? "set" : "not set",
          secretSet ? "set" : "not set");
    }
  }

  record Status(List<Connection> connections, List<JobStatus> jobs) {}

  /** The answer to a connection test. */
  record Test(String server, boolean ok, String message) {}

  record Started(String job, String message) {}

  /** An attribute a dry run skipped. */
  record Skipped(String uuid, String eventId, String type, String value) {
    static Skipped of(SkippedAttribute attribute) {
      return new Skipped(
          attribute.uuid(), attribute.eventId(), attribute.type(), attribute.value());
    }
  }

  /** What a run would change. */
  record DryRun(
      String job,
      String outcome,
      long fetched,
      long desired,
      long added,
      long removed,
      long skipped,
      Map<String, Long> skippedByReason,
      @Nullable String error,
      List<String> valuesToAdd,
      List<String> valuesToRemove,
      Map<String, List<Skipped>> skippedExamples) {
    static DryRun of(RunReport report) {
      Map<String, List<Skipped>> examples = new LinkedHashMap<>();
      report
          .skippedExamples()
          .forEach(
              (reason, list) ->
                  examples.put(reason.code(), list.stream().map(Skipped::of).toList()));
      return new DryRun(
          report.job(),
          lower(report.outcome()),
          report.fetched(),
          report.desired(),
          report.added(),
          report.removed(),
          report.skipped(),
          reasons(report.skippedByReason()),
          report.error(),
          report.valuesToAdd(),
          report.valuesToRemove(),
          examples);
    }
  }

  record Logs(List<LogBuffer.Line> lines) {}

  static JobStatus status(SyncService service, StoredJob job) {
    List<RunRecord> runs = service.store().runs(job.name(), 1);
    SyncState state = service.store().syncState(job.name());
    return new JobStatus(
        job.name(),
        job.paused(),
        service.busy(job.name()),
        runs.isEmpty() ? null : Run.of(runs.get(0)),
        service.nextRun(job.name()).map(Instant::toString).orElse(null),
        state.confirmed(),
        state.pendingAdd(),
        state.pendingRemove(),
        service.store().recentValues(job.name()).stream().limit(20).map(Value::of).toList());
  }

  static Map<String, Long> reasons(Map<SkipReason, Long> counts) {
    Map<String, Long> reasons = new LinkedHashMap<>();
    counts.forEach((reason, count) -> reasons.put(reason.code(), count));
    return reasons;
  }

  private static String lower(Enum<?> value) {
    return value.name().toLowerCase(Locale.ROOT);
  }
}
