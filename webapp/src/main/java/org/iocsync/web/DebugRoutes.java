package org.iocsync.web;

import io.javalin.config.RoutesConfig;
import jakarta.inject.Inject;

/** {@code GET /debug}: the health check QRadar's app framework calls, open to anyone. */
final class DebugRoutes implements Routes {
  @Inject
  DebugRoutes() {}

  @Override
  public void addTo(RoutesConfig routes) {
    routes.get("/debug", ctx -> ctx.contentType("text/plain; charset=utf-8").result("Pong!"));
  }
}
