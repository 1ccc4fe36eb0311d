package org.iocsync.web;

import io.javalin.http.Context;
import jakarta.inject.Inject;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.iocsync.core.ConnectionSettings;
import org.iocsync.core.ElementType;
import org.iocsync.core.RunRecord;
import org.iocsync.core.Server;
import org.iocsync.core.StoredJob;
import org.jspecify.annotations.Nullable;

/**
 * Renders the one main page: connections, jobs with their status, the job form, recent values, run
 * history and log lines. Everything from outside is escaped; the page works without script.
 */
final class MainPage {
  /** A connection form as typed, with its errors, for when it comes back. */
  record ConnectionFields(
      String url,
      String apiVersion,
      boolean verifyTls,
      String caCertificatePem,
      Map<String, String> errors) {}

  /** What a page shows besides the stored state: a form coming back with its errors. */
  record State(
      @Nullable Server connectionForm,
      @Nullable ConnectionFields connectionFields,
      JobFields jobFields,
      @Nullable String editing,
      Map<String, String> jobErrors) {
    static State fresh() {
      return new State(null, null, JobFields.blank(), null, Map.of());
    }
  }

  private final SyncService service;
  private final LogBuffer logs;

  @Inject
  MainPage(SyncService service, LogBuffer logs) {
    this.service = service;
    this.logs = logs;
  }

  String render(Context ctx, Session session, State state) {
    StringBuilder body = new StringBuilder();
    body.append("<meta name=\"csrf-token\" content=\"")
        .append(Html.escape(session.csrfToken()))
        .append("\">");
    body.append("<div class=\"row top\"><form method=\"post\" action=\"logout\" class=\"inline\">")
        .append(Layout.csrfField(session))
        .append("<button type=\"submit\" class=\"secondary\" id=\"logout\">Log out</button>")
        .append("</form></div>");
    Session.Notice notice = session.takeNotice();
    if (notice != null) {
      body.append("<p class=\"notice ")
          .append(notice.ok() ? "ok" : "error")
          .append("\" id=\"notice\">")
          .append(Html.escape(notice.message()))
          .append("</p>");
    }
    body.append("<div class=\"grid\">");
    connection(body, session, Server.MISP, state);
    connection(body, session, Server.QRADAR, state);
    body.append("</div>");
    jobs(body, session);
    jobForm(body, session, state);
    recentValues(body);
    history(body);
    logLines(body);
    return Layout.page(ctx, "Overview", body.toString());
  }

  private void connection(StringBuilder out, Session session, Server server, State state) {
    String id = server == Server.MISP ? "misp" : "qradar";
    ConnectionSettings saved = service.connection(server).orElse(null);
    ConnectionFields fields =
        server == state.connectionForm() && state.connectionFields() != null
            ? state.connectionFields()
            : new ConnectionFields(
                saved == null ? "" : saved.url(),
                saved == null || saved.apiVersion() == null ? "" : saved.apiVersion(),
                saved == null || saved.verifyTls(),
                saved == null || saved.caCertificatePem() == null ? "" : saved.caCertificatePem(),
                Map.of());
    Map<String, String> errors = fields.errors();
    boolean secretSet = service.secretSet(server);
    String secretField = server == Server.MISP ? "key" : "token";
    String secretLabel = server == Server.MISP ? "API key" : "Authorized service token";

    out.append("<section class=\"card\" id=\"").append(id).append("-connection\">");
    out.append("<h2>").append(SyncService.label(server)).append("</h2>");
    out.append("<form method=\"post\" action=\"connections/").append(id).append("\">");
    out.append(Layout.csrfField(session));
    input(out, id + "-url", "url", "URL", fields.url(), "text", errors.get("url"));
    out.append("<label for=\"")
        .append(id)
        .append('-')
        .append(secretField)
        .append("\">")
        .append(secretLabel)
        .append(" <span class=\"muted\" id=\"")
        .append(id)
        .append("-secret-state\">(")
        .append(secretSet ? "set" : "not set")
        .append(")</span></label>");
    out.append("<input type=\"password\" autocomplete=\"off\" id=\"")
        .append(id)
        .append('-')
        .append(secretField)
        .append("\" name=\"")
        .append(secretField)
        .append("\" placeholder=\"")
        .append(secretSet ? "leave empty to keep the stored one" : "paste it once")
        .append("\">");
    error(out, id + "-" + secretField, errors.get(secretField));
    if (server == Server.QRADAR) {
      input(
          out,
          id + "-apiVersion",
          "apiVersion",
          "API version (empty: choose)",
          fields.apiVersion(),
          "text",
          errors.get("apiVersion"));
    }
    checkbox(out, id + "-verifyTls", "verifyTls", "Verify TLS certificates", fields.verifyTls());
    out.append("<label for=\"")
        .append(id)
        .append("-ca\">CA certificate (PEM, optional)</label>")
        .append("<textarea id=\"")
        .append(id)
        .append("-ca\" name=\"caCertificatePem\" rows=\"2\">")
        .append(Html.escape(fields.caCertificatePem()))
        .append("</textarea>");
    error(out, id + "-ca", errors.get("caCertificatePem"));
    out.append("<div class=\"row\"><button type=\"submit\" id=\"")
        .append(id)
        .append("-save\">Save</button>");
    out.append("<button type=\"submit\" class=\"secondary\" id=\"")
        .append(id)
        .append("-test\" formaction=\"connections/")
        .append(id)
        .append("/test\">Test connection</button></div>");
    out.append("</form></section>");
  }

