package org.iocsync.web;

import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import jakarta.inject.Inject;

/** The main page. */
final class HomeRoutes implements Routes {
  private final SecurityFilter security;

  @Inject
  HomeRoutes(SecurityFilter security) {
    this.security = security;
  }

  @Override
  public void addTo(RoutesConfig routes) {
    routes.get("/", this::home);
  }

  private void home(Context ctx) {
    Session session = security.sessionOrAnonymous(ctx);
    String body =
        """
        <section class="card">
        <form method="post" action="logout" class="inline">
        %s
        <button type="submit">Log out</button>
        </form>
        </section>
        """
            .formatted(Layout.csrfField(session));
    ctx.html(Layout.page(ctx, "Overview", body));
  }
}
