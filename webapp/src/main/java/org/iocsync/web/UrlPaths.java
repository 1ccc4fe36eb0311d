package org.iocsync.web;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;

/** Encodes names for the paths and queries of the page's relative links. */
final class UrlPaths {
  private UrlPaths() {}

  /** A job name as one path segment. */
  static String segment(String name) {
    return URLEncoder.encode(name, StandardCharsets.UTF_8).replace("+", "%20");
  }

  /** A job name as a query parameter's value. */
  static String query(String name) {
    return URLEncoder.encode(name, StandardCharsets.UTF_8);
  }
}
