package org.iocsync.web;

import io.javalin.http.Context;

/**
 * Builds links relative to the app's root, so that the app works wherever a proxy mounts it (QRadar
 * serves apps under {@code /console/plugins/{id}/app_proxy/}).
 */
final class RelativePaths {
  private RelativePaths() {}

  /** The way from the request's path back to the app's root: {@code ./}, {@code ../}, ... */
  static String root(Context ctx) {
    String path = ctx.path();
    int depth = 0;
    for (int i = 1; i < path.length(); i++) {
      if (path.charAt(i) == '/') {
        depth++;
      }
    }
    return depth == 0 ? "./" : "../".repeat(depth);
  }

  /** A link to a path under the app's root, such as {@code login}. */
  static String to(Context ctx, String path) {
    return root(ctx) + path;
  }
}