  private void jobs(StringBuilder out, Session session) {
    out.append("<section class=\"card\" id=\"jobs\"><h2>Jobs</h2>");
    List<StoredJob> jobs = service.jobs();
    if (jobs.isEmpty()) {
      out.append("<p class=\"muted\">No job yet: add one below.</p></section>");
      return;
    }
    out.append("<table><thead><tr><th>Job</th><th>Reference set</th><th>Status</th>")
        .append("<th>Last run</th><th>Fetched</th><th>Desired</th><th>Added</th>")
        .append("<th>Removed</th><th>Skipped</th><th>Next poll</th><th></th></tr></thead><tbody>");
    for (StoredJob job : jobs) {
      Views.JobStatus status = Views.status(service, job);
      Views.Run last = status.lastRun();
      String name = Html.escape(job.name());
      String path = "jobs/" + Html.escape(UrlPaths.segment(job.name()));
      out.append("<tr class=\"job\" data-job=\"").append(name).append("\">");
      out.append("<td>").append(name).append("</td>");
      out.append("<td>")
          .append(Html.escape(job.spec().referenceSet()))
          .append(" <span class=\"muted\">")
          .append(job.spec().elementType().name())
          .append("</span></td>");
      out.append("<td class=\"status\">").append(Html.escape(statusText(status))).append("</td>");
      out.append("<td class=\"last\">")
          .append(last == null ? "never" : Html.escape(last.outcome() + " " + last.startedAt()))
          .append(
              last != null && last.error() != null
                  ? "<div class=\"error\">" + Html.escape(last.error()) + "</div>"
                  : "")
          .append("</td>");
      count(out, "fetched", last == null ? null : last.fetched());
      count(out, "desired", last == null ? null : last.desired());
      count(out, "added", last == null ? null : last.added());
      count(out, "removed", last == null ? null : last.removed());
      out.append("<td class=\"skipped\">")
          .append(last == null ? "" : Long.toString(last.skipped()))
          .append(
              last == null || last.skippedByReason().isEmpty()
                  ? ""
                  : " <span class=\"muted\">"
                      + Html.escape(reasons(last.skippedByReason()))
                      + "</span>")
          .append("</td>");
      String next = status.nextRunAt();
      out.append("<td><span class=\"countdown\" data-next=\"")
          .append(next == null ? "" : Html.escape(next))
          .append("\">")
          .append(next == null ? (job.paused() ? "paused" : "not scheduled") : Html.escape(next))
          .append("</span></td>");
      out.append("<td class=\"actions\">");
      action(out, session, path + "/run", "Run now", "run");
      action(out, session, path + "/dry-run", "Dry run", "dry-run");
      action(
          out,
          session,
          path + (job.paused() ? "/resume" : "/pause"),
          job.paused() ? "Resume" : "Pause",
          job.paused() ? "resume" : "pause");
      out.append("<a class=\"button secondary\" href=\"?edit=")
          .append(Html.escape(UrlPaths.query(job.name())))
          .append("#job-form\">Edit</a>");
      action(out, session, path + "/delete", "Delete", "delete");
      out.append("</td></tr>");
    }
    out.append("</tbody></table></section>");
  }

