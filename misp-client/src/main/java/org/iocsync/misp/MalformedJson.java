package org.iocsync.misp;

/** A JSON answer that parses but does not hold what this client needs, and where. */
final class MalformedJson extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final String path;

  MalformedJson(String path, String problem) {
    super(problem);
    this.path = path;
  }

  String path() {
    return path;
  }
}
