package org.iocsync.misp;

import org.jspecify.annotations.Nullable;

/**
 * A JSON answer that parses but does not hold what this client needs, and where: a null path means
 * wherever the reader stands when the exception reaches it.
 */
final class MalformedJson extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final @Nullable String path;

  MalformedJson(@Nullable String path, String problem) {
    super(problem);
    this.path = path;
  }

  @Nullable String path() {
    return path;
  }
}