  private void jobForm(StringBuilder out, Session session, State state) {
    JobFields fields = state.jobFields();
    Map<String, String> errors = state.jobErrors();
    String editing = state.editing();
    out.append("<section class=\"card\" id=\"job-form\"><h2>")
        .append(editing == null ? "New job" : "Edit job " + Html.escape(editing))
        .append("</h2><form method=\"post\" action=\"jobs\">");
    out.append(Layout.csrfField(session));
    if (editing != null) {
      out.append("<input type=\"hidden\" name=\"original\" value=\"")
          .append(Html.escape(editing))
          .append("\">");
    }
    if (errors.containsKey("$")) {
      error(out, "job", errors.get("$"));
    }
    out.append("<div class=\"grid\"><div>");
    input(out, "job-name", "name", "Name", fields.name(), "text", errors.get("name"));
    input(
        out,
        "job-referenceSet",
        "referenceSet",
        "Reference set",
        fields.referenceSet(),
        "text",
        errors.get("referenceSet"));
    out.append(
        "<label for=\"job-elementType\">Element type</label><select id=\"job-elementType\" name=\"elementType\">");
    for (ElementType type : ElementType.values()) {
      option(out, type.name(), type.name(), type.name().equalsIgnoreCase(fields.elementType()));
    }
    out.append("</select>");
    error(out, "job-elementType", errors.get("elementType"));
    out.append("<label for=\"job-mode\">Mode</label><select id=\"job-mode\" name=\"mode\">");
    option(
        out,
        "mirror",
        "mirror: remove what MISP no longer yields",
        "mirror".equalsIgnoreCase(fields.mode()));
    option(out, "append", "append: only add", "append".equalsIgnoreCase(fields.mode()));
    out.append("</select>");
    error(out, "job-mode", errors.get("mode"));
    input(
        out,
        "job-intervalMinutes",
        "intervalMinutes",
        "Interval (minutes)",
        fields.intervalMinutes(),
        "text",
        errors.get("intervalMinutes"));
    input(
        out,
        "job-timeToLive",
        "timeToLive",
        "Time to live of a created set (e.g. 30 days)",
        fields.timeToLive(),
        "text",
        errors.get("timeToLive"));
    out.append("</div><div>");
    Set<String> known = new TreeSet<>(service.mispTypes());
    if (known.isEmpty()) {
      textarea(
          out,
          "job-types",
          "typesText",
          "IOC types (one per line; empty: every type that fits). Save a working MISP connection"
              + " to pick them from its list.",
          String.join("\n", fields.types()),
          errors.get("types"));
    } else {
      known.addAll(fields.types());
      out.append(
          "<label for=\"job-types\">IOC types (from MISP's describeTypes; none: every type"
              + " that fits)</label><select id=\"job-types\" name=\"types\" multiple size=\"8\">");
      for (String type : known) {
        option(out, type, type, fields.types().contains(type));
      }
      out.append("</select>");
      error(out, "job-types", errors.get("types"));
    }
    textarea(
        out,
        "job-eventIds",
        "eventIds",
        "Event ids (empty: all events)",
        fields.eventIds(),
        errors.get("eventIds"));
    out.append("</div><div>");
    textarea(
        out, "job-tags", "tags", "Tags, any of (one per line)", fields.tags(), errors.get("tags"));
    textarea(
        out,
        "job-excludeTags",
        "excludeTags",
        "Excluded tags (one per line)",
        fields.excludeTags(),
        errors.get("excludeTags"));
    checkbox(out, "job-toIdsOnly", "toIdsOnly", "Only attributes with to_ids", fields.toIdsOnly());
    checkbox(
        out, "job-publishedOnly", "publishedOnly", "Only published events", fields.publishedOnly());
    checkbox(
        out,
        "job-enforceWarninglist",
        "enforceWarninglist",
        "Enforce MISP warninglists",
        fields.enforceWarninglist());
    checkbox(
        out,
        "job-createSetIfMissing",
        "createSetIfMissing",
        "Create the reference set when missing",
        fields.createSetIfMissing());
    out.append("</div></div>");
    out.append("<div class=\"row\"><button type=\"submit\" id=\"job-save\">")
        .append(editing == null ? "Add job" : "Save job")
        .append("</button>");
    if (editing != null) {
      out.append("<a class=\"button secondary\" href=\"./\">Cancel</a>");
    }
    out.append("</div></form></section>");
  }

  private void recentValues(StringBuilder out) {
    out.append(
        "<section class=\"card\" id=\"recent-values\"><h2>Last values added and removed</h2>");
    boolean any = false;
    for (StoredJob job : service.jobs()) {
      List<org.iocsync.core.RecentValue> values = service.store().recentValues(job.name());
      if (values.isEmpty()) {
        continue;
      }
      any = true;
      out.append("<h3>").append(Html.escape(job.name())).append("</h3><table><tbody>");
      for (org.iocsync.core.RecentValue value : values.subList(0, Math.min(20, values.size()))) {
        out.append("<tr><td class=\"")
            .append(value.added() ? "ok\">added" : "error\">removed")
            .append("</td><td class=\"value\">")
            .append(Html.escape(value.value()))
            .append("</td><td class=\"muted\">")
            .append(value.at())
            .append("</td></tr>");
      }
      out.append("</tbody></table>");
    }
    if (!any) {
      out.append("<p class=\"muted\">Nothing yet.</p>");
    }
    out.append("</section>");
  }

