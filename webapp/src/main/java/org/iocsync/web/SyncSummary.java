package org.iocsync.web;

import com.squareup.moshi.JsonAdapter;
import com.squareup.moshi.Moshi;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;
import org.iocsync.core.RunReport;
import org.jspecify.annotations.Nullable;

/**
 * What {@code ioc-sync sync --json} prints: one entry per job, in the shape other tools rely on.
 *
 * @param jobs the jobs in the order they ran
 */
record SyncSummary(List<SyncSummary.Job> jobs) {
  private static final JsonAdapter<SyncSummary> ADAPTER =
      new Moshi.Builder()
          .add(new RecordAdapterFactory())
          .build()
          .adapter(SyncSummary.class)
          .serializeNulls();

  SyncSummary {
    jobs = List.copyOf(jobs);
  }

  /**
   * One job's run.
   *
   * @param status {@code ok} or {@code failed}
   * @param skippedByReason skipped attributes counted by reason code, such as {@code not-ids}
   * @param error what went wrong, or null
   */
  record Job(
      String name,
      String status,
      long fetched,
      long desired,
      long added,
      long removed,
      long skipped,
      Map<String, Long> skippedByReason,
      @Nullable String error) {
    static Job of(RunReport report) {
      Map<String, Long> reasons = new LinkedHashMap<>();
      report.skippedByReason().forEach((reason, count) -> reasons.put(reason.code(), count));
      return new Job(
          report.job(),
          report.ok() ? "ok" : "failed",
          report.fetched(),
          report.desired(),
          report.added(),
          report.removed(),
          report.skipped(),
          reasons,
          report.ok() ? null : errorOf(report));
    }

    /** A job that failed before it could run, such as when its run threw. */
    static Job failed(String name, String error) {
      return new Job(name, "failed", 0, 0, 0, 0, 0, Map.of(), error);
    }

    boolean ok() {
      return status.equals("ok");
    }

    /** One line for a person to read. */
    String line(boolean dryRun) {
      StringBuilder line = new StringBuilder(name).append(": ").append(status);
      line.append(", fetched ").append(fetched).append(", desired ").append(desired);
      line.append(dryRun ? ", would add " : ", added ").append(added);
      line.append(dryRun ? ", would remove " : ", removed ").append(removed);
      line.append(", skipped ").append(skipped);
      if (!skippedByReason.isEmpty()) {
        line.append(" (")
            .append(
                skippedByReason.entrySet().stream()
                    .map(e -> e.getKey() + " " + e.getValue())
                    .collect(Collectors.joining(", ")))
            .append(')');
      }
      if (error != null) {
        line.append(": ").append(error);
      }
      return line.toString();
    }

    private static String errorOf(RunReport report) {
      String error = report.error();
      return error != null
          ? error
          : "the run ended " + report.outcome().name().toLowerCase(Locale.ROOT);
    }
  }

  boolean ok() {
    return jobs.stream().allMatch(Job::ok);
  }

  String toJson() {
    return ADAPTER.toJson(this);
  }
}
