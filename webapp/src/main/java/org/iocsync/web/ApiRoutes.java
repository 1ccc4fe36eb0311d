package org.iocsync.web;

import io.javalin.config.RoutesConfig;
import io.javalin.http.BadRequestResponse;
import io.javalin.http.ConflictResponse;
import io.javalin.http.ContentType;
import io.javalin.http.Context;
import io.javalin.http.HttpStatus;
import io.javalin.http.NotFoundResponse;
import jakarta.inject.Inject;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.iocsync.core.JobBusyException;
import org.iocsync.core.JobSpec;
import org.iocsync.core.RunKind;
import org.iocsync.core.Server;
import org.iocsync.core.StoredJob;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The JSON API under {@code /api/}, which the page's script uses too. */
final class ApiRoutes implements Routes {
  static final int RUN_HISTORY = 50;
  static final int LOG_LINES = 50;

  private static final Logger LOG = LoggerFactory.getLogger(ApiRoutes.class);

  private final SyncService service;
  private final LogBuffer logs;
  private volatile @Nullable StatusAnswer lastStatus;

  @Inject
  ApiRoutes(SyncService service, LogBuffer logs) {
    this.service = service;
    this.logs = logs;
  }

  @Override
  public void addTo(RoutesConfig routes) {
    routes.get("/api/jobs", ctx -> ctx.json(new Views.Jobs(jobs())));
    routes.post("/api/jobs", this::createJob);
    routes.get("/api/jobs/{name}", ctx -> ctx.json(Views.Job.of(job(ctx))));
    routes.put("/api/jobs/{name}", this::replaceJob);
    routes.delete("/api/jobs/{name}", this::deleteJob);
    routes.post("/api/jobs/{name}/run", this::run);
    routes.post("/api/jobs/{name}/dry-run", this::dryRun);
    routes.post("/api/jobs/{name}/pause", ctx -> pause(ctx, true));
    routes.post("/api/jobs/{name}/resume", ctx -> pause(ctx, false));
    routes.get("/api/status", this::status);
    routes.get("/api/runs", this::runs);
    routes.get("/api/logs", ctx -> ctx.json(new Views.Logs(logs.latest(LOG_LINES))));
    routes.put("/api/connections/{server}", this::saveConnection);
    routes.post("/api/connections/{server}/test", this::testConnection);
  }

  /**
   * Answers the status, writing its JSON again only when it differs from the last answer's: the
   * page of every user polls it, and it changes far less often than it is asked.
   */
  private void status(Context ctx) {
    Views.Status status = service.status();
    StatusAnswer last = lastStatus;
    if (last == null || !last.status().equals(status)) {
      last = new StatusAnswer(status, ctx.jsonMapper().toJsonString(status, Views.Status.class));
      lastStatus = last;
    }
    ctx.contentType(ContentType.APPLICATION_JSON).result(last.json());
  }

  private List<Views.Job> jobs() {
    return service.jobs().stream().map(Views.Job::of).toList();
  }

  private StoredJob job(Context ctx) {
    String name = ctx.pathParam("name");
    return service
        .job(name)
        .orElseThrow(() -> new NotFoundResponse("No job named " + JobReader.quote(name)));
  }

  private void createJob(Context ctx) {
    JobSpec spec = readJob(ctx);
    if (service.job(spec.name()).isPresent()) {
      throw new ConflictResponse(
          "A job named "
              + JobReader.quote(spec.name())
              + " exists: PUT /api/jobs/{name} to change it");
    }
    service.saveJob(spec);
    ctx.status(HttpStatus.CREATED).json(Views.Job.of(service.job(spec.name()).orElseThrow()));
  }

  private void replaceJob(Context ctx) {
    StoredJob existing = job(ctx);
    JobSpec spec = readJob(ctx);
    if (!spec.name().equals(existing.name())) {
      ctx.status(HttpStatus.BAD_REQUEST)
          .json(
              new ApiError(
                  "Invalid job",
                  Map.of("name", "must stay " + JobReader.quote(existing.name()) + " in a PUT")));
      ctx.skipRemainingHandlers();
      return;
    }
    service.saveJob(spec);
    ctx.json(Views.Job.of(service.job(spec.name()).orElseThrow()));
  }