  private void history(StringBuilder out) {
    out.append("<section class=\"card\" id=\"history\"><h2>Run history</h2>");
    List<RunRecord> runs = service.store().recentRuns(20);
    if (runs.isEmpty()) {
      out.append("<p class=\"muted\">No run yet.</p></section>");
      return;
    }
    boolean shared = runs.stream().anyMatch(run -> run.instance() != null);
    out.append("<table><thead><tr><th>Started</th><th>Job</th>")
        .append(shared ? "<th>Instance</th>" : "")
        .append("<th>Kind</th><th>Outcome</th>")
        .append("<th>Fetched</th><th>Added</th><th>Removed</th><th>Skipped</th><th>Error</th>")
        .append("</tr></thead><tbody>");
    for (RunRecord run : runs) {
      Views.Run view = Views.Run.of(run);
      String instance = view.instance();
      out.append("<tr><td>")
          .append(view.startedAt())
          .append("</td><td>")
          .append(Html.escape(view.job()));
      if (shared) {
        out.append("</td><td class=\"instance\">")
            .append(instance == null ? "" : Html.escape(instance));
      }
      out.append("</td><td>")
          .append(view.kind())
          .append("</td><td class=\"status-")
          .append(view.outcome())
          .append("\">")
          .append(view.outcome())
          .append("</td><td>")
          .append(view.fetched())
          .append("</td><td>")
          .append(view.added())
          .append("</td><td>")
          .append(view.removed())
          .append("</td><td>")
          .append(view.skipped())
          .append("</td><td class=\"error\">")
          .append(view.error() == null ? "" : Html.escape(view.error()))
          .append("</td></tr>");
    }
    out.append("</tbody></table></section>");
  }

  private void logLines(StringBuilder out) {
    out.append("<section class=\"card\"><h2>Log</h2><pre id=\"logs\">");
    for (LogBuffer.Line line : logs.latest(ApiRoutes.LOG_LINES)) {
      out.append(
              Html.escape(
                  line.at() + " " + line.level() + " " + line.logger() + " - " + line.message()))
          .append('\n');
    }
    out.append("</pre></section>");
  }

  static String statusText(Views.JobStatus status) {
    if (status.running()) {
      return "running";
    }
    if (status.paused()) {
      return "paused";
    }
    Views.Run last = status.lastRun();
    return last == null ? "waiting" : last.outcome();
  }

  static String reasons(Map<String, Long> reasons) {
    StringBuilder text = new StringBuilder();
    reasons.forEach(
        (reason, count) ->
            text.append(text.length() == 0 ? "" : ", ").append(reason).append(' ').append(count));
    return text.toString();
  }

  private static void count(StringBuilder out, String cls, @Nullable Long value) {
    out.append("<td class=\"")
        .append(cls)
        .append("\">")
        .append(value == null ? "" : value.toString())
        .append("</td>");
  }

  private static void action(
      StringBuilder out, Session session, String action, String label, String cls) {
    out.append("<form method=\"post\" class=\"inline\" action=\"")
        .append(action)
        .append("\">")
        .append(Layout.csrfField(session))
        .append("<button type=\"submit\" class=\"secondary ")
        .append(cls)
        .append("\">")
        .append(label)
        .append("</button></form>");
  }

  private static void input(
      StringBuilder out,
      String id,
      String name,
      String label,
      String value,
      String type,
      @Nullable String error) {
    out.append("<label for=\"")
        .append(id)
        .append("\">")
        .append(Html.escape(label))
        .append("</label>")
        .append("<input type=\"")
        .append(type)
        .append("\" id=\"")
        .append(id)
        .append("\" name=\"")
        .append(name)
        .append("\" value=\"")
        .append(Html.escape(value))
        .append("\">");
    error(out, id, error);
  }

  private static void textarea(
      StringBuilder out,
      String id,
      String name,
      String label,
      String value,
      @Nullable String error) {
    out.append("<label for=\"")
        .append(id)
        .append("\">")
        .append(Html.escape(label))
        .append("</label>")
        .append("<textarea id=\"")
        .append(id)
        .append("\" name=\"")
        .append(name)
        .append("\" rows=\"3\">")
        .append(Html.escape(value))
        .append("</textarea>");
    error(out, id, error);
  }

  private static void checkbox(
      StringBuilder out, String id, String name, String label, boolean checked) {
    out.append("<label class=\"check\"><input type=\"checkbox\" id=\"")
        .append(id)
        .append("\" name=\"")
        .append(name)
        .append("\" value=\"on\"")
        .append(checked ? " checked" : "")
        .append("> ")
        .append(Html.escape(label))
        .append("</label>");
  }

  private static void option(StringBuilder out, String value, String label, boolean selected) {
    out.append("<option value=\"")
        .append(Html.escape(value))
        .append("\"")
        .append(selected ? " selected" : "")
        .append(">")
        .append(Html.escape(label))
        .append("</option>");
  }

  private static void error(StringBuilder out, String id, @Nullable String message) {
    if (message != null && !message.isEmpty()) {
      out.append(Layout.fieldError(id, message));
    }
  }
}
