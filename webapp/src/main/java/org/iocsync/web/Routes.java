package org.iocsync.web;

import io.javalin.config.RoutesConfig;

/** A group of the web server's routes. */
interface Routes {
  void addTo(RoutesConfig routes);
}