  private JobSpec readJob(Context ctx) {
    Forms.Result<JobSpec> result = Forms.job(ctx.body(), service.mispTypes());
    JobSpec spec = result.value();
    if (!result.ok() || spec == null) {
      throw new InvalidRequest("Invalid job: fix the fields named", result.errors());
    }
    return spec;
  }

  private void deleteJob(Context ctx) {
    StoredJob job = job(ctx);
    service.deleteJob(job.name());
    ctx.status(HttpStatus.NO_CONTENT);
  }

  private void run(Context ctx) {
    StoredJob job = job(ctx);
    RunKind kind =
        "incremental".equalsIgnoreCase(ctx.queryParam("kind")) ? RunKind.INCREMENTAL : RunKind.FULL;
    boolean started;
    try {
      started = service.runSoon(job.name(), kind);
    } catch (JobBusyException e) {
      throw new ConflictResponse(String.valueOf(e.getMessage()));
    }
    if (!started) {
      throw new ConflictResponse("Job " + JobReader.quote(job.name()) + " is running already");
    }
    ctx.status(HttpStatus.ACCEPTED)
        .json(new Views.Started(job.name(), "The run started; GET /api/status follows it"));
  }

  private void dryRun(Context ctx) {
    StoredJob job = job(ctx);
    try {
      ctx.json(Views.DryRun.of(service.dryRun(job.name())));
    } catch (IllegalStateException e) {
      throw new ConflictResponse(String.valueOf(e.getMessage()));
    }
  }

  private void pause(Context ctx, boolean paused) {
    StoredJob job = job(ctx);
    service.setPaused(job.name(), paused);
    ctx.json(Views.Job.of(service.job(job.name()).orElseThrow()));
  }

  private void runs(Context ctx) {
    String name = ctx.queryParam("job");
    List<Views.Run> runs =
        (name == null
                ? service.store().recentRuns(RUN_HISTORY)
                : service.store().runs(name, RUN_HISTORY))
            .stream().map(Views.Run::of).toList();
    ctx.json(new Views.Runs(runs));
  }

  private void saveConnection(Context ctx) {
    Server server = server(ctx);
    Forms.Result<Forms.ConnectionForm> result =
        Forms.connection(server, ctx.body(), service.secretSet(server));
    Forms.ConnectionForm form = result.value();
    if (!result.ok() || form == null) {
      throw new InvalidRequest(
          "Invalid " + SyncService.label(server) + " connection: fix the fields named",
          result.errors());
    }
    service.saveConnection(server, form.settings(), form.secret());
    ctx.json(connection(service, server));
  }

  private void testConnection(Context ctx) {
    Server server = server(ctx);
    ctx.json(test(service, server));
  }

  static Views.Test test(SyncService service, Server server) {
    try {
      String found = service.test(server);
      LOG.info("{} connection test succeeded: {}", SyncService.label(server), found);
      return new Views.Test(server.name().toLowerCase(Locale.ROOT), true, found);
    } catch (RuntimeException e) {
      String message = e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName();
      LOG.warn("{} connection test failed: {}", SyncService.label(server), message);
      return new Views.Test(server.name().toLowerCase(Locale.ROOT), false, message);
    }
  }

  static Views.Connection connection(SyncService service, Server server) {
    return Views.Connection.of(
        server, service.connection(server).orElse(null), service.secretSet(server));
  }

  private static Server server(Context ctx) {
    String name = ctx.pathParam("server");
    return switch (name) {
      case "misp" -> Server.MISP;
      case "qradar" -> Server.QRADAR;
      default ->
          throw new NotFoundResponse("No server " + JobReader.quote(name) + ": use misp or qradar");
    };
  }

  /** A status and its JSON. */
  private record StatusAnswer(Views.Status status, String json) {}

  /** A request whose fields are wrong: answered 400 with each field's problem. */
  static final class InvalidRequest extends BadRequestResponse {
    private final Map<String, String> fields;

    InvalidRequest(String message, Map<String, String> fields) {
      super(message);
      this.fields = Map.copyOf(fields);
    }

    Map<String, String> fields() {
      return fields;
    }
  }
}
