package org.iocsync.web;

import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.javalin.http.HttpStatus;
import io.javalin.http.NotFoundResponse;
import jakarta.inject.Inject;
import java.util.List;
import java.util.Optional;
import org.iocsync.testkit.FakeMisp;
import org.iocsync.testkit.FakeQradar;

/**
 * Under {@code ioc-sync demo} only: a look into the fake QRadar's sets, and buttons that change the
 * fake MISP, so that a newcomer can watch additions and withdrawals flow.
 */
final class DemoRoutes implements Routes {
  private final Optional<DemoServers> demo;
  private final SecurityFilter security;

  @Inject
  DemoRoutes(Optional<DemoServers> demo, SecurityFilter security) {
    this.demo = demo;
    this.security = security;
  }

  @Override
  public void addTo(RoutesConfig routes) {
    if (demo.isEmpty()) {
      return;
    }
    routes.get("/demo", this::page);
    routes.post("/demo/attributes/{uuid}/delete", ctx -> change(ctx, true));
    routes.post("/demo/attributes/{uuid}/no-ids", ctx -> change(ctx, false));
  }

  private void page(Context ctx) {
    DemoServers servers = demo.orElseThrow();
    Session session = security.sessionOrAnonymous(ctx);
    StringBuilder out = new StringBuilder();
    out.append("<p><a href=\"./\">Back to IOC Sync</a></p>");
    out.append("<section class=\"card\" id=\"demo-misp\"><h2>Fake MISP</h2>")
        .append("<p class=\"muted\">")
        .append(servers.misp.url())
        .append(" holds ")
        .append(servers.misp.attributeCount())
        .append(" attributes. Delete one, or turn off its to_ids flag, and watch the next full run")
        .append(" withdraw it from QRadar.</p>")
        .append("<table><thead><tr><th>Type</th><th>Value</th><th>to_ids</th><th>Deleted</th>")
        .append("<th></th></tr></thead><tbody>");
    for (FakeMisp.Attribute attribute : servers.misp.attributes(servers.watchedEvent)) {
      String uuid = Html.escape(UrlPaths.segment(attribute.uuid()));
      out.append("<tr><td>")
          .append(Html.escape(attribute.type()))
          .append("</td><td class=\"value\">")
          .append(Html.escape(attribute.value()))
          .append("</td><td>")
          .append(attribute.toIds())
          .append("</td><td>")
          .append(attribute.deleted())
          .append("</td><td>");
      if (!attribute.deleted()) {
        button(out, session, "demo/attributes/" + uuid + "/delete", "Delete in MISP");
      }
      if (attribute.toIds()) {
        button(out, session, "demo/attributes/" + uuid + "/no-ids", "Turn off to_ids");
      }
      out.append("</td></tr>");
    }
    out.append("</tbody></table></section>");

    out.append("<section class=\"card\" id=\"demo-qradar\"><h2>Fake QRadar</h2><p class=\"muted\">")
        .append(servers.qradar.url())
        .append("</p>");
    List<FakeQradar.ReferenceSet> sets = servers.qradar.sets();
    if (sets.isEmpty()) {
      out.append(
          "<p class=\"muted\">No reference set yet: the jobs create theirs on their first"
              + " run.</p>");
    }
    for (FakeQradar.ReferenceSet set : sets) {
      out.append("<h3>")
          .append(Html.escape(set.name()))
          .append(" <span class=\"muted\">")
          .append(Html.escape(set.elementType()))
          .append(", ")
          .append(set.size())
          .append(" values</span></h3><ul class=\"values\">");
      servers.qradar.values(set.name()).stream()
          .sorted()
          .limit(200)
          .forEach(value -> out.append("<li>").append(Html.escape(value)).append("</li>"));
      out.append("</ul>");
    }
    out.append("</section>");
    ctx.html(Layout.page(ctx, "Demo servers", out.toString()));
  }

  private void change(Context ctx, boolean delete) {
    DemoServers servers = demo.orElseThrow();
    String uuid = ctx.pathParam("uuid");
    if (servers.misp.attribute(uuid).isEmpty()) {
      throw new NotFoundResponse("No attribute " + JobReader.quote(uuid) + " in the fake MISP");
    }
    if (delete) {
      servers.misp.deleteAttribute(uuid);
    } else {
      servers.misp.setToIds(uuid, false);
    }
    ctx.redirect(RelativePaths.to(ctx, "demo"), HttpStatus.SEE_OTHER);
  }

  private static void button(StringBuilder out, Session session, String action, String label) {
    out.append("<form method=\"post\" class=\"inline\" action=\"")
        .append(action)
        .append("\">")
        .append(Layout.csrfField(session))
        .append("<button type=\"submit\" class=\"secondary\">")
        .append(label)
        .append("</button></form>");
  }
}
