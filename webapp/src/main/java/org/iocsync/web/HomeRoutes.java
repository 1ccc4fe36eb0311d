package org.iocsync.web;

import com.squareup.moshi.JsonWriter;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.javalin.http.HttpStatus;
import io.javalin.http.NotFoundResponse;
import jakarta.inject.Inject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import okio.Buffer;
import org.iocsync.core.JobBusyException;
import org.iocsync.core.JobSpec;
import org.iocsync.core.RunKind;
import org.iocsync.core.RunReport;
import org.iocsync.core.Server;
import org.iocsync.core.StoredJob;
import org.jspecify.annotations.Nullable;

/**
 * The main page and its plain forms, which work without script: each form posts, and the answer is
 * the page again (with the errors beside their fields) or a redirect back to it.
 */
final class HomeRoutes implements Routes {
  private final SecurityFilter security;
  private final SyncService service;
  private final MainPage page;

  @Inject
  HomeRoutes(SecurityFilter security, SyncService service, MainPage page) {
    this.security = security;
    this.service = service;
    this.page = page;
  }

  @Override
  public void addTo(RoutesConfig routes) {
    routes.get("/", this::home);
    routes.post("/connections/{server}", this::saveConnection);
    routes.post("/connections/{server}/test", this::testConnection);
    routes.post("/jobs", this::saveJob);
    routes.post("/jobs/{name}/run", this::run);
    routes.post("/jobs/{name}/dry-run", this::dryRun);
    routes.post("/jobs/{name}/pause", ctx -> pause(ctx, true));
    routes.post("/jobs/{name}/resume", ctx -> pause(ctx, false));
    routes.post("/jobs/{name}/delete", this::delete);
  }

  private void home(Context ctx) {
    MainPage.State state = MainPage.State.fresh();
    String edit = ctx.queryParam("edit");
    if (edit != null) {
      Optional<StoredJob> job = service.job(edit);
      if (job.isPresent()) {
        state = new MainPage.State(null, null, JobFields.of(job.get().spec()), edit, Map.of());
      }
    }
    ctx.html(page.render(ctx, session(ctx), state));
  }

  private void saveConnection(Context ctx) {
    Server server = server(ctx);
    String secretField = server == Server.MISP ? "key" : "token";
    String url = field(ctx, "url");
    String apiVersion = field(ctx, "apiVersion");
    String pem = field(ctx, "caCertificatePem");
    boolean verifyTls = ctx.formParam("verifyTls") != null;
    Buffer buffer = new Buffer();
    try (JsonWriter json = JsonWriter.of(buffer)) {
      json.beginObject();
      json.name("url").value(url);
      json.name(secretField).value(field(ctx, secretField));
      if (server == Server.QRADAR) {
        json.name("apiVersion").value(apiVersion);
      }
      json.name("caCertificatePem").value(pem);
      json.name("verifyTls").value(verifyTls);
      json.endObject();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }

    Forms.Result<Forms.ConnectionForm> result =
        Forms.connection(server, buffer.readUtf8(), service.secretSet(server));
    Forms.ConnectionForm form = result.value();
    if (!result.ok() || form == null) {
      MainPage.ConnectionFields fields =
          new MainPage.ConnectionFields(url, apiVersion, verifyTls, pem, result.errors());
      ctx.status(HttpStatus.BAD_REQUEST)
          .html(
              page.render(
                  ctx,
                  session(ctx),
                  new MainPage.State(server, fields, JobFields.blank(), null, Map.of())));
      return;
    }
    service.saveConnection(server, form.settings(), form.secret());
    back(ctx, true, SyncService.label(server) + " connection saved.", "");
  }

  private void testConnection(Context ctx) {
    Server server = server(ctx);
    Views.Test test = ApiRoutes.test(service, server);
    back(
        ctx,
        test.ok(),
        SyncService.label(server) + (test.ok() ? " answers: " : " test failed: ") + test.message(),
        "");
  }

  private void saveJob(Context ctx) {
    JobFields fields = JobFields.of(ctx);
    @Nullable String original = ctx.formParam("original");
    Forms.Result<JobSpec> result = Forms.job(fields.toJson(), service.mispTypes());
    Map<String, String> errors = new LinkedHashMap<>(result.errors());
    JobSpec spec = result.value();
    if (spec != null) {
      if (original == null && service.job(spec.name()).isPresent()) {
        errors.put("name", "a job of this name exists: choose another, or edit that one");
      } else if (original != null && !original.equals(spec.name())) {
        errors.put("name", "cannot be changed: add a new job and delete this one instead");
      } else if (original != null && service.job(original).isEmpty()) {
        errors.put("name", "this job was deleted meanwhile: add it again");
      }
    }
    if (spec == null || !errors.isEmpty()) {
      ctx.status(HttpStatus.BAD_REQUEST)
          .html(
              page.render(
                  ctx, session(ctx), new MainPage.State(null, null, fields, original, errors)));
      return;
    }
    service.saveJob(spec);
    back(ctx, true, "Job " + spec.name() + " saved.", "#jobs");
  }

  private void run(Context ctx) {
    StoredJob job = job(ctx);
    boolean started;
    try {
      started = service.runSoon(job.name(), RunKind.FULL);
    } catch (JobBusyException e) {
      back(ctx, false, "Run of " + job.name() + " refused: " + e.getMessage(), "#jobs");
      return;
    }
    back(
        ctx,
        started,
        started ? "Run of " + job.name() + " started." : job.name() + " is running already.",
        "#jobs");
  }

  private void dryRun(Context ctx) {
    StoredJob job = job(ctx);
    RunReport report;
    try {
      report = service.dryRun(job.name());
    } catch (IllegalStateException e) {
      back(ctx, false, "Dry run of " + job.name() + " failed: " + e.getMessage(), "#jobs");
      return;
    }
    ctx.html(DryRunPage.render(ctx, Views.DryRun.of(report)));
  }

  private void pause(Context ctx, boolean paused) {
    StoredJob job = job(ctx);
    service.setPaused(job.name(), paused);
    back(ctx, true, "Job " + job.name() + (paused ? " paused." : " resumed."), "#jobs");
  }

  private void delete(Context ctx) {
    StoredJob job = job(ctx);
    service.deleteJob(job.name());
    back(ctx, true, "Job " + job.name() + " deleted; the values it added stay in QRadar.", "#jobs");
  }

  private void back(Context ctx, boolean ok, String message, String anchor) {
    session(ctx).notice(ok, message);
    ctx.redirect(RelativePaths.root(ctx) + anchor, HttpStatus.SEE_OTHER);
  }

  private Session session(Context ctx) {
    return security.sessionOrAnonymous(ctx);
  }

  private StoredJob job(Context ctx) {
    String name = ctx.pathParam("name");
    return service
        .job(name)
        .orElseThrow(() -> new NotFoundResponse("No job named " + JobReader.quote(name)));
  }

  private static Server server(Context ctx) {
    return switch (ctx.pathParam("server")) {
      case "misp" -> Server.MISP;
      case "qradar" -> Server.QRADAR;
      default -> throw new NotFoundResponse("No such server: use misp or qradar");
    };
  }

  private static String field(Context ctx, String name) {
    String value = ctx.formParam(name);
    return value == null ? "" : value;
  }
}
