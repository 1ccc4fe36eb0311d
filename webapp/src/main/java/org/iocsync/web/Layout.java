package org.iocsync.web;

import io.javalin.http.Context;

/**
 * The HTML frame every page shares: assets are bundled and linked relatively, scripts external. The
 * icon is empty and inline, so that no browser asks the origin's root (outside QRadar's app proxy
 * path) for {@code /favicon.ico}.
 */
final class Layout {
  private Layout() {}

  /**
   * Wraps a page's body.
   *
   * @param title plain text, escaped here
   * @param body HTML whose outside values the caller has escaped
   */
  static String page(Context ctx, String title, String body) {
    String root = RelativePaths.root(ctx);
    return """
        <!DOCTYPE html>
        <html lang="en">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <title>%s · IOC Sync</title>
        <link rel="icon" href="data:,">
        <link rel="stylesheet" href="%sstatic/app.css">
        <script src="%sstatic/app.js" defer></script>
        </head>
        <body>
        <header><h1>IOC Sync</h1></header>
        <main>
        %s
        </main>
        </body>
        </html>
        """
        .formatted(Html.escape(title), root, root, body);
  }

  /** A hidden field with the session's CSRF token, for a form. */
  static String csrfField(Session session) {
    return "<input type=\"hidden\" name=\""
        + SecurityFilter.CSRF_FIELD
        + "\" value=\""
        + Html.escape(session.csrfToken())
        + "\">";
  }

  /** A field's error message, or nothing. */
  static String fieldError(String id, String message) {
    if (message.isEmpty()) {
      return "";
    }
    return "<p class=\"error\" id=\"" + id + "-error\">" + Html.escape(message) + "</p>";
  }
}
