package org.iocsync.web;

import io.javalin.config.RoutesConfig;
import io.javalin.http.HttpStatus;
import jakarta.inject.Inject;

/**
 * {@code GET /index}: the address the manifest's area (the console's "IOC Sync" tab) opens, sent on
 * to the main page.
 */
final class QradarRoutes implements Routes {
  @Inject
  QradarRoutes() {}

  @Override
  public void addTo(RoutesConfig routes) {
    routes.get("/index", ctx -> ctx.redirect("./", HttpStatus.SEE_OTHER));
  }
}
