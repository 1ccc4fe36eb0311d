package org.iocsync.web;

import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import jakarta.inject.Inject;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/** The bundled stylesheet and script: nothing is loaded from elsewhere. */
final class StaticRoutes implements Routes {
  private final byte[] script = resource("static/app.js");
  private final byte[] stylesheet = resource("static/app.css");

  @Inject
  StaticRoutes() {}

  @Override
  public void addTo(RoutesConfig routes) {
    routes.get("/static/app.js", ctx -> send(ctx, "text/javascript; charset=utf-8", script));
    routes.get("/static/app.css", ctx -> send(ctx, "text/css; charset=utf-8", stylesheet));
  }

  private static void send(Context ctx, String contentType, byte[] body) {
    ctx.header("Cache-Control", "no-cache");
    ctx.contentType(contentType).result(body);
  }

  private static byte[] resource(String name) {
    try (InputStream in = StaticRoutes.class.getResourceAsStream(name)) {
      if (in == null) {
        throw new IllegalStateException("The bundled asset " + name + " is missing from the jar");
      }
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
