package org.iocsync.web;

import io.javalin.http.Context;
import java.util.List;
import java.util.Map;

/** Shows what a run of a job would change, and why each skipped attribute was skipped. */
final class DryRunPage {
  private DryRunPage() {}

  static String render(Context ctx, Views.DryRun report) {
    StringBuilder out = new StringBuilder();
    out.append("<section class=\"card\" id=\"dry-run\"><h2>Dry run of ")
        .append(Html.escape(report.job()))
        .append("</h2><p><a href=\"")
        .append(RelativePaths.root(ctx))
        .append("#jobs\">Back</a></p>");
    if (report.error() != null) {
      out.append("<p class=\"error\" id=\"dry-run-error\">")
          .append(Html.escape(report.error()))
          .append("</p>");
    }
    out.append("<p id=\"dry-run-counts\">Fetched ")
        .append(report.fetched())
        .append(", desired ")
        .append(report.desired())
        .append(", would add <span id=\"would-add\">")
        .append(report.added())
        .append("</span>, would remove <span id=\"would-remove\">")
        .append(report.removed())
        .append("</span>, skipped ")
        .append(report.skipped())
        .append(
            report.skippedByReason().isEmpty()
                ? ""
                : " (" + Html.escape(MainPage.reasons(report.skippedByReason())) + ")")
        .append(".</p>");
    values(out, "to-add", "Would add", report.valuesToAdd(), report.added());
    values(out, "to-remove", "Would remove", report.valuesToRemove(), report.removed());
    out.append("<h3>Skipped, and why</h3>");
    if (report.skippedExamples().isEmpty()) {
      out.append("<p class=\"muted\">Nothing was skipped.</p>");
    } else {
      out.append("<table id=\"skipped\"><thead><tr><th>Reason</th><th>Type</th><th>Value</th>")
          .append("<th>Event</th><th>Attribute</th></tr></thead><tbody>");
      for (Map.Entry<String, List<Views.Skipped>> entry : report.skippedExamples().entrySet()) {
        for (Views.Skipped skipped : entry.getValue()) {
          out.append("<tr><td>")
              .append(Html.escape(entry.getKey()))
              .append("</td><td>")
              .append(Html.escape(skipped.type()))
              .append("</td><td class=\"value\">")
              .append(Html.escape(skipped.value()))
              .append("</td><td>")
              .append(Html.escape(skipped.eventId()))
              .append("</td><td class=\"muted\">")
              .append(Html.escape(skipped.uuid()))
              .append("</td></tr>");
        }
      }
      out.append("</tbody></table>");
    }
    out.append("</section>");
    return Layout.page(ctx, "Dry run of " + report.job(), out.toString());
  }

  private static void values(
      StringBuilder out, String id, String title, List<String> values, long total) {
    out.append("<h3>").append(title).append("</h3>");
    if (values.isEmpty()) {
      out.append("<p class=\"muted\">Nothing.</p>");
      return;
    }
    out.append("<ul class=\"values\" id=\"").append(id).append("\">");
    for (String value : values) {
      out.append("<li class=\"value\">").append(Html.escape(value)).append("</li>");
    }
    out.append("</ul>");
    if (total > values.size()) {
      out.append("<p class=\"muted\">and ").append(total - values.size()).append(" more.</p>");
    }
  }
}
