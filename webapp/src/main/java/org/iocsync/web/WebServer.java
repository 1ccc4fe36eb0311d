package org.iocsync.web;

import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.http.HttpResponseException;
import io.javalin.http.HttpStatus;
import io.javalin.json.JsonMapper;
import io.javalin.router.Endpoint;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The web UI and its JSON API, served by Javalin on Jetty. */
@Singleton
final class WebServer implements AutoCloseable {
  /** Bounds request bodies; the largest legitimate one is a job with a few thousand event ids. */
  static final long MAX_REQUEST_BYTES = 1024 * 1024;

  /**
   * The buffer Javalin copies each answer through, allocated afresh for every answer: Jetty's
   * output buffer size (32 KiB) by default, which made most of the garbage, and so of the
   * collection pauses, of a server answering many status calls.
   */
  static final int COPY_BUFFER_BYTES = 8 * 1024;

  private static final Logger LOG = LoggerFactory.getLogger(WebServer.class);

  private final WebSettings settings;
  private final SyncService service;
  private final LogBuffer logs;
  private final Javalin app;

  @Inject
  WebServer(
      WebSettings settings,
      JsonMapper jsonMapper,
      SecurityFilter security,
      Set<Routes> routes,
      SyncService service,
      LogBuffer logs) {
    this.settings = settings;
    this.service = service;
    this.logs = logs;
    this.app =
        Javalin.create(
            config -> {
              config.startup.showJavalinBanner = false;
              config.startup.showOldJavalinVersionWarning = false;
              config.jsonMapper(jsonMapper);
              config.http.maxRequestSize = MAX_REQUEST_BYTES;
              config.http.responseBufferSize = COPY_BUFFER_BYTES;
              config.jetty.modifyHttpConfiguration(
                  http -> {
                    http.setSendServerVersion(false);
                    http.setSendXPoweredBy(false);
                    http.setRelativeRedirectAllowed(true);
                  });
              security.addTo(config.routes);
              for (Routes group : routes) {
                group.addTo(config.routes);
              }
              config.routes.exception(HttpResponseException.class, WebServer::refused);
              config.routes.exception(Exception.class, WebServer::failed);
              config.routes.error(404, WebServer::notFound);
            });
  }

  /**
   * Starts listening.
   *
   * @throws io.javalin.util.JavalinBindException if the address or port cannot be bound
   */
  WebServer start() {
    logs.attach();
    app.start(settings.bindAddress(), settings.port());
    LOG.info("Web UI listening on http://{}:{}/", settings.bindAddress(), port());
    return this;
  }

  int port() {
    return app.port();
  }

  /** Every endpoint the router serves, as Javalin holds them, so that a check can miss none. */
  List<Endpoint> endpoints() {
    return app.unsafe.internalRouter.allHttpHandlers().stream()
        .map(parsed -> parsed.endpoint)
        .toList();
  }

  @Override
  public void close() {
    app.stop();
    service.close();
    logs.detach();
  }

  private static void refused(HttpResponseException e, Context ctx) {
    ctx.status(e.getStatus());
    if (SecurityFilter.isApi(ctx)) {
      ctx.json(
          e instanceof ApiRoutes.InvalidRequest invalid
              ? new ApiError(e.getMessage(), invalid.fields())
              : new ApiError(e.getMessage()));
    } else {
      ctx.html(
          Layout.page(
              ctx,
              "Error",
              "<section class=\"card narrow\"><h2>"
                  + Html.escape(HttpStatus.forStatus(e.getStatus()).getMessage())
                  + "</h2><p class=\"error\">"
                  + Html.escape(e.getMessage())
                  + "</p><p><a href=\""
                  + RelativePaths.root(ctx)
                  + "\">Back</a></p></section>"));
    }
  }

  private static void failed(Exception e, Context ctx) {
    LOG.error("Unexpected failure answering {} {}", ctx.method(), ctx.path(), e);
    refused(
        new HttpResponseException(
            HttpStatus.INTERNAL_SERVER_ERROR.getCode(),
            "Unexpected failure; the server's log has the details"),
        ctx);
  }

  private static void notFound(Context ctx) {
    if (ctx.result() == null || ctx.result().isEmpty()) {
      refused(new HttpResponseException(404, "No such page: " + ctx.path()), ctx);
    }
  }
}
